// Build-time tool: turns models/sentiment_lexicon.tsv (kind<TAB>term<TAB>
// valence lines; '#' comments) into the C++ tables of
// src/sentiment/sentiment_lexicon.h, so the lexicon is kept as data and
// compiled into libvoc. Usage: embed_lexicon IN.tsv OUT.cc
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

// A C string literal: printable ASCII as is (but '?', against trigraphs),
// quotes and backslashes escaped, every other byte in octal.
std::string CString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char b : s) {
    if (b == '"' || b == '\\') {
      out += '\\';
      out += static_cast<char>(b);
    } else if (b >= 0x20 && b < 0x7F && b != '?') {
      out += static_cast<char>(b);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", b);
      out += buf;
    }
  }
  return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: embed_lexicon IN.tsv OUT.cc\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "embed_lexicon: cannot read " << argv[1] << "\n";
    return 1;
  }
  std::vector<std::string> words, emoji;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    const size_t t1 = line.find('\t');
    const size_t t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos || line.find('\t', t2 + 1) != std::string::npos) {
      std::cerr << argv[1] << ":" << n << ": expected kind<TAB>term<TAB>valence\n";
      return 1;
    }
    const std::string kind = line.substr(0, t1), term = line.substr(t1 + 1, t2 - t1 - 1);
    const std::string valence = line.substr(t2 + 1);
    char* end = nullptr;
    std::strtod(valence.c_str(), &end);
    if (term.empty() || valence.empty() || *end != '\0' || (kind != "word" && kind != "emoji")) {
      std::cerr << argv[1] << ":" << n << ": bad entry (kind word|emoji, a term, a number)\n";
      return 1;
    }
    (kind == "word" ? words : emoji).push_back("    {" + CString(term) + ", " + valence + "f},\n");
  }
  std::ostringstream out;
  out << "// Generated at build time from models/sentiment_lexicon.tsv by cmake/embed_lexicon.cc.\n"
      << "#include \"sentiment/sentiment_lexicon.h\"\n\nnamespace voc {\nnamespace sentiment_internal {\n\n"
      << "const LexiconEntry kLexiconTerms[] = {\n";
  for (const auto& w : words) out << w;
  out << "};\nconst size_t kLexiconTermCount = sizeof(kLexiconTerms) / sizeof(kLexiconTerms[0]);\n\n"
      << "const LexiconEntry kEmojiTerms[] = {\n";
  for (const auto& e : emoji) out << e;
  out << "};\nconst size_t kEmojiTermCount = sizeof(kEmojiTerms) / sizeof(kEmojiTerms[0]);\n\n"
      << "}  // namespace sentiment_internal\n}  // namespace voc\n";
  std::ofstream o(argv[2], std::ios::binary | std::ios::trunc);
  o << out.str();
  if (!o.flush()) {
    std::cerr << "embed_lexicon: cannot write " << argv[2] << "\n";
    return 1;
  }
  return 0;
}
