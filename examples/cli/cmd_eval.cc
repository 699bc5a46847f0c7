// `voc eval`: scores a trained classifier on a labeled CSV file.
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli.h"
#include "model_input.h"
#include "voc/classifier.h"

namespace po = boost::program_options;

namespace {

int RunEval(int argc, char** argv) {
  std::string model_path, input, text_col = "text", label_col = "label", label_sep = "|", task;
  po::options_description desc(
      "usage: voc eval --model MODEL --input CSV [options]\n\n"
      "Prints accuracy, macro-F1, per-label precision/recall/F1/support and the\n"
      "confusion matrix (rows: true label, columns: predicted) of a model on a labeled CSV.\n\n"
      "options");
  desc.add_options()("help,h", "show this help")("model,m", po::value(&model_path), "model file")(
      "input,i", po::value(&input), "labeled CSV")("text-col", po::value(&text_col)->default_value(text_col),
                                                   "text column")(
      "label-col", po::value(&label_col)->default_value(label_col), "label column")(
      "label-sep", po::value(&label_sep)->default_value(label_sep),
      "separator of several labels (multi-label models)")(
      "task", po::value(&task), "refuse a model trained for another task")("json", "print one JSON object");
  po::variables_map vm = voc_cli::ParseCommandLine(argc, argv, desc);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (model_path.empty()) throw voc_cli::UsageError("--model is required");
  if (input.empty()) throw voc_cli::UsageError("--input is required");
  if (label_sep.size() != 1) throw voc_cli::UsageError("--label-sep must be one character");
  auto model = voc::TextClassifier::Load(model_path, task);
  if (!model.ok()) throw voc_cli::Failure(model.status().message());
  voc::CsvReadOptions csv;
  csv.text_column = text_col;
  csv.label_column = label_col;
  csv.multi_label = (*model)->info().multi_label;
  csv.label_separator = label_sep[0];
  auto rows = voc::ReadLabeledCsv(input, csv);
  if (!rows.ok()) throw voc_cli::Failure(rows.status().message());
  const auto model_input = voc_cli::ModelInputFor((*model)->info());
  for (auto& r : *rows) r.text = model_input(r.text);
  voc::EvalReport r = voc::Evaluate(**model, *rows);

  if (vm.count("json")) {
    nlohmann::json per = nlohmann::json::object();
    for (const auto& m : r.per_label)
      per[m.label] = {{"precision", m.precision}, {"recall", m.recall}, {"f1", m.f1}, {"support", m.support}};
    nlohmann::json j = {{"accuracy", r.accuracy},
                        {"macro_f1", r.macro_f1},
                        {"per_label", per},
                        {"confusion", {{"labels", r.labels}, {"matrix", r.confusion}}},
                        {"n", r.n}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  std::printf("examples: %llu\naccuracy: %.4f\nmacro-F1: %.4f\n\n", static_cast<unsigned long long>(r.n),
              r.accuracy, r.macro_f1);
  size_t w = 5;
  for (const auto& l : r.labels) w = std::max(w, l.size());
  std::printf("%-*s  precision  recall     f1  support\n", static_cast<int>(w), "label");
  for (const auto& m : r.per_label)
    std::printf("%-*s  %9.4f  %6.4f  %6.4f  %7llu\n", static_cast<int>(w), m.label.c_str(), m.precision,
                m.recall, m.f1, static_cast<unsigned long long>(m.support));
  if (!r.confusion.empty()) {
    std::printf("\nconfusion (rows: true, columns: predicted, in the order above)\n");
    for (size_t i = 0; i < r.confusion.size(); ++i) {
      std::printf("%-*s", static_cast<int>(w), r.labels[i].c_str());
      for (uint64_t c : r.confusion[i]) std::printf(" %6llu", static_cast<unsigned long long>(c));
      std::printf("\n");
    }
  }
  return 0;
}

}  // namespace

VOC_CLI_COMMAND(eval, "eval", "score a classifier on a labeled CSV", RunEval);
