// voc/conversation.h: call transcripts and chats, analysed per speaker.
//
//   voc::Conversation c;
//   c.id = "call-17";
//   c.turns = {{"agent", voc::SpeakerRole::kAgent, "How can I help?"},
//              {"caller", voc::SpeakerRole::kCustomer, "I was charged twice."}};
//   voc::ConversationAnalysis a = analyzer->AnalyzeConversation(c);
//   // a.customer: themes, sentiment and signals of the customer's turns only
//   // a.turns[i]: each turn redacted, with its own sentiment
//   // a.trajectory, a.transfers, a.resolution, a.right_first_time ...
//
// The customer's voice is kept apart from the agent's: `customer` is the
// analysis of the customer's turns alone (joined by a space, in order), so
// an agent's "I'm so sorry for the trouble" never adds customer sentiment
// or themes. The agent's words feed the structure of the conversation
// (transfers, holds, resolution) and the agent behaviours, reported as
// coaching evidence. Every text is redacted; every span names its turn.
//
// The cue phrases behind the conversation signals and agent behaviours are
// English; turn structure (speaker changes, repeats) is language-neutral.
// docs/CONVERSATIONS.md describes the method and its measured behaviour.
//
// Thread safety: plain value types; ConversationReader is a single-threaded
// cursor; SpeakerMap is immutable once built and safe to share.
#ifndef VOC_CONVERSATION_H_
#define VOC_CONVERSATION_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "voc/analysis.h"
#include "voc/reader.h"
#include "voc/status.h"

namespace voc {

enum class SpeakerRole : int8_t { kCustomer, kAgent, kBot, kSystem };

// Returns "customer", "agent", "bot" or "system".
const char* SpeakerRoleName(SpeakerRole r);

// Maps speaker labels to roles. Labels are compared case-insensitively after
// trimming; a label not found whole is tried by its first word of letters
// ("Agent 2", "agent_sam", "Customer (John)"). Defaults:
//   customer: customer, caller, client, user, consumer, member, guest, patient,
//             passenger, subscriber, buyer, visitor
//   agent:    agent, rep, representative, advisor, adviser, csr, operator,
//             specialist, associate, support, staff, employee, consultant, human
//   bot:      bot, chatbot, ivr, assistant, va, virtual assistant, automated
//   system:   system, action, event, note, annotation, info, internal
class SpeakerMap {
 public:
  SpeakerMap();  // the defaults above
  // Adds or overrides entries from "label=role[,label=role...]", e.g.
  // "spk_0=customer,spk_1=agent". InvalidArgument names a bad entry.
  Status Add(std::string_view spec);
  // The role of `speaker`, or nullopt when it is unknown.
  std::optional<SpeakerRole> Find(std::string_view speaker) const;

 private:
  std::map<std::string, SpeakerRole, std::less<>> roles_;
};

struct Turn {
  std::string speaker;  // the label as read, e.g. "Caller" or "agent_7"
  SpeakerRole role = SpeakerRole::kCustomer;
  std::string text;                  // raw text, not yet normalised
  std::optional<int64_t> timestamp;  // Unix seconds UTC, when known
};

struct Conversation {
  uint64_t index = 0;  // 0-based number among the conversations read
  uint64_t line = 0;   // 1-based line where it starts
  std::string id;
  std::optional<int64_t> timestamp;  // of the conversation, else of its first timed turn
  std::string channel;
  std::string customer_id;
  std::vector<Turn> turns;
};

// A span of evidence inside one turn: byte offsets into
// `ConversationAnalysis::turns[turn].text`.
struct TurnSpan {
  uint32_t turn = 0;
  uint32_t begin = 0;
  uint32_t end = 0;
  std::string source;  // e.g. "cue:transfer you", "repeat-of-turn:2"
};

struct TurnAnalysis {
  std::string speaker;
  SpeakerRole role = SpeakerRole::kCustomer;
  std::optional<int64_t> timestamp;
  std::string text;     // normalised and redacted
  Sentiment sentiment;  // of this turn alone; evidence offsets point into `text`
  RedactionCounts redactions;
};

enum class Trend : int8_t { kUnchanged, kRecovered, kWorsened };
// Returns "unchanged", "recovered" or "worsened".
const char* TrendName(Trend t);

enum class Resolution : int8_t { kUnknown, kResolved, kUnresolved };
// Returns "unknown", "resolved" or "unresolved".
const char* ResolutionName(Resolution r);

enum class AgentBehaviour : int8_t { kApology, kEmpathy, kOwnership, kNextStep };
inline constexpr int kAgentBehaviourCount = 4;
// Returns "apology", "empathy", "ownership" or "next_step".
const char* AgentBehaviourName(AgentBehaviour b);

struct BehaviourHit {
  AgentBehaviour behaviour = AgentBehaviour::kApology;
  TurnSpan evidence;
};

struct ConversationAnalysis {
  // The customer's turns alone, analysed as one text (turns joined by a
  // space): themes, document sentiment, signals. Its id, time, channel and
  // customer id are the conversation's. Structural evidence is added to its
  // signals: a repeated issue (effort) and re-contact (repeat_contact). This
  // is what aggregates and findings count, once per conversation.
  Analysis customer;
  std::vector<TurnAnalysis> turns;  // every turn, in order
  // Byte offset of turn i's text in `customer.text`, or -1 for a turn that is
  // not the customer's.
  std::vector<int64_t> customer_offsets;
  uint32_t customer_turns = 0;
  uint32_t agent_turns = 0;  // agent and bot turns

