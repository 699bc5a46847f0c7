// Analyzer::AnalyzeConversation: per-speaker analysis of a conversation.
//
// Every turn is normalised, redacted and scored on its own; the customer's
// turns, joined, are analysed once more as the customer's document (themes,
// sentiment, signals). The structure (transfers, holds, repeats, supervisor
// requests, re-contact, resolution) and the agent behaviours come from cue
// phrases (English) and from the turn sequence; see docs/CONVERSATIONS.md.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include <re2/re2.h>

#include "voc/analyzer.h"
#include "voc/conversation.h"

namespace voc {
namespace {

// A cue list: one case-insensitive RE2 matched at word boundaries.
class Cues {
 public:
  explicit Cues(const std::string& alternatives) {
    RE2::Options o;
    o.set_case_sensitive(false);
    o.set_log_errors(false);
    re_ = std::make_unique<RE2>("\\b(" + alternatives + ")\\b", o);
  }
  // The first match in `text`: [begin, end) and the matched text.
  bool Find(std::string_view text, uint32_t* begin, uint32_t* end) const {
    re2::StringPiece m;
    if (!re_->ok() || !RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_, &m)) return false;
    *begin = static_cast<uint32_t>(m.data() - text.data());
    *end = *begin + static_cast<uint32_t>(m.size());
    return true;
  }

