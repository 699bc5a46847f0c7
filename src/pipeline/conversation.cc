// Conversation value types: speaker roles, span mapping, JSON output and the
// per-theme summary over many conversations.
#include "voc/conversation.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "util/json_writer.h"
#include "voc/analyzer.h"

namespace voc {

const char* SpeakerRoleName(SpeakerRole r) {
  switch (r) {
    case SpeakerRole::kCustomer:
      return "customer";
    case SpeakerRole::kAgent:
      return "agent";
    case SpeakerRole::kBot:
      return "bot";
    case SpeakerRole::kSystem:
      return "system";
  }
  return "customer";
}

const char* TrendName(Trend t) {
  switch (t) {
    case Trend::kUnchanged:
      return "unchanged";
    case Trend::kRecovered:
      return "recovered";
    case Trend::kWorsened:
      return "worsened";
  }
  return "unchanged";
}

const char* ResolutionName(Resolution r) {
  switch (r) {
    case Resolution::kUnknown:
      return "unknown";
    case Resolution::kResolved:
      return "resolved";
    case Resolution::kUnresolved:
      return "unresolved";
  }
  return "unknown";
}

const char* AgentBehaviourName(AgentBehaviour b) {
  switch (b) {
    case AgentBehaviour::kApology:
      return "apology";
    case AgentBehaviour::kEmpathy:
      return "empathy";
    case AgentBehaviour::kOwnership:
      return "ownership";
    case AgentBehaviour::kNextStep:
      return "next_step";
  }
  return "apology";
}

namespace {

std::string LowerTrim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  std::string out(s.substr(b, e - b));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<SpeakerRole> RoleFromName(std::string_view name) {
  if (name == "customer") return SpeakerRole::kCustomer;
  if (name == "agent") return SpeakerRole::kAgent;
  if (name == "bot") return SpeakerRole::kBot;
  if (name == "system") return SpeakerRole::kSystem;
  return std::nullopt;
}

}  // namespace

SpeakerMap::SpeakerMap() {
  for (const char* s : {"customer", "caller", "client", "user", "consumer", "member", "guest", "patient",
                        "passenger", "subscriber", "buyer", "visitor", "cust", "cx"})
    roles_[s] = SpeakerRole::kCustomer;
  for (const char* s :
       {"agent", "rep", "representative", "advisor", "adviser", "csr", "operator", "specialist", "associate",
        "support", "staff", "employee", "consultant", "human", "brand", "company", "callee"})
    roles_[s] = SpeakerRole::kAgent;
  for (const char* s : {"bot", "chatbot", "ivr", "assistant", "va", "virtual assistant", "automated", "auto",
                        "virtual agent", "voicebot"})
    roles_[s] = SpeakerRole::kBot;
  for (const char* s : {"system", "action", "event", "note", "annotation", "info", "internal"})
    roles_[s] = SpeakerRole::kSystem;
}

Status SpeakerMap::Add(std::string_view spec) {
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t comma = spec.find(',', pos);
    if (comma == std::string_view::npos) comma = spec.size();
    std::string_view entry = spec.substr(pos, comma - pos);
    pos = comma + 1;
    if (LowerTrim(entry).empty()) {
      if (comma == spec.size()) break;
      continue;
    }
    size_t eq = entry.rfind('=');
    std::string label = eq == std::string_view::npos ? "" : LowerTrim(entry.substr(0, eq));
    std::string role = eq == std::string_view::npos ? "" : LowerTrim(entry.substr(eq + 1));
    auto r = RoleFromName(role);
    if (label.empty() || !r)
      return InvalidArgumentError("bad speaker map entry '" + std::string(entry) +
                                  "'; expected LABEL=ROLE with ROLE one of customer, agent, bot, "
                                  "system");
    roles_[label] = *r;
    if (comma == spec.size()) break;
  }
  return Status();
}

std::optional<SpeakerRole> SpeakerMap::Find(std::string_view speaker) const {
  std::string key = LowerTrim(speaker);
  if (key.empty()) return std::nullopt;
  if (auto it = roles_.find(key); it != roles_.end()) return it->second;
  // The first word of letters: "agent 2", "agent_sam", "customer (john)".
  size_t e = 0;
  while (e < key.size() && std::isalpha(static_cast<unsigned char>(key[e]))) ++e;
  if (e == 0 || e == key.size()) return std::nullopt;
  if (auto it = roles_.find(std::string_view(key).substr(0, e)); it != roles_.end()) return it->second;
  return std::nullopt;
}

