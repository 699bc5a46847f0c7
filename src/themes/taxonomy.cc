// Loading and validation of theme taxonomies (format: models/TAXONOMY.md).
#include "voc/taxonomy.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unordered_map>

#include "util/json_depth.h"
#include "themes/taxonomy_internal.h"
#include "voc/language.h"

namespace voc {

namespace {

using nlohmann::json;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Line and column (both from 1, column in bytes) of byte `offset`.
void LineColumn(std::string_view text, size_t offset, size_t* line, size_t* column) {
  *line = 1;
  *column = 1;
  offset = std::min(offset, text.size());
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++*line;
      *column = 1;
    } else {
      ++*column;
    }
  }
}

bool ValidThemeId(std::string_view id) {
  if (id.empty() || id.front() == '/' || id.back() == '/') return false;
  for (size_t i = 0; i < id.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(id[i]);
    bool ok = std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/';
    if (!ok) return false;
    if (c == '/' && id[i + 1] == '/') return false;
  }
  return true;
}

// Theme ids name files, map keys and report rows, and every '/' implies a
// parent theme: both are bounded.
constexpr size_t kMaxThemeIdBytes = 200;
constexpr size_t kMaxThemeDepth = 8;

// "" when `id` is within the limits, else why not.
std::string ThemeIdLimitError(std::string_view id) {
  const size_t depth = static_cast<size_t>(std::count(id.begin(), id.end(), '/')) + 1;
  if (depth > kMaxThemeDepth)
    return "has " + std::to_string(depth) + " levels (at most " + std::to_string(kMaxThemeDepth) +
           " segments separated by '/')";
  if (id.size() > kMaxThemeIdBytes)
    return "is " + std::to_string(id.size()) + " bytes long (at most " + std::to_string(kMaxThemeIdBytes) +
           ")";
  return std::string();
}

std::string ParentId(std::string_view id) {
  size_t slash = id.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(id.substr(0, slash));
}

