// The CLI's heap set-up before main.
#ifndef VOC_EXAMPLES_CLI_HEAP_SETUP_H_
#define VOC_EXAMPLES_CLI_HEAP_SETUP_H_

#include <cstddef>

namespace voc_cli {

// What was done before any library initialised: tcmalloc's zero-filled
// segment, which its set-up clears, populated in one call. An executable
// linked with heap_setup.cc and tcmalloc has this from its preinit array:
// there is nothing to call.
struct BssPreparation {
  bool found = false;  // tcmalloc's segment was found
  size_t bytes = 0;    // bytes populated
  int error = 0;       // errno of a refused call (EINVAL before Linux 5.14)
};
BssPreparation TcmallocBssPreparation();

}  // namespace voc_cli

#endif  // VOC_EXAMPLES_CLI_HEAP_SETUP_H_
