#include "econ_flags.h"

#include "cli.h"

namespace po = boost::program_options;

namespace voc_cli {

void AddEconFlags(po::options_description* desc, EconFlags* f, bool from_records) {
  desc->add_options()("cost-per-contact", po::value(&f->cost_per_contact),
                      "cost of one avoidable or repeat contact: AMOUNT, or CHANNEL=AMOUNT,... (a bare AMOUNT "
                      "covers the channels not named); without it no contact cost is reported")(
      "customer-value", po::value(&f->customer_value),
      "value of each customer at risk (churn-risk signal); without it or --value-col no value "
      "at risk is reported")(
      "value-col", po::value(&f->value_col),
      from_records ? "column with each record's customer value (revenue, LTV); overrides "
                     "--customer-value where present"
                   : "use the per-record customer values kept in the aggregate (give the column "
                     "name used by `voc findings --value-col`)")("currency", po::value(&f->currency),
                                                                 "currency label for amounts, e.g. EUR")(
      "score-col", po::value(&f->score_col),
      from_records ? "column with a score (NPS 0-10, CSAT 1-5, stars, any number) whose drivers "
                     "are reported; without it the sentiment score is used"
                   : "name of the score kept in the aggregate (for the texts)")(
      "score-kind", po::value(&f->score_kind)->default_value(f->score_kind),
      "nps|csat|mean|auto: how the score column is read")("rank-by",
                                                          po::value(&f->rank_by)->default_value(f->rank_by),
                                                          "priority|impact|cost: the order of the findings")(
      "bootstrap", po::value(&f->bootstrap)->default_value(f->bootstrap),
      "bootstrap resamples for the impact intervals (0: none)");
}

void ApplyEconFlags(const EconFlags& f, voc::FindingsOptions* o) {
  if (!f.cost_per_contact.empty()) {
    voc::Status s = voc::ParseCostPerContact(f.cost_per_contact, o);
    if (!s.ok()) throw UsageError("--cost-per-contact: " + s.message());
  }
  if (f.customer_value != -1) {
    if (!(f.customer_value >= 0 && f.customer_value <= 1e9))
      throw UsageError("--customer-value must be a number in [0, 1e9]");
    o->customer_value = f.customer_value;
  }
  o->value_per_record = !f.value_col.empty();
  o->currency = f.currency;
  o->score_name = f.score_col;
  voc::Result<voc::ScoreKind> k = voc::ParseScoreKind(f.score_kind);
  if (!k.ok()) throw UsageError("--score-kind: " + k.status().message());
  o->score_kind = *k;
  voc::Result<voc::RankBy> r = voc::ParseRankBy(f.rank_by);
  if (!r.ok()) throw UsageError("--rank-by: " + r.status().message());
  o->rank_by = *r;
  if (f.bootstrap < 0 || f.bootstrap > 100000) throw UsageError("--bootstrap must be in [0, 100000]");
  o->bootstrap_samples = f.bootstrap;
}

std::vector<std::string> FigureColumns(const EconFlags& f) {
  std::vector<std::string> out;
  if (!f.score_col.empty()) out.push_back(f.score_col);
  if (!f.value_col.empty()) out.push_back(f.value_col);
  return out;
}

voc::RecordFigures FiguresOf(const voc::Analysis& a, const EconFlags& f) {
  voc::RecordFigures fig;
  for (const auto& [name, value] : a.fields) {
    if (!f.score_col.empty() && name == f.score_col) voc::ParseScoreField(value, &fig);
    if (!f.value_col.empty() && name == f.value_col) voc::ParseValueField(value, &fig);
  }
  return fig;
}

}  // namespace voc_cli