std::string LastSegment(std::string_view id) {
  size_t slash = id.rfind('/');
  return std::string(slash == std::string_view::npos ? id : id.substr(slash + 1));
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

bool ParseRole(const std::string& s, ValueRole* role) {
  std::string l = Lower(s);
  if (l == "creator")
    *role = ValueRole::kCreator;
  else if (l == "enhancer")
    *role = ValueRole::kEnhancer;
  else if (l == "communicator")
    *role = ValueRole::kCommunicator;
  else if (l == "service")
    *role = ValueRole::kService;
  else
    return false;
  return true;
}

// Reads a string or an array of strings into `out`.
Status ReadPatterns(const json& v, const std::string& where, std::vector<std::string>* out) {
  if (v.is_string()) {
    out->push_back(v.get<std::string>());
    return Status::Ok();
  }
  if (!v.is_array()) return InvalidArgumentError(where + " must be a string or an array of strings");
  for (const auto& p : v) {
    if (!p.is_string()) return InvalidArgumentError(where + " must hold only strings");
    out->push_back(p.get<std::string>());
  }
  return Status::Ok();
}

// Parses `pattern` as the classifier will and reports RE2's syntax error
// with the position of the offending fragment. Only the syntax: RE2 gives
// two thirds of max_mem to the program, and with 2 bytes (0 would mean no
// limit) it stops right after parsing, a well-formed pattern failing with
// ErrorPatternTooLarge. That spares compiling every pattern twice when the
// classifier is built; a pattern too large to compile is reported by
// ThemeClassifier::Create.
// Set while LoadTaxonomyDeferringPatternChecks runs on this thread.
thread_local bool defer_pattern_checks = false;

Status CheckPattern(const std::string& pattern, bool case_sensitive, const std::string& where) {
  if (pattern.empty()) return InvalidArgumentError(where + " is empty");
  if (defer_pattern_checks) return Status::Ok();
  RE2::Options opt;
  opt.set_log_errors(false);
  opt.set_case_sensitive(case_sensitive);
  opt.set_max_mem(3);
  RE2 re(pattern, opt);
  if (re.ok() || re.error_code() == RE2::ErrorPatternTooLarge) return Status::Ok();
  std::string msg = where + " \"" + pattern + "\" is not valid RE2: " + re.error();
  size_t pos = re.error_arg().empty() ? std::string::npos : pattern.find(re.error_arg());
  if (pos != std::string::npos) msg += " (at byte " + std::to_string(pos) + ")";
  return InvalidArgumentError(msg);
}

struct Defaults {
  std::vector<std::string> languages;  // "lang"; empty: English
  double threshold = 0.5;
  double weight = 0.8;
  bool case_sensitive = false;
  ExcludeScope scope = ExcludeScope::kSentence;
};

Status ParseScope(const json& v, const std::string& where, ExcludeScope* scope) {
  if (!v.is_string()) return InvalidArgumentError(where + " must be \"sentence\" or \"text\"");
  std::string s = v.get<std::string>();
  if (s == "sentence")
    *scope = ExcludeScope::kSentence;
  else if (s == "text")
    *scope = ExcludeScope::kText;
  else
    return InvalidArgumentError(where + " must be \"sentence\" or \"text\", not \"" + s + "\"");
  return Status::Ok();
}

Status ParseUnitNumber(const json& v, const std::string& where, bool zero_ok, double* out) {
  if (!v.is_number()) return InvalidArgumentError(where + " must be a number");
  double d = v.get<double>();
  if (!(d >= 0.0 && d <= 1.0) || (!zero_ok && d == 0.0))
    return InvalidArgumentError(where + " must be in " + (zero_ok ? "[0, 1]" : "(0, 1]"));
  *out = d;
  return Status::Ok();
}

// Reads "lang": an ISO 639-1 code or an array of them.
Status ReadLanguages(const json& v, const std::string& where, std::vector<std::string>* out) {
  std::vector<std::string> codes;
  VOC_RETURN_IF_ERROR(ReadPatterns(v, where, &codes));
  if (codes.empty()) return InvalidArgumentError(where + " must name at least one language");
  for (const std::string& c : codes)
    if (!IsLanguageCode(c) || c == "und")
      return InvalidArgumentError(where + ": \"" + c +
                                  "\" is not an ISO 639-1 code (two lower-case letters)");
  *out = std::move(codes);
  return Status::Ok();
}

// A rule whose "include" is a map {"en": [...], "de": [...]} becomes one rule
// per language; so does one with a map for "exclude". Otherwise one rule.
Status ParseRule(const json& r, size_t index, const Theme& theme, const Defaults& defaults, ThemeRule* rule);

Status ParseRules(const json& r, size_t index, const Theme& theme, const Defaults& defaults,
                  std::vector<ThemeRule>* out) {
  const std::string where = "theme " + Quote(theme.id) + " rule " + std::to_string(index + 1);
  const json* inc = r.is_object() && r.contains("include") ? &r["include"] : nullptr;
  const json* exc = r.is_object() && r.contains("exclude") ? &r["exclude"] : nullptr;
  if (!(inc && inc->is_object()) && !(exc && exc->is_object())) {
    ThemeRule rule;
    VOC_RETURN_IF_ERROR(ParseRule(r, index, theme, defaults, &rule));
    out->push_back(std::move(rule));
    return Status::Ok();
  }
  if (!(inc && inc->is_object()))
    return InvalidArgumentError(where + ": an \"exclude\" map by language needs an \"include\" map");
  if (r.contains("lang"))
    return InvalidArgumentError(where + ": \"lang\" and an \"include\" map by language exclude each other");
  if (inc->empty()) return InvalidArgumentError(where + ": \"include\" map is empty");
  if (exc && exc->is_object())
    for (auto e = exc->begin(); e != exc->end(); ++e)
      if (!inc->contains(e.key()))
        return InvalidArgumentError(where + ": \"exclude\" names language \"" + e.key() +
                                    "\" that \"include\" does not");
  for (auto it = inc->begin(); it != inc->end(); ++it) {
    json one = r;
    one["include"] = it.value();
    one["lang"] = it.key();
    if (exc && exc->is_object()) {
      if (exc->contains(it.key()))
        one["exclude"] = (*exc)[it.key()];
      else
        one.erase("exclude");
    }
    ThemeRule rule;
    VOC_RETURN_IF_ERROR(ParseRule(one, index, theme, defaults, &rule));
    out->push_back(std::move(rule));
  }
  return Status::Ok();
}

Status ParseRule(const json& r, size_t index, const Theme& theme, const Defaults& defaults, ThemeRule* rule) {
  std::string where = "theme " + Quote(theme.id) + " rule " + std::to_string(index + 1);
  if (!r.is_object()) return InvalidArgumentError(where + " must be an object");
  rule->id = std::to_string(index + 1);
  rule->weight = defaults.weight;
  rule->case_sensitive = defaults.case_sensitive;
  rule->exclude_scope = defaults.scope;
  rule->languages = defaults.languages;
  if (auto it = r.find("id"); it != r.end()) {
    if (!it->is_string() || it->get<std::string>().empty())
      return InvalidArgumentError(where + ": \"id\" must be a non-empty string");
    rule->id = it->get<std::string>();
    where = "theme " + Quote(theme.id) + " rule " + Quote(rule->id);
  }
  for (auto it = r.begin(); it != r.end(); ++it) {
    const std::string& k = it.key();
    if (k == "id") continue;
    if (k == "include") {
      VOC_RETURN_IF_ERROR(ReadPatterns(*it, where + ": \"include\"", &rule->include));
    } else if (k == "exclude") {
      VOC_RETURN_IF_ERROR(ReadPatterns(*it, where + ": \"exclude\"", &rule->exclude));
    } else if (k == "case_sensitive") {
      if (!it->is_boolean())
        return InvalidArgumentError(where + ": \"case_sensitive\" must be true or false");
      rule->case_sensitive = it->get<bool>();
    } else if (k == "exclude_scope") {
      VOC_RETURN_IF_ERROR(ParseScope(*it, where + ": \"exclude_scope\"", &rule->exclude_scope));
    } else if (k == "weight") {
      VOC_RETURN_IF_ERROR(ParseUnitNumber(*it, where + ": \"weight\"", false, &rule->weight));
    } else if (k == "lang") {
      VOC_RETURN_IF_ERROR(ReadLanguages(*it, where + ": \"lang\"", &rule->languages));
    } else if (k == "comment" || k == "examples") {
      // Documentation only.
    } else {
      return InvalidArgumentError(where + ": unknown field \"" + k + "\"");
    }
  }
  if (rule->include.empty()) return InvalidArgumentError(where + ": needs at least one \"include\" pattern");
  for (size_t i = 0; i < rule->include.size(); ++i)
    VOC_RETURN_IF_ERROR(CheckPattern(rule->include[i], rule->case_sensitive,
                                     where + ": include pattern " + std::to_string(i + 1)));
  for (size_t i = 0; i < rule->exclude.size(); ++i)
    VOC_RETURN_IF_ERROR(CheckPattern(rule->exclude[i], rule->case_sensitive,
                                     where + ": exclude pattern " + std::to_string(i + 1)));
  return Status::Ok();
}

struct Declared {
  Theme theme;
  bool has_department = false;
  bool has_role = false;
  bool has_threshold = false;
};

Status ParseTheme(const json& t, size_t index, const Defaults& defaults, Declared* d) {
  std::string where = "theme " + std::to_string(index + 1);
  if (!t.is_object()) return InvalidArgumentError(where + " must be an object");
  auto id = t.find("id");
  if (id == t.end() || !id->is_string()) return InvalidArgumentError(where + ": needs a string \"id\"");
  Theme& theme = d->theme;
  theme.id = id->get<std::string>();
  if (std::string why = ThemeIdLimitError(theme.id); !why.empty())
    return InvalidArgumentError(where + ": id \"" + theme.id.substr(0, 60) +
                                (theme.id.size() > 60 ? "..." : "") + "\" " + why);
  if (!ValidThemeId(theme.id))
    return InvalidArgumentError(where + ": id \"" + theme.id +
                                "\" is not a theme id (letters, digits, '-', '_', '.', "
                                "segments separated by single '/')");
  where = "theme " + Quote(theme.id);
  theme.threshold = defaults.threshold;
  const json* rules = nullptr;
  for (auto it = t.begin(); it != t.end(); ++it) {
    const std::string& k = it.key();
    if (k == "id") continue;
    if (k == "label" || k == "description" || k == "department") {
      if (!it->is_string()) return InvalidArgumentError(where + ": \"" + k + "\" must be a string");
      std::string v = it->get<std::string>();
      if (k == "label")
        theme.label = v;
      else if (k == "description")
        theme.description = v;
      else {
        if (v.empty()) return InvalidArgumentError(where + ": \"department\" is empty");
        theme.department = v;
        d->has_department = true;
      }
    } else if (k == "role") {
      if (!it->is_string() || !ParseRole(it->get<std::string>(), &theme.role))
        return InvalidArgumentError(where + ": unknown role " + it->dump() +
                                    " (expected creator, enhancer, communicator or service)");
      d->has_role = true;
    } else if (k == "threshold") {
      VOC_RETURN_IF_ERROR(ParseUnitNumber(*it, where + ": \"threshold\"", true, &theme.threshold));
      d->has_threshold = true;
    } else if (k == "rules") {
      if (!it->is_array()) return InvalidArgumentError(where + ": \"rules\" must be an array");
      rules = &*it;
    } else if (k == "comment") {
    } else {
      return InvalidArgumentError(where + ": unknown field \"" + k + "\"");
    }
  }
  if (theme.label.empty()) theme.label = LastSegment(theme.id);
  if (rules != nullptr) {
    // A rule id may repeat only for other languages.
    std::set<std::string> rule_ids;
    std::vector<ThemeRule> parsed;
    for (size_t i = 0; i < rules->size(); ++i) {
      parsed.clear();
      VOC_RETURN_IF_ERROR(ParseRules((*rules)[i], i, theme, defaults, &parsed));
      for (ThemeRule& rule : parsed) {
        if (rule.languages.empty()) {
          if (!rule_ids.insert(rule.id + '\0' + "en").second)
            return InvalidArgumentError(where + ": duplicate rule id " + Quote(rule.id));
        }
        for (const std::string& l : rule.languages)
          if (!rule_ids.insert(rule.id + '\0' + l).second)
            return InvalidArgumentError(where + ": duplicate rule id " + Quote(rule.id) +
                                        (l == "en" ? "" : " for language " + Quote(l)));
        theme.rules.push_back(std::move(rule));
      }
    }
  }
  return Status::Ok();
}

// Parses the "packs" array: each pack's themes join `declared`, marked with
// the pack's id.
Status ParsePacks(const json& packs, const Defaults& defaults, std::vector<IndustryPack>* out,
                  std::vector<Declared>* declared) {
  std::set<std::string> ids;
  for (size_t i = 0; i < packs.size(); ++i) {
    const json& p = packs[i];
    std::string where = "pack " + std::to_string(i + 1);
    if (!p.is_object()) return InvalidArgumentError(where + " must be an object");
    auto id = p.find("id");
    if (id == p.end() || !id->is_string() || !ValidThemeId(id->get<std::string>()) ||
        id->get<std::string>().find('/') != std::string::npos)
      return InvalidArgumentError(where + ": needs an \"id\" of letters, digits, '-', '_', '.'");
    IndustryPack pack;
    pack.id = id->get<std::string>();
    where = "pack " + Quote(pack.id);
    if (!ids.insert(pack.id).second) return InvalidArgumentError("duplicate pack id \"" + pack.id + "\"");
    const json* themes = nullptr;
    for (auto it = p.begin(); it != p.end(); ++it) {
      const std::string& k = it.key();
      if (k == "id" || k == "comment") continue;
      if (k == "label" || k == "description") {
        if (!it->is_string()) return InvalidArgumentError(where + ": \"" + k + "\" must be a string");
        (k == "label" ? pack.label : pack.description) = it->get<std::string>();
      } else if (k == "detect") {
        VOC_RETURN_IF_ERROR(ReadPatterns(*it, where + ": \"detect\"", &pack.detect));
        for (size_t d = 0; d < pack.detect.size(); ++d)
          VOC_RETURN_IF_ERROR(
              CheckPattern(pack.detect[d], false, where + ": detect pattern " + std::to_string(d + 1)));
      } else if (k == "min_share") {
        VOC_RETURN_IF_ERROR(ParseUnitNumber(*it, where + ": \"min_share\"", false, &pack.min_share));
      } else if (k == "themes") {
        if (!it->is_array()) return InvalidArgumentError(where + ": \"themes\" must be an array");
        themes = &*it;
      } else {
        return InvalidArgumentError(where + ": unknown field \"" + k + "\"");
      }
    }
    if (pack.label.empty()) pack.label = pack.id;
    if (themes != nullptr) {
      for (size_t t = 0; t < themes->size(); ++t) {
        Declared d;
        Status st = ParseTheme((*themes)[t], t, defaults, &d);
        if (!st.ok()) return Status(st.code(), where + ": " + st.message());
        d.theme.pack = pack.id;
        declared->push_back(std::move(d));
      }
    }
    out->push_back(std::move(pack));
  }
  return Status::Ok();
}

}  // namespace

