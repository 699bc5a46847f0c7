// Private: loading a taxonomy whose patterns are about to be compiled.
#ifndef VOC_SRC_TAXONOMY_INTERNAL_H_
#define VOC_SRC_TAXONOMY_INTERNAL_H_

#include <memory>
#include <string>

#include "voc/status.h"
#include "voc/taxonomy.h"

namespace voc {
namespace internal {

// Taxonomy::LoadFile without parsing each pattern (empty patterns are still
// refused): for a caller that compiles the patterns right after, where a
// syntax error makes the compile fail, and that then calls LoadFile for its
// message. Parsing every pattern twice was a fifth of voc analyze's start-up
// on the thread that compiles the themes.
Result<std::unique_ptr<Taxonomy>> LoadTaxonomyDeferringPatternChecks(const std::string& path);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_TAXONOMY_INTERNAL_H_
