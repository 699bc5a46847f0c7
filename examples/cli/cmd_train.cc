// `voc train`: trains a text classifier from a labeled CSV file.
#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli.h"
#include "output_files.h"
#include "voc/classifier.h"
#include "voc/model_input.h"
#include "voc/sentiment.h"

namespace po = boost::program_options;

namespace {

int RunTrain(int argc, char** argv) {
  std::string input, output, text_col = "text", label_col = "label", task = "themes";
  std::string label_sep = "|", backend = "auto", validation, model_input = voc::kWordsInput;
  int seed = 13, threads = 0;
  double validation_fraction = 0.15;
  size_t quantize_max_features = voc::TrainOptions().quantize_max_features;
  po::options_description desc(
      "usage: voc train --input CSV --output MODEL [options]\n\n"
      "Trains a text classifier (themes, sentiment, intents ...) from a labeled CSV file.\n"
      "By default a linear model (balanced L2-loss SVM, C = 0.5) over TF-IDF word 1-2\n"
      "grams and character 2-5 grams is scored on a stratified 15% slice of the rows\n"
      "(metrics, calibration, multi-label thresholds) and retrained on all rows. With\n"
      "--search a grid of linear and fastText settings is tried on that slice instead.\n"
      "With --task sentiment (labels negative, neutral, positive) the model is stacked on\n"
      "voc's sentiment lexicon: a linear model over word 1-2 grams and the lexicon's\n"
      "judgement of each text, for `voc sentiment --model` and `voc analyze\n"
      "--sentiment-model` (--no-lexicon: over the text alone). The model reads only\n"
      "the words of a text: URLs, e-mails, mentions, masks and numbers are blanked\n"
      "(--model-input words/1; text: the text as it is).\n\noptions");
  desc.add_options()("help,h", "show this help")(
      "input,i", po::value(&input), "training CSV (RFC 4180, header row)")("output,o", po::value(&output),
                                                                           "model file to write")(
      "text-col", po::value(&text_col)->default_value(text_col), "text column")(
      "label-col", po::value(&label_col)->default_value(label_col), "label column")(
      "task", po::value(&task)->default_value(task), "task name stored in the model")(
      "multi-label", "labels hold several values separated by --label-sep")(
      "label-sep", po::value(&label_sep)->default_value(label_sep), "separator of several labels")(
      "backend", po::value(&backend)->default_value(backend), "auto, linear or fasttext")(
      "search", "try a grid of settings of both backends on the validation rows, keep the best")(
      "no-char-ngrams", "linear model: word 1-2 grams only (faster prediction)")(
      "no-lexicon", "with --task sentiment: do not stack the model on the sentiment lexicon")(
      "model-input", po::value(&model_input)->default_value(model_input),
      "what the model reads: words/1 (tokens that are not words blanked) or text")(
      "quantize", "make the model small (8-bit linear weights / quantized fastText)")(
      "quantize-max-features", po::value(&quantize_max_features)->default_value(quantize_max_features),
      "features a quantized model keeps")("validation", po::value(&validation),
                                          "CSV to choose settings on instead of a slice")(
      "validation-fraction", po::value(&validation_fraction)->default_value(validation_fraction),
      "share of rows held back to choose settings (0: no search)")(
      "seed", po::value(&seed)->default_value(seed), "random seed")(
      "threads", po::value(&threads)->default_value(threads), "fastText threads (0: 1, deterministic)")(
      "verbose,v", "print every candidate's validation scores");
  po::variables_map vm = voc_cli::ParseCommandLine(argc, argv, desc);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (input.empty()) throw voc_cli::UsageError("--input is required");
  if (output.empty()) throw voc_cli::UsageError("--output is required");
  voc_cli::CheckDistinctFiles({{"--input", input}, {"--validation", validation}}, {{"--output", output}});
  if (label_sep.size() != 1) throw voc_cli::UsageError("--label-sep must be one character");
  const bool stacked = task == "sentiment" && vm.count("no-lexicon") == 0;
  if (model_input != voc::kWordsInput && model_input != "text")
    throw voc_cli::UsageError("--model-input must be words/1 or text, not '" + model_input + "'");
  if (stacked && !vm["model-input"].defaulted())
    throw voc_cli::UsageError("--model-input does not apply to a model stacked on the lexicon (it reads " +
                              std::string(voc::kSentimentLexiconInput) + "); add --no-lexicon");

  voc::CsvReadOptions csv;
  csv.text_column = text_col;
  csv.label_column = label_col;
  csv.multi_label = vm.count("multi-label") > 0;
  csv.label_separator = label_sep[0];
  auto rows = voc::ReadLabeledCsv(input, csv);
  if (!rows.ok()) throw voc_cli::Failure(rows.status().message());

  voc::TrainOptions options;
  options.task = task;
  options.multi_label = csv.multi_label;
  options.label_separator = csv.label_separator;
  options.seed = seed;
  options.validation_fraction = validation_fraction;
  options.backend = backend;
  options.quantize = vm.count("quantize") > 0;
  options.search = vm.count("search") > 0;
  options.quantize_max_features = quantize_max_features;
  options.threads = threads;
  options.char_ngrams = vm.count("no-char-ngrams") == 0;
  options.verbose = vm.count("verbose") > 0;
  if (!validation.empty()) {
    auto val = voc::ReadLabeledCsv(validation, csv);
    if (!val.ok()) throw voc_cli::Failure(val.status().message());
    options.validation = std::move(*val);
  }
  auto start = std::chrono::steady_clock::now();
  options.input = model_input;
  auto model = stacked ? voc::TrainSentimentModel(*rows, options) : voc::TrainModel(*rows, options);
  if (!model.ok()) throw voc_cli::Failure(model.status().message());
  voc::Status saved = (*model)->Save(output);
  if (!saved.ok()) throw voc_cli::Failure(saved.message());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const voc::ModelInfo& info = (*model)->info();
  auto meta = nlohmann::json::parse(info.metadata_json);
  std::printf("trained %s model for task '%s' on %zu rows, %zu labels in %.1f s\n", info.backend.c_str(),
              info.task.c_str(), rows->size(), info.labels.size(), seconds);
  std::printf("settings: %s; input: %s; features: %s\n", meta["settings"].dump().c_str(), info.input.c_str(),
              meta["features"].dump().c_str());
  const auto& v = meta["validation"];
  if (v["accuracy"].is_number()) {
    std::printf("validation (%s, %zu rows): accuracy %.4f  macro-F1 %.4f\n",
                v["source"].get<std::string>().c_str(), v["rows"].get<size_t>(), v["accuracy"].get<double>(),
                v["macro_f1"].get<double>());
  } else {
    std::printf("validation: none (first setting used)\n");
  }
  if (!meta["quantization"].is_null()) std::printf("quantization: %s\n", meta["quantization"].dump().c_str());
  std::printf("wrote %s\n", output.c_str());
  return 0;
}

}  // namespace

VOC_CLI_COMMAND(train, "train", "train a text classifier from a labeled CSV", RunTrain);