std::string ThemeIdSlug(std::string_view label) {
  std::string out;
  bool dash = false;
  for (unsigned char c : label) {
    if (std::isalnum(c)) {
      if (dash && !out.empty() && out.back() != '/') out += '-';
      dash = false;
      out += static_cast<char>(std::tolower(c));
    } else if (c == '/') {
      dash = false;
      if (!out.empty() && out.back() != '/') out += '/';
    } else {
      dash = true;
    }
  }
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

ValueRole DepartmentRole(std::string_view department) {
  static const std::map<std::string, ValueRole> kRoles = {
      {"engineering", ValueRole::kCreator}, {"manufacturing", ValueRole::kCreator},
      {"operations", ValueRole::kCreator},  {"it", ValueRole::kEnhancer},
      {"finance", ValueRole::kEnhancer},    {"facilities", ValueRole::kEnhancer},
      {"hr", ValueRole::kEnhancer},         {"quality", ValueRole::kEnhancer},
      {"policy", ValueRole::kEnhancer},     {"marketing", ValueRole::kCommunicator},
      {"sales", ValueRole::kCommunicator},  {"service", ValueRole::kService},
  };
  auto it = kRoles.find(Lower(department));
  return it == kRoles.end() ? ValueRole::kUnknown : it->second;
}

struct Taxonomy::Impl {
  std::string name;
  int version = 0;
  std::vector<Theme> themes;
  std::unordered_map<std::string, size_t> by_id;
  std::vector<std::pair<std::string, std::string>> model_labels;
  std::unordered_map<std::string, size_t> by_model_label;
  std::vector<IndustryPack> packs;
  std::vector<std::pair<std::string, std::string>> aliases;
  std::unordered_map<std::string, size_t> by_alias;

  // Orders parents first, creates implied parents, resolves inheritance.
  Status Finish(std::vector<Declared> declared);
};

Status Taxonomy::Impl::Finish(std::vector<Declared> declared) {
  std::unordered_map<std::string, size_t> declared_index;
  for (size_t i = 0; i < declared.size(); ++i) {
    if (!declared_index.emplace(declared[i].theme.id, i).second)
      return InvalidArgumentError("duplicate theme id \"" + declared[i].theme.id + "\"");
  }
  // Parents before children, in file order otherwise; implied parents are
  // placed just before their first child.
  std::vector<Declared> ordered;
  std::set<std::string> placed;
  for (size_t i = 0; i < declared.size(); ++i) {
    std::vector<std::string> chain;
    for (std::string p = declared[i].theme.id; !p.empty(); p = ParentId(p)) chain.push_back(p);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      if (placed.count(*it)) continue;
      placed.insert(*it);
      auto di = declared_index.find(*it);
      if (di != declared_index.end()) {
        ordered.push_back(std::move(declared[di->second]));
      } else {
        Declared implied;
        implied.theme.id = *it;
        implied.theme.label = LastSegment(*it);
        implied.theme.implied = true;
        implied.theme.pack = declared[i].theme.pack;
        ordered.push_back(std::move(implied));
      }
    }
  }
  for (size_t i = 0; i < ordered.size(); ++i) by_id.emplace(ordered[i].theme.id, i);
  // Inheritance of department, role and threshold from the parent.
  for (auto& d : ordered) {
    Theme& t = d.theme;
    t.parent = ParentId(t.id);
    const Declared* parent = t.parent.empty() ? nullptr : &ordered[by_id.at(t.parent)];
    if (!d.has_department && parent != nullptr && parent->has_department) {
      t.department = parent->theme.department;
      d.has_department = true;
      if (!d.has_role && parent->has_role) {
        t.role = parent->theme.role;
        d.has_role = true;
      }
    }
    if (!d.has_threshold && parent != nullptr && parent->has_threshold) {
      t.threshold = parent->theme.threshold;
      d.has_threshold = true;
    }
    if (!d.has_role && d.has_department) {
      t.role = DepartmentRole(t.department);
      if (t.role == ValueRole::kUnknown)
        return InvalidArgumentError("theme '" + t.id + "': department \"" + t.department +
                                    "\" has no known value role; give \"role\"");
      d.has_role = true;
    }
  }
  // Implied parents take the department their children agree on.
  for (auto it = ordered.rbegin(); it != ordered.rend(); ++it) {
    Theme& t = it->theme;
    if (!t.implied || it->has_department) continue;
    std::string dept;
    ValueRole role = ValueRole::kUnknown;
    bool agree = true, any = false;
    for (const auto& c : ordered) {
      if (c.theme.parent != t.id || !c.has_department) {
        if (c.theme.parent == t.id) agree = false;
        continue;
      }
      if (!any) {
        dept = c.theme.department;
        role = c.theme.role;
        any = true;
      } else if (dept != c.theme.department) {
        agree = false;
      }
    }
    if (any && agree) {
      t.department = dept;
      t.role = role;
      it->has_department = it->has_role = true;
    }
  }
  for (auto& d : ordered) {
    if (!d.has_department) d.theme.department = "unassigned";
    themes.push_back(std::move(d.theme));
  }
  return Status::Ok();
}

