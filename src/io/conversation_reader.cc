// ConversationReader: conversations from JSON Lines turns, plain-text
// transcripts with speaker prefixes, or reply threads.
#include <algorithm>
#include <cctype>
#include <deque>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "io/reader_internal.h"
#include "voc/conversation.h"

namespace voc {

namespace {

bool IsBlankText(std::string_view s) {
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string_view Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string Quote(std::string_view s) { return internal::Quoted(s, 40); }

std::string UnknownSpeaker(size_t turn, std::string_view speaker) {
  return "turn " + std::to_string(turn) + ": unknown speaker " + Quote(speaker) +
         "; map it with --speaker-map '" + std::string(speaker.substr(0, 40)) +
         "=ROLE' (ROLE: customer, agent, bot or system)";
}

std::string TooManyTurns(uint64_t n, size_t limit) {
  return "conversation has " + std::to_string(n) + " turns, more than the limit of " + std::to_string(limit) +
         " (--max-turns)";
}

// A transcript line "[00:01:12] Caller: text", "00:01 Agent: text" or
// "Agent: text": the speaker label and where the text starts.
bool SplitSpeakerLine(std::string_view line, std::string_view* speaker, std::string_view* text) {
  std::string_view s = Trim(line);
  // An elapsed-time prefix: "[..]", "(..)" or digits and colons.
  if (!s.empty() && (s[0] == '[' || s[0] == '(')) {
    const char close = s[0] == '[' ? ']' : ')';
    size_t e = s.find(close);
    if (e == std::string_view::npos || e > 32) return false;
    s = Trim(s.substr(e + 1));
  } else if (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) {
    size_t e = 0;
    while (e < s.size() && (std::isdigit(static_cast<unsigned char>(s[e])) || s[e] == ':' || s[e] == '.'))
      ++e;
    if (e < s.size() && s[e] != ' ') return false;
    s = Trim(s.substr(e));
  }
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 40) return false;
  std::string_view label = Trim(s.substr(0, colon));
  if (label.empty() || !std::isalpha(static_cast<unsigned char>(label[0]))) return false;
  // At most three words: a label, not a sentence with a colon in it.
  int spaces = 0;
  for (char c : label) spaces += c == ' ';
  if (spaces > 2) return false;
  *speaker = label;
  *text = Trim(s.substr(colon + 1));
  return true;
}

bool IsMarkerLine(std::string_view line, const std::string& marker, std::string* id) {
  std::string_view s = Trim(line);
  if (s.size() >= 3 && s.find_first_not_of(s[0]) == std::string_view::npos &&
      (s[0] == '-' || s[0] == '=' || s[0] == '*')) {
    id->clear();
    return true;
  }
  std::string_view m = Trim(marker);
  if (!m.empty() && s.substr(0, m.size()) == m) {
    *id = std::string(Trim(s.substr(m.size())));
    return true;
  }
  return false;
}

}  // namespace

struct ConversationReader::Impl {
  std::unique_ptr<RecordReader> records;
  ConversationReaderOptions options;
  ConversationStats stats;
  Record record;
  std::string masked;

  // Transcripts.
  bool have_pending = false;  // `record` holds a line not consumed yet
  bool ended = false;
  uint64_t last_line = 0;
  std::string pending_id;
  std::deque<Reject> pending_rejects;  // the line reader's, inside a conversation

  // Threads: everything is read first, then served from these queues.
  bool thread_loaded = false;
  struct Out {
    uint64_t order;
    bool is_reject;
    Conversation conversation;
    Reject reject;
    uint64_t rows;
  };
  std::deque<Out> thread_out;

  Next ReadTurns(Conversation* c, Reject* reject);
  Next ReadTranscript(Conversation* c, Reject* reject);
  Next ReadThread(Conversation* c, Reject* reject);
  void LoadThreads();

