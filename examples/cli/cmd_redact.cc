// `voc redact` and `voc normalize`: line-oriented text cleaning from the shell.
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"
#include "redact_io.h"
#include "voc/json.h"
#include "voc/normalizer.h"
#include "voc/redactor.h"

namespace po = boost::program_options;

namespace {

po::variables_map Parse(int argc, char** argv, const po::options_description& opts) {
  po::positional_options_description pos;
  pos.add("input", 1);
  po::variables_map vm = voc_cli::ParseCommandLine(argc, argv, opts, pos);
  return vm;
}

std::unique_ptr<voc::Normalizer> MakeNormalizer(const voc::NormalizerOptions& o) {
  auto n = voc::Normalizer::Create(o);
  if (!n.ok()) throw voc_cli::Failure(n.status().message());
  return std::move(*n);
}

int RunRedact(int argc, char** argv) {
  po::options_description opts(
      "usage: voc redact [FILE|-] [options]\n\n"
      "Reads one text per line (default stdin), normalises it (NFC, whitespace,\n"
      "controls, HTML entities, invalid UTF-8) and prints it with personal data\n"
      "masked: [EMAIL] [PHONE] [CARD] [SSN] [IBAN] [IP] [URL] [ACCOUNT] [ADDRESS].\n\noptions");
  std::vector<std::string> patterns, disabled;
  opts.add_options()("help,h", "print this help")("input", po::value<std::string>()->default_value("-"),
                                                  "input file, '-' for stdin")(
      "spans",
      "print JSONL: {\"text\":..., \"spans\":[{\"kind\",\"begin\",\"end\",...}]}; "
      "begin/end are byte offsets into the normalised input, out_begin/out_end "
      "into the redacted text")(
      "pattern", po::value<std::vector<std::string>>(&patterns)->composing(),
      "extra RE2 pattern, NAME=REGEX (masked as [NAME]) or REGEX (masked as [CUSTOM]); "
      "repeatable")("disable", po::value<std::vector<std::string>>(&disabled)->composing(),
                    "turn a kind off: email, phone, card, ssn, iban, ip, url, account, address; repeatable")(
      "no-normalize", "redact the lines as they are (must be valid UTF-8)")(
      "threads", po::value<int>()->default_value(0),
      "worker threads (0: all cores); output keeps the input order");
  po::variables_map vm = Parse(argc, argv, opts);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  voc::RedactorOptions ro;
  ro.extra_patterns = patterns;
  for (const std::string& k : disabled) {
    if (k == "email")
      ro.email = false;
    else if (k == "phone")
      ro.phone = false;
    else if (k == "card")
      ro.card = false;
    else if (k == "ssn")
      ro.ssn = false;
    else if (k == "iban")
      ro.iban = false;
    else if (k == "ip")
      ro.ip = false;
    else if (k == "url")
      ro.url = false;
    else if (k == "account")
      ro.account = false;
    else if (k == "address")
      ro.address = false;
    else
      throw voc_cli::UsageError("unknown kind '" + k + "' for --disable");
  }
  auto redactor = voc::Redactor::Create(ro);
  if (!redactor.ok()) throw voc_cli::UsageError(redactor.status().message());
  const bool spans = vm.count("spans") > 0;
  const bool normalize = vm.count("no-normalize") == 0;
  // Default options except that any line break inside a line becomes a
  // space, so that one line in gives one line out.
  auto normalizer = MakeNormalizer({});
  const int threads = voc_cli::CheckThreads(vm["threads"].as<int>());
  voc_cli::MapInputLines(
      vm["input"].as<std::string>(), threads, [&](size_t, const std::string& line, std::string* out_ptr) {
        std::string& out = *out_ptr;
        const voc::Redaction r = (*redactor)->Redact(normalize ? normalizer->Normalize(line).text : line);
        if (spans) {
          out += "{\"text\":";
          voc::AppendJsonString(r.text, &out);
          out += ",\"spans\":[";
          for (size_t i = 0; i < r.spans.size(); ++i) {
            const voc::PiiSpan& s = r.spans[i];
            if (i > 0) out += ',';
            out += "{\"kind\":\"";
            out += voc::PiiKindName(s.kind);
            out += "\",\"name\":";
            voc::AppendJsonString(s.name, &out);
            out += ",\"begin\":" + std::to_string(s.begin) + ",\"end\":" + std::to_string(s.end) +
                   ",\"out_begin\":" + std::to_string(s.out_begin) +
                   ",\"out_end\":" + std::to_string(s.out_end) + "}";
          }
          out += "],\"existing_masks\":" + std::to_string(r.existing_masks) + "}";
        } else {
          out += r.text;
        }
      });
  std::fflush(stdout);
  return 0;
}

int RunNormalize(int argc, char** argv) {
  po::options_description opts(
      "usage: voc normalize [FILE|-] [options]\n\n"
      "Reads one text per line (default stdin) and prints it normalised: invalid\n"
      "UTF-8 replaced by U+FFFD, HTML entities decoded, controls dropped, NFC (or\n"
      "NFKC), whitespace collapsed and trimmed.\n\noptions");
  opts.add_options()("help,h", "print this help")("input", po::value<std::string>()->default_value("-"),
                                                  "input file, '-' for stdin")(
      "nfkc", "use NFKC instead of NFC")("keep-entities", "do not decode HTML character references")(
      "json",
      "print JSONL: {\"text\":..., \"invalid_utf8\":n, \"controls_removed\":n, "
      "\"entities_decoded\":n}")("threads", po::value<int>()->default_value(0),
                                 "worker threads (0: all cores); output keeps the input order");
  po::variables_map vm = Parse(argc, argv, opts);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  voc::NormalizerOptions no;
  if (vm.count("nfkc")) no.form = voc::NormalizerOptions::Form::kNFKC;
  if (vm.count("keep-entities")) no.decode_html_entities = false;
  auto normalizer = MakeNormalizer(no);
  const bool json = vm.count("json") > 0;
  const int threads = voc_cli::CheckThreads(vm["threads"].as<int>());
  voc_cli::MapInputLines(vm["input"].as<std::string>(), threads,
                         [&](size_t, const std::string& line, std::string* out_ptr) {
                           std::string& out = *out_ptr;
                           const voc::Normalized n = normalizer->Normalize(line);
                           if (json) {
                             out += "{\"text\":";
                             voc::AppendJsonString(n.text, &out);
                             out += ",\"invalid_utf8\":" + std::to_string(n.invalid_utf8) +
                                    ",\"controls_removed\":" + std::to_string(n.controls_removed) +
                                    ",\"entities_decoded\":" + std::to_string(n.entities_decoded) + "}";
                           } else {
                             out += n.text;
                           }
                         });
  std::fflush(stdout);
  return 0;
}

}  // namespace

VOC_CLI_COMMAND(redact, "redact", "mask personal data (e-mail, phone, card, ...) line by line", RunRedact);
VOC_CLI_COMMAND(normalize, "normalize", "clean text: UTF-8, entities, controls, NFC, whitespace",
                RunNormalize);
