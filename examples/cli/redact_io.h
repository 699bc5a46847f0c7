// Line-oriented input and JSON string output shared by the text commands of
// the `voc` CLI (redact, normalize).
#ifndef VOC_EXAMPLES_CLI_REDACT_IO_H_
#define VOC_EXAMPLES_CLI_REDACT_IO_H_

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <string_view>

#include "cli.h"
#include "line_map.h"

namespace voc_cli {

// Maps the lines of `path` ("-" = stdin) to output lines on `threads`
// threads (line_map.h), in input order, to stdout. Throws Failure when the
// file cannot be opened or read.
inline void MapInputLines(const std::string& path, int threads,
                          const std::function<void(size_t, const std::string&, std::string*)>& map) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw Failure("cannot read '" + path + "'");
    file.open(path, std::ios::binary);
    if (!file) throw Failure("cannot open '" + path + "': " + std::strerror(errno));
    in = &file;
  }
  if (!MapLines(*in, threads, map, stdout)) throw Failure("cannot read '" + path + "'");
}

}  // namespace voc_cli

#endif  // VOC_EXAMPLES_CLI_REDACT_IO_H_