Taxonomy::Taxonomy() : impl_(std::make_unique<Impl>()) {}
Taxonomy::~Taxonomy() = default;

const std::string& Taxonomy::name() const { return impl_->name; }
int Taxonomy::version() const { return impl_->version; }
const std::vector<Theme>& Taxonomy::themes() const { return impl_->themes; }
const std::vector<std::pair<std::string, std::string>>& Taxonomy::model_labels() const {
  return impl_->model_labels;
}

const std::vector<IndustryPack>& Taxonomy::packs() const { return impl_->packs; }
const std::vector<std::pair<std::string, std::string>>& Taxonomy::aliases() const { return impl_->aliases; }

const Theme* Taxonomy::Find(std::string_view id) const {
  auto it = impl_->by_id.find(std::string(id));
  if (it != impl_->by_id.end()) return &impl_->themes[it->second];
  it = impl_->by_alias.find(std::string(id));
  return it == impl_->by_alias.end() ? nullptr : &impl_->themes[it->second];
}

const Theme* Taxonomy::FindModelLabel(std::string_view label) const {
  auto it = impl_->by_model_label.find(std::string(label));
  if (it != impl_->by_model_label.end()) return &impl_->themes[it->second];
  if (const Theme* t = Find(label)) return t;
  constexpr std::string_view kPrefix = "__label__";
  if (label.substr(0, kPrefix.size()) != kPrefix) return nullptr;
  label.remove_prefix(kPrefix.size());
  it = impl_->by_model_label.find(std::string(label));
  if (it != impl_->by_model_label.end()) return &impl_->themes[it->second];
  return Find(label);
}

