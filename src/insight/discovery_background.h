// The general background of theme discovery (models/BACKGROUND.md): how
// common each content word and two-word phrase is in general text.
#ifndef VOC_SRC_INSIGHT_DISCOVERY_BACKGROUND_H_
#define VOC_SRC_INSIGHT_DISCOVERY_BACKGROUND_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "voc/status.h"

namespace voc {
namespace internal {

struct Background {
  // phrase (content words joined by one space) -> documents per million.
  std::unordered_map<std::string, uint32_t> per_million;
  uint32_t min_per_million = 0;  // the smallest rate listed
  // The rate of a phrase in general text: its listed rate, else half the
  // smallest listed one and at most 100 per million (a background lists the
  // common phrases; the others are rarer).
  double Rate(const std::string& phrase) const;
};

// Parses the text of a background file; messages name `name` and the line.
Result<std::shared_ptr<const Background>> ParseBackground(std::string_view text, const std::string& name);

// Reads and parses `path`, once per path and process (later calls share the
// table). NotFound when the file does not exist.
Result<std::shared_ptr<const Background>> LoadBackground(const std::string& path);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_INSIGHT_DISCOVERY_BACKGROUND_H_
