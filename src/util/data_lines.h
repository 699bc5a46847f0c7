// DataLines: the lines of a data file (lexicons, backgrounds) held in memory,
// without their "\n" or "\r\n", skipping blank lines and '#' comments; the
// line number of the last one given is kept for error messages.
#ifndef VOC_UTIL_DATA_LINES_H_
#define VOC_UTIL_DATA_LINES_H_

#include <cstddef>
#include <string_view>

namespace voc {
namespace internal {

class DataLines {
 public:
  explicit DataLines(std::string_view text) : text_(text) {}

  // Sets `*line` to the next line that is neither blank nor a comment;
  // false at the end of the text.
  bool Next(std::string_view* line) {
    while (pos_ < text_.size()) {
      size_t eol = text_.find('\n', pos_);
      if (eol == std::string_view::npos) eol = text_.size();
      std::string_view l = text_.substr(pos_, eol - pos_);
      pos_ = eol + 1;
      ++line_no_;
      if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
      if (l.empty() || l.front() == '#') continue;
      *line = l;
      return true;
    }
    return false;
  }

  // 1-based number of the line Next() gave last.
  size_t line_no() const { return line_no_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  size_t line_no_ = 0;
};

}  // namespace internal
}  // namespace voc

#endif  // VOC_UTIL_DATA_LINES_H_
