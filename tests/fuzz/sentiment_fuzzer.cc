// Fuzzes sentiment scoring: any bytes are scored without crashing, scores stay
// in range, and every evidence span and sentence lies inside the input. Both
// entry points are exercised (built-in scanner and the Tokenizer's tokens).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "voc/sentiment.h"
#include "voc/tokenizer.h"

namespace {

void Check(std::string_view text, const voc::SentimentResult& r) {
  const voc::Sentiment& d = r.document;
  if (!(d.score >= -1.0 && d.score <= 1.0)) __builtin_trap();
  if (!(d.confidence >= 0.0 && d.confidence <= 1.0)) __builtin_trap();
  for (const auto& e : d.evidence)
    if (e.begin >= e.end || e.end > text.size()) __builtin_trap();
  for (const auto& s : r.sentences) {
    if (s.begin > s.end || s.end > text.size()) __builtin_trap();
    for (const auto& e : s.sentiment.evidence)
      if (e.begin >= e.end || e.end > text.size()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<voc::SentimentAnalyzer> analyzer = std::move(*voc::SentimentAnalyzer::Create({}));
  static std::unique_ptr<voc::Tokenizer> tokenizer = std::move(*voc::Tokenizer::Create({}));
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Check(text, analyzer->Analyze(text));
  Check(text, analyzer->Analyze(text, tokenizer->Tokenize(text)));
  return 0;
}