Result<std::unique_ptr<Taxonomy>> Taxonomy::Parse(std::string_view text) {
  if (std::string deep = internal::JsonDepthError(text); !deep.empty()) {
    size_t line, column;
    LineColumn(text, std::stoul(deep.substr(deep.rfind(' ') + 1)), &line, &column);
    return InvalidArgumentError("taxonomy: " + deep + " (line " + std::to_string(line) + ", column " +
                                std::to_string(column) + ")");
  }
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    size_t line, column;
    LineColumn(text, e.byte == 0 ? 0 : e.byte - 1, &line, &column);
    std::string what = e.what();
    // nlohmann's message: "[json.exception.parse_error.101] parse error at
    // line 1, column 2: syntax error while parsing ..."; keep what follows
    // the position.
    size_t colon = what.find(": ");
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    return InvalidArgumentError("taxonomy JSON syntax error at line " + std::to_string(line) + ", column " +
                                std::to_string(column) + ": " + detail);
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("taxonomy JSON error: ") + e.what());
  }
  try {
    if (!doc.is_object()) return InvalidArgumentError("taxonomy must be a JSON object");
    std::unique_ptr<Taxonomy> tax(new Taxonomy());
    Impl& impl = *tax->impl_;
    Defaults defaults;
    if (auto it = doc.find("defaults"); it != doc.end()) {
      if (!it->is_object()) return InvalidArgumentError("\"defaults\" must be an object");
      for (auto d = it->begin(); d != it->end(); ++d) {
        const std::string& k = d.key();
        if (k == "threshold") {
          VOC_RETURN_IF_ERROR(ParseUnitNumber(*d, "defaults: \"threshold\"", true, &defaults.threshold));
        } else if (k == "weight") {
          VOC_RETURN_IF_ERROR(ParseUnitNumber(*d, "defaults: \"weight\"", false, &defaults.weight));
        } else if (k == "case_sensitive") {
          if (!d->is_boolean())
            return InvalidArgumentError("defaults: \"case_sensitive\" must be true or false");
          defaults.case_sensitive = d->get<bool>();
        } else if (k == "exclude_scope") {
          VOC_RETURN_IF_ERROR(ParseScope(*d, "defaults: \"exclude_scope\"", &defaults.scope));
        } else if (k == "lang") {
          VOC_RETURN_IF_ERROR(ReadLanguages(*d, "defaults: \"lang\"", &defaults.languages));
        } else {
          return InvalidArgumentError("defaults: unknown field \"" + k + "\"");
        }
      }
    }
    const json* themes = nullptr;
    const json* labels = nullptr;
    const json* packs = nullptr;
    const json* aliases = nullptr;
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      const std::string& k = it.key();
      if (k == "name") {
        if (!it->is_string()) return InvalidArgumentError("\"name\" must be a string");
        impl.name = it->get<std::string>();
      } else if (k == "version") {
        if (!it->is_number_integer()) return InvalidArgumentError("\"version\" must be an integer");
        impl.version = it->get<int>();
      } else if (k == "themes") {
        if (!it->is_array()) return InvalidArgumentError("\"themes\" must be an array");
        themes = &*it;
      } else if (k == "model_labels") {
        if (!it->is_object()) return InvalidArgumentError("\"model_labels\" must be an object");
        labels = &*it;
      } else if (k == "packs") {
        if (!it->is_array()) return InvalidArgumentError("\"packs\" must be an array");
        packs = &*it;
      } else if (k == "aliases") {
        if (!it->is_object()) return InvalidArgumentError("\"aliases\" must be an object");
        aliases = &*it;
      } else if (k == "extends") {
        return InvalidArgumentError(
            "\"extends\" needs Taxonomy::LoadFile (a file path to resolve it against)");
      } else if (k == "remove") {
        return InvalidArgumentError("\"remove\" is only valid in a file that \"extends\" another");
      } else if (k == "defaults" || k == "description" || k == "comment" || k == "license") {
      } else {
        return InvalidArgumentError("unknown top-level field \"" + k + "\"");
      }
    }
    if (themes == nullptr) return InvalidArgumentError("taxonomy needs a \"themes\" array");
    std::vector<Declared> declared(themes->size());
    for (size_t i = 0; i < themes->size(); ++i)
      VOC_RETURN_IF_ERROR(ParseTheme((*themes)[i], i, defaults, &declared[i]));
    if (packs != nullptr) VOC_RETURN_IF_ERROR(ParsePacks(*packs, defaults, &impl.packs, &declared));
    VOC_RETURN_IF_ERROR(impl.Finish(std::move(declared)));
    if (aliases != nullptr) {
      for (auto it = aliases->begin(); it != aliases->end(); ++it) {
        if (!it->is_string())
          return InvalidArgumentError("aliases: \"" + it.key() + "\" must map to a theme id string");
        std::string target = it->get<std::string>();
        if (impl.by_id.count(it.key()))
          return InvalidArgumentError("aliases: \"" + it.key() + "\" is a theme id, not an old one");
        auto t = impl.by_id.find(target);
        if (t == impl.by_id.end())
          return InvalidArgumentError("aliases: \"" + it.key() + "\" maps to unknown theme \"" + target +
                                      "\"");
        impl.aliases.emplace_back(it.key(), target);
        impl.by_alias[it.key()] = t->second;
      }
    }
    if (labels != nullptr) {
      for (auto it = labels->begin(); it != labels->end(); ++it) {
        if (!it->is_string())
          return InvalidArgumentError("model_labels: \"" + it.key() + "\" must map to a theme id string");
        std::string target = it->get<std::string>();
        const Theme* theme = tax->Find(target);
        if (theme == nullptr)
          return InvalidArgumentError("model_labels: \"" + it.key() + "\" maps to unknown theme \"" + target +
                                      "\"");
        impl.model_labels.emplace_back(it.key(), theme->id);
        impl.by_model_label[it.key()] = static_cast<size_t>(theme - impl.themes.data());
      }
    }
    return tax;
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("taxonomy error: ") + e.what());
  }
}