 private:
  std::unique_ptr<RE2> re_;
};

struct CueSet {
  Cues transfer{
      "(?:let me |i'll |i will |i'm going to |i am going to |i need to |i have to |going to )"
      "(?:transfer you|connect you|put you (?:through|over)|pass you)|transferr?ing (?:you|your "
      "call)|transfer your call|"
      "connect(?:ing)? you (?:to|with)|put(?:ting)? you through|hand(?:ing)? you over|"
      "pass(?:ing)? you (?:on |over )?to|rout(?:e|ing) (?:you|your call)|"
      "(?:call|chat|customer|you) (?:was |were |has been |have been )?transferred|"
      "transferred (?:me|to)|(?:been|got|keep getting) transferred|transfer to"};
  Cues hold{
      "(?:put|place|placing|putting) you on (?:a )?(?:brief |short |quick )?hold|"
      "(?:please |kindly )hold|on hold|hold (?:on )?(?:for )?(?:a|one) (?:moment|minute|second|sec)|"
      "bear with me|one moment,? please|give me (?:a|one) (?:moment|minute|second|sec)"};
  Cues repeat_cue{
      "as i (?:said|mentioned|told you|explained|already said)|like i (?:said|told you)|"
      "i (?:already|just) (?:told|said|explained|gave)|i(?:'ve| have) (?:already )?"
      "(?:told|said|explained) (?:you|this|that|it)(?: already| before| twice)?|"
      "i keep (?:telling|saying|explaining)|how many times|again,? i|i repeat|repeating myself"};
  Cues supervisor{
      "supervisor|manager|someone (?:in charge|more senior|else)|your (?:boss|superior)|"
      "higher up|escalate|escalation|speak to a human|talk to a human|real person"};
  Cues recontact{
      "(?:called|contacted|chatted|emailed|wrote|rang|messaged)(?: you(?: guys)?)? "
      "(?:yesterday|before|earlier|last (?:week|month|time)|already|again|twice|three times|"
      "several times|multiple times|many times|a few times|\\d+ times)|"
      "(?:already|previously) (?:called|contacted|chatted|emailed|spoke|talked)|"
      "(?:second|third|fourth|fifth|\\d+(?:nd|rd|th)) time (?:i(?:'ve| have)? |i am |i'm )?"
      "(?:called|calling|contacted|contacting|chatting|writing|reaching out)|"
      "this is my (?:second|third|fourth|fifth|\\d+(?:nd|rd|th)) (?:time|call|attempt)|"
      "i(?:'ve| have) been (?:calling|trying to reach|contacting)|"
      "(?:spoke|talked|chatted) (?:to|with) (?:someone|somebody|another agent|an agent|a rep)|"
      "last time i (?:called|contacted|chatted|spoke)|i was told (?:last|before|yesterday)"};
  Cues fix{
      "(?:i(?:'ve| have)|we(?:'ve| have)|it(?:'s| has) been|(?:it|this|that|they|which|your "
      "\\w+(?: \\w+)?) (?:has|have) been|is now|are now|has now been|have now been|was|were) "
      "(?:now |successfully |just |already |all )?(?:refunded|processed|resolved|fixed|updated|"
      "cancell?ed|reset|changed|credited|applied|issued|approved|reactivated|activated|unlocked|"
      "restored|corrected|removed|waived|reversed|replaced|rescheduled|completed|sorted|"
      "reinstated|added|sent|initiated|submitted|arranged|scheduled|confirmed|done)|"
      "(?:you're|you are|we're|we are) all set|all set|taken care of|should (?:now )?(?:work|be "
      "working)|is (?:now )?working|has gone through|went through|good to go"};
  Cues accept{
      "thanks?(?: you)?|thx|great|perfect|awesome|excellent|wonderful|brilliant|appreciate(?:d)?|"
      "that works|that helps|that helped|works now|it works|it worked|that did it|"
      "that(?:'s| is) (?:all|it|everything|great|perfect|fine|good)|sounds good|"
      "problem solved|all good|got it|cheers|have a (?:good|great|nice)"};
  Cues stuck{
      "still (?:not|doesn't|does not|don't|do not|can't|cannot|haven't|have not|isn't|is not|"
      "won't|no|waiting|broken|charged|the same)|(?:doesn't|does not|didn't|did not|isn't|is not) "
      "(?:work|working|help|helping|resolve|fix|solve)|not (?:working|resolved|fixed|solved|"
      "helpful|happy|satisfied|acceptable)|no help|useless|waste of (?:my )?time|unacceptable|"
      "ridiculous|(?:going to|gonna|i'll|i will|want to) (?:cancel|close my|leave|switch|complain)|"
      "makes no sense|that(?:'s| is) not what i|you're not listening|not good enough"};
  Cues unable{
      "unfortunately|(?:i|we) (?:can't|cannot|can not|am unable to|are unable to|'m unable to|"
      "'re unable to|am not able to|are not able to|won't be able to|will not be able to|"
      "don't have a way|have no way)|(?:i'm|i am) afraid|not (?:possible|eligible|able to)|"
      "(?:there's|there is) nothing (?:i|we) can do|out of (?:my|our) (?:hands|control)"};
  Cues apology{"sorry|apologi[sz]e|apologies|apologising|apologizing|regret (?:the|any|that)"};
  Cues empathy{
      "i (?:completely |totally |fully |really |can |do )?understand|i can imagine|"
      "i can see (?:how|why|that)|that must (?:be|have been)|i know how|i hear you|"
      "(?:that|this) (?:is|sounds|must be) (?:so |really |very )?(?:frustrating|annoying|"
      "upsetting|stressful|inconvenient|difficult)|understandabl[ey]|i get (?:it|that|why)|"
      "in your shoes"};
  Cues ownership{
      "(?:i'll|i will|i'm going to|i am going to|let me) (?:personally |go ahead and |right away )?"
      "(?:make sure|take care|handle|look into|check|fix|sort|follow up|get (?:this|that|it)|"
      "resolve|process|escalate|arrange|update|refund|cancel|reset|help|see what|find out|"
      "investigate|take a look|look up|pull up|submit|send)|i(?:'ve| have) gone ahead|"
      "leave it with me|i can (?:help|fix|take care|sort|do that|arrange|process)|"
      "i(?:'ll| will) personally|i take (?:full )?responsibility|my responsibility"};
  Cues next_step{
      "you(?:'ll| will) (?:receive|get|see|be (?:contacted|receiving|getting|notified|emailed|"
      "called|refunded|charged))|you should (?:receive|get|see|hear)|(?:we|they|i|someone|a "
      "\\w+)(?:'ll| will) (?:call|contact|email|e-mail|text|send|reach out|follow up|get back)|"
      "within \\d+(?:-\\d+)? (?:business |working )?(?:days?|hours?|minutes?|weeks?)|next steps?|"
      "reference number|ticket number|case number|confirmation number|tracking number|"
      "(?:in|over) the next \\d+|by (?:tomorrow|monday|tuesday|wednesday|thursday|friday|the end "
      "of)|expect (?:a|an|the|to|it)|step \\d|first,? (?:please|you)"};
};

const CueSet& Cue() {
  static const CueSet* cues = new CueSet();
  return *cues;
}

bool IsAgentSide(SpeakerRole r) { return r == SpeakerRole::kAgent || r == SpeakerRole::kBot; }

// Content words of a text for repeat detection: letters and digits, four
// bytes or more (any script: bytes >= 0x80 count as letters), lowercased.
std::set<std::string> ContentWords(std::string_view text) {
  static const std::set<std::string, std::less<>> kStop = {
      "this", "that",  "with",    "have", "from",   "your",  "there",  "what",  "when",  "which",
      "they", "them",  "then",    "than", "been",   "were",  "will",   "would", "could", "should",
      "just", "about", "into",    "some", "thanks", "thank", "please", "hello", "okay",  "yeah",
      "yes",  "also",  "because", "here", "where",  "want",  "need",   "know",  "like",  "still",
      "only", "does",  "doesn't", "dont", "don't",  "can't", "cant",   "it's",  "i'm",   "i've",
      "you",  "their", "more",    "much", "very"};
  std::set<std::string> out;
  std::string w;
  auto flush = [&] {
    if (w.size() >= 4 && !kStop.count(w) && w[0] != '[') out.insert(w);
    w.clear();
  };
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c >= 0x80 || c == '\'') {
      w.push_back(static_cast<char>(std::tolower(c)));
    } else {
      flush();
    }
  }
  flush();
  return out;
}

