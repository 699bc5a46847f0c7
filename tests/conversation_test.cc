#include "voc/conversation.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "voc/aggregate.h"
#include "voc/analyzer.h"
#include "voc/findings.h"

namespace {

const voc::Analyzer& Shared() {
  static std::unique_ptr<voc::Analyzer> analyzer = [] {
    voc::AnalyzerOptions o;
    o.models_dir = VOC_SOURCE_DIR "/models";
    auto r = voc::Analyzer::Create(o);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(*r);
  }();
  return *analyzer;
}

voc::Conversation Make(const std::vector<std::pair<std::string, std::string>>& turns) {
  voc::Conversation c;
  c.id = "c1";
  voc::SpeakerMap map;
  for (const auto& [speaker, text] : turns) {
    voc::Turn t;
    t.speaker = speaker;
    t.role = map.Find(speaker).value_or(voc::SpeakerRole::kSystem);
    t.text = text;
    c.turns.push_back(t);
  }
  return c;
}

std::unique_ptr<voc::ConversationReader> Reader(std::string data, voc::ConversationReaderOptions co,
                                                voc::InputFormat format = voc::InputFormat::kJsonl) {
  voc::ReaderOptions ro;
  ro.format = format;
  ro.turns_column = "turns";
  auto records = voc::RecordReader::FromString(std::move(data), ro);
  REQUIRE_MESSAGE(records.ok(), records.status().ToString());
  auto r = voc::ConversationReader::Create(std::move(*records), std::move(co));
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::move(*r);
}

struct ReadAll {
  std::vector<voc::Conversation> conversations;
  std::vector<voc::Reject> rejects;
};

ReadAll Drain(voc::ConversationReader& r) {
  ReadAll out;
  voc::Conversation c;
  voc::Reject rej;
  for (;;) {
    auto n = r.Read(&c, &rej);
    if (n == voc::ConversationReader::Next::kEnd) break;
    if (n == voc::ConversationReader::Next::kReject)
      out.rejects.push_back(rej);
    else
      out.conversations.push_back(c);
  }
  CHECK(r.stats().read == r.stats().emitted + r.stats().rejected);
  return out;
}

bool HasTheme(const voc::Analysis& a, const std::string& prefix) {
  for (const auto& t : a.themes)
    if (t.id.rfind(prefix, 0) == 0) return true;
  return false;
}

}  // namespace

TEST_CASE("SpeakerMap: defaults, first word, overrides and errors") {
  voc::SpeakerMap m;
  CHECK(m.Find("Caller") == voc::SpeakerRole::kCustomer);
  CHECK(m.Find(" USER ") == voc::SpeakerRole::kCustomer);
  CHECK(m.Find("Agent 2") == voc::SpeakerRole::kAgent);
  CHECK(m.Find("csr_sam") == voc::SpeakerRole::kAgent);
  CHECK(m.Find("Representative") == voc::SpeakerRole::kAgent);
  CHECK(m.Find("IVR") == voc::SpeakerRole::kBot);
  CHECK(m.Find("action") == voc::SpeakerRole::kSystem);
  CHECK_FALSE(m.Find("spk_0").has_value());
  CHECK_FALSE(m.Find("").has_value());
  REQUIRE(m.Add("spk_0=customer, spk_1=agent").ok());
  CHECK(m.Find("SPK_0") == voc::SpeakerRole::kCustomer);
  CHECK(m.Find("spk_1") == voc::SpeakerRole::kAgent);
  voc::Status bad = m.Add("spk_2=boss");
  CHECK_FALSE(bad.ok());
  CHECK(bad.message().find("bad speaker map entry 'spk_2=boss'") != std::string::npos);
  CHECK_FALSE(m.Add("nolabel").ok());
}

