// Maps the lines of a stream to output lines on several threads, keeping
// the input order: the CLI commands that take one text per line use it.
#ifndef VOC_EXAMPLES_CLI_LINE_MAP_H_
#define VOC_EXAMPLES_CLI_LINE_MAP_H_

#include <cstdio>
#include <functional>
#include <istream>
#include <string>
#include <string_view>

namespace voc_cli {

// Writes `data` to `to`'s file descriptor, after flushing what `to` holds:
// the large chunks of the commands go to the kernel without a copy into the
// stream's buffer. Retries partial and interrupted writes; throws Failure
// ("write error on output: ...") when the descriptor refuses.
void WriteAll(std::FILE* to, std::string_view data);

// Reads `in` line by line (a trailing '\r' is dropped), calls
// `map(number, line, &out)` for each (numbers count from 1) on `threads` threads (0: one per core; the
// calling thread is one of them), which appends the line's output to `out` (it may hold the
// outputs of earlier lines: `map` must not clear or assign it), and writes each output with a
// newline to `to`, in input order. Lines are processed in batches of `batch`. Returns
// false if reading failed (in.bad()).
bool MapLines(std::istream& in, int threads,
              const std::function<void(size_t, const std::string&, std::string*)>& map, std::FILE* to,
              size_t batch = 1024);

}  // namespace voc_cli

#endif  // VOC_EXAMPLES_CLI_LINE_MAP_H_
