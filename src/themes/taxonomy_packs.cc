// Choosing a taxonomy's industry packs: by name, or from the vocabulary of a
// sample of the input (`--industry auto`).
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "util/json_depth.h"
#include "themes/taxonomy_internal.h"
#include "voc/taxonomy.h"

namespace voc {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string Percent(size_t part, size_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", whole ? 100.0 * static_cast<double>(part) / whole : 0.0);
  return buf;
}

constexpr size_t kMaxTerms = 5;

}  // namespace

std::vector<std::string> IndustrySelection::Enabled() const {
  std::vector<std::string> out;
  for (const auto& p : packs)
    if (p.enabled) out.push_back(p.id);
  return out;
}

std::string IndustrySelection::Summary() const {
  std::string on, off;
  for (const auto& p : packs) {
    std::string& s = p.enabled ? on : off;
    if (!s.empty()) s += p.enabled ? "; " : ", ";
    s += p.id + (p.enabled ? " (" + p.reason + ")" : "");
  }
  std::string out = on.empty() ? "none (core themes only)" : on;
  if (mode == "auto" && !off.empty()) out += "; not enabled: " + off;
  if (mode == "auto" && sample_size == 0) out += " [no sample of the input to look at]";
  return out;
}

std::string IndustrySelection::ToJson() const {
  nlohmann::json j;
  j["mode"] = mode;
  j["sample_size"] = sample_size;
  j["enabled"] = Enabled();
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& p : packs) {
    nlohmann::json o;
    o["id"] = p.id;
    o["label"] = p.label;
    o["enabled"] = p.enabled;
    o["matched"] = p.matched;
    o["share"] =
        sample_size ? std::round(1000.0 * static_cast<double>(p.matched) / sample_size) / 1000.0 : 0.0;
    o["terms"] = p.terms;
    o["reason"] = p.reason;
    arr.push_back(std::move(o));
  }
  j["packs"] = std::move(arr);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<IndustrySelection> SelectIndustries(const Taxonomy& taxonomy, std::string_view spec_in,
                                           const std::vector<std::string_view>& sample) {
  const std::string spec = Lower(Trim(spec_in));
  if (spec.empty()) return InvalidArgumentError("industry is empty (expected auto, none, all or pack names)");
  IndustrySelection sel;
  const auto& packs = taxonomy.packs();
  for (const auto& p : packs) {
    IndustryChoice c;
    c.id = p.id;
    c.label = p.label;
    sel.packs.push_back(std::move(c));
  }
  auto known = [&] {
    std::string s;
    for (const auto& p : packs) s += (s.empty() ? "" : ", ") + p.id;
    return s.empty() ? std::string("(this taxonomy has no packs)") : s;
  };
  if (spec == "none") {
    sel.mode = "none";
    return sel;
  }
  if (spec == "all") {
    sel.mode = "all";
    for (auto& c : sel.packs) {
      c.enabled = true;
      c.reason = "--industry all";
    }
    return sel;
  }
  if (spec != "auto") {
    sel.mode = "list";
    size_t start = 0;
    while (start <= spec.size()) {
      size_t comma = spec.find(',', start);
      if (comma == std::string::npos) comma = spec.size();
      std::string name = Trim(std::string_view(spec).substr(start, comma - start));
      start = comma + 1;
      if (name.empty()) continue;
      if (name == "auto" || name == "none" || name == "all")
        return InvalidArgumentError("industry \"" + name + "\" cannot be combined with pack names");
      auto it = std::find_if(sel.packs.begin(), sel.packs.end(),
                             [&](const IndustryChoice& c) { return c.id == name; });
      if (it == sel.packs.end())
        return InvalidArgumentError("unknown industry \"" + name + "\"; packs of this taxonomy: " + known() +
                                    " (or auto, none, all)");
      it->enabled = true;
      it->reason = "asked for";
    }
    return sel;
  }
  sel.mode = "auto";
  sel.sample_size = sample.size();
  RE2::Options opt;
  opt.set_case_sensitive(false);
  opt.set_log_errors(false);
  // Every pack's detect patterns, checked in pack order; and all of them in
  // one set, which tells in one pass over a text which of them match it.
  std::vector<std::vector<std::unique_ptr<RE2>>> res(packs.size());
  std::vector<std::pair<size_t, size_t>> set_pattern;  // set index -> (pack, pattern)
  RE2::Set set(opt, RE2::UNANCHORED);
  bool set_ok = true;
  for (size_t i = 0; i < packs.size(); ++i) {
    const IndustryPack& pack = packs[i];
    for (const auto& d : pack.detect) {
      const std::string grouped = "(" + d + ")";
      auto re = std::make_unique<RE2>(grouped, opt);
      if (!re->ok())
        return InvalidArgumentError("pack '" + pack.id + "': detect pattern \"" + d +
                                    "\" is not valid RE2: " + re->error());
      set_ok = set_ok && set.Add(grouped, nullptr) >= 0;
      set_pattern.emplace_back(i, res[i].size());
      res[i].push_back(std::move(re));
    }
  }
  set_ok = set_ok && set.Compile();
  std::vector<std::map<std::string, size_t>> terms(packs.size());  // records each term appears in
  std::vector<std::vector<char>> hit(packs.size());
  std::vector<int> found;
  for (std::string_view text : sample) {
    // The patterns that match somewhere (all of them when the set could not
    // answer): the others find nothing below.
    for (size_t i = 0; i < packs.size(); ++i) hit[i].assign(res[i].size(), set_ok ? 0 : 1);
    RE2::Set::ErrorInfo info;
    if (set_ok && !set.Match(re2::StringPiece(text.data(), text.size()), &found, &info) &&
        info.kind != RE2::Set::kNoError) {
      for (auto& h : hit) std::fill(h.begin(), h.end(), 1);
    } else if (set_ok) {
      for (int k : found)
        hit[set_pattern[static_cast<size_t>(k)].first][set_pattern[static_cast<size_t>(k)].second] = 1;
    }
    for (size_t i = 0; i < packs.size(); ++i) {
      std::set<std::string> seen;
      for (size_t r = 0; r < res[i].size(); ++r) {
        if (!hit[i][r]) continue;
        re2::StringPiece in(text.data(), text.size());
        re2::StringPiece m;
        // Every match, for the terms that explain the choice; a zero-length
        // match ends the search. As RE2::FindAndConsume with the pattern's
        // one group (which spans the whole match), each search starts where
        // the last match ended and sees no text before it; asking for the
        // whole match alone lets RE2 answer with its DFAs (a group needs a
        // third pass over the match).
        while (seen.size() < 64 && res[i][r]->Match(in, 0, in.size(), RE2::UNANCHORED, &m, 1) && !m.empty()) {
          seen.insert(Lower(std::string_view(m.data(), m.size())));
          in.remove_prefix(static_cast<size_t>(m.data() + m.size() - in.data()));
        }
      }
      if (seen.empty()) continue;
      ++sel.packs[i].matched;
      for (const auto& t : seen) ++terms[i][t];
    }
  }
  for (size_t i = 0; i < packs.size(); ++i) {
    const IndustryPack& pack = packs[i];
    IndustryChoice& c = sel.packs[i];
    std::vector<std::pair<std::string, size_t>> ranked(terms[i].begin(), terms[i].end());
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    for (size_t t = 0; t < ranked.size() && t < kMaxTerms; ++t) c.terms.push_back(ranked[t].first);
    const double needed =
        std::max(1.0, std::ceil(pack.min_share * static_cast<double>(sample.size()) - 1e-9));
    c.enabled = !sample.empty() && static_cast<double>(c.matched) >= needed;
    c.reason =
        Percent(c.matched, sample.size()) + " of " + std::to_string(sample.size()) + " sampled records";
    if (!c.terms.empty()) {
      c.reason += ": ";
      for (size_t t = 0; t < c.terms.size(); ++t) c.reason += (t ? ", " : "") + c.terms[t];
    }
    if (!c.enabled) c.reason += " (needs " + Percent(static_cast<size_t>(needed), sample.size()) + ")";
  }
  return sel;
}

}  // namespace voc