TEST_CASE("ConversationReader: JSON Lines turns, pairs, roles and rejects") {
  std::string data =
      R"({"id":"a","time":"2024-03-01T10:00:00Z","channel":"call","customer_id":"u1","turns":[{"speaker":"Agent","text":"Hello"},{"speaker":"caller","text":"My bill is wrong","time":"2024-03-01T10:00:05Z"}]})"
      "\n"
      R"({"id":"b","turns":[["customer","hi"],["action","Account pulled up"]]})"
      "\n"
      R"({"id":"c","turns":[{"speaker":"customer","text":"  "}]})"
      "\n"
      R"({"id":"d","turns":[{"speaker":"spk_9","text":"hello"}]})"
      "\n"
      R"({"id":"e","turns":[]})"
      "\n"
      R"({"id":"f","turns":"nope"})"
      "\n"
      R"({"id":"g","turns":[{"speaker":"agent","text":"a"},{"speaker":"agent","text":"b"},{"speaker":"agent","text":"c"}]})"
      "\n"
      R"({"id":"h","turns":[{"speaker":"agent","text":"x","time":"not a time"}]})"
      "\n";
  voc::ConversationReaderOptions co;
  co.max_turns = 2;
  auto r = Reader(data, co);
  ReadAll all = Drain(*r);
  REQUIRE(all.conversations.size() == 2);
  const voc::Conversation& a = all.conversations[0];
  CHECK(a.id == "a");
  CHECK(a.channel == "call");
  CHECK(a.customer_id == "u1");
  REQUIRE(a.timestamp.has_value());
  CHECK(*a.timestamp == 1709287200);
  REQUIRE(a.turns.size() == 2);
  CHECK(a.turns[0].role == voc::SpeakerRole::kAgent);
  CHECK(a.turns[1].role == voc::SpeakerRole::kCustomer);
  CHECK(*a.turns[1].timestamp == 1709287205);
  CHECK(all.conversations[1].turns[1].role == voc::SpeakerRole::kSystem);
  REQUIRE(all.rejects.size() == 6);
  CHECK(all.rejects[0].reason == "turn 0 has no text");
  CHECK(all.rejects[1].reason.find("turn 0: unknown speaker 'spk_9'; map it with --speaker-map") == 0);
  CHECK(all.rejects[2].reason == "conversation has no turns");
  CHECK(all.rejects[3].reason == "field 'turns' is not an array of turns");
  CHECK(all.rejects[4].reason == "conversation has 3 turns, more than the limit of 2 (--max-turns)");
  CHECK(all.rejects[5].reason.find("turn 0: ") == 0);
  CHECK(r->stats().read == 8);
  CHECK(r->stats().turns == 4);
}

TEST_CASE("ConversationReader: plain-text transcripts split by blank lines and markers") {
  std::string data =
      "### call-1\n"
      "[00:00:01] Agent: Thanks for calling, how can I help?\n"
      "[00:00:09] Caller: My internet is down\n"
      "since yesterday morning.\n"
      "\n"
      "Customer: Hello again\n"
      "Rep: Hi\n"
      "---\n"
      "Agent: Hi\n"
      "Speaker7: who am I\n"
      "\n"
      "no speaker on this line\n";
  voc::ConversationReaderOptions co;
  co.form = voc::ConversationForm::kTranscript;
  auto r = Reader(data, co, voc::InputFormat::kText);
  ReadAll all = Drain(*r);
  REQUIRE(all.conversations.size() == 2);
  CHECK(all.conversations[0].id == "call-1");
  REQUIRE(all.conversations[0].turns.size() == 2);
  CHECK(all.conversations[0].turns[1].speaker == "Caller");
  CHECK(all.conversations[0].turns[1].text == "My internet is down since yesterday morning.");
  CHECK(all.conversations[0].line == 2);
  CHECK(all.conversations[1].turns.size() == 2);
  CHECK(all.conversations[1].turns[1].role == voc::SpeakerRole::kAgent);
  REQUIRE(all.rejects.size() == 2);
  CHECK(all.rejects[0].reason.find("line 10: turn 1: unknown speaker 'Speaker7'") == 0);
  CHECK(all.rejects[1].reason == "text before the first speaker prefix (expected 'Speaker: text')");
  CHECK(all.rejects[1].line == 12);
  CHECK(r->stats().read == 4);
}

