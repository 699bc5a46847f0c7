// Uses the installed voc headers and library.
#include <voc/analysis.h>
#include <voc/status.h>

#include <cstdio>
#include <cstring>

int main() {
  voc::Status s = voc::InvalidArgumentError("probe");
  if (s.ToString() != "INVALID_ARGUMENT: probe") return 1;
  if (std::strcmp(voc::SignalName(voc::Signal::kChurnRisk), "churn_risk") != 0) return 1;
  std::printf("voc consumer OK\n");
  return 0;
}
