// `voc sentiment [FILE|-]`: one text per line in, one JSON object per line out.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <sys/stat.h>

#include <boost/program_options.hpp>

#include "cli.h"
#include "line_map.h"
#include "voc/sentiment.h"

namespace po = boost::program_options;

namespace {

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string ModelsDir(const po::variables_map& vm) {
  if (vm.count("models-dir")) return vm["models-dir"].as<std::string>();
  if (const char* env = std::getenv("VOC_MODELS_DIR"); env && *env) return env;
#ifdef VOC_DEFAULT_MODELS_DIR
  return VOC_DEFAULT_MODELS_DIR;
#else
  return "models";
#endif
}

int Run(int argc, char** argv) {
  po::options_description opts(
      "usage: voc sentiment [FILE|-] [options]\n\n"
      "Scores one text per line (UTF-8; '-' or no FILE reads stdin) and "
      "writes one JSON object per line:\n"
      "{label, score, confidence, evidence:[{begin,end,text,source,weight}], "
      "sentences:[{begin,end,label,score,confidence,evidence}]}.\n"
      "Offsets are bytes into the line. Input should already be redacted "
      "(see `voc redact`): evidence text is copied from it.\n\noptions");
  opts.add_options()("help,h", "show this help")(
      "model", po::value<std::string>(),
      "sentiment model: made by `voc train --task sentiment`, or fastText (default: <models "
      "dir>/sentiment.vocm, else sentiment.ftz, if present)")(
      "models-dir", po::value<std::string>(),
      "directory of the shipped models (default: $VOC_MODELS_DIR, else the build's models/)")(
      "no-model", "lexicon and rules only")(
      "model-weight", po::value<double>()->default_value(voc::SentimentOptions().model_weight),
      "weight of the model in the blend, 0..1")(
      "model-temperature", po::value<double>()->default_value(voc::SentimentOptions().model_temperature),
      "temperature softening the model's probabilities before the blend")(
      "neutral-threshold", po::value<double>()->default_value(voc::SentimentOptions().neutral_threshold),
      "lexicon score below which a text is neutral")(
      "max-evidence", po::value<int>()->default_value(voc::SentimentOptions().max_evidence),
      "evidence spans kept per document and per sentence")("no-sentences", "omit per-sentence results")(
      "components", "add lexicon_score and model probabilities to each object")(
      "threads", po::value<int>()->default_value(0), "worker threads (0: all cores)");
  po::options_description hidden;
  hidden.add_options()("input", po::value<std::string>()->default_value("-"), "");
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("input", 1);
  po::variables_map vm = voc_cli::ParseCommandLine(argc, argv, all, pos);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  voc::SentimentOptions options;
  options.model_weight = vm["model-weight"].as<double>();
  options.neutral_threshold = vm["neutral-threshold"].as<double>();
  options.model_temperature = vm["model-temperature"].as<double>();
  options.max_evidence = vm["max-evidence"].as<int>();
  options.sentences = !vm.count("no-sentences");
  if (vm.count("model") && vm.count("no-model"))
    throw voc_cli::UsageError("--model and --no-model exclude each other");
  if (vm.count("model")) {
    options.model_path = vm["model"].as<std::string>();
  } else if (!vm.count("no-model")) {
    std::string dir = ModelsDir(vm);
    std::string path = dir + "/sentiment.vocm";
    if (!FileExists(path) && FileExists(dir + "/sentiment.ftz")) path = dir + "/sentiment.ftz";
    if (FileExists(path))
      options.model_path = path;
    else
      std::fprintf(stderr, "voc: note: no sentiment model at %s; using lexicon and rules only\n",
                   path.c_str());
  }
  auto analyzer = voc::SentimentAnalyzer::Create(options);
  if (!analyzer.ok()) throw voc_cli::Failure(analyzer.status().message());

  std::string input = vm["input"].as<std::string>();
  std::ifstream file;
  std::istream* in = &std::cin;
  if (input != "-") {
    file.open(input, std::ios::binary);
    if (!file) throw voc_cli::Failure("cannot open input '" + input + "'");
    in = &file;
  }
  const bool components = vm.count("components") > 0;
  const int threads = voc_cli::CheckThreads(vm["threads"].as<int>());
  std::ios::sync_with_stdio(false);
  const voc::SentimentAnalyzer& sa = **analyzer;
  const bool ok = voc_cli::MapLines(
      *in, threads,
      [&](size_t, const std::string& line, std::string* out) {
        out->append(voc::SentimentToJson(sa.Analyze(line), line, options.sentences, components));
      },
      stdout);
  if (!ok) throw voc_cli::Failure("error reading input '" + input + "'");
  std::fflush(stdout);
  return 0;
}

}  // namespace

VOC_CLI_COMMAND(sentiment, "sentiment", "sentiment per text and sentence, with evidence (JSONL)", Run);