TEST_CASE("ConversationReader: reply threads with cycles and missing parents") {
  std::string data =
      "id,in_reply_to,author,text,time\n"
      "1,,cust1,My order never arrived,2024-01-01T10:00:00Z\n"
      "2,1,BrandCare,Sorry! Please DM us your order number,2024-01-01T10:05:00Z\n"
      "3,2,cust1,Done. Still nothing,2024-01-01T11:00:00Z\n"
      "4,9,cust2,orphan reply,2024-01-02T10:00:00Z\n"
      "5,6,cust3,loop a,2024-01-02T10:00:00Z\n"
      "6,5,cust3,loop b,2024-01-02T10:00:00Z\n"
      "7,,cust4,Where is my refund,2024-01-03T10:00:00Z\n";
  voc::ConversationReaderOptions co;
  co.form = voc::ConversationForm::kThread;
  co.author_column = "author";
  co.company_authors = {"BrandCare"};
  voc::ReaderOptions ro;
  ro.format = voc::InputFormat::kCsv;
  ro.time_column = "time";
  auto records = voc::RecordReader::FromString(data, ro);
  REQUIRE(records.ok());
  auto r = voc::ConversationReader::Create(std::move(*records), co);
  REQUIRE(r.ok());
  ReadAll all = Drain(**r);
  REQUIRE(all.conversations.size() == 2);
  REQUIRE(all.conversations[0].turns.size() == 3);
  CHECK(all.conversations[0].turns[1].role == voc::SpeakerRole::kAgent);
  CHECK(all.conversations[0].turns[2].role == voc::SpeakerRole::kCustomer);
  CHECK(all.conversations[0].customer_id.empty());
  CHECK(all.conversations[1].id == "7");
  REQUIRE(all.rejects.size() == 3);
  CHECK(all.rejects[0].reason == "row '4': in-reply-to id '9' not found (missing parent)");
  CHECK(all.rejects[1].reason.find("reply cycle through id") != std::string::npos);
  CHECK((*r)->stats().read == 7);
  CHECK((*r)->stats().emitted == 4);

  // A thread with an unknown role is rejected row by row.
  std::string roles =
      "id,in_reply_to,role,text\n"
      "1,,customer,my card was declined\n"
      "2,1,wizard,abracadabra\n"
      "3,,customer,where is my parcel\n";
  voc::ConversationReaderOptions rc;
  rc.form = voc::ConversationForm::kThread;
  rc.role_column = "role";
  auto rr = voc::ConversationReader::Create(
      std::move(*voc::RecordReader::FromString(roles, voc::ReaderOptions())), rc);
  REQUIRE(rr.ok());
  ReadAll ra = Drain(**rr);
  REQUIRE(ra.conversations.size() == 1);
  CHECK(ra.conversations[0].id == "3");
  REQUIRE(ra.rejects.size() == 2);
  CHECK(ra.rejects[0].reason ==
        "row '1': thread '1' (2 rows) rejected: row '2': unknown role 'wizard'; map it with "
        "--speaker-map 'wizard=ROLE'");
  CHECK(ra.rejects[1].raw == "abracadabra");
  CHECK((*rr)->stats().rejected == 2);

  // Threads need a way to tell the company's posts.
  auto again = voc::RecordReader::FromString(data, ro);
  voc::ConversationReaderOptions none;
  none.form = voc::ConversationForm::kThread;
  auto bad = voc::ConversationReader::Create(std::move(*again), none);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("reply threads need a role column") == 0);
}