bool CarriesSentiment(const Sentiment& s) {
  return s.label != Polarity::kNeutral || std::fabs(s.score) >= 0.1;
}

// Earlier customer turns a turn is compared with for a restated issue.
constexpr size_t kRepeatWindow = 32;

// Turns analysed at a time: bounds the memory of full analyses.
constexpr size_t kTurnChunk = 256;

}  // namespace

ConversationAnalysis Analyzer::AnalyzeConversation(const Conversation& conversation) const {
  const CueSet& cues = Cue();
  ConversationAnalysis out;
  const size_t n = conversation.turns.size();
  out.turns.resize(n);
  out.customer_offsets.assign(n, -1);

  // 1. Every turn on its own: redacted text and sentiment.
  std::vector<Record> records;
  std::vector<Analysis> analyses;
  for (size_t base = 0; base < n; base += kTurnChunk) {
    const size_t m = std::min(kTurnChunk, n - base);
    records.resize(m);
    analyses.resize(m);
    for (size_t i = 0; i < m; ++i) {
      records[i].text = conversation.turns[base + i].text;
      records[i].id = std::to_string(base + i);
    }
    Analyze(records.data(), m, analyses.data());
    for (size_t i = 0; i < m; ++i) {
      const Turn& t = conversation.turns[base + i];
      TurnAnalysis& ta = out.turns[base + i];
      ta.speaker = Redact(t.speaker);
      ta.role = t.role;
      ta.timestamp = t.timestamp;
      ta.text = std::move(analyses[i].text);
      ta.sentiment = std::move(analyses[i].sentiment);
      ta.redactions = std::move(analyses[i].redactions);
    }
  }

  // 2. The customer's turns as one document.
  Record doc;
  doc.id = conversation.id;
  doc.timestamp = conversation.timestamp;
  for (size_t i = 0; i < n && !doc.timestamp; ++i)  // else the first timed turn's
    doc.timestamp = conversation.turns[i].timestamp;
  doc.channel = conversation.channel;
  doc.customer_id = conversation.customer_id;
  for (size_t i = 0; i < n; ++i) {
    if (out.turns[i].role != SpeakerRole::kCustomer) {
      if (IsAgentSide(out.turns[i].role)) ++out.agent_turns;
      continue;
    }
    ++out.customer_turns;
    if (out.turns[i].text.empty()) continue;
    if (!doc.text.empty()) doc.text += ' ';
    out.customer_offsets[i] = static_cast<int64_t>(doc.text.size());
    doc.text += out.turns[i].text;
  }
  Analyze(&doc, 1, &out.customer);
  out.customer.redactions.clear();  // counted over every turn below
  for (const auto& t : out.turns)
    for (const auto& redaction : t.redactions) {
      // (No structured binding: C++17 does not let a lambda capture one.)
      const auto& kind = redaction.first;
      auto it = std::find_if(out.customer.redactions.begin(), out.customer.redactions.end(),
                             [&](const auto& kv) { return kv.first == kind; });
      if (it == out.customer.redactions.end())
        out.customer.redactions.emplace_back(kind, redaction.second);
      else
        it->second += redaction.second;
    }
  if (out.customer.text != doc.text) {
    // Re-normalising changed the text (e.g. a doubly escaped entity): find
    // each turn again; spans in a turn that cannot be found are not mapped.
    size_t from = 0;
    for (size_t i = 0; i < n; ++i) {
      if (out.customer_offsets[i] < 0) continue;
      size_t at = out.customer.text.find(out.turns[i].text, from);
      if (at == std::string::npos) {
        out.customer_offsets[i] = -1;
        continue;
      }
      out.customer_offsets[i] = static_cast<int64_t>(at);
      from = at + out.turns[i].text.size();
    }
  }
  const size_t analyzer_signals = out.customer.signals.size();
  auto add_customer_signal = [&](Signal s, size_t turn, uint32_t b, uint32_t e, const std::string& source) {
    if (out.customer_offsets[turn] < 0) return;
    const auto off = static_cast<uint32_t>(out.customer_offsets[turn]);
    // Not twice on the analyzer's own hits (the ones added here never overlap).
    for (size_t k = 0; k < analyzer_signals; ++k) {
      const SignalHit& h = out.customer.signals[k];
      if (h.signal == s && h.evidence.begin < off + e && off + b < h.evidence.end) return;
    }
    SignalHit h;
    h.signal = s;
    h.evidence.begin = off + b;
    h.evidence.end = off + e;
    h.evidence.source = source;
    out.customer.signals.push_back(std::move(h));
  };

  // 3. Structure.
  auto span = [&](size_t turn, uint32_t b, uint32_t e, std::string source) {
    TurnSpan s;
    s.turn = static_cast<uint32_t>(turn);
    s.begin = b;
    s.end = e;
    s.source = std::move(source);
    return s;
  };
  auto cue_text = [&](size_t turn, uint32_t b, uint32_t e) {
    return "cue:" + out.turns[turn].text.substr(b, e - b);
  };
  std::string last_agent;         // speaker label of the last agent turn
  bool transfer_pending = false;  // a transfer announced since the last new agent
  std::vector<std::pair<size_t, std::set<std::string>>> earlier;  // customer turns' words
  bool other_since_customer = true;
  for (size_t i = 0; i < n; ++i) {
    const TurnAnalysis& t = out.turns[i];
    const std::string& text = t.text;
    uint32_t b = 0, e = 0;
    if (t.role == SpeakerRole::kCustomer) {
      if (cues.supervisor.Find(text, &b, &e)) out.supervisor.push_back(span(i, b, e, cue_text(i, b, e)));
      if (cues.recontact.Find(text, &b, &e)) {
        out.recontact.push_back(span(i, b, e, cue_text(i, b, e)));
        add_customer_signal(Signal::kRepeatContact, i, b, e, cue_text(i, b, e));
      }
      if (cues.transfer.Find(text, &b, &e)) out.transfers.push_back(span(i, b, e, cue_text(i, b, e)));
      if (cues.hold.Find(text, &b, &e)) out.holds.push_back(span(i, b, e, cue_text(i, b, e)));
      // The customer restating the issue: a cue, or most of the content
      // words of an earlier customer turn said again after someone else spoke.
      bool repeated = false;
      if (cues.repeat_cue.Find(text, &b, &e)) {
        out.repeats.push_back(span(i, b, e, cue_text(i, b, e)));
        add_customer_signal(Signal::kEffort, i, b, e, cue_text(i, b, e));
        repeated = true;
      }
      std::set<std::string> words = ContentWords(text);
      if (!repeated && other_since_customer && words.size() >= 4) {
        // Against the last kRepeatWindow customer turns: linear time on
        // long conversations.
        const size_t from = earlier.size() > kRepeatWindow ? earlier.size() - kRepeatWindow : 0;
        for (size_t x = from; x < earlier.size(); ++x) {
          const auto& [k, prev] = earlier[x];
          size_t common = 0;
          for (const auto& w : words) common += prev.count(w);
          if (common * 10 >= words.size() * 6 && prev.size() >= 4) {
            const auto len = static_cast<uint32_t>(text.size());
            out.repeats.push_back(span(i, 0, len, "repeat-of-turn:" + std::to_string(k)));
            add_customer_signal(Signal::kEffort, i, 0, len, "structure:repeat-of-turn");
            break;
          }
        }
      }
      if (words.size() >= 4) earlier.emplace_back(i, std::move(words));
      other_since_customer = false;
      continue;
    }
    other_since_customer = true;
    if (cues.hold.Find(text, &b, &e)) out.holds.push_back(span(i, b, e, cue_text(i, b, e)));
    if (cues.transfer.Find(text, &b, &e)) {
      out.transfers.push_back(span(i, b, e, cue_text(i, b, e)));
      transfer_pending = true;
    }
    if (t.role == SpeakerRole::kAgent) {
      // A different agent taking over is a transfer, unless announced.
      std::string who = t.speaker;
      for (char& c : who) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!last_agent.empty() && who != last_agent) {
        if (!transfer_pending) out.transfers.push_back(span(i, 0, 0, "structure:new-agent"));
        transfer_pending = false;
      }
      last_agent = who;
    }
    if (IsAgentSide(t.role)) {
      auto behaviour = [&](const Cues& c, AgentBehaviour kind) {
        if (c.Find(text, &b, &e)) out.agent_behaviours.push_back({kind, span(i, b, e, cue_text(i, b, e))});
      };
      behaviour(cues.apology, AgentBehaviour::kApology);
      behaviour(cues.empathy, AgentBehaviour::kEmpathy);
      behaviour(cues.ownership, AgentBehaviour::kOwnership);
      behaviour(cues.next_step, AgentBehaviour::kNextStep);
    }
  }

  // 4. Resolution at the end: the last fix the agent confirms in the second
  // half of the conversation (at least its last six turns), then what the
  // customer says after it.
  const size_t tail = std::max<size_t>(6, (n + 1) / 2);
  const size_t tail_begin = n > tail ? n - tail : 0;
  int64_t fix_turn = -1;
  int64_t unable_turn = -1;
  uint32_t b = 0, e = 0;
  for (size_t i = tail_begin; i < n; ++i) {
    if (!IsAgentSide(out.turns[i].role) && out.turns[i].role != SpeakerRole::kSystem) continue;
    if (cues.fix.Find(out.turns[i].text, &b, &e)) fix_turn = static_cast<int64_t>(i);
    if (IsAgentSide(out.turns[i].role) && cues.unable.Find(out.turns[i].text, &b, &e))
      unable_turn = static_cast<int64_t>(i);
  }
  // The customer's last turns (up to two) within the tail.
  std::vector<size_t> last_customer;
  for (size_t i = n; i-- > tail_begin && last_customer.size() < 2;)
    if (out.turns[i].role == SpeakerRole::kCustomer) last_customer.push_back(i);
  bool stuck = false, accepted = false;
  for (size_t i : last_customer) {
    const TurnAnalysis& t = out.turns[i];
    if (fix_turn >= 0 && static_cast<int64_t>(i) < fix_turn && stuck) break;
    if (cues.stuck.Find(t.text, &b, &e)) {
      if (fix_turn < 0 || static_cast<int64_t>(i) > fix_turn) {
        stuck = true;
        out.resolution_evidence.push_back(span(i, b, e, cue_text(i, b, e)));
      }
    } else if (t.sentiment.label == Polarity::kNegative && t.sentiment.score <= -0.3 &&
               i == last_customer.front()) {
      stuck = true;
      out.resolution_evidence.push_back(
          span(i, 0, static_cast<uint32_t>(t.text.size()), "sentiment:negative-last-turn"));
    } else if (cues.accept.Find(t.text, &b, &e) && (fix_turn < 0 || static_cast<int64_t>(i) > fix_turn)) {
      accepted = true;
      out.resolution_evidence.push_back(span(i, b, e, cue_text(i, b, e)));
    }
  }
  if (fix_turn >= 0) {
    cues.fix.Find(out.turns[fix_turn].text, &b, &e);
    out.resolution_evidence.insert(
        out.resolution_evidence.begin(),
        span(static_cast<size_t>(fix_turn), b, e, cue_text(static_cast<size_t>(fix_turn), b, e)));
  }
  if (stuck) {
    out.resolution = Resolution::kUnresolved;
  } else if (unable_turn > fix_turn) {  // the agent could not, and fixed nothing after
    out.resolution = Resolution::kUnresolved;
    cues.unable.Find(out.turns[unable_turn].text, &b, &e);
    out.resolution_evidence.push_back(
        span(static_cast<size_t>(unable_turn), b, e, cue_text(static_cast<size_t>(unable_turn), b, e)));
  } else if (fix_turn >= 0 || accepted) {  // a fix confirmed, or the answer accepted
    out.resolution = Resolution::kResolved;
  }

  // 5. Right the first time: resolution, discounted by the effort seen.
  double rft = out.resolution == Resolution::kResolved     ? 0.9
               : out.resolution == Resolution::kUnresolved ? 0.1
                                                           : 0.5;
  rft *= std::pow(0.6, static_cast<double>(std::min<size_t>(out.transfers.size(), 3)));
  if (!out.repeats.empty()) rft *= 0.7;
  if (!out.supervisor.empty()) rft *= 0.5;
  if (!out.recontact.empty() || out.customer.has_signal(Signal::kRepeatContact)) rft *= 0.4;
  out.right_first_time = rft;

  // 6. The customer's sentiment from start to end.
  std::vector<double> scores;
  for (size_t i = 0; i < n; ++i)
    if (out.turns[i].role == SpeakerRole::kCustomer && CarriesSentiment(out.turns[i].sentiment))
      scores.push_back(out.turns[i].sentiment.score);
  if (!scores.empty()) {
    const size_t k = scores.size() >= 4 ? 2 : 1;
    auto& tr = out.trajectory;
    tr.known = true;
    tr.start = (scores[0] + scores[k - 1]) / 2.0;
    tr.end = (scores[scores.size() - 1] + scores[scores.size() - k]) / 2.0;
    tr.change = scores.size() == 1 ? 0.0 : tr.end - tr.start;
    tr.trend = tr.change >= 0.25    ? Trend::kRecovered
               : tr.change <= -0.25 ? Trend::kWorsened
                                    : Trend::kUnchanged;
  }
  return out;
}

}  // namespace voc
