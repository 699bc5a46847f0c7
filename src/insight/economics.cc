// voc/economics.h: parsing of scores, values, kinds and costs per contact.
#include "voc/economics.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "voc/findings.h"

namespace voc {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsBlank(std::string_view s) {
  s = Trim(s);
  if (s.empty() || s == "-") return true;
  std::string l;
  for (char c : s) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return l == "na" || l == "n/a" || l == "null" || l == "nan" || l == "none";
}

// A plain decimal number: optional sign, digits, one '.' or ',' decimal mark,
// optional exponent. No hex, no "inf".
bool ParseNumber(std::string_view s, double* out) {
  s = Trim(s);
  if (s.empty() || s.size() > 64) return false;
  std::string t(s);
  size_t marks = 0;
  for (char& c : t) {
    if (c == ',') c = '.';
    if (c == '.')
      ++marks;
    else if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == 'e' || c == 'E'))
      return false;
  }
  if (marks > 1) return false;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || errno == ERANGE || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

}  // namespace

void ParseScoreField(std::string_view raw, RecordFigures* f) {
  f->score.reset();
  f->score_invalid = false;
  if (IsBlank(raw)) return;
  double v = 0;
  if (ParseNumber(raw, &v) && std::fabs(v) <= 1000.0)
    f->score = v;
  else
    f->score_invalid = true;
}

void ParseValueField(std::string_view raw, RecordFigures* f) {
  f->value.reset();
  f->value_invalid = false;
  if (IsBlank(raw)) return;
  double v = 0;
  if (ParseNumber(raw, &v) && v >= 0 && v <= 1e9)
    f->value = v;
  else
    f->value_invalid = true;
}

const char* ScoreKindName(ScoreKind k) {
  switch (k) {
    case ScoreKind::kAuto:
      return "auto";
    case ScoreKind::kNps:
      return "nps";
    case ScoreKind::kCsat:
      return "csat";
    case ScoreKind::kMean:
      return "mean";
  }
  return "auto";
}

Result<ScoreKind> ParseScoreKind(std::string_view name) {
  for (ScoreKind k : {ScoreKind::kAuto, ScoreKind::kNps, ScoreKind::kCsat, ScoreKind::kMean})
    if (name == ScoreKindName(k)) return k;
  return InvalidArgumentError("score kind '" + std::string(name) + "' is not one of nps, csat, mean, auto");
}

const char* RankByName(RankBy r) {
  switch (r) {
    case RankBy::kPriority:
      return "priority";
    case RankBy::kImpact:
      return "impact";
    case RankBy::kCost:
      return "cost";
  }
  return "priority";
}

Result<RankBy> ParseRankBy(std::string_view name) {
  for (RankBy r : {RankBy::kPriority, RankBy::kImpact, RankBy::kCost})
    if (name == RankByName(r)) return r;
  return InvalidArgumentError("rank-by '" + std::string(name) + "' is not one of priority, impact, cost");
}

Status ParseCostPerContact(std::string_view spec, FindingsOptions* o) {
  if (Trim(spec).empty()) return InvalidArgumentError("cost per contact: empty");
  size_t b = 0;
  while (b <= spec.size()) {
    size_t e = spec.find(',', b);
    if (e == std::string_view::npos) e = spec.size();
    const std::string_view item = Trim(spec.substr(b, e - b));
    b = e + 1;
    const size_t eq = item.find('=');
    const std::string_view amount = eq == std::string_view::npos ? item : Trim(item.substr(eq + 1));
    double v = 0;
    // ',' separates entries here, so the amount takes '.' only.
    if (!ParseNumber(amount, &v) || v < 0 || v > 1e9 || amount.find(',') != std::string_view::npos)
      return InvalidArgumentError("cost per contact: '" + std::string(item) +
                                  "' is not AMOUNT or CHANNEL=AMOUNT with 0 <= AMOUNT <= 1e9");
    if (eq == std::string_view::npos) {
      if (o->cost_per_contact)
        return InvalidArgumentError("cost per contact: more than one amount without a channel");
      o->cost_per_contact = v;
    } else {
      const std::string channel(Trim(item.substr(0, eq)));
      if (channel.empty())
        return InvalidArgumentError("cost per contact: '" + std::string(item) + "' has no channel");
      for (const auto& [c, x] : o->cost_per_channel)
        if (c == channel)
          return InvalidArgumentError("cost per contact: channel '" + channel + "' given twice");
      o->cost_per_channel.emplace_back(channel, v);
    }
    if (e == spec.size()) break;
  }
  return Status::Ok();
}

}  // namespace voc
