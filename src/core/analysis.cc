#include "voc/analysis.h"

namespace voc {

const char* PolarityName(Polarity p) {
  switch (p) {
    case Polarity::kNegative:
      return "negative";
    case Polarity::kNeutral:
      return "neutral";
    case Polarity::kPositive:
      return "positive";
  }
  return "neutral";
}

const char* ValueRoleName(ValueRole r) {
  switch (r) {
    case ValueRole::kCreator:
      return "creator";
    case ValueRole::kEnhancer:
      return "enhancer";
    case ValueRole::kCommunicator:
      return "communicator";
    case ValueRole::kService:
      return "service";
    case ValueRole::kUnknown:
      return "unknown";
  }
  return "unknown";
}

const char* SignalName(Signal s) {
  switch (s) {
    case Signal::kRepeatContact:
      return "repeat_contact";
    case Signal::kEffort:
      return "effort";
    case Signal::kAvoidableContact:
      return "avoidable_contact";
    case Signal::kChurnRisk:
      return "churn_risk";
    case Signal::kExpectationMismatch:
      return "expectation_mismatch";
    case Signal::kUrgencySafety:
      return "urgency_safety";
    case Signal::kEmotionIntensity:
      return "emotion_intensity";
  }
  return "unknown";
}

}  // namespace voc