TEST_CASE("AnalyzeConversation: the agent's words never make the customer's themes or sentiment") {
  const std::string customer = "I was charged twice for my subscription this month.";
  voc::Analysis alone = Shared().AnalyzeText(customer);
  voc::ConversationAnalysis a = Shared().AnalyzeConversation(Make({
      {"customer", customer},
      {"agent",
       "I'm so sorry, I understand, that is terrible! Your package delivery and "
       "password reset are wonderful, amazing, the best!"},
  }));
  CHECK(a.customer.text == alone.text);
  CHECK(a.customer.sentiment.score == doctest::Approx(alone.sentiment.score));
  REQUIRE(a.customer.themes.size() == alone.themes.size());
  for (size_t i = 0; i < alone.themes.size(); ++i) CHECK(a.customer.themes[i].id == alone.themes[i].id);
  CHECK(a.customer_turns == 1);
  CHECK(a.agent_turns == 1);
  CHECK(a.customer_offsets[0] == 0);
  CHECK(a.customer_offsets[1] == -1);
  // The agent's turn still has its own sentiment and behaviours.
  CHECK(a.turns[1].sentiment.score != 0.0);
  bool apology = false, empathy = false;
  for (const auto& b : a.agent_behaviours) {
    CHECK(b.evidence.turn == 1);
    apology |= b.behaviour == voc::AgentBehaviour::kApology;
    empathy |= b.behaviour == voc::AgentBehaviour::kEmpathy;
  }
  CHECK(apology);
  CHECK(empathy);
}

TEST_CASE("AnalyzeConversation: evidence maps into turns; PII is redacted in every turn") {
  voc::ConversationAnalysis a = Shared().AnalyzeConversation(Make({
      {"agent", "Can I have your email?"},
      {"customer", "jane.doe@example.com"},
      {"agent", "Thanks, and the problem?"},
      {"customer", "There is an unexpected fee on my bill, call me on (415) 555-0132."},
  }));
  for (const auto& t : a.turns) {
    CHECK(t.text.find("jane.doe") == std::string::npos);
    CHECK(t.text.find("555-0132") == std::string::npos);
  }
  CHECK(a.turns[1].text == "[EMAIL]");
  std::string json = voc::ConversationAnalysisToJson(a);
  CHECK(json.find("jane.doe") == std::string::npos);
  CHECK(json.find("555-0132") == std::string::npos);
  REQUIRE(HasTheme(a.customer, "billing"));
  for (const auto& t : a.customer.themes)
    for (const auto& e : t.evidence) {
      auto span = voc::CustomerSpanToTurn(a, e.begin, e.end, e.source);
      REQUIRE(span.has_value());
      CHECK(span->turn == 3);
      CHECK(a.turns[3].text.substr(span->begin, span->end - span->begin) ==
            a.customer.text.substr(e.begin, e.end - e.begin));
    }
  CHECK(json.find("\"turn\":3") != std::string::npos);
}

TEST_CASE("AnalyzeConversation: transfers, holds, repeats, supervisor, re-contact, unresolved") {
  voc::ConversationAnalysis a = Shared().AnalyzeConversation(Make({
      {"agent_1", "Thank you for calling, how can I help?"},
      {"customer", "I called yesterday about my router dropping the connection every evening."},
      {"agent_1", "Let me transfer you to technical support. Please hold."},
      {"agent_2", "Tech support, what is the issue?"},
      {"customer", "My router keeps dropping the connection every evening, as I said."},
      {"agent_2", "Unfortunately I can't see a fault on the line."},
      {"customer", "Then I want to speak to a supervisor. It is still not working."},
  }));
  CHECK(a.transfers.size() == 1);  // announced, so the new agent is not counted again
  CHECK(a.transfers[0].turn == 2);
  CHECK(a.holds.size() == 1);
  CHECK(a.repeats.size() == 1);
  CHECK(a.repeats[0].turn == 4);
  CHECK(a.supervisor.size() == 1);
  CHECK(a.recontact.size() == 1);
  CHECK(a.customer.has_signal(voc::Signal::kRepeatContact));
  CHECK(a.customer.has_signal(voc::Signal::kEffort));
  CHECK(a.resolution == voc::Resolution::kUnresolved);
  CHECK(a.right_first_time < 0.05);
}

