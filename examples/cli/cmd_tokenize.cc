// `voc tokenize [FILE|-]`: one text per line in, one JSON line of tokens and
// sentences per input line out.
#include <boost/program_options.hpp>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>

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
        voc::Tokenization t = tk.Tokenize(line);
        std::string& json = *out;
        json.append("{\"tokens\":[");
        for (size_t k = 0; k < t.tokens.size(); ++k) {
          const voc::Token& tok = t.tokens[k];
          if (k) json.push_back(',');
          json.append("{\"text\":");
          voc::AppendJsonString(tok.text(line), &json);
          if (!no_norm) {
            json.append(",\"norm\":");
            voc::AppendJsonString(tok.norm, &json);
          }
          // The rest of the token in one piece (no number strings).
          char buf[128];
          char* p = buf;
          auto put = [&p](std::string_view s) {
            std::memcpy(p, s.data(), s.size());
            p += s.size();
          };
          put(",\"kind\":\"");
          put(voc::TokenKindName(tok.kind));
          put("\",\"begin\":");
          p = std::to_chars(p, p + 10, tok.begin).ptr;  // a uint32_t has at most 10 digits
          put(",\"end\":");
          p = std::to_chars(p, p + 10, tok.end).ptr;
          if (!no_norm && tok.elongated) put(",\"elongated\":true");
          *p++ = '}';
          json.append(buf, static_cast<size_t>(p - buf));
        }
        json.push_back(']');
        if (options.sentences) {
          json.append(",\"sentences\":[");
          for (size_t k = 0; k < t.sentences.size(); ++k) {
            const voc::Sentence& s = t.sentences[k];
            if (k) json.push_back(',');
            char buf[128];
            char* p = buf;
            const std::pair<std::string_view, uint32_t> fields[] = {{"{\"begin\":", s.begin},
                                                                    {",\"end\":", s.end},
                                                                    {",\"first_token\":", s.first_token},
                                                                    {",\"end_token\":", s.end_token}};
            for (const auto& [name, value] : fields) {
              std::memcpy(p, name.data(), name.size());
              p = std::to_chars(p + name.size(), p + name.size() + 10, value).ptr;
            }
            *p++ = '}';
            json.append(buf, static_cast<size_t>(p - buf));
          }
          json.push_back(']');
        }
        json.push_back('}');
      },
      stdout);
  if (!ok) throw voc_cli::Failure("read error on '" + (input.empty() ? "-" : input) + "'");
  std::fflush(stdout);
  return 0;
}

}  // namespace

VOC_CLI_COMMAND(tokenize, "tokenize", "split text lines into tokens and sentences (JSONL)", RunTokenize);
