// Fuzzes the model loader: arbitrary bytes must load cleanly or fail with a
// status, never crash or allocate without bound. The first byte selects the
// expected task, so the task check is exercised too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "voc/classifier.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto model = voc::TextClassifier::FromBytes(bytes);
  if (model.ok()) {
    (void)(*model)->Predict("I was charged twice for the same order!", 3);
    (void)(*model)->PredictAboveThresholds("late parcel, locked account");
    (void)(*model)->Explain("refund please", {}, 3);
    (void)(*model)->Serialize();
  } else if (model.status().message().empty()) {
    __builtin_trap();  // every failure must say why
  }
  return 0;
}
