// The general background of theme discovery (discovery_background.h).
#include "insight/discovery_background.h"
#include "util/data_lines.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <utility>

#include <sys/stat.h>

namespace voc {
namespace internal {

double Background::Rate(const std::string& phrase) const {
  auto it = per_million.find(phrase);
  const double ppm = it != per_million.end() ? it->second : 0.5 * std::min<uint32_t>(min_per_million, 200);
  return ppm / 1e6;
}

Result<std::shared_ptr<const Background>> ParseBackground(std::string_view text, const std::string& name) {
  auto bg = std::make_shared<Background>();
  bool header = false;
  internal::DataLines lines(text);
  auto fail = [&](const std::string& why) {
    return InvalidArgumentError("background " + name + " line " + std::to_string(lines.line_no()) + ": " +
                                why);
  };
  std::string_view line;
  while (lines.Next(&line)) {
    if (!header) {
      if (line != "phrase\tper_million")
        return fail("expected the header \"phrase<TAB>per_million\" before any entry");
      header = true;
      continue;
    }
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos || line.find('\t', tab + 1) != std::string_view::npos)
      return fail("expected 2 fields separated by one tab: phrase<TAB>per_million");
    const std::string_view phrase = line.substr(0, tab), num = line.substr(tab + 1);
    if (phrase.empty() || phrase.front() == ' ' || phrase.back() == ' ' ||
        phrase.find("  ") != std::string_view::npos)
      return fail("the phrase must be words separated by single spaces");
    for (unsigned char c : phrase)
      if (c >= 'A' && c <= 'Z') return fail("the phrase \"" + std::string(phrase) + "\" is not lower case");
    uint64_t v = 0;
    if (num.empty() || num.size() > 7) return fail("per_million must be an integer in 1..1000000");
    for (char c : num) {
      if (c < '0' || c > '9') return fail("per_million must be an integer in 1..1000000");
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (v < 1 || v > 1000000) return fail("per_million must be an integer in 1..1000000");
    if (!bg->per_million.emplace(std::string(phrase), static_cast<uint32_t>(v)).second)
      return fail("the phrase \"" + std::string(phrase) + "\" is listed twice");
    if (bg->min_per_million == 0 || v < bg->min_per_million) bg->min_per_million = static_cast<uint32_t>(v);
  }
  if (!header) return InvalidArgumentError("background " + name + ": no header \"phrase<TAB>per_million\"");
  if (bg->per_million.empty()) return InvalidArgumentError("background " + name + ": no entry");
  return std::shared_ptr<const Background>(std::move(bg));
}

Result<std::shared_ptr<const Background>> LoadBackground(const std::string& path) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const Background>>* cache =
      new std::map<std::string, std::shared_ptr<const Background>>;
  // Keyed by path, size and modification time: an edited file is read again.
  std::string key = path;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0)
    key += "\n" + std::to_string(st.st_size) + "\n" + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec);
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache->find(key);
    if (it != cache->end()) return it->second;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    if (err == ENOENT) return NotFoundError("background " + path + ": no such file");
    return InvalidArgumentError("background " + path + ": cannot read (" + std::strerror(err) + ")");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return InvalidArgumentError("background " + path + ": read error");
  Result<std::shared_ptr<const Background>> bg = ParseBackground(ss.str(), path);
  if (!bg.ok()) return bg;
  std::lock_guard<std::mutex> lock(mu);
  return cache->emplace(key, *bg).first->second;
}

}  // namespace internal
}  // namespace voc
