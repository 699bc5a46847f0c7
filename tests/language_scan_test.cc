// The English-cue word scan and the model's line (text/language_internal.h)
// read eight bytes at a time and write through a pointer; these tests hold
// them to the byte-by-byte code they replace on random and shipped-like
// texts.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "text/language_internal.h"

namespace {

bool CueWordByte(unsigned char b) { return ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') || b == '\''; }
bool CueWordStart(unsigned char b) { return (b | 0x20) >= 'a' && (b | 0x20) <= 'z'; }

// The byte-by-byte scan the eight-byte one replaced, with the cue words
// looked up in the plain lists.
voc::internal::CueCounts ReferenceCounts(std::string_view text) {
  static const std::vector<std::string_view> english = voc::internal::EnglishCueWords();
  static const std::vector<std::string_view> foreign = voc::internal::ForeignCueWords();
  voc::internal::CueCounts c;
  for (size_t i = 0; i < text.size();) {
    if (!CueWordStart(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && CueWordByte(static_cast<unsigned char>(text[j]))) ++j;
    ++c.words;
    std::string w(text.substr(i, j - i));
    for (char& ch : w) ch = static_cast<char>(ch | 0x20);  // letters, and the apostrophe keeps its bit
    if (std::find(foreign.begin(), foreign.end(), w) != foreign.end()) {
      c.foreign = true;
      return c;
    }
    if (std::find(english.begin(), english.end(), w) != english.end()) ++c.english;
    i = j;
  }
  return c;
}

std::string RandomText(std::mt19937* rng) {
  static const char* const kPieces[] = {"the",
                                        "The",
                                        "THE",
                                        "and",
                                        "you",
                                        "I'm",
                                        "DON'T",
                                        "shouldn't",
                                        "Everything",
                                        "tomorrow",
                                        "de",
                                        "La",
                                        "nicht",
                                        "y",
                                        "und",
                                        "muito",
                                        "x",
                                        "ab",
                                        "'",
                                        "''",
                                        " ",
                                        "  ",
                                        "\n",
                                        "\t",
                                        ",",
                                        ".",
                                        "!",
                                        "@user",
                                        "#tag",
                                        "http://a.b/c",
                                        "9",
                                        "1st",
                                        "\xC3\xA9",
                                        "\xF0\x9F\x98\x80",
                                        "-",
                                        "_",
                                        "[URL]",
                                        "abcdefghij",
                                        "abcdefghijklmnop",
                                        "zz",
                                        "`",
                                        "{",
                                        "@",
                                        "Z",
                                        "a'b",
                                        "theyre",
                                        "i'M"};
  std::uniform_int_distribution<size_t> pick(0, std::size(kPieces) - 1);
  std::uniform_int_distribution<int> count(0, 30);
  std::string s;
  for (int i = count(*rng); i > 0; --i) s += kPieces[pick(*rng)];
  return s;
}

// Any bytes at all.
std::string RandomBytes(std::mt19937* rng) {
  std::uniform_int_distribution<int> len(0, 40), byte(0, 255);
  std::string s(static_cast<size_t>(len(*rng)), '\0');
  for (char& c : s) c = static_cast<char>(byte(*rng));
  return s;
}

// The model's line as the string-appending code wrote it.
std::string ReferenceModelLine(std::string_view text) {
  std::string line;
  for (size_t i = 0; i < text.size() && line.size() < 300;) {
    if (static_cast<unsigned char>(text[i]) <= ' ') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && static_cast<unsigned char>(text[j]) > ' ') ++j;
    std::string_view tok = text.substr(i, j - i);
    i = j;
    if (tok[0] == '@' || tok.compare(0, 4, "http") == 0 || tok.compare(0, 4, "www.") == 0) continue;
    if (tok.size() > 2 && tok.front() == '[' && tok.find(']') != std::string_view::npos) continue;
    while (!tok.empty() && tok[0] == '#') tok.remove_prefix(1);
    if (tok.empty()) continue;
    if (!line.empty()) line.push_back(' ');
    for (char c : tok) line.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  }
  line.push_back('\n');
  return line;
}

// Checks CountCueWords against the reference on `text`; returns its counts.
voc::internal::CueCounts CheckCounts(const std::string& text) {
  const voc::internal::CueCounts want = ReferenceCounts(text);
  const voc::internal::CueCounts got = voc::internal::CountCueWords(text);
  INFO("text '" << text << "'");
  CHECK(got.words == want.words);
  CHECK(got.english == want.english);
  CHECK(got.foreign == want.foreign);
  return got;
}

}  // namespace

TEST_CASE("the eight-byte cue word scan counts as the byte-by-byte scan") {
  std::mt19937 rng(2026);
  int words = 0, english = 0, foreign = 0;
  for (int t = 0; t < 60000; ++t) {
    const voc::internal::CueCounts got = CheckCounts(t % 4 == 3 ? RandomBytes(&rng) : RandomText(&rng));
    words += got.words;
    english += got.english;
    foreign += got.foreign ? 1 : 0;
  }
  CHECK(words > 100000);
  CHECK(english > 20000);
  CHECK(foreign > 10000);
}

TEST_CASE("a cue word at every offset and length near the eight-byte boundary") {
  // "shouldn't" (9 bytes) and "the" after 0..12 bytes of padding, with and
  // without a byte after them: the word's end is found inside and past the
  // eight bytes read, and at the text's end.
  for (const std::string word : {"the", "shouldn't", "everything", "don't", "abcdefg", "abcdefgh"}) {
    for (size_t pad = 0; pad <= 12; ++pad) {
      for (const std::string tail : {"", " ", "x", ". and you", "\xC3\xA9"}) {
        CheckCounts(std::string(pad, ' ') + word + tail);
      }
    }
  }
}

TEST_CASE("the model's line is written as the appending code wrote it") {
  std::mt19937 rng(7);
  std::string line;
  for (int t = 0; t < 30000; ++t) {
    std::string text = t % 3 == 2 ? RandomBytes(&rng) : RandomText(&rng);
    if (t % 50 == 0) text = std::string(400, 'a') + " B " + text;  // past the model's 300 bytes
    voc::internal::LanguageModelLine(text, &line);
    INFO("text '" << text << "'");
    CHECK(line == ReferenceModelLine(text));
  }
}
