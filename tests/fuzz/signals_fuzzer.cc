// Fuzzes the CX signal detector on arbitrary bytes: every hit's span must lie
// inside the input and the intensity must stay in [0, 1].
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "voc/signals.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::unique_ptr<voc::SignalDetector> detector = [] {
    auto r = voc::SignalDetector::Create();
    if (!r.ok()) __builtin_trap();
    return std::move(*r);
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  voc::SignalResult r = detector->Detect(text);
  if (!(r.emotion_intensity >= 0.0 && r.emotion_intensity <= 1.0)) __builtin_trap();
  for (const auto& h : r.hits) {
    if (h.evidence.begin >= h.evidence.end || h.evidence.end > size) __builtin_trap();
    if (h.evidence.source.rfind("cue:", 0) != 0) __builtin_trap();
  }
  return 0;
}
