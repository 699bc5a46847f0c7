// Conversation input for `voc analyze` and `voc findings`: the flags, the
// detection of conversation input, and the per-conversation pipeline.
//
//   voc_cli::ConversationFlags cf;
//   voc_cli::AddConversationFlags(&desc, &cf);
//   ... parse ...
//   voc_cli::OpenedInput opened = voc_cli::OpenInput(path, in, cf);
//   if (opened.conversations) { ... RunConversations(...) ... } else { ... opened.records ... }
#ifndef VOC_EXAMPLES_CLI_CONVERSATION_INPUT_H_
#define VOC_EXAMPLES_CLI_CONVERSATION_INPUT_H_

#include <boost/program_options.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "input_flags.h"
#include "voc/analyzer.h"
#include "voc/conversation.h"
#include "voc/reader.h"

namespace voc_cli {

struct ConversationFlags {
  std::string turns_col = "turns";  // --turns-col: JSON field of the speaker turns
  std::string speaker_map;          // --speaker-map LABEL=ROLE,...
  size_t max_turns = 10000;         // --max-turns
  std::string marker = "### ";      // --transcript-marker
  std::string parent_col;           // --parent-col: reply threads
  std::string role_col;             // --role-col
  std::string author_col;           // --author-col
  std::string company_authors;      // --company-authors ID,ID,...
};

void AddConversationFlags(boost::program_options::options_description* desc, ConversationFlags* flags);

// The input, opened once: conversations when the input is (or is forced
// to be) conversations, else plain records.
struct OpenedInput {
  std::unique_ptr<voc::ConversationReader> conversations;
  std::unique_ptr<voc::RecordReader> records;
};

// Opens `path`: --format conversations (JSON Lines turns), transcript
// (plain text with speaker prefixes) or a --parent-col (reply threads) force
// conversations; with --format auto, JSON Lines whose first object has a
// `turns` array (and no text column) is read as conversations.
OpenedInput OpenInput(const std::string& path, const InputFlags& in, const ConversationFlags& cf);

// Analyses every conversation on `threads` threads, `on_analysis` called in
// input order on the calling thread; rejects go to `on_reject`.
void RunConversations(voc::ConversationReader& reader, const voc::Analyzer& analyzer, int threads,
                      const std::function<void(voc::ConversationAnalysis&&)>& on_analysis,
                      const std::function<void(const voc::Reject&)>& on_reject);

// Prints "voc: read N conversations: M emitted, K rejected (T turns)" (rows
// for reply threads), closes the rejects file, throws Failure on error.
void FinishConversations(const voc::ConversationReader& reader, voc::RejectWriter* writer,
                         bool threads_input);

}  // namespace voc_cli

#endif  // VOC_EXAMPLES_CLI_CONVERSATION_INPUT_H_
