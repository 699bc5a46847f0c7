// A seeded synthetic stream of analysed verbatims with planted issues, for
// the aggregate, findings and report tests.
//
// 12 ISO weeks from Monday 2024-01-01 (2024-W01 .. 2024-W12), ~1000
// verbatims a week over four channels, plus 25 undated ones:
//   billing/unexpected-fee   chronic   ~60 a week, repeat/avoidable contacts
//   delivery/late            chronic   ~40 a week, effort
//   app/login-failure        emerging  3 a week, then 45 in the last week
//   product/overheating      spike     2 a week, 50 in 2024-W06, safety
//   store/closure            resolved  ~50 a week in W01..W06, then 0..1
//   six noise themes         stable    ~10 a week
//   unclassified             the rest; 30 a week say "gift card balance"
#ifndef VOC_TESTS_FINDINGS_STREAM_H_
#define VOC_TESTS_FINDINGS_STREAM_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "voc/analysis.h"

namespace voc_test {

inline const char* const kFiller[] = {
    "account", "agent",    "answer",    "app",      "bill",   "branch",   "call",     "case",    "charge",
    "chat",    "customer", "day",       "email",    "form",   "help",     "issue",    "letter",  "manager",
    "message", "money",    "month",     "number",   "online", "order",    "page",     "payment", "phone",
    "plan",    "problem",  "process",   "product",  "reason", "reply",    "request",  "service", "staff",
    "system",  "team",     "ticket",    "time",     "update", "website",  "week",     "morning", "evening",
    "friday",  "monday",   "yesterday", "today",    "person", "queue",    "status",   "note",    "detail",
    "name",    "address",  "card",      "price",    "offer",  "store",    "delivery", "code",    "login",
    "screen",  "button",   "link",      "document", "policy", "contract", "refund",   "credit",  "fee"};

struct PlantedTheme {
  const char* id;
  const char* department;
  voc::ValueRole role;
  const char* phrase;  // the evidence span inside the text
};

inline std::vector<voc::Analysis> SyntheticStream(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uni = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const char* channels[] = {"call", "email", "chat", "social"};
  const int64_t kStart = 1704067200;  // Monday 2024-01-01 00:00 UTC
  std::vector<voc::Analysis> out;
  int next_id = 0;

  auto filler = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) {
      s += " ";
      s += kFiller[uni(sizeof(kFiller) / sizeof(kFiller[0]))];
    }
    return s;
  };

  auto make = [&](int week, const PlantedTheme* t, const std::string& body, bool negative) {
    voc::Analysis a;
    a.id = "r" + std::to_string(next_id++);
    if (week >= 0) a.timestamp = kStart + week * 7 * 86400 + uni(7 * 86400);
    a.channel = channels[uni(4)];
    std::string prefix = "Note" + filler(3) + ". ";
    // One draw per statement: the order of operands of `+` and of function
    // arguments is unspecified, and differs between compilers.
    const std::string tail = filler(4);
    const bool email = uni(10) == 0;
    const bool account = uni(10) == 0;
    a.text = prefix + body + "." + tail + (email ? " Contact me at [EMAIL]." : "") +
             (account ? " Account XXXX-XXXX." : "");
    a.sentiment.label =
        negative ? voc::Polarity::kNegative : (uni(2) ? voc::Polarity::kNeutral : voc::Polarity::kPositive);
    a.sentiment.score = negative ? -0.2 - 0.1 * uni(7) : 0.1 * uni(6);
    a.emotion_intensity = 0.05 * uni(10);
    if (t) {
      voc::ThemeHit h;
      h.id = t->id;
      h.confidence = 0.9;
      h.source = std::string("rule:") + t->id;
      h.department = t->department;
      h.role = t->role;
      const size_t b = a.text.find(t->phrase);
      voc::EvidenceSpan sp;
      sp.begin = static_cast<uint32_t>(b);
      sp.end = static_cast<uint32_t>(b + std::string(t->phrase).size());
      sp.source = h.source;
      h.evidence.push_back(sp);
      a.themes.push_back(h);
      if (uni(10) == 0) a.themes.push_back(h);  // a duplicate hit counts once
    }
    return a;
  };
  auto signal = [](voc::Analysis* a, voc::Signal s) {
    voc::SignalHit h;
    h.signal = s;
    h.evidence.begin = 0;
    h.evidence.end = 4;
    h.evidence.source = "cue:test";
    a->signals.push_back(h);
  };

  const PlantedTheme billing{"billing/unexpected-fee", "Billing", voc::ValueRole::kEnhancer,
                             "charged an unexpected fee"};
  const PlantedTheme delivery{"delivery/late", "Logistics", voc::ValueRole::kCreator, "parcel arrived late"};
  const PlantedTheme login{"app/login-failure", "Digital", voc::ValueRole::kCreator,
                           "cannot log in to the app"};
  const PlantedTheme heat{"product/overheating", "Engineering", voc::ValueRole::kCreator,
                          "charger overheating and smoking"};
  const PlantedTheme store{"store/closure", "Retail", voc::ValueRole::kService, "local store closed"};
  const PlantedTheme noise[] = {
      {"account/address-change", "Customer Service", voc::ValueRole::kService, "change my address"},
      {"marketing/promo-confusion", "Marketing", voc::ValueRole::kCommunicator, "promo code confusing"},
      {"support/wait-time", "Customer Service", voc::ValueRole::kService, "waited on hold"},
      {"shipping/packaging", "Logistics", voc::ValueRole::kCreator, "box was damaged"},
      {"web/search", "Digital", voc::ValueRole::kCreator, "search shows nothing"},
      {"pricing/plan-change", "Finance", voc::ValueRole::kEnhancer, "plan price went up"}};

  for (int w = -1; w < 12; ++w) {
    // Week -1 stands for the undated records.
    const bool undated = w < 0;
    auto scale = [&](int n) { return undated ? (n + 19) / 20 : n; };
    int themed = 0;
    auto emit = [&](const PlantedTheme& t, int n, const char* body_tail) {
      for (int i = 0; i < scale(n); ++i, ++themed) {
        const std::string text = std::string("I was ") + t.phrase + body_tail + filler(3);
        const bool negative = uni(10) < 8;
        voc::Analysis a = make(w, &t, text, negative);
        if (&t == &billing) {
          a.customer_id = "c" + std::to_string(uni(400));
          if (uni(10) < 3) signal(&a, voc::Signal::kRepeatContact);
          if (uni(10) < 4) signal(&a, voc::Signal::kAvoidableContact);
        } else if (&t == &delivery) {
          if (uni(10) < 3) signal(&a, voc::Signal::kEffort);
        } else if (&t == &heat) {
          if (uni(10) < 3) signal(&a, voc::Signal::kUrgencySafety);
        } else if (&t == &store) {
          if (uni(10) < 2) signal(&a, voc::Signal::kChurnRisk);
        } else {
          a.customer_id = "n" + std::to_string(uni(5000));
        }
        out.push_back(std::move(a));
      }
    };
    emit(billing, 55 + uni(11), " again");
    emit(delivery, 35 + uni(11), " twice");
    emit(login, w == 11 ? 45 : 3, " today");
    emit(heat, w == 5 ? 50 : 2, " at night");
    emit(store, w < 6 ? 45 + uni(11) : uni(2), " last week");
    for (const PlantedTheme& t : noise) emit(t, 8 + uni(5), " once");
    const int rest = scale(1000) - themed;
    for (int i = 0; i < rest; ++i) {
      std::string body = i < scale(30) ? (uni(2) ? "my gift card balance disappeared"
                                                 : "gift card balance missing from account")
                                       : std::string("Also") + filler(3);
      const bool negative = uni(10) < 3;
      out.push_back(make(w, nullptr, body, negative));
    }
  }
  return out;
}

}  // namespace voc_test

#endif  // VOC_TESTS_FINDINGS_STREAM_H_