Result<std::string> internal::ReadTaxonomyText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open taxonomy file \"" + path + "\"");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return DataLossError("error reading taxonomy file \"" + path + "\"");
  return buf.str();
}

Result<std::unique_ptr<Taxonomy>> Taxonomy::LoadFile(const std::string& path) {
  auto text = internal::ReadTaxonomyText(path);
  if (!text.ok()) return text.status();
  auto resolved = internal::ResolveTaxonomyExtends(path, std::move(*text));
  if (!resolved.ok()) return resolved.status();
  auto r = Parse(*resolved);
  if (!r.ok()) return Status(r.status().code(), path + ": " + r.status().message());
  return r;
}

Result<std::unique_ptr<Taxonomy>> internal::LoadTaxonomyDeferringPatternChecks(const std::string& path) {
  struct Defer {  // reset however LoadFile returns
    Defer() { defer_pattern_checks = true; }
    ~Defer() { defer_pattern_checks = false; }
  } defer;
  return Taxonomy::LoadFile(path);
}

Result<std::unique_ptr<Taxonomy>> Taxonomy::FromLabels(const std::vector<std::string>& labels,
                                                       double threshold) {
  if (!(threshold >= 0.0 && threshold <= 1.0)) return InvalidArgumentError("threshold must be in [0, 1]");
  std::unique_ptr<Taxonomy> tax(new Taxonomy());
  Impl& impl = *tax->impl_;
  std::vector<Declared> declared;
  std::set<std::string> seen_labels, ids;
  for (const std::string& label : labels) {
    if (label.empty()) return InvalidArgumentError("empty model label");
    if (!seen_labels.insert(label).second)
      return InvalidArgumentError("duplicate model label \"" + label + "\"");
    std::string base = ThemeIdSlug(label);
    if (base.empty()) base = "label";
    if (std::string why = ThemeIdLimitError(base); !why.empty())
      return InvalidArgumentError("model label \"" + label.substr(0, 60) + (label.size() > 60 ? "..." : "") +
                                  "\": its theme id " + why);
    std::string id = base;
    for (int n = 2; ids.count(id); ++n) id = base + "-" + std::to_string(n);
    ids.insert(id);
    Declared d;
    d.theme.id = id;
    d.theme.label = label;
    d.theme.threshold = threshold;
    d.has_threshold = true;
    declared.push_back(std::move(d));
  }
  VOC_RETURN_IF_ERROR(impl.Finish(std::move(declared)));
  // Map every label to its theme by re-deriving the id in order.
  std::set<std::string> used;
  for (const std::string& label : labels) {
    std::string base = ThemeIdSlug(label);
    if (base.empty()) base = "label";
    std::string id = base;
    for (int n = 2; used.count(id); ++n) id = base + "-" + std::to_string(n);
    used.insert(id);
    impl.model_labels.emplace_back(label, id);
    impl.by_model_label[label] = impl.by_id.at(id);
  }
  return tax;
}

}  // namespace voc