// ---------------------------------------------------------------------------
// `extends`: a taxonomy file that adds to and overrides another.

namespace voc {
namespace internal {

namespace {

using nlohmann::json;

constexpr int kMaxExtendsDepth = 8;

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

bool Under(const std::string& id, const std::string& root) {
  return id == root ||
         (id.size() > root.size() && id.compare(0, root.size(), root) == 0 && id[root.size()] == '/');
}

std::string IdOf(const json& theme) {
  if (!theme.is_object()) return std::string();
  auto it = theme.find("id");
  return it != theme.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Every themes array of `doc`: the core's, then each pack's.
std::vector<json*> ThemeArrays(json& doc) {
  std::vector<json*> out;
  if (doc.contains("themes") && doc["themes"].is_array()) out.push_back(&doc["themes"]);
  if (doc.contains("packs") && doc["packs"].is_array())
    for (auto& p : doc["packs"])
      if (p.is_object() && p.contains("themes") && p["themes"].is_array()) out.push_back(&p["themes"]);
  return out;
}

// Replaces the theme with the id of `theme` wherever it is; false if absent.
bool ReplaceTheme(json& doc, const json& theme) {
  const std::string id = IdOf(theme);
  if (id.empty()) return false;
  for (json* arr : ThemeArrays(doc))
    for (auto& t : *arr)
      if (IdOf(t) == id) {
        t = theme;
        return true;
      }
  return false;
}

Status Merge(json* base, const json& ext, const std::string& where) {
  if (ext.contains("defaults"))
    return InvalidArgumentError(where + ": a file that extends another may not set \"defaults\"");
  json& out = *base;
  if (!out.contains("themes")) out["themes"] = json::array();
  if (auto it = ext.find("remove"); it != ext.end()) {
    if (!it->is_array()) return InvalidArgumentError(where + ": \"remove\" must be an array of theme ids");
    for (const auto& r : *it) {
      if (!r.is_string()) return InvalidArgumentError(where + ": \"remove\" must be an array of theme ids");
      const std::string root = r.get<std::string>();
      size_t removed = 0;
      for (json* arr : ThemeArrays(out)) {
        json kept = json::array();
        for (auto& t : *arr) {
          if (Under(IdOf(t), root))
            ++removed;
          else
            kept.push_back(std::move(t));
        }
        *arr = std::move(kept);
      }
      if (removed == 0)
        return InvalidArgumentError(where + ": \"remove\": no theme \"" + root + "\" in the base taxonomy");
    }
  }
  if (auto it = ext.find("themes"); it != ext.end()) {
    if (!it->is_array()) return InvalidArgumentError(where + ": \"themes\" must be an array");
    for (const auto& t : *it)
      if (!ReplaceTheme(out, t)) out["themes"].push_back(t);
  }
  if (auto it = ext.find("packs"); it != ext.end()) {
    if (!it->is_array()) return InvalidArgumentError(where + ": \"packs\" must be an array");
    if (!out.contains("packs")) out["packs"] = json::array();
    for (const auto& p : *it) {
      const std::string id = IdOf(p);
      json* target = nullptr;
      for (auto& bp : out["packs"])
        if (!id.empty() && IdOf(bp) == id) target = &bp;
      if (target == nullptr) {
        out["packs"].push_back(p);
        continue;
      }
      for (auto f = p.begin(); f != p.end(); ++f) {
        if (f.key() == "id" || f.key() == "themes") continue;
        (*target)[f.key()] = f.value();
      }
      if (auto th = p.find("themes"); th != p.end()) {
        if (!th->is_array())
          return InvalidArgumentError(where + ": pack '" + id + "': \"themes\" must be an array");
        if (!target->contains("themes")) (*target)["themes"] = json::array();
        for (const auto& t : *th)
          if (!ReplaceTheme(out, t)) (*target)["themes"].push_back(t);
      }
    }
  }
  for (const char* map : {"aliases", "model_labels"}) {
    auto it = ext.find(map);
    if (it == ext.end()) continue;
    if (!it->is_object()) return InvalidArgumentError(where + ": \"" + map + "\" must be an object");
    if (!out.contains(map)) out[map] = json::object();
    for (auto kv = it->begin(); kv != it->end(); ++kv) out[map][kv.key()] = kv.value();
  }
  for (const char* field : {"name", "version", "description", "comment", "license"})
    if (ext.contains(field)) out[field] = ext[field];
  return Status::Ok();
}

// False when `text` is one JSON object (after white space and an optional
// byte order mark, as the parser reads it) none of whose top-level members'
// names, as written, is `key`; true otherwise: a name written with escapes,
// or text that is not one object, is a maybe, left to the parse. One pass
// over the bytes.
bool MayHaveTopLevelMember(std::string_view text, std::string_view key) {
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (text.substr(0, kByteOrderMark.size()) == kByteOrderMark) text.remove_prefix(kByteOrderMark.size());
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  size_t i = 0;
  while (i < text.size() && space(text[i])) ++i;
  if (i == text.size() || text[i] != '{') return true;
  int depth = 0;
  bool at_name = false;  // in the top-level object, where a member's name comes next
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      size_t j = i + 1;
      bool escaped = false;
      for (; j < text.size() && text[j] != '"'; ++j)
        if (text[j] == '\\') escaped = true, ++j;
      if (j >= text.size()) return true;  // no closing quote: not JSON
      if (at_name && (escaped || text.substr(i + 1, j - i - 1) == key)) return true;
      at_name = false;
      i = j;
    } else if (c == '{' || c == '[') {
      at_name = ++depth == 1;  // only the first byte opens depth 1, with '{'
    } else if (c == '}' || c == ']') {
      at_name = false;
      if (--depth == 0) {
        ++i;
        break;
      }
    } else if (c == ',') {
      at_name = depth == 1;
    }
  }
  if (depth != 0) return true;
  for (; i < text.size(); ++i)
    if (!space(text[i])) return true;
  return false;
}

}  // namespace

Result<std::string> ResolveTaxonomyExtends(const std::string& path, std::string text, int depth) {
  // Most files extend nothing: they are parsed once, by Taxonomy::Parse
  // (which checks their depth too). MayHaveTopLevelMember reads any depth.
  if (!MayHaveTopLevelMember(text, "extends")) return text;
  // Too deep to parse safely: left to Taxonomy::Parse, which says where.
  if (!JsonDepthError(text).empty()) return text;
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  // Not JSON, or not extending anything: the parser reports what it finds.
  if (!doc.is_object() || !doc.contains("extends")) return text;
  if (!doc["extends"].is_string() || doc["extends"].get<std::string>().empty())
    return InvalidArgumentError(path + ": \"extends\" must be a path");
  if (depth >= kMaxExtendsDepth)
    return InvalidArgumentError(path + ": \"extends\" nests more than " + std::to_string(kMaxExtendsDepth) +
                                " files deep (a cycle?)");
  std::string base_path = doc["extends"].get<std::string>();
  if (base_path[0] != '/') base_path = DirName(path) + base_path;
  auto base_text = ReadTaxonomyText(base_path);
  if (!base_text.ok())
    return Status(base_text.status().code(), path + ": extends: " + base_text.status().message());
  auto resolved = ResolveTaxonomyExtends(base_path, std::move(*base_text), depth + 1);
  if (!resolved.ok()) return resolved.status();
  // The base must stand on its own: its errors name its file.
  if (auto check = Taxonomy::Parse(*resolved); !check.ok())
    return Status(check.status().code(), base_path + ": " + check.status().message());
  json base = json::parse(*resolved);
  VOC_RETURN_IF_ERROR(Merge(&base, doc, path));
  return base.dump();
}

}  // namespace internal
}  // namespace voc