TEST_CASE("AnalyzeConversation: resolved ending, recovered trajectory, unannounced new agent") {
  voc::ConversationAnalysis a = Shared().AnalyzeConversation(Make({
      {"customer", "This is awful, I am furious, my card was declined and I am stuck abroad."},
      {"agent", "I'm sorry to hear that. Let me check your account."},
      {"rep_2", "I've removed the block, your card should now work."},
      {"customer", "It works now, thank you so much, that is great!"},
  }));
  CHECK(a.transfers.size() == 1);
  CHECK(a.transfers[0].source == "structure:new-agent");
  CHECK(a.resolution == voc::Resolution::kResolved);
  REQUIRE(a.trajectory.known);
  CHECK(a.trajectory.start < 0.0);
  CHECK(a.trajectory.end > 0.0);
  CHECK(a.trajectory.trend == voc::Trend::kRecovered);
  CHECK(a.right_first_time == doctest::Approx(0.9 * 0.6));

  voc::ConversationAnalysis w = Shared().AnalyzeConversation(Make({
      {"customer", "Hi, thanks, I have a quick question about my delivery, all good so far."},
      {"agent", "Sure."},
      {"customer", "Wait, it says delivered but nothing is here. This is terrible, I am very angry."},
  }));
  REQUIRE(w.trajectory.known);
  CHECK(w.trajectory.trend == voc::Trend::kWorsened);
  CHECK(w.resolution == voc::Resolution::kUnresolved);
}

TEST_CASE("AnalyzeConversation: a hold is not a transfer; a restated issue is a repeat") {
  voc::ConversationAnalysis a = Shared().AnalyzeConversation(Make({
      {"customer", "My parcel never arrived although the tracking says delivered."},
      {"agent", "Let me put you on hold while I check."},
      {"customer", "The tracking says delivered but my parcel never arrived."},
      {"agent", "Unfortunately I cannot find it."},
  }));
  CHECK(a.transfers.empty());
  REQUIRE(a.holds.size() == 1);
  CHECK(a.holds[0].turn == 1);
  REQUIRE(a.repeats.size() == 1);
  CHECK(a.repeats[0].turn == 2);
  CHECK(a.repeats[0].source == "repeat-of-turn:0");
  CHECK(a.resolution == voc::Resolution::kUnresolved);
}

