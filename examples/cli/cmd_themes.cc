// `voc themes [FILE|-] [--themes PATH]`: one text per line in, one JSON
// object per line out with its themes (routed to departments, with evidence)
// and its CX signals.
#include <boost/program_options.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include "cli.h"
#include "line_map.h"
#include "voc/analysis.h"
#include "voc/analyzer.h"
#include "voc/json.h"
#include "voc/signals.h"
#include "voc/taxonomy.h"

namespace po = boost::program_options;

namespace {

// Serves the bytes of `first`, then those of `second`.
class ChainedStreamBuf : public std::streambuf {
 public:
  ChainedStreamBuf(std::streambuf* first, std::streambuf* second) : first_(first), second_(second) {}

 protected:
  int_type underflow() override {
    while (true) {
      std::streambuf* src = on_first_ ? first_ : second_;
      std::streamsize n = src->sgetn(buf_, sizeof buf_);
      if (n > 0) {
        setg(buf_, buf_, buf_ + n);
        return traits_type::to_int_type(buf_[0]);
      }
      if (!on_first_) return traits_type::eof();
      on_first_ = false;
    }
  }

 private:
  std::streambuf* first_;
  std::streambuf* second_;
  bool on_first_ = true;
  char buf_[1 << 16];
};

int RunThemes(int argc, char** argv) {
  po::options_description desc(
      "usage: voc themes [FILE|-] [options]\n\n"
      "Reads one text per line (FILE or stdin) and writes one JSON object per line:\n"
      "{\"line\",\"themes\":[{\"confidence\",\"department\",\"evidence\",\"id\",\"role\",\"source\"}],\n"
      " \"unclassified\",\"signals\":[{\"begin\",\"end\",\"signal\",\"source\",\"text\"}],\n"
      " \"emotion_intensity\",\"profanity\"}: the themes and signals of `voc analyze`.\n"
      "Byte offsets point into the line.\n"
      "Profane words are counted, never echoed.\n\noptions");
  std::string taxonomy_path = std::string(VOC_DEFAULT_MODELS_DIR) + "/taxonomy.json";
  desc.add_options()("help,h", "show this help")(
      "themes", po::value<std::string>(&taxonomy_path),
      "taxonomy JSON file (default: $VOC_TAXONOMY, else the bundled models/taxonomy.json)")(
      "no-signals", "do not detect CX signals")(
      "evidence-text", po::value<bool>()->default_value(true),
      "include the matched text of each evidence span (true|false)")(
      "threads", po::value<int>()->default_value(0), "worker threads (0: all cores)")(
      "industry", po::value<std::string>()->default_value("auto"),
      "industry packs of the taxonomy: auto (the packs whose vocabulary the first 1000 lines "
      "show), none (core themes only), all, or pack names, e.g. travel,telecom")(
      "quiet,q", "do not say on stderr which industry packs are used");
  po::options_description hidden;
  hidden.add_options()("input", po::value<std::string>()->default_value("-"), "input")(
      "taxonomy", po::value<std::string>(&taxonomy_path), "old name of --themes");
  po::positional_options_description pos;
  pos.add("input", 1);
  po::options_description all;
  all.add(desc).add(hidden);
  po::variables_map vm = voc_cli::ParseCommandLine(argc, argv, all, pos);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (const char* env = std::getenv("VOC_TAXONOMY");
      env != nullptr && !vm.count("themes") && !vm.count("taxonomy"))
    taxonomy_path = env;
  bool with_signals = !vm.count("no-signals");
  bool with_text = vm["evidence-text"].as<bool>();

  auto tax = voc::Taxonomy::LoadFile(taxonomy_path);
  if (!tax.ok()) throw voc_cli::Failure(tax.status().message());
  std::shared_ptr<const voc::Taxonomy> taxonomy = std::move(*tax);
  std::string input = vm["input"].as<std::string>();
  std::ifstream file;
  std::istream* in = &std::cin;
  if (input != "-") {
    file.open(input, std::ios::binary);
    if (!file) throw voc_cli::Failure("cannot open input file \"" + input + "\"");
    in = &file;
  }
  std::ios::sync_with_stdio(false);
  // --industry auto looks at the first lines; they are then read again from
  // memory, ahead of the rest of the input.
  const std::string industry = vm["industry"].as<std::string>();
  std::string head;
  std::vector<std::string_view> sample;
  if (industry == "auto" && !taxonomy->packs().empty()) {
    std::string line;
    std::vector<size_t> ends;
    while (ends.size() < voc::kIndustrySampleRecords && std::getline(*in, line)) {
      head += line;
      if (!in->eof()) head += '\n';
      ends.push_back(head.size());
    }
    if (in->bad()) throw voc_cli::Failure("error reading \"" + input + "\"");
    for (size_t i = 0, b = 0; i < ends.size(); b = ends[i], ++i) {
      std::string_view l(head.data() + b, ends[i] - b);
      if (!l.empty() && l.back() == '\n') l.remove_suffix(1);
      sample.push_back(l);
    }
    in->clear(in->rdstate() & ~std::ios::failbit);
  }
  auto sel = voc::SelectIndustries(*taxonomy, industry, sample);
  if (!sel.ok()) throw voc_cli::UsageError(sel.status().message());
  if (!vm.count("quiet") && !taxonomy->packs().empty())
    std::fprintf(stderr, "voc: industry packs: %s\n", sel->Summary().c_str());
  voc::ThemeOptions to;
  to.all_packs = false;
  to.packs = sel->Enabled();
  auto clf = voc::ThemeClassifier::Create(taxonomy, to);
  if (!clf.ok()) throw voc_cli::Failure(clf.status().message());
  auto det = voc::SignalDetector::Create();
  if (!det.ok()) throw voc_cli::Failure(det.status().message());
  std::istringstream head_stream(head);
  ChainedStreamBuf chained(head_stream.rdbuf(), in->rdbuf());
  std::istream chained_in(&chained);
  if (!head.empty()) in = &chained_in;
  const int threads = voc_cli::CheckThreads(vm["threads"].as<int>());
  const bool ok = voc_cli::MapLines(
      *in, threads,
      [&](size_t n, const std::string& line, std::string* out_ptr) {
        std::string& out = *out_ptr;
        out += "{\"line\":" + std::to_string(n) + ",\"themes\":";
        const std::vector<voc::ThemeHit> hits = (*clf)->Classify(line);
        voc::AppendThemesJson(hits, line, &out, with_text);
        out += ",\"unclassified\":";
        out += hits.empty() ? "true" : "false";
        if (with_signals) {
          const voc::SignalResult sig = (*det)->Detect(line);
          out += ",\"signals\":";
          voc::AppendSignalsJson(sig.hits, line, &out, with_text);
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.4g", sig.emotion_intensity);
          out += ",\"emotion_intensity\":";
          out += buf;
          out += ",\"profanity\":" + std::to_string(sig.profanity);
        }
        out += "}";
      },
      stdout);
  if (!ok) throw voc_cli::Failure("error reading \"" + input + "\"");
  std::fflush(stdout);
  return 0;
}

}  // namespace

VOC_CLI_COMMAND(themes, "themes", "theme classification (routed to departments) and CX signals, JSONL",
                RunThemes);
