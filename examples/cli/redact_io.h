// Line-oriented input and JSON string output shared by the text commands of
// the `voc` CLI (redact, normalize).
#ifndef VOC_EXAMPLES_CLI_REDACT_IO_H_
#define VOC_EXAMPLES_CLI_REDACT_IO_H_

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "cli.h"

namespace voc_cli {

// Reads `path` ("-" = stdin) line by line; calls `fn(line)` for each line
// without its "\n". Throws Failure when the file cannot be opened or read.
template <typename Fn>
void ForEachLine(const std::string& path, Fn fn) {
  FILE* in = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (in == nullptr)
    throw Failure("cannot open '" + path + "': " + std::strerror(errno));
  std::string line;
  char buf[1 << 16];
  bool pending = false;
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, in)) > 0) {
    size_t start = 0;
    for (size_t i = 0; i < n; ++i) {
      if (buf[i] != '\n') continue;
      line.append(buf + start, i - start);
      fn(std::string_view(line));
      line.clear();
      start = i + 1;
    }
    line.append(buf + start, n - start);
    pending = !line.empty();
  }
  const bool failed = std::ferror(in) != 0;
  if (in != stdin) std::fclose(in);
  if (failed) throw Failure("cannot read '" + path + "'");
  if (pending) fn(std::string_view(line));
}

// Appends `s` (valid UTF-8) to `out` as a JSON string literal.
inline void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20) {
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\u%04x", c);
          *out += esc;
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

}  // namespace voc_cli

#endif  // VOC_EXAMPLES_CLI_REDACT_IO_H_