  Next RejectConversation(uint64_t line, std::string reason, std::string_view raw, Reject* r) {
    r->index = stats.read++;
    r->line = line;
    r->reason = std::move(reason);
    r->raw.assign(raw.substr(0, std::min<size_t>(raw.size(), 4096)));
    ++stats.rejected;
    return Next::kReject;
  }
  Next PassReject(Reject* r) {
    r->index = stats.read++;
    ++stats.rejected;
    return Next::kReject;
  }
  Next Emit(Conversation* c, uint64_t rows = 1) {
    c->index = stats.conversations;
    stats.read += rows;
    stats.emitted += rows;
    ++stats.conversations;
    stats.turns += c->turns.size();
    return Next::kConversation;
  }
};

ConversationReader::ConversationReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ConversationReader::~ConversationReader() = default;
const ConversationStats& ConversationReader::stats() const { return impl_->stats; }
const RecordReader& ConversationReader::records() const { return *impl_->records; }

Result<std::unique_ptr<ConversationReader>> ConversationReader::Create(std::unique_ptr<RecordReader> records,
                                                                       ConversationReaderOptions options) {
  if (!records) return InvalidArgumentError("no record reader");
  if (options.max_turns == 0) return InvalidArgumentError("max_turns must be at least 1");
  switch (options.form) {
    case ConversationForm::kTurns:
      if (!records->conversations() && records->format() == InputFormat::kJsonl)
        return InvalidArgumentError(
            "the input's JSON objects have no 'turns' array; conversations need one per line");
      if (!records->conversations())
        return InvalidArgumentError("conversations with turns need JSON Lines input");
      break;
    case ConversationForm::kTranscript:
      if (records->format() != InputFormat::kText)
        return InvalidArgumentError("transcripts are read from plain text input");
      break;
    case ConversationForm::kThread:
      if (records->format() == InputFormat::kText)
        return InvalidArgumentError("reply threads are read from CSV or JSON Lines input");
      if (options.role_column.empty() && options.author_column.empty())
        return InvalidArgumentError(
            "reply threads need a role column (--role-col) or an author column (--author-col) "
            "with the company's author ids (--company-authors)");
      {
        const auto& cols = records->columns();
        auto has = [&](const std::string& c) { return std::find(cols.begin(), cols.end(), c) != cols.end(); };
        std::string list;
        for (const auto& c : cols) list += (list.empty() ? "" : ", ") + c;
        for (const std::string* c : {&options.parent_column, &options.role_column, &options.author_column})
          if (!c->empty() && !cols.empty() && !has(*c))
            return InvalidArgumentError("column '" + *c + "' not found; columns are: " + list);
      }
      break;
  }
  auto impl = std::make_unique<Impl>();
  impl->records = std::move(records);
  impl->options = std::move(options);
  return std::unique_ptr<ConversationReader>(new ConversationReader(std::move(impl)));
}

ConversationReader::Next ConversationReader::Read(Conversation* c, Reject* reject) {
  switch (impl_->options.form) {
    case ConversationForm::kTurns:
      return impl_->ReadTurns(c, reject);
    case ConversationForm::kTranscript:
      return impl_->ReadTranscript(c, reject);
    case ConversationForm::kThread:
      return impl_->ReadThread(c, reject);
  }
  return Next::kEnd;
}

// ---------------------------------------------------------------- JSON turns

ConversationReader::Next ConversationReader::Impl::ReadTurns(Conversation* c, Reject* reject) {
  using json = nlohmann::json;
  auto next = records->Read(&record, reject);
  if (next == RecordReader::Next::kEnd) return Next::kEnd;
  if (next == RecordReader::Next::kReject) return PassReject(reject);
  const std::string& raw = record.text;
  std::string_view text = raw;
  if (internal::HasInvalidUtf8(raw)) {
    internal::MaskInvalidUtf8(raw, &masked);
    text = masked;
  }
  json turns = json::parse(text, nullptr, false);
  if (turns.is_discarded() || !turns.is_array())
    return RejectConversation(record.line, "turns are not a JSON array", raw, reject);
  if (turns.empty()) return RejectConversation(record.line, "conversation has no turns", raw, reject);
  if (turns.size() > options.max_turns)
    return RejectConversation(record.line, TooManyTurns(turns.size(), options.max_turns), raw, reject);
  c->turns.clear();
  c->turns.reserve(turns.size());
  auto field = [](const json& o, std::initializer_list<const std::string*> names) -> const json* {
    for (const std::string* n : names) {
      if (n->empty()) continue;
      auto it = o.find(*n);
      if (it != o.end() && !it->is_null()) return &*it;
    }
    return nullptr;
  };
  static const std::string kRole = "role", kContent = "content", kUtterance = "utterance",
                           kMessage = "message", kTimestamp = "timestamp";
  for (size_t i = 0; i < turns.size(); ++i) {
    const json& t = turns[i];
    const json* speaker = nullptr;
    const json* body = nullptr;
    const json* time = nullptr;
    if (t.is_object()) {
      speaker = field(t, {&options.speaker_field, &kRole});
      body = field(t, {&options.turn_text_field, &kContent, &kUtterance, &kMessage});
      time = field(t, {&options.turn_time_field, &kTimestamp});
    } else if (t.is_array() && t.size() == 2) {  // [speaker, text]
      speaker = &t[0];
      body = &t[1];
    } else {
      return RejectConversation(
          record.line,
          "turn " + std::to_string(i) + " is not an object with speaker and text (or a [speaker, text] pair)",
          raw, reject);
    }
    if (speaker == nullptr || !speaker->is_string())
      return RejectConversation(
          record.line, "turn " + std::to_string(i) + " has no '" + options.speaker_field + "' string", raw,
          reject);
    if (body == nullptr || !body->is_string() || IsBlankText(body->get_ref<const std::string&>()))
      return RejectConversation(record.line, "turn " + std::to_string(i) + " has no text", raw, reject);
    std::string label = speaker->get<std::string>();
    std::string words = body->get<std::string>();
    internal::UnmaskInvalidUtf8(&label);
    internal::UnmaskInvalidUtf8(&words);
    if (words.size() > options.max_turn_bytes)
      return RejectConversation(
          record.line,
          "turn " + std::to_string(i) + " exceeds " + std::to_string(options.max_turn_bytes) + " bytes", raw,
          reject);
    auto role = options.speakers.Find(label);
    if (!role) return RejectConversation(record.line, UnknownSpeaker(i, label), raw, reject);
    Turn turn;
    turn.speaker = std::move(label);
    turn.role = *role;
    turn.text = std::move(words);
    if (time != nullptr) {
      if (time->is_number_integer()) {
        turn.timestamp = time->get<int64_t>();
      } else if (time->is_string() && !IsBlankText(time->get_ref<const std::string&>())) {
        auto ts = ParseTimestamp(time->get_ref<const std::string&>());
        if (!ts.ok())
          return RejectConversation(record.line, "turn " + std::to_string(i) + ": " + ts.status().message(),
                                    raw, reject);
        turn.timestamp = *ts;
      }
    }
    c->turns.push_back(std::move(turn));
  }
  c->line = record.line;
  c->id = record.id;
  c->timestamp = record.timestamp;
  c->channel = record.channel;
  c->customer_id = record.customer_id;
  for (const auto& [k, v] : record.metadata) {
    if (c->channel.empty() && k == "channel") c->channel = v;
    if (c->customer_id.empty() && k == "customer_id") c->customer_id = v;
    if (!c->timestamp && k == "time" && !IsBlankText(v)) {
      auto ts = ParseTimestamp(v);
      if (!ts.ok())
        return RejectConversation(record.line, "conversation time: " + ts.status().message(), raw, reject);
      c->timestamp = *ts;
    }
  }
  if (!c->timestamp)
    for (const auto& t : c->turns)
      if (t.timestamp) {
        c->timestamp = t.timestamp;
        break;
      }
  return Emit(c);
}

// --------------------------------------------------------------- transcripts

ConversationReader::Next ConversationReader::Impl::ReadTranscript(Conversation* c, Reject* reject) {
  if (!pending_rejects.empty()) {
    *reject = std::move(pending_rejects.front());
    pending_rejects.pop_front();
    return PassReject(reject);
  }
  if (ended) return Next::kEnd;
  c->turns.clear();
  c->timestamp.reset();
  c->channel.clear();
  c->customer_id.clear();
  c->id.clear();
  c->line = 0;
  std::string raw_head;  // the first lines, for a reject
  std::string error;     // why the conversation is rejected, once known
  uint64_t turns = 0;
  bool started = false;
  Reject inner;
  // "line N: " for a line after the conversation's first (a reject names that one).
  auto where = [&]() -> std::string {
    return record.line == c->line ? std::string() : "line " + std::to_string(record.line) + ": ";
  };
  for (;;) {
    if (!have_pending) {
      auto next = records->Read(&record, &inner);
      if (next == RecordReader::Next::kEnd) {
        ended = true;
        break;
      }
      if (next == RecordReader::Next::kReject) {
        if (!started) {
          *reject = std::move(inner);
          return PassReject(reject);
        }
        pending_rejects.push_back(std::move(inner));
        last_line = pending_rejects.back().line;
        continue;
      }
      have_pending = true;
    }
    // A blank line (a gap in the line numbers) or a marker ends a conversation.
    std::string marker_id;
    const bool marker = IsMarkerLine(record.text, options.marker, &marker_id);
    const bool gap = last_line != 0 && record.line > last_line + 1;
    if (started && (gap || marker)) break;  // `record` starts the next one
    have_pending = false;
    last_line = record.line;
    if (marker) {
      pending_id = marker_id;
      continue;
    }
    if (!started) {
      started = true;
      c->line = record.line;
      c->id = pending_id.empty() ? std::to_string(stats.conversations + stats.rejected + 1) : pending_id;
      pending_id.clear();
    }
    if (raw_head.size() < 4096) {
      raw_head += record.text;
      raw_head += '\n';
    }
    if (!error.empty()) continue;  // read to the end of the rejected conversation
    std::string_view speaker, text;
    if (SplitSpeakerLine(record.text, &speaker, &text)) {
      auto role = options.speakers.Find(speaker);
      if (role) {
        if (++turns > options.max_turns) {
          error = where() + TooManyTurns(turns, options.max_turns);
          continue;
        }
        if (text.size() > options.max_turn_bytes) {
          error = where() + "turn exceeds " + std::to_string(options.max_turn_bytes) + " bytes";
          continue;
        }
        Turn t;
        t.speaker = std::string(speaker);
        t.role = *role;
        t.text = std::string(text);
        c->turns.push_back(std::move(t));
        continue;
      }
      if (c->turns.empty() || speaker.find(' ') == std::string_view::npos) {
        error = where() + UnknownSpeaker(turns, speaker);
        continue;
      }
    }
    if (c->turns.empty()) {
      error = where() + "text before the first speaker prefix (expected 'Speaker: text')";
      continue;
    }
    std::string& t = c->turns.back().text;
    if (t.size() + record.text.size() + 1 > options.max_turn_bytes) {
      error = where() + "turn exceeds " + std::to_string(options.max_turn_bytes) + " bytes";
      continue;
    }
    t += ' ';
    t += Trim(record.text);
  }
  if (!started) {
    if (!pending_rejects.empty()) return ReadTranscript(c, reject);
    return Next::kEnd;
  }
  if (error.empty())
    for (size_t i = 0; i < c->turns.size(); ++i)
      if (IsBlankText(c->turns[i].text)) {
        error = "turn " + std::to_string(i) + " has no text";
        break;
      }
  if (!error.empty()) return RejectConversation(c->line, error, raw_head, reject);
  return Emit(c);
}

// ------------------------------------------------------------- reply threads

void ConversationReader::Impl::LoadThreads() {
  thread_loaded = true;
  struct Row {
    uint64_t order;
    uint64_t line;
    std::string id, parent, role_value, author;
    std::string text;
    std::optional<int64_t> timestamp;
    std::string channel, customer_id;
    int64_t parent_index = -1;
    std::string error;  // set when rejected
  };
  std::vector<Row> rows;
  uint64_t order = 0;
  Reject inner;
  auto meta = [&](const std::string& name) -> std::string {
    if (name.empty()) return std::string();
    for (const auto& [k, v] : record.metadata)
      if (k == name) return v;
    return std::string();
  };
  for (;;) {
    auto next = records->Read(&record, &inner);
    if (next == RecordReader::Next::kEnd) break;
    if (next == RecordReader::Next::kReject) {
      Out o;
      o.order = order++;
      o.is_reject = true;
      o.reject = std::move(inner);
      o.rows = 1;
      thread_out.push_back(std::move(o));
      continue;
    }
    Row r;
    r.order = order++;
    r.line = record.line;
    r.id = record.id;
    r.parent = std::string(Trim(meta(options.parent_column)));
    if (r.parent == "null") r.parent.clear();
    r.role_value = meta(options.role_column);
    r.author = meta(options.author_column);
    r.text = record.text;
    r.timestamp = record.timestamp;
    r.channel = record.channel;
    r.customer_id = record.customer_id;
    rows.push_back(std::move(r));
  }
  std::unordered_map<std::string, size_t> by_id;
  for (size_t i = 0; i < rows.size(); ++i) {
    auto [it, fresh] = by_id.emplace(rows[i].id, i);
    if (!fresh) rows[i].error = "duplicate id " + Quote(rows[i].id);
  }
  for (auto& r : rows) {
    if (!r.error.empty() || r.parent.empty()) continue;
    auto it = by_id.find(r.parent);
    if (it == by_id.end())
      r.error = "in-reply-to id " + Quote(r.parent) + " not found (missing parent)";
    else if (rows[it->second].id == r.id)
      r.error = "replies to itself (a reply cycle)";
    else
      r.parent_index = static_cast<int64_t>(it->second);
  }
  // The root of every row; a row whose ancestors loop never reaches one.
  std::vector<int64_t> root(rows.size(), -2);  // -2 unknown, -1 none
  std::vector<std::string> why(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (root[i] != -2) continue;
    std::vector<size_t> path;
    size_t j = i;
    int64_t found = -1;
    std::string reason;
    std::unordered_map<size_t, size_t> on_path;
    for (;;) {
      if (root[j] != -2) {
        found = root[j];
        reason = why[j];
        break;
      }
      if (on_path.count(j)) {
        found = -1;
        reason = "reply cycle through id " + Quote(rows[j].id);
        break;
      }
      on_path[j] = path.size();
      path.push_back(j);
      if (!rows[j].error.empty()) {
        found = -1;
        reason = rows[j].error;
        break;
      }
      if (rows[j].parent_index < 0) {
        found = static_cast<int64_t>(j);
        break;
      }
      j = static_cast<size_t>(rows[j].parent_index);
    }
    for (size_t k : path) {
      root[k] = found;
      if (found < 0) {
        why[k] = reason;
        if (rows[k].error.empty()) rows[k].error = "thread not assembled: " + reason;
      }
    }
  }
  // Group by root, in input order.
  std::unordered_map<size_t, std::vector<size_t>> members;
  for (size_t i = 0; i < rows.size(); ++i)
    if (root[i] >= 0) members[static_cast<size_t>(root[i])].push_back(i);
  for (size_t i = 0; i < rows.size(); ++i) {
    Row& r = rows[i];
    if (root[i] < 0) {
      Out o;
      o.order = r.order;
      o.is_reject = true;
      o.reject.line = r.line;
      o.reject.reason = "row " + Quote(r.id) + ": " + r.error;
      o.reject.raw = r.text.substr(0, 4096);
      o.rows = 1;
      thread_out.push_back(std::move(o));
      continue;
    }
    if (root[i] != static_cast<int64_t>(i)) continue;
    std::vector<size_t>& m = members[i];
    const bool all_timed =
        std::all_of(m.begin(), m.end(), [&](size_t k) { return rows[k].timestamp.has_value(); });
    if (all_timed)
      std::stable_sort(m.begin(), m.end(),
                       [&](size_t a, size_t b) { return *rows[a].timestamp < *rows[b].timestamp; });
    Out o;
    o.order = r.order;
    o.rows = m.size();
    std::string error;
    if (m.size() > options.max_turns) error = TooManyTurns(m.size(), options.max_turns);
    Conversation& c = o.conversation;
    c.id = r.id;
    c.line = r.line;
    c.timestamp = r.timestamp;
    c.channel = r.channel;
    for (size_t k : m) {
      if (!error.empty()) break;
      Row& t = rows[k];
      Turn turn;
      if (!options.role_column.empty()) {
        auto role = options.speakers.Find(t.role_value);
        if (!role) {
          error = "row " + Quote(t.id) + ": unknown role " + Quote(t.role_value) +
                  "; map it with --speaker-map '" + t.role_value.substr(0, 40) + "=ROLE'";
          break;
        }
        turn.role = *role;
        turn.speaker = t.author.empty() ? t.role_value : t.author;
      } else {
        const bool company = std::find(options.company_authors.begin(), options.company_authors.end(),
                                       t.author) != options.company_authors.end();
        turn.role = company ? SpeakerRole::kAgent : SpeakerRole::kCustomer;
        turn.speaker = t.author;
      }
      if (t.text.size() > options.max_turn_bytes) {
        error = "row " + Quote(t.id) + " exceeds " + std::to_string(options.max_turn_bytes) + " bytes";
        break;
      }
      turn.text = t.text;
      turn.timestamp = t.timestamp;
      if (c.customer_id.empty() && turn.role == SpeakerRole::kCustomer) c.customer_id = t.customer_id;
      c.turns.push_back(std::move(turn));
    }
    if (!error.empty()) {  // every row of the thread rejected, with the thread's reason
      for (size_t k : m) {
        Out x;
        x.order = rows[k].order;
        x.is_reject = true;
        x.rows = 1;
        x.reject.line = rows[k].line;
        x.reject.reason = "row " + Quote(rows[k].id) + ": thread " + Quote(r.id) + " (" +
                          std::to_string(m.size()) + " rows) rejected: " + error;
        x.reject.raw = rows[k].text.substr(0, 4096);
        thread_out.push_back(std::move(x));
      }
      continue;
    }
    o.is_reject = false;
    thread_out.push_back(std::move(o));
  }
  std::stable_sort(thread_out.begin(), thread_out.end(),
                   [](const Out& a, const Out& b) { return a.order < b.order; });
}

ConversationReader::Next ConversationReader::Impl::ReadThread(Conversation* c, Reject* reject) {
  if (!thread_loaded) LoadThreads();
  if (thread_out.empty()) return Next::kEnd;
  Out o = std::move(thread_out.front());
  thread_out.pop_front();
  if (o.is_reject) {
    *reject = std::move(o.reject);
    reject->index = stats.read;
    stats.read += o.rows;
    stats.rejected += o.rows;
    return Next::kReject;
  }
  *c = std::move(o.conversation);
  return Emit(c, o.rows);
}

}  // namespace voc