std::optional<TurnSpan> CustomerSpanToTurn(const ConversationAnalysis& a, uint32_t begin, uint32_t end,
                                           std::string source) {
  // Customer turns' offsets increase with the turn index; -1 marks the
  // others. Binary search for the last customer turn starting at or before
  // `begin` (each probe steps back over the turns that are not the customer's).
  const auto& off = a.customer_offsets;
  auto customer_at_or_before = [&](size_t i) -> int64_t {  // -1: none
    for (size_t k = i + 1; k-- > 0;)
      if (off[k] >= 0) return static_cast<int64_t>(k);
    return -1;
  };
  size_t lo = 0, hi = off.size();  // answer in [lo, hi)
  int64_t best = -1;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const int64_t k = customer_at_or_before(mid);
    if (k >= 0 && off[static_cast<size_t>(k)] <= static_cast<int64_t>(begin)) {
      best = k;
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (best < 0) return std::nullopt;
  const size_t i = static_cast<size_t>(best);
  const uint64_t start = static_cast<uint64_t>(off[i]);
  if (static_cast<uint64_t>(end) > start + a.turns[i].text.size()) return std::nullopt;
  TurnSpan t;
  t.turn = static_cast<uint32_t>(i);
  t.begin = static_cast<uint32_t>(begin - start);
  t.end = static_cast<uint32_t>(end - start);
  t.source = std::move(source);
  return t;
}

namespace {

using internal::JsonWriter;

void SpanMembers(JsonWriter& w, const ConversationAnalysis& a, const TurnSpan& s) {
  w.Key("begin").Uint(s.begin).Key("end").Uint(s.end);
  if (!s.source.empty()) w.Key("source").String(s.source);
  if (s.turn < a.turns.size()) {
    const std::string& text = a.turns[s.turn].text;
    if (s.begin <= s.end && s.end <= text.size())
      w.Key("text").String(std::string_view(text).substr(s.begin, s.end - s.begin));
  }
  w.Key("turn").Uint(s.turn);
}

void Spans(JsonWriter& w, const ConversationAnalysis& a, const std::vector<TurnSpan>& spans) {
  w.BeginArray();
  for (const auto& s : spans) {
    w.BeginObject();
    SpanMembers(w, a, s);
    w.EndObject();
  }
  w.EndArray();
}

void CustomerEvidence(JsonWriter& w, const ConversationAnalysis& a, const EvidenceSpan& e, const char* kind,
                      std::string_view name) {
  auto t = CustomerSpanToTurn(a, e.begin, e.end, e.source);
  if (!t) return;
  w.BeginObject();
  w.Key(kind).String(name);
  SpanMembers(w, a, *t);
  w.EndObject();
}

}  // namespace

std::string ConversationAnalysisToJson(const ConversationAnalysis& a) {
  std::string out;
  AppendAnalysisJson(a.customer, &out);
  if (!out.empty() && out.back() == '}') out.pop_back();
  out += ',';
  JsonWriter w(&out);
  w.Key("conversation").BeginObject();
  w.Key("agent_behaviours").BeginArray();
  for (const auto& b : a.agent_behaviours) {
    w.BeginObject().Key("behaviour").String(AgentBehaviourName(b.behaviour));
    SpanMembers(w, a, b.evidence);
    w.EndObject();
  }
  w.EndArray();
  w.Key("agent_turns").Uint(a.agent_turns);
  w.Key("customer_turns").Uint(a.customer_turns);
  // The customer analysis' evidence, located in the turns.
  w.Key("evidence").BeginArray();
  for (const auto& t : a.customer.themes)
    for (const auto& e : t.evidence) CustomerEvidence(w, a, e, "theme", t.id);
  for (const auto& s : a.customer.signals)
    if (s.evidence.source != "cue:profanity")
      CustomerEvidence(w, a, s.evidence, "signal", SignalName(s.signal));
  w.EndArray();
  w.Key("resolution").BeginObject();
  w.Key("evidence");
  Spans(w, a, a.resolution_evidence);
  w.Key("status").String(ResolutionName(a.resolution));
  w.EndObject();
  w.Key("right_first_time").Double(a.right_first_time);
  w.Key("structure").BeginObject();
  w.Key("holds");
  Spans(w, a, a.holds);
  w.Key("recontact");
  Spans(w, a, a.recontact);
  w.Key("repeats");
  Spans(w, a, a.repeats);
  w.Key("supervisor");
  Spans(w, a, a.supervisor);
  w.Key("transfers");
  Spans(w, a, a.transfers);
  w.EndObject();
  w.Key("trajectory").BeginObject();
  w.Key("change");
  if (a.trajectory.known)
    w.Double(a.trajectory.change);
  else
    w.Null();
  w.Key("end");
  if (a.trajectory.known)
    w.Double(a.trajectory.end);
  else
    w.Null();
  w.Key("start");
  if (a.trajectory.known)
    w.Double(a.trajectory.start);
  else
    w.Null();
  w.Key("trend");
  if (a.trajectory.known)
    w.String(TrendName(a.trajectory.trend));
  else
    w.Null();
  w.EndObject();
  w.Key("turns").BeginArray();
  for (const auto& t : a.turns) {
    w.BeginObject();
    w.Key("role").String(SpeakerRoleName(t.role));
    w.Key("sentiment").BeginObject();
    w.Key("label").String(PolarityName(t.sentiment.label)).Key("score").Double(t.sentiment.score);
    w.EndObject();
    w.Key("speaker").String(t.speaker);
    w.Key("text").String(t.text);
    w.Key("time");
    if (t.timestamp)
      w.String(FormatTimestamp(*t.timestamp));
    else
      w.Null();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  out += '}';
  return out;
}

}  // namespace voc
