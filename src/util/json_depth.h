// Private: a nesting-depth check run before any JSON text is parsed, so that
// no hostile input (100,000 nested arrays in one JSONL line) reaches the
// recursive parts of the JSON library (dump, comparison) or exhausts the stack.
#ifndef VOC_SRC_JSON_DEPTH_H_
#define VOC_SRC_JSON_DEPTH_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace voc::internal {

// Deepest nesting of arrays and objects voc accepts in any JSON it reads
// (records, taxonomies, aggregates, model metadata). Its own files nest less
// than 10 levels.
inline constexpr int kMaxJsonDepth = 64;

// Calls `visit(i, c)` for each bracket of `json` outside its strings (with
// their escapes), in order: `c` is '[', '{', ']' or '}' at byte `i`. Stops
// when `visit` returns false. The text need not be valid JSON.
template <class Visit>
void ForEachJsonBracket(std::string_view json, Visit visit) {
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{' || c == ']' || c == '}') {
      if (!visit(i, c)) return;
    }
  }
}

// Returns an empty string when `json` nests arrays/objects at most
// `max_depth` deep, else the reason with the byte offset where the limit is
// crossed: "JSON nested deeper than 64 levels at byte 64". Strings (with
// their escapes) are skipped; the text need not be valid JSON.
inline std::string JsonDepthError(std::string_view json, int max_depth = kMaxJsonDepth) {
  int depth = 0;
  std::string error;
  ForEachJsonBracket(json, [&](size_t i, char c) {
    if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        error =
            "JSON nested deeper than " + std::to_string(max_depth) + " levels at byte " + std::to_string(i);
        return false;
      }
    } else if (depth > 0) {
      --depth;
    }
    return true;
  });
  return error;
}

}  // namespace voc::internal

#endif  // VOC_SRC_JSON_DEPTH_H_
