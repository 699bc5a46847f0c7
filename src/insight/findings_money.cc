// What each finding costs: avoidable and repeat contacts x cost per contact,
// churn-risk customers x their value (voc/economics.h).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "insight/aggregate_figures.h"
#include "insight/findings_economics.h"

namespace voc {
namespace internal {
namespace {

std::string Count(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// The cost per contact of `channel`, if any was given.
bool SameChannel(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// The cost per contact of `channel` (names compared without case), if any.
std::optional<double> CostOf(const FindingsOptions& o, const std::string& channel) {
  for (const auto& [c, v] : o.cost_per_channel)
    if (SameChannel(c, channel)) return v;
  return o.cost_per_contact;
}

// Money over the window from a theme's (or all records') cells and churn-risk
// customers.
Money Compute(const std::map<std::string, std::map<std::string, Counts>>& cells, const ChurnCustomers& churn,
              const std::vector<std::string>& periods, const FindingsOptions& o) {
  Money m;
  m.has_cost = o.cost_per_contact.has_value() || !o.cost_per_channel.empty();
  m.has_value = o.customer_value.has_value() || o.value_per_record;
  std::map<std::string, ChannelCost> channels;
  uint64_t churn_valued = 0;
  int64_t churn_cents = 0;
  for (const std::string& p : periods) {
    PeriodCost pc;
    pc.period = p;
    auto it = cells.find(p);
    if (it != cells.end()) {
      for (const auto& [ch, c] : it->second) {
        m.churn_verbatims += c.signals[static_cast<int>(Signal::kChurnRisk)];
        churn_valued += c.churn_valued;
        churn_cents += c.churn_value_cents;
        if (!c.costly) continue;
        ChannelCost& cc = channels[ch];
        cc.channel = ch;
        cc.contacts += c.costly;
        pc.contacts += c.costly;
        m.costly_contacts += c.costly;
        if (const std::optional<double> cost = CostOf(o, ch); cost && m.has_cost) {
          cc.cost_per_contact = cost;
          cc.cost += *cost * static_cast<double>(c.costly);
          pc.cost += *cost * static_cast<double>(c.costly);
        } else {
          m.uncosted_contacts += c.costly;
        }
      }
    }
    m.contact_cost += pc.cost;
    if (m.has_cost) m.by_period.push_back(std::move(pc));
  }
  if (m.has_cost) {
    for (auto& [ch, cc] : channels) m.by_channel.push_back(std::move(cc));
    std::stable_sort(m.by_channel.begin(), m.by_channel.end(),
                     [](const ChannelCost& a, const ChannelCost& b) { return a.cost > b.cost; });
  }

  // Churn-risk customers: distinct ids with their largest value.
  std::map<std::string, int64_t> customers;
  for (const std::string& p : periods) {
    auto it = churn.find(p);
    if (it == churn.end()) continue;
    for (const auto& [c, v] : it->second) AddChurnCustomer(&customers, c, v);
  }
  m.distinct_customers = !customers.empty();
  if (m.distinct_customers) {
    m.customers_at_risk = customers.size();
    if (m.has_value) {
      for (const auto& [c, cents] : customers) {
        if (o.value_per_record && cents >= 0) {
          m.value_at_risk += static_cast<double>(cents) / 100.0;
        } else if (o.customer_value) {
          m.value_at_risk += *o.customer_value;
        } else {
          ++m.without_value;
        }
      }
    }
  } else {
    m.customers_at_risk = m.churn_verbatims;
    if (m.has_value) {
      const uint64_t valued = o.value_per_record ? std::min(churn_valued, m.churn_verbatims) : 0;
      if (o.value_per_record) m.value_at_risk += static_cast<double>(churn_cents) / 100.0;
      const uint64_t rest = m.churn_verbatims - valued;
      if (o.customer_value)
        m.value_at_risk += *o.customer_value * static_cast<double>(rest);
      else
        m.without_value = rest;
    }
  }
  m.contact_cost = std::round(m.contact_cost * 100.0) / 100.0;
  m.value_at_risk = std::round(m.value_at_risk * 100.0) / 100.0;

  // The explanation, part by part.
  const std::string& cur = o.currency;
  std::string why;
  if (m.has_cost) {
    why = Count(m.costly_contacts, "avoidable or repeat contact", "avoidable or repeat contacts");
    if (m.costly_contacts) {
      why += " (";
      bool first = true;
      for (const ChannelCost& cc : m.by_channel) {
        why += std::string(first ? "" : ", ") + std::to_string(cc.contacts) + " " + cc.channel;
        why += cc.cost_per_contact ? " x " + MoneyText(*cc.cost_per_contact, cur) : " not costed";
        first = false;
      }
      why += ")";
    }
    why += " = " + MoneyText(m.contact_cost, cur) + " over the window";
    if (m.uncosted_contacts)
      why += "; " + std::to_string(m.uncosted_contacts) + " in channels without a cost are not counted";
  }
  if (m.has_value) {
    if (!why.empty()) why += "; ";
    const std::string who =
        m.distinct_customers
            ? Count(m.customers_at_risk, "distinct customer", "distinct customers") + " (from " +
                  Count(m.churn_verbatims, "churn-risk verbatim", "churn-risk verbatims") + ")"
            : Count(m.customers_at_risk, "churn-risk verbatim", "churn-risk verbatims") +
                  " (no customer ids: one customer each)";
    why += who + " x ";
    if (o.value_per_record && o.customer_value)
      why += "their recorded value (else " + MoneyText(*o.customer_value, cur) + ")";
    else if (o.value_per_record)
      why += "their recorded value";
    else
      why += MoneyText(*o.customer_value, cur);
    why += " = " + MoneyText(m.value_at_risk, cur) + " value at risk";
    if (m.without_value) why += "; " + std::to_string(m.without_value) + " without a known value";
  }
  m.why = why;
  return m;
}

}  // namespace

std::string MoneyText(double amount, const std::string& currency) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", std::fabs(amount));
  std::string digits(buf);
  const size_t dot = digits.find('.');
  std::string grouped;
  for (size_t i = 0; i < dot; ++i) {
    if (i && (dot - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  grouped += digits.substr(dot);
  if (grouped.size() > 3 && grouped.compare(grouped.size() - 3, 3, ".00") == 0)
    grouped.resize(grouped.size() - 3);
  return (amount < 0 ? "-" : "") + (currency.empty() ? "" : currency + " ") + grouped;
}

void AddMoney(const AggregateData& d, Findings* out) {
  const FindingsOptions& o = out->options;
  const bool cost = o.cost_per_contact.has_value() || !o.cost_per_channel.empty();
  const bool value = o.customer_value.has_value() || o.value_per_record;
  if (!cost && !value) return;
  if (cost && d.legacy_counts)
    out->warnings.push_back(
        "the aggregate was written before avoidable/repeat contacts were counted together: "
        "contact costs are missing for its records; aggregate the records again");
  for (Finding& f : out->findings) {
    auto it = d.themes.find(f.theme);
    if (it == d.themes.end()) continue;
    f.money = Compute(it->second.cells, it->second.churn_customers, out->periods, o);
  }
  out->money = Compute(d.totals, d.churn_customers, out->periods, o);
  for (const auto& [name, cost] : o.cost_per_channel) {
    bool seen = false;
    std::string list;
    for (const NamedCount& c : out->channels) {
      seen = seen || SameChannel(c.name, name);
      list += (list.empty() ? "" : ", ") + c.name;
    }
    if (!seen)
      out->warnings.push_back(
          "cost per contact: channel '" + name +
          "' has no verbatims in the window; channels are: " + (list.empty() ? std::string("none") : list));
  }
  std::map<std::string, DepartmentMoney> by;
  for (const Finding& f : out->findings) {
    DepartmentMoney& m = by[f.department];
    m.department = f.department;
    ++m.findings;
    m.contact_cost += f.money.contact_cost;
    m.value_at_risk += f.money.value_at_risk;
  }
  for (auto& [k, m] : by) out->money_by_department.push_back(m);
  std::stable_sort(out->money_by_department.begin(), out->money_by_department.end(),
                   [](const DepartmentMoney& a, const DepartmentMoney& b) {
                     return a.contact_cost + a.value_at_risk > b.contact_cost + b.value_at_risk;
                   });
  uint64_t invalid = 0;
  if (o.value_per_record) {
    for (const std::string& p : out->periods)
      if (auto it = d.totals.find(p); it != d.totals.end())
        for (const auto& [ch, c] : it->second) invalid += c.value_invalid;
    if (invalid)
      out->warnings.push_back(std::to_string(invalid) +
                              " records had a customer value that is not a number in [0, 1e9]; "
                              "they count as without a known value");
  }
}

void RankFindings(Findings* out) {
  const RankBy by = out->options.rank_by;
  if (by == RankBy::kPriority) return;
  auto key = [by](const Finding& f) {
    if (by == RankBy::kCost) return -(f.money.contact_cost + f.money.value_at_risk);
    return f.impact.valid ? f.impact.impact : HUGE_VAL;
  };
  std::stable_sort(out->findings.begin(), out->findings.end(),
                   [&](const Finding& a, const Finding& b) { return key(a) < key(b); });
}

}  // namespace internal
}  // namespace voc
