// Fuzzes the taxonomy loader: arbitrary bytes as taxonomy JSON; when they
// parse, the classifier is built and run on a fixed text and on the input
// itself, and a FromLabels taxonomy is built from the input's lines.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "voc/taxonomy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto tax = voc::Taxonomy::Parse(input);
  if (tax.ok()) {
    std::shared_ptr<const voc::Taxonomy> shared = std::move(*tax);
    for (const auto& t : shared->themes()) (void)shared->Find(t.id);
    auto clf = voc::ThemeClassifier::Create(shared);
    if (clf.ok()) {
      std::vector<std::pair<std::string, double>> scores;
      for (const auto& [label, id] : shared->model_labels()) scores.emplace_back(label, 0.9);
      for (const auto& h : (*clf)->Classify("I was charged twice. The agent was rude!", scores))
        if (h.evidence.empty()) __builtin_trap();
      for (const auto& h : (*clf)->Classify(input))
        for (const auto& e : h.evidence)
          if (e.end > input.size() || e.begin > e.end) __builtin_trap();
    } else if (clf.status().message().empty()) {
      __builtin_trap();
    }
  } else if (tax.status().message().empty()) {
    __builtin_trap();
  }
  std::vector<std::string> labels;
  size_t start = 0;
  for (size_t i = 0; i <= input.size() && labels.size() < 64; ++i) {
    if (i == input.size() || input[i] == '\n') {
      labels.emplace_back(input.substr(start, i - start));
      start = i + 1;
    }
  }
  auto flat = voc::Taxonomy::FromLabels(labels);
  if (flat.ok()) {
    for (const auto& [label, id] : (*flat)->model_labels())
      if ((*flat)->FindModelLabel(label) == nullptr) __builtin_trap();
  }
  return 0;
}
