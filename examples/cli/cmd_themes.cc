// `voc themes [FILE|-] [--taxonomy PATH]`: one text per line in, one JSON
// object per line out with its themes (routed to departments, with evidence)
// and its CX signals.
#include <boost/program_options.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "cli.h"
#include "line_map.h"
#include "voc/signals.h"
#include "voc/taxonomy.h"

namespace po = boost::program_options;

namespace {

// Appends `s` as a JSON string; invalid UTF-8 bytes become U+FFFD.
void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': *out += "\\\""; break;
        case '\\': *out += "\\\\"; break;
        case '\n': *out += "\\n"; break;
        case '\r': *out += "\\r"; break;
        case '\t': *out += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            *out += buf;
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (c > 0xF4) len = 0;
    bool valid = len > 0 && i + len <= s.size();
    for (size_t k = 1; valid && k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) valid = false;
    if (valid && len == 3) {
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) valid = false;
    }
    if (valid && len == 4) {
      unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) valid = false;
    }
    if (valid) {
      out->append(s.substr(i, len));
      i += len;
    } else {
      *out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  out->push_back('"');
}

void AppendNumber(std::string* out, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  *out += buf;
}

void AppendEvidence(std::string* out, const voc::EvidenceSpan& e, std::string_view text,
                    bool with_text) {
  *out += "{\"begin\":" + std::to_string(e.begin) + ",\"end\":" + std::to_string(e.end) +
          ",\"source\":";
  AppendJsonString(out, e.source);
  *out += ",\"weight\":";
  AppendNumber(out, e.weight);
  if (with_text && e.end <= text.size() && e.begin <= e.end) {
    *out += ",\"text\":";
    AppendJsonString(out, text.substr(e.begin, e.end - e.begin));
  }
  *out += "}";
}

int RunThemes(int argc, char** argv) {
  po::options_description desc(
      "usage: voc themes [FILE|-] [options]\n\n"
      "Reads one text per line (FILE or stdin) and writes one JSON object per line:\n"
      "{\"line\",\"themes\":[{\"id\",\"label\",\"confidence\",\"source\",\"department\",\"role\",\"evidence\"}],\n"
      " \"unclassified\",\"signals\":[{\"signal\",\"source\",\"begin\",\"end\",\"text\"}],\n"
      " \"emotion_intensity\",\"profanity\"}. Byte offsets point into the line.\n"
      "Profane words are counted, never echoed.\n\noptions");
  std::string taxonomy_path = std::string(VOC_DEFAULT_MODELS_DIR) + "/taxonomy.json";
  desc.add_options()("help,h", "show this help")(
      "taxonomy", po::value<std::string>(&taxonomy_path),
      "taxonomy JSON file (default: $VOC_TAXONOMY, else the bundled models/taxonomy.json)")(
      "no-signals", "do not detect CX signals")(
      "evidence-text", po::value<bool>()->default_value(true),
      "include the matched text of each evidence span (true|false)")(
      "threads", po::value<int>()->default_value(0), "worker threads (0: all cores)");
  po::options_description hidden;
  hidden.add_options()("input", po::value<std::string>()->default_value("-"), "input");
  po::positional_options_description pos;
  pos.add("input", 1);
  po::options_description all;
  all.add(desc).add(hidden);
  po::variables_map vm = voc_cli::ParseCommandLine(argc, argv, all, pos);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (const char* env = std::getenv("VOC_TAXONOMY"); env != nullptr && !vm.count("taxonomy"))
    taxonomy_path = env;
  bool with_signals = !vm.count("no-signals");
  bool with_text = vm["evidence-text"].as<bool>();

  auto tax = voc::Taxonomy::LoadFile(taxonomy_path);
  if (!tax.ok()) throw voc_cli::Failure(tax.status().message());
  std::shared_ptr<const voc::Taxonomy> taxonomy = std::move(*tax);
  auto clf = voc::ThemeClassifier::Create(taxonomy);
  if (!clf.ok()) throw voc_cli::Failure(clf.status().message());
  auto det = voc::SignalDetector::Create();
  if (!det.ok()) throw voc_cli::Failure(det.status().message());

  std::string input = vm["input"].as<std::string>();
  std::ifstream file;
  std::istream* in = &std::cin;
  if (input != "-") {
    file.open(input, std::ios::binary);
    if (!file) throw voc_cli::Failure("cannot open input file \"" + input + "\"");
    in = &file;
  }
  std::ios::sync_with_stdio(false);
  const int threads = vm["threads"].as<int>();
  if (threads < 0) throw voc_cli::UsageError("--threads must be >= 0");
  const bool ok = voc_cli::MapLines(*in, threads, [&](size_t n, const std::string& line, std::string* out_ptr) {
    std::string& out = *out_ptr;
    out += "{\"line\":" + std::to_string(n) + ",\"themes\":[";
    std::vector<voc::ThemeHit> hits = (*clf)->Classify(line);
    for (size_t i = 0; i < hits.size(); ++i) {
      const voc::ThemeHit& h = hits[i];
      const voc::Theme* theme = taxonomy->Find(h.id);
      if (i) out += ",";
      out += "{\"id\":";
      AppendJsonString(&out, h.id);
      out += ",\"label\":";
      AppendJsonString(&out, theme ? theme->label : h.id);
      out += ",\"confidence\":";
      AppendNumber(&out, h.confidence);
      out += ",\"source\":";
      AppendJsonString(&out, h.source);
      out += ",\"department\":";
      AppendJsonString(&out, h.department);
      out += ",\"role\":";
      AppendJsonString(&out, voc::ValueRoleName(h.role));
      out += ",\"evidence\":[";
      for (size_t k = 0; k < h.evidence.size(); ++k) {
        if (k) out += ",";
        AppendEvidence(&out, h.evidence[k], line, with_text);
      }
      out += "]}";
    }
    out += "],\"unclassified\":";
    out += hits.empty() ? "true" : "false";
    if (with_signals) {
      voc::SignalResult sig = (*det)->Detect(line);
      out += ",\"signals\":[";
      for (size_t i = 0; i < sig.hits.size(); ++i) {
        const voc::SignalHit& h = sig.hits[i];
        if (i) out += ",";
        out += "{\"signal\":";
        AppendJsonString(&out, voc::SignalName(h.signal));
        out += ",\"source\":";
        AppendJsonString(&out, h.evidence.source);
        out += ",\"begin\":" + std::to_string(h.evidence.begin) +
               ",\"end\":" + std::to_string(h.evidence.end);
        // Profane words are never echoed.
        if (with_text && h.evidence.source != "cue:profanity") {
          out += ",\"text\":";
          AppendJsonString(&out, std::string_view(line).substr(
                                     h.evidence.begin, h.evidence.end - h.evidence.begin));
        }
        out += "}";
      }
      out += "],\"emotion_intensity\":";
      AppendNumber(&out, sig.emotion_intensity);
      out += ",\"profanity\":" + std::to_string(sig.profanity);
    }
    out += "}";
  }, stdout);
  if (!ok) throw voc_cli::Failure("error reading \"" + input + "\"");
  std::fflush(stdout);
  return 0;
}

}  // namespace

VOC_CLI_COMMAND(themes, "themes", "theme classification (routed to departments) and CX signals, JSONL",
                RunThemes);
