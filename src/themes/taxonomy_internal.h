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

// Reads a taxonomy file's bytes: NotFound when it cannot be opened.
Result<std::string> ReadTaxonomyText(const std::string& path);

// When the JSON `text` of the taxonomy file `path` has "extends", returns
// the base taxonomy (read relative to `path`, itself resolved) with this
// file's themes, packs, removals, aliases and model labels merged in, as JSON
// text; otherwise returns `text` unchanged. Format: models/TAXONOMY.md.
Result<std::string> ResolveTaxonomyExtends(const std::string& path, std::string text, int depth = 0);

}  // namespace internal
}  // namespace voc

#endif  // VOC_SRC_TAXONOMY_INTERNAL_H_