TEST_CASE("Aggregate of conversations: figures per theme, merged, saved and regrouped exactly") {
  const voc::ConversationAnalysis fixed = Shared().AnalyzeConversation(Make({
      {"customer", "There is an unexpected fee on my bill."},
      {"agent", "I'm sorry. I've refunded the fee."},
      {"customer", "Thanks, perfect."},
  }));
  const voc::ConversationAnalysis stuck = Shared().AnalyzeConversation(Make({
      {"customer", "There is an unexpected fee on my bill again."},
      {"agent", "Let me transfer you to billing."},
      {"agent_2", "Unfortunately I cannot remove it."},
      {"customer", "It is still not fixed, this is unacceptable."},
  }));
  REQUIRE(HasTheme(fixed.customer, "billing"));
  REQUIRE(HasTheme(stuck.customer, "billing"));
  REQUIRE(fixed.resolution == voc::Resolution::kResolved);
  REQUIRE(stuck.resolution == voc::Resolution::kUnresolved);
  REQUIRE(stuck.transfers.size() == 1);
  // 12 conversations over 6 days, alternately resolved and stuck.
  std::vector<voc::ConversationAnalysis> all;
  for (int i = 0; i < 12; ++i) {
    voc::ConversationAnalysis a = i % 2 ? stuck : fixed;
    a.customer.id = "c" + std::to_string(i);
    a.customer.timestamp = int64_t{1709251200} + 86400 * (i / 2);  // from 2024-03-01
    all.push_back(a);
  }
  voc::AggregateOptions o;
  o.period = voc::Period::kDay;
  voc::Aggregate one(o), p1(o), p2(o);
  for (size_t i = 0; i < all.size(); ++i) {
    one.Add(all[i]);
    (i < 5 ? p1 : p2).Add(all[i]);
  }
  CHECK(one.records() == 12);  // a conversation counts once
  CHECK(one.conversations() == 12);
  CHECK(p1.conversations() == 5);
  // Saved partials (as Dask workers or --save-aggregate write them) merge
  // into the figures of one pass.
  auto a1 = voc::Aggregate::Deserialize(p2.Serialize());
  auto a2 = voc::Aggregate::Deserialize(p1.Serialize());
  REQUIRE(a1.ok());
  REQUIRE(a2.ok());
  REQUIRE(a1->Merge(*a2).ok());
  CHECK(a1->conversations() == 12);
  const std::string saved = one.Serialize();
  CHECK(saved.find("\"conversations\":{\"2024-03-01\":{\"change_u\"") != std::string::npos);
  voc::Aggregate in_memory = p1;
  REQUIRE(in_memory.Merge(p2).ok());
  CHECK(in_memory.Serialize() == saved);  // byte-identical to one pass

  voc::FindingsOptions fo;
  fo.bootstrap_samples = 0;
  auto figures = [&](const voc::Aggregate& agg) {
    voc::Findings f = voc::DetectFindings(agg, fo);
    REQUIRE(f.conversations.has_value());
    const voc::Finding* billing = nullptr;
    for (const voc::Finding& x : f.findings)
      if (x.theme.rfind("billing", 0) == 0 && x.conversations) billing = &x;
    REQUIRE(billing != nullptr);
    return std::make_pair(*f.conversations, *billing->conversations);
  };
  const auto [total, billing] = figures(one);
  CHECK(total.conversations == 12);
  CHECK(total.turns == 6 * 3 + 6 * 4);
  CHECK(total.share_resolved == doctest::Approx(0.5));
  CHECK(total.share_unresolved == doctest::Approx(0.5));
  CHECK(total.transfers_per_conversation == doctest::Approx(0.5));
  CHECK(total.right_first_time ==
        doctest::Approx((fixed.right_first_time + stuck.right_first_time) / 2).epsilon(1e-5));
  CHECK(billing.conversations == 12);
  CHECK(billing.share_resolved == doctest::Approx(0.5));
  const auto [merged_total, merged_billing] = figures(*a1);
  CHECK(merged_total.conversations == total.conversations);
  CHECK(merged_total.right_first_time == total.right_first_time);
  CHECK(merged_billing.share_resolved == billing.share_resolved);
  CHECK(merged_billing.mean_sentiment_change == billing.mean_sentiment_change);
  // Regrouped into weeks: the same figures.
  auto weeks = one.Regroup(voc::Period::kWeek);
  REQUIRE(weeks.ok());
  const auto [week_total, week_billing] = figures(*weeks);
  CHECK(week_total.conversations == 12);
  CHECK(week_billing.transfers_per_conversation == billing.transfers_per_conversation);
  // A window of the last two days counts their conversations only.
  fo.window_periods = 2;
  const auto [recent, recent_billing] = figures(one);
  CHECK(recent.conversations == 4);
  CHECK(recent_billing.conversations == 4);

  // Flat records keep no conversation figures.
  voc::Aggregate flat(o);
  flat.Add(fixed.customer);
  CHECK(flat.conversations() == 0);
  CHECK(flat.Serialize().find("\"conversations\"") == std::string::npos);
  CHECK_FALSE(voc::DetectFindings(flat, fo).conversations.has_value());

  // Bad saved figures are refused with their path.
  std::string bad = saved;
  const size_t at = bad.find("\"resolved\":");
  REQUIRE(at != std::string::npos);
  bad.replace(at, 12, "\"resolved\":9");
  auto r = voc::Aggregate::Deserialize(bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("conversations.2024-03-01: resolved and unresolved exceed n") !=
        std::string::npos);
}
