// Money and score drivers in the reports: JSON objects, CSV columns, digest
// lines and the HTML drivers table and chart.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "insight/findings_economics.h"
#include "insight/report_util.h"

namespace voc {
namespace internal {
namespace {

using Json = nlohmann::ordered_json;

std::string F(double x, const char* fmt = "%.2f") {
  char buf[48];
  std::snprintf(buf, sizeof buf, fmt, x);
  return buf;
}

bool HasMoney(const Money& m) { return m.has_cost || m.has_value; }

std::string ScoreLabel(const ScoreSummary& s) {
  if (s.from_sentiment) return "mean sentiment";
  switch (s.kind) {
    case ScoreKind::kNps:
      return "NPS (" + s.name + ")";
    case ScoreKind::kCsat:
      return "CSAT (" + s.name + ")";
    default:
      return "mean " + s.name;
  }
}

}  // namespace

Json MoneyJson(const Money& m, const std::string& currency) {
  Json j;
  j["currency"] = currency;
  if (m.has_cost) {
    Json ch = Json::array();
    for (const ChannelCost& c : m.by_channel)
      ch.push_back({{"channel", c.channel},
                    {"contacts", c.contacts},
                    {"cost_per_contact", c.cost_per_contact ? Json(*c.cost_per_contact) : Json()},
                    {"cost", c.cost}});
    Json per = Json::array();
    for (const PeriodCost& p : m.by_period)
      per.push_back({{"period", p.period}, {"contacts", p.contacts}, {"cost", p.cost}});
    j["contact_cost"] = {{"amount", m.contact_cost},
                         {"contacts", m.costly_contacts},
                         {"uncosted_contacts", m.uncosted_contacts},
                         {"by_channel", ch},
                         {"by_period", per}};
  } else {
    j["contact_cost"] = nullptr;
  }
  if (m.has_value)
    j["value_at_risk"] = {{"amount", m.value_at_risk},
                          {"customers", m.customers_at_risk},
                          {"distinct_customers", m.distinct_customers},
                          {"churn_verbatims", m.churn_verbatims},
                          {"without_value", m.without_value}};
  else
    j["value_at_risk"] = nullptr;
  j["why"] = m.why;
  return j;
}

Json ImpactJson(const Impact& im) {
  return Json{{"valid", im.valid},
              {"n", im.n},
              {"theme_score", im.theme_score},
              {"score_without", im.without},
              {"impact", im.impact},
              {"ci_low", im.ci_low},
              {"ci_high", im.ci_high},
              {"relative_weight", im.relative_weight},
              {"why", im.why}};
}

void AddFindingEconJson(const Finding& f, const Findings& all, Json* j) {
  if (HasMoney(f.money)) (*j)["money"] = MoneyJson(f.money, all.options.currency);
  if (f.impact.n) (*j)["impact"] = ImpactJson(f.impact);
}

void AddEconJson(const Findings& f, Json* j) {
  const ScoreSummary& s = f.score;
  (*j)["score"] = {{"name", s.name},
                   {"from_sentiment", s.from_sentiment},
                   {"kind", ScoreKindName(s.kind)},
                   {"n", s.n},
                   {"invalid", s.invalid},
                   {"out_of_range", s.out_of_range},
                   {"score", s.score},
                   {"r2", s.r2},
                   {"bootstrap_samples", s.bootstrap_samples},
                   {"rank_by", RankByName(f.options.rank_by)},
                   {"method", s.method}};
  Json drivers = Json::array();
  for (const Driver& d : f.drivers) {
    Json x = ImpactJson(d.impact);
    x["theme"] = d.theme;
    x["department"] = d.department;
    drivers.push_back(std::move(x));
  }
  (*j)["drivers"] = drivers;
  if (HasMoney(f.money)) {
    Json m = MoneyJson(f.money, f.options.currency);
    Json by = Json::array();
    for (const DepartmentMoney& d : f.money_by_department)
      by.push_back({{"department", d.department},
                    {"findings", d.findings},
                    {"contact_cost", d.contact_cost},
                    {"value_at_risk", d.value_at_risk}});
    m["by_department"] = by;
    m["note"] =
        "overall: every verbatim once; per department: the sum of its findings (a verbatim "
        "with two themes counts in both)";
    (*j)["money"] = m;
  }
}

std::vector<std::string> EconCsvHeader() {
  return {"contact_cost", "costly_contacts", "value_at_risk", "customers_at_risk", "money_why",
          "impact",       "impact_low",      "impact_high",   "relative_weight",   "impact_why"};
}

std::vector<std::string> EconCsvRow(const Finding& f) {
  const Money& m = f.money;
  const Impact& im = f.impact;
  return {m.has_cost ? F(m.contact_cost) : "",
          m.has_cost ? std::to_string(m.costly_contacts) : "",
          m.has_value ? F(m.value_at_risk) : "",
          m.has_value ? std::to_string(m.customers_at_risk) : "",
          m.why,
          im.valid ? F(im.impact, "%.4f") : "",
          im.valid ? F(im.ci_low, "%.4f") : "",
          im.valid ? F(im.ci_high, "%.4f") : "",
          im.valid ? F(im.relative_weight, "%.4f") : "",
          im.why};
}

std::string EconDigestLines(const Finding& f, const Findings& all) {
  std::string m;
  if (HasMoney(f.money)) m += "- Money: " + f.money.why + "\n";
  if (f.impact.valid) m += "- Impact on " + ScoreLabel(all.score) + ": " + f.impact.why + "\n";
  return m;
}

std::string EconDigestSummary(const Findings& f, const std::string& department) {
  std::string m;
  for (const DepartmentMoney& d : f.money_by_department) {
    if (d.department != department) continue;
    m += "Money in your findings:";
    if (f.money.has_cost) m += " avoidable-contact cost " + MoneyText(d.contact_cost, f.options.currency);
    if (f.money.has_value)
      m += std::string(f.money.has_cost ? "," : "") + " value at risk " +
           MoneyText(d.value_at_risk, f.options.currency);
    m += " (the sum of your findings).\n\n";
  }
  return m;
}

std::string EconHtml(const Findings& f) {
  std::string h;
  if (HasMoney(f.money)) {
    const std::string& cur = f.options.currency;
    h += "<h2>What it costs</h2>\n<div class=\"kpis\">";
    if (f.money.has_cost)
      h += "<div class=\"kpi\"><b>" + Esc(MoneyText(f.money.contact_cost, cur)) +
           "</b><span>avoidable-contact cost (" + std::to_string(f.money.costly_contacts) +
           " contacts)</span></div>";
    if (f.money.has_value)
      h += "<div class=\"kpi\"><b>" + Esc(MoneyText(f.money.value_at_risk, cur)) +
           "</b><span>value at risk (" + std::to_string(f.money.customers_at_risk) +
           " customers)</span></div>";
    h += "</div>\n<p class=\"sub\">" + Esc(f.money.why) + "</p>\n";
    h += "<table><tr><th>department</th><th>findings</th>";
    if (f.money.has_cost) h += "<th>contact cost</th>";
    if (f.money.has_value) h += "<th>value at risk</th>";
    h += "</tr>\n";
    for (const DepartmentMoney& d : f.money_by_department) {
      h += "<tr><td>" + Esc(d.department.empty() ? "unassigned" : d.department) + "</td><td class=\"n\">" +
           std::to_string(d.findings) + "</td>";
      if (f.money.has_cost) h += "<td class=\"n\">" + Esc(MoneyText(d.contact_cost, cur)) + "</td>";
      if (f.money.has_value) h += "<td class=\"n\">" + Esc(MoneyText(d.value_at_risk, cur)) + "</td>";
      h += "</tr>\n";
    }
    h += "</table>\n<p class=\"sub\">Per department: the sum of its findings (a verbatim with "
         "two themes counts in both).</p>\n";
  }

  // Drivers: a table and bars with intervals, most negative impact first.
  std::vector<const Driver*> rows;
  for (const Driver& d : f.drivers)
    if (d.impact.valid && rows.size() < 15) rows.push_back(&d);
  if (rows.empty()) return h;
  const ScoreSummary& s = f.score;
  h += "<h2>What drives the score</h2>\n<p class=\"sub\">" + Esc(ScoreLabel(s)) + " " + F(s.score) +
       " over " + std::to_string(s.n) + " scored records" +
       (s.from_sentiment ? " (no score column given: voc's sentiment score is the score)" : "") + ". " +
       Esc(s.method) + "</p>\n";
  double lo = 0, hi = 0;
  for (const Driver* d : rows) {
    lo = std::min({lo, d->impact.ci_low, d->impact.impact});
    hi = std::max({hi, d->impact.ci_high, d->impact.impact});
  }
  if (hi - lo <= 0) hi = lo + 1;
  const int W = 760, label = 250, bar = W - label - 20, row_h = 22;
  const int H = static_cast<int>(rows.size()) * row_h + 24;
  auto x = [&](double v) { return label + (v - lo) / (hi - lo) * bar; };
  h += "<svg class=\"drivers\" width=\"" + std::to_string(W) + "\" height=\"" + std::to_string(H) +
       "\" viewBox=\"0 0 " + std::to_string(W) + " " + std::to_string(H) +
       "\" role=\"img\" aria-label=\"impact of each theme on the score\">";
  h += "<line x1=\"" + F(x(0), "%.1f") + "\" y1=\"0\" x2=\"" + F(x(0), "%.1f") + "\" y2=\"" +
       std::to_string(H - 18) + "\" stroke=\"#9aa5b1\"/>";
  for (size_t i = 0; i < rows.size(); ++i) {
    const Impact& im = rows[i]->impact;
    const double y = static_cast<double>(i) * row_h + 4;
    const double x0 = std::min(x(0), x(im.impact)), x1 = std::max(x(0), x(im.impact));
    h += "<text x=\"" + std::to_string(label - 6) + "\" y=\"" + F(y + 13, "%.1f") +
         "\" text-anchor=\"end\" font-size=\"12\">" + Esc(rows[i]->theme) + "</text>";
    h += "<rect x=\"" + F(x0, "%.1f") + "\" y=\"" + F(y + 3, "%.1f") + "\" width=\"" +
         F(std::max(1.0, x1 - x0), "%.1f") + "\" height=\"12\" fill=\"" +
         (im.impact < 0 ? "#b44d3a" : "#3f7d5a") + "\"><title>" + Esc(im.why) + "</title></rect>";
    h += "<line x1=\"" + F(x(im.ci_low), "%.1f") + "\" y1=\"" + F(y + 9, "%.1f") + "\" x2=\"" +
         F(x(im.ci_high), "%.1f") + "\" y2=\"" + F(y + 9, "%.1f") +
         "\" stroke=\"#1f2933\" stroke-width=\"1.5\"/>";
  }
  h += "<text x=\"" + F(x(lo), "%.1f") + "\" y=\"" + std::to_string(H - 4) + "\" font-size=\"11\">" + F(lo) +
       "</text><text x=\"" + F(x(hi), "%.1f") + "\" y=\"" + std::to_string(H - 4) +
       "\" font-size=\"11\" text-anchor=\"end\">" + F(hi) + "</text>";
  h += "</svg>\n<table><tr><th>theme</th><th>department</th><th>scored records</th><th>score of "
       "the theme</th><th>without it</th><th>impact</th><th>95% interval</th><th>share of "
       "R&sup2;</th></tr>\n";
  for (const Driver* d : rows) {
    const Impact& im = d->impact;
    h += "<tr><td>" + Esc(d->theme) + "</td><td>" + Esc(d->department) + "</td><td class=\"n\">" +
         std::to_string(im.n) + "</td><td class=\"n\">" + F(im.theme_score) + "</td><td class=\"n\">" +
         F(im.without) + "</td><td class=\"n\">" + F(im.impact) + "</td><td class=\"n\">" + F(im.ci_low) +
         " to " + F(im.ci_high) + "</td><td class=\"n\">" + PercentText(im.relative_weight) + "</td></tr>\n";
  }
  h += "</table>\n<p class=\"sub\">R&sup2; of the regression on theme indicators: " + F(s.r2, "%.3f") +
       ".</p>\n";
  return h;
}

std::string FindingEconHtml(const Finding& f, const Findings& all) {
  std::string h;
  if (HasMoney(f.money)) h += "<p><b>Money:</b> " + Esc(f.money.why) + "</p>\n";
  if (f.impact.valid)
    h += "<p><b>Impact on " + Esc(ScoreLabel(all.score)) + ":</b> " + Esc(f.impact.why) + "</p>\n";
  return h;
}

}  // namespace internal
}  // namespace voc