  // The customer's sentiment over the conversation: the mean score of the
  // first and of the last customer turns that carry sentiment (up to two
  // each), and the change. `trend` is kRecovered when the change is at least
  // +0.25, kWorsened at most -0.25.
  struct Trajectory {
    bool known = false;  // false with no customer turn carrying sentiment
    double start = 0.0, end = 0.0, change = 0.0;
    Trend trend = Trend::kUnchanged;
  } trajectory;

  std::vector<TurnSpan> transfers;   // hand-overs to another agent or team
  std::vector<TurnSpan> holds;       // the customer put on hold
  std::vector<TurnSpan> repeats;     // the customer restating the issue
  std::vector<TurnSpan> supervisor;  // the customer asking for a manager
  std::vector<TurnSpan> recontact;   // "I called yesterday", "this is my third time"

  Resolution resolution = Resolution::kUnknown;
  std::vector<TurnSpan> resolution_evidence;  // the agent's fix and the customer's answer
  // Estimated probability that the contact was handled right the first time:
  // resolution at the end, lowered by transfers, repeats, a supervisor
  // request and re-contact (docs/CONVERSATIONS.md gives the formula).
  double right_first_time = 0.0;

  std::vector<BehaviourHit> agent_behaviours;  // coaching evidence, agent turns only
};

// Maps a span of `a.customer.text` to the customer turn it lies in (offsets
// into that turn's text); nullopt when it crosses turns or `a` has none.
std::optional<TurnSpan> CustomerSpanToTurn(const ConversationAnalysis& a, uint32_t begin, uint32_t end,
                                           std::string source);

// One line of JSON (the `voc analyze` output for a conversation):
// the customer analysis' fields (id, timestamp, channel, sentiment, themes,
// signals ...), with every evidence span as {"turn","begin","end","text"};
// "turns" with each turn's speaker, role, redacted text and sentiment;
// "trajectory", "structure", "resolution", "right_first_time" and
// "agent_behaviours".
std::string ConversationAnalysisToJson(const ConversationAnalysis& a);

// Input forms of conversations.
enum class ConversationForm {
  kTurns,       // JSON Lines, one conversation per line with a `turns` array
  kTranscript,  // plain text with speaker prefixes ("Agent: ...")
  kThread,      // rows with an id and an in-reply-to id (CSV or JSON Lines)
};

struct ConversationReaderOptions {
  ConversationForm form = ConversationForm::kTurns;
  SpeakerMap speakers;
  // Conversations with more turns are rejected ("conversation has N turns,
  // more than the limit of M"). Default 10,000.
  size_t max_turns = 10000;
  // Turns with more bytes are rejected with their conversation. Default 64 KiB.
  size_t max_turn_bytes = size_t{64} << 10;

  // kTurns: the fields of each turn object.
  std::string speaker_field = "speaker";  // "role" is tried when absent
  std::string turn_text_field = "text";
  std::string turn_time_field = "time";

  // kTranscript: a conversation ends at a blank line or at a marker line:
  // a line that, trimmed, is made only of 3 or more '-', '=' or '*'
  // characters, or starts with this text (default "### "), which may also
  // give the id ("### call-17"). A line "[hh:mm:ss] Speaker: text" or
  // "Speaker: text" starts a turn (the speaker must be in the map); any other
  // line continues the turn before it.
  std::string marker = "### ";

  // kThread: the column holding the id of the row replied to (empty or
  // absent: the row starts a thread), and how an author is told apart: by a
  // role column mapped with `speakers`, else by an author column whose
  // values listed in `company_authors` are agents (others are customers).
  std::string parent_column = "in_reply_to";
  std::string role_column;
  std::string author_column;
  std::vector<std::string> company_authors;
  // kThread: threads with more rows than max_turns are rejected; the whole
  // input is held in memory (about its size), as threads can come in any order.
};

struct ConversationStats {
  uint64_t read = 0;           // conversations (threads: rows) seen = emitted + rejected
  uint64_t emitted = 0;        // conversations (threads: rows in emitted conversations)
  uint64_t rejected = 0;       // conversations (threads: rows) rejected
  uint64_t conversations = 0;  // conversations emitted
  uint64_t turns = 0;          // turns in emitted conversations
};

// Reads conversations from a record reader: kTurns from a JSON Lines reader
// with `conversations()` true, kTranscript from a plain-text reader, kThread
// from a CSV or JSON Lines reader whose text column is the post text.
// Each conversation is emitted whole or rejected whole with its reason
// (turn without text, unknown speaker, too many turns, a reply cycle, a
// missing parent ...); the reader's own rejects pass through. So
// `stats().read == stats().emitted + stats().rejected`.
class ConversationReader {
 public:
  static Result<std::unique_ptr<ConversationReader>> Create(std::unique_ptr<RecordReader> records,
                                                            ConversationReaderOptions options);
  ~ConversationReader();
  ConversationReader(const ConversationReader&) = delete;
  ConversationReader& operator=(const ConversationReader&) = delete;

  enum class Next { kConversation, kReject, kEnd };
  Next Read(Conversation* conversation, Reject* reject);

  const ConversationStats& stats() const;
  const RecordReader& records() const;

 private:
  struct Impl;
  explicit ConversationReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace voc

#endif  // VOC_CONVERSATION_H_
