// Flags of `voc findings` and `voc report` for economics and score drivers:
// --cost-per-contact, --customer-value, --value-col, --currency, --score-col,
// --score-kind, --rank-by, --bootstrap (voc/economics.h).
#ifndef VOC_EXAMPLES_CLI_ECON_FLAGS_H_
#define VOC_EXAMPLES_CLI_ECON_FLAGS_H_

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "voc/analysis.h"
#include "voc/economics.h"
#include "voc/findings.h"

namespace voc_cli {

struct EconFlags {
  std::string cost_per_contact;  // AMOUNT or CHANNEL=AMOUNT,...
  double customer_value = -1;    // < 0: not given
  std::string value_col;
  std::string currency;
  std::string score_col;
  std::string score_kind = "auto";
  std::string rank_by = "priority";
  int bootstrap = 1000;
};

// `from_records`: the flags of `voc findings` (columns of the input); else
// those of `voc report` (the aggregate already holds scores and values).
void AddEconFlags(boost::program_options::options_description* desc, EconFlags* flags, bool from_records);

// Sets the findings options; throws UsageError with the reason.
void ApplyEconFlags(const EconFlags& flags, voc::FindingsOptions* options);

// The columns the pipeline must keep for the figures.
std::vector<std::string> FigureColumns(const EconFlags& flags);

// The figures of one analysed record, from the kept columns.
voc::RecordFigures FiguresOf(const voc::Analysis& a, const EconFlags& flags);

}  // namespace voc_cli

#endif  // VOC_EXAMPLES_CLI_ECON_FLAGS_H_
