// Output files written whole or not at all.
#ifndef VOC_FILES_H_
#define VOC_FILES_H_

#include <string>
#include <string_view>

#include "voc/status.h"

namespace voc {

// Writes `data` to a temporary file (a unique name) in the directory of
// `path`, then renames it over `path`, so readers never see a partial file.
// A symlink is followed (its target is replaced, the link kept); a device,
// FIFO or socket (/dev/null, /dev/stdout) is written in place. Write errors
// (ENOSPC on /dev/full) are DataLoss errors naming `path`.
Status WriteFileAtomic(const std::string& path, std::string_view data);

}  // namespace voc

#endif  // VOC_FILES_H_
