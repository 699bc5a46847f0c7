// `voc predict`: labels one text per line with a trained classifier.
#include <boost/program_options.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "cli.h"
#include "line_map.h"
#include "model_input.h"
#include "voc/classifier.h"

namespace po = boost::program_options;

namespace {

int RunPredict(int argc, char** argv) {
  std::string model_path, input = "-", task;
  int k = 1, threads = 0;
  po::options_description desc(
      "usage: voc predict --model MODEL [FILE|-]\n\n"
      "Reads one text per line and prints, per line, the predicted label and its\n"
      "probability (`label<TAB>probability`; with -k several pairs, tab-separated;\n"
      "multi-label models print every label above its threshold).\n\noptions");
  desc.add_options()("help,h", "show this help")("model,m", po::value(&model_path), "model file")(
      "input", po::value(&input), "input file, - for stdin (default)")(
      "k,k", po::value(&k)->default_value(k), "labels per line (single-label models)")(
      "task", po::value(&task), "refuse a model trained for another task")(
      "explain", "append the strongest features of the top label")(
      "threads", po::value(&threads)->default_value(0),
      "worker threads (0: all cores); output keeps the input order");
  po::positional_options_description pos;
  pos.add("input", 1);
  po::variables_map vm = voc_cli::ParseCommandLine(argc, argv, desc, pos);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (model_path.empty()) throw voc_cli::UsageError("--model is required");
  if (k < 1) throw voc_cli::UsageError("-k must be >= 1");
  threads = voc_cli::CheckThreads(threads);
  auto model = voc::TextClassifier::Load(model_path, task);
  if (!model.ok()) throw voc_cli::Failure(model.status().message());
  std::ifstream file;
  std::istream* in = &std::cin;
  if (input != "-") {
    file.open(input, std::ios::binary);
    if (!file) throw voc_cli::Failure("cannot open '" + input + "'");
    in = &file;
  }
  const bool multi = (*model)->info().multi_label;
  const auto model_input = voc_cli::ModelInputFor((*model)->info());
  const bool explain = vm.count("explain") > 0;
  std::ios::sync_with_stdio(false);
  const voc::TextClassifier& m = **model;
  const bool ok = voc_cli::MapLines(
      *in, threads,
      [&](size_t, const std::string& raw, std::string* out_ptr) {
        const std::string line = model_input(raw);
        auto preds = multi ? m.PredictAboveThresholds(line) : m.Predict(line, k);
        std::string& out = *out_ptr;
        char buf[64];
        for (size_t i = 0; i < preds.size(); ++i) {
          if (i) out.push_back('\t');
          out += preds[i].label;
          std::snprintf(buf, sizeof buf, "\t%.4f", preds[i].probability);
          out += buf;
        }
        if (explain) {
          auto e = m.Explain(line, {}, 5);
          out += "\t[";
          for (size_t i = 0; i < e.features.size(); ++i) {
            std::snprintf(buf, sizeof buf, "%s%.3f@%zu-%zu ", i ? ", " : "", e.features[i].weight,
                          e.features[i].begin, e.features[i].end);
            out += buf;
            out += e.features[i].feature;
          }
          out += "]";
        }
      },
      stdout);
  if (!ok) throw voc_cli::Failure("read error on '" + input + "'");
  std::fflush(stdout);
  return 0;
}

}  // namespace

VOC_CLI_COMMAND(predict, "predict", "label one text per line with a trained classifier", RunPredict);
