// Safety of the files a command writes: no output may be the same file as an
// input or as another output, and temporary files are removed when the
// process is interrupted (SIGINT, SIGTERM, SIGHUP).
#ifndef VOC_EXAMPLES_CLI_OUTPUT_FILES_H_
#define VOC_EXAMPLES_CLI_OUTPUT_FILES_H_

#include <string>
#include <utility>
#include <vector>

namespace voc_cli {

// A file named on the command line: the flag that named it ("INPUT",
// "--rejects", "-o" ...) and its path ("-" is standard input or output).
struct NamedFile {
  std::string flag;
  std::string path;
};

// Throws UsageError when an output is the same file as an input or as another
// output: the same device and inode when both exist (so hard links, symlinks
// and ./a vs a are caught), else the same absolute path. Character devices and
// FIFOs (/dev/null, /dev/stdout to a terminal, pipes) may repeat. An input of
// "-" is compared through standard input's descriptor.
void CheckDistinctFiles(const std::vector<NamedFile>& inputs, const std::vector<NamedFile>& outputs);

// Installs, once, handlers for SIGINT, SIGTERM and SIGHUP that remove the
// registered temporary files and then die of the same signal.
void InstallTempCleanup();
// Registers a temporary file for removal on a signal; returns a slot for
// UnregisterTemp (-1 when the table is full: the file is then not removed).
int RegisterTemp(const std::string& path);
void UnregisterTemp(int slot);

// Defers SIGINT, SIGTERM and SIGHUP for its lifetime (one that arrives is
// acted on at the end): a short write-and-rename is never cut in the middle.
class SignalsDeferred {
 public:
  SignalsDeferred();
  ~SignalsDeferred();
  SignalsDeferred(const SignalsDeferred&) = delete;
  SignalsDeferred& operator=(const SignalsDeferred&) = delete;
};

}  // namespace voc_cli

#endif  // VOC_EXAMPLES_CLI_OUTPUT_FILES_H_
