// `voc tokenize [FILE|-]`: one text per line in, one JSON line of tokens and
// sentences per input line out.
#include <boost/program_options.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "cli.h"
#include "line_map.h"
#include "voc/json.h"
#include "voc/tokenizer.h"

namespace po = boost::program_options;

namespace {

int RunTokenize(int argc, char** argv) {
  po::options_description opts("options");
  bool no_sentences = false, no_social = false, no_case_fold = false, no_fast_path = false;
  bool no_norm = false;
  int threads = 0;
  std::string input;
  opts.add_options()("help,h", "show this help")("no-sentences", po::bool_switch(&no_sentences),
                                                 "do not split sentences (no \"sentences\" key)")(
      "no-social", po::bool_switch(&no_social),
      "no URL/e-mail/mention/hashtag/emoji/emoticon/money/time/mask tokens")(
      "no-case-fold", po::bool_switch(&no_case_fold), "keep case in \"norm\"")(
      "no-fast-path", po::bool_switch(&no_fast_path), "segment everything with ICU (same output, slower)")(
      "no-norm", po::bool_switch(&no_norm), "omit \"norm\" (and \"elongated\") from the output")(
      "threads", po::value(&threads)->default_value(0),
      "worker threads (0: all cores); output keeps the input order");
  po::options_description hidden;
  hidden.add_options()("input", po::value<std::string>(&input));
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("input", 1);
  po::variables_map vm = voc_cli::ParseCommandLine(argc, argv, all, pos);
  if (vm.count("help")) {
    std::cout << "usage: voc tokenize [FILE|-] [options]\n\n"
                 "Reads one text per line (FILE or stdin) and writes one JSON line per input line:\n"
                 "  {\"tokens\":[{\"text\":..,\"norm\":..,\"kind\":..,\"begin\":..,\"end\":..},..],\n"
                 "   \"sentences\":[{\"begin\":..,\"end\":..,\"first_token\":..,\"end_token\":..},..]}\n"
                 "Offsets are UTF-8 byte offsets into the line (without its newline). Token kinds:\n"
                 "word number punct symbol url email mention hashtag emoji emoticon money time\n"
                 "mask contraction. \"elongated\":true marks tokens like \"soooo\".\n\n"
              << opts << "\n";
    return 0;
  }
  voc::TokenizerOptions options;
  options.sentences = !no_sentences;
  options.social = !no_social;
  options.case_fold = !no_case_fold;
  options.fast_path = !no_fast_path;
  auto tokenizer = voc::Tokenizer::Create(options);
  if (!tokenizer.ok()) throw voc_cli::Failure(tokenizer.status().message());

  std::ifstream file;
  std::istream* in = &std::cin;
  if (!input.empty() && input != "-") {
    file.open(input, std::ios::binary);
    if (!file) throw voc_cli::Failure("cannot open '" + input + "'");
    in = &file;
  }
  threads = voc_cli::CheckThreads(threads);
  std::ios::sync_with_stdio(false);
  const voc::Tokenizer& tk = **tokenizer;
  const bool ok = voc_cli::MapLines(
      *in, threads,
      [&](size_t, const std::string& line, std::string* out) {
        voc::AppendTokenizationJson(tk.Tokenize(line), line, out, !no_norm, options.sentences);
      },
      stdout);
  if (!ok) throw voc_cli::Failure("read error on '" + (input.empty() ? "-" : input) + "'");
  std::fflush(stdout);
  return 0;
}

}  // namespace

VOC_CLI_COMMAND(tokenize, "tokenize", "split text lines into tokens and sentences (JSONL)", RunTokenize);
