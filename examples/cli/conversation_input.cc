// Conversation input of `voc analyze` and `voc findings`.
#include "conversation_input.h"

#include <cstdio>
#include <utility>

#include "cli.h"
#include "voc/parallel.h"

namespace po = boost::program_options;

namespace voc_cli {

void AddConversationFlags(po::options_description* desc, ConversationFlags* flags) {
  desc->add_options()("turns-col", po::value(&flags->turns_col)->default_value(flags->turns_col),
                      "conversations: JSON field holding the speaker turns, an array of "
                      "{\"speaker\": ..., \"text\": ...} objects or [speaker, text] pairs")(
      "speaker-map", po::value(&flags->speaker_map),
      "conversations: extra speaker labels, e.g. 'spk_0=customer,spk_1=agent' (roles: "
      "customer, agent, bot, system)")("max-turns",
                                       po::value(&flags->max_turns)->default_value(flags->max_turns),
                                       "conversations with more turns are rejected")(
      "transcript-marker", po::value(&flags->marker)->default_value(flags->marker),
      "transcripts: a line starting with this (or '---') ends a conversation; its rest is "
      "the next one's id")(
      "parent-col", po::value(&flags->parent_col),
      "reply threads: column with the id of the row replied to (rows become conversations)")(
      "role-col", po::value(&flags->role_col),
      "reply threads: column with the author's role (customer, agent, ...)")(
      "author-col", po::value(&flags->author_col),
      "reply threads: column with the author id (with --company-authors)")(
      "company-authors", po::value(&flags->company_authors),
      "reply threads: comma-separated author ids that are the company's agents");
}

OpenedInput OpenInput(const std::string& path, const InputFlags& in, const ConversationFlags& cf) {
  InputFlags flags = in;
  voc::ConversationReaderOptions co;
  bool force = false;
  if (flags.format == "conversations") {
    flags.format = "jsonl";
    force = true;
  } else if (flags.format == "transcript" || flags.format == "transcripts") {
    flags.format = "text";
    co.form = voc::ConversationForm::kTranscript;
    force = true;
  }
  if (!cf.parent_col.empty()) {
    co.form = voc::ConversationForm::kThread;
    force = true;
  }
  voc::ReaderOptions ro = MakeReaderOptions(flags);
  if (co.form == voc::ConversationForm::kTurns) {
    if (cf.turns_col.empty()) throw UsageError("--turns-col cannot be empty");
    ro.turns_column = cf.turns_col;
    if (in.format == "conversations") ro.text_column = cf.turns_col;
  }
  OpenedInput out;
  out.records = OpenReader(path, ro);
  if (!force && !out.records->conversations()) return out;
  if (!cf.speaker_map.empty()) {
    voc::Status s = co.speakers.Add(cf.speaker_map);
    if (!s.ok()) throw UsageError(s.message());
  }
  if (cf.max_turns == 0) throw UsageError("--max-turns must be at least 1");
  co.max_turns = cf.max_turns;
  co.marker = cf.marker;
  co.parent_column = cf.parent_col;
  co.role_column = cf.role_col;
  co.author_column = cf.author_col;
  for (size_t pos = 0; pos < cf.company_authors.size();) {
    size_t comma = cf.company_authors.find(',', pos);
    if (comma == std::string::npos) comma = cf.company_authors.size();
    std::string id = cf.company_authors.substr(pos, comma - pos);
    if (!id.empty()) co.company_authors.push_back(id);
    pos = comma + 1;
  }
  auto reader = voc::ConversationReader::Create(std::move(out.records), std::move(co));
  if (!reader.ok()) throw Failure(reader.status().message());
  out.conversations = std::move(*reader);
  return out;
}

void RunConversations(voc::ConversationReader& reader, const voc::Analyzer& analyzer, int threads,
                      const std::function<void(voc::ConversationAnalysis&&)>& on_analysis,
                      const std::function<void(const voc::Reject&)>& on_reject) {
  // Batches bounded by turns as well as by conversations.
  constexpr size_t kMaxConversations = 256;
  constexpr size_t kMaxTurns = 8192;
  voc::ParallelFor team(threads);
  std::vector<voc::Conversation> batch(kMaxConversations);
  std::vector<voc::ConversationAnalysis> results(kMaxConversations);
  voc::Reject reject;
  bool ended = false;
  while (!ended) {
    size_t n = 0, turns = 0;
    while (n < kMaxConversations && turns < kMaxTurns) {
      auto next = reader.Read(&batch[n], &reject);
      if (next == voc::ConversationReader::Next::kEnd) {
        ended = true;
        break;
      }
      if (next == voc::ConversationReader::Next::kReject) {
        on_reject(reject);
        continue;
      }
      turns += batch[n].turns.size();
      ++n;
    }
    team.Run(n, [&](size_t i) { results[i] = analyzer.AnalyzeConversation(batch[i]); });
    for (size_t i = 0; i < n; ++i) {
      on_analysis(std::move(results[i]));
      results[i] = voc::ConversationAnalysis();
      batch[i] = voc::Conversation();
    }
  }
}

void FinishConversations(const voc::ConversationReader& reader, voc::RejectWriter* writer,
                         bool threads_input) {
  const voc::ConversationStats& s = reader.stats();
  const char* unit = threads_input ? "rows" : "conversations";
  std::fprintf(stderr, "voc: read %llu %s: %llu emitted, %llu rejected (%llu conversations, %llu turns)\n",
               static_cast<unsigned long long>(s.read), unit, static_cast<unsigned long long>(s.emitted),
               static_cast<unsigned long long>(s.rejected), static_cast<unsigned long long>(s.conversations),
               static_cast<unsigned long long>(s.turns));
  if (writer != nullptr) {
    voc::Status st = writer->Close();
    if (!st.ok()) throw Failure(st.message());
  }
  if (!reader.records().status().ok()) throw Failure(reader.records().status().message());
}

}  // namespace voc_cli
