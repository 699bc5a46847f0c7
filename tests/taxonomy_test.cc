#include "voc/taxonomy.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "themes/shared_patterns.h"

namespace {

const std::string kData = VOC_TEST_DATA_DIR "/taxonomy/";
const std::string kDefault = VOC_SOURCE_DIR "/models/taxonomy.json";

std::shared_ptr<const voc::Taxonomy> Load(const std::string& path) {
  auto r = voc::Taxonomy::LoadFile(path);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::shared_ptr<const voc::Taxonomy>(std::move(*r));
}

std::unique_ptr<voc::ThemeClassifier> Classifier(std::shared_ptr<const voc::Taxonomy> tax,
                                                 const voc::ThemeOptions& opt = {}) {
  auto r = voc::ThemeClassifier::Create(std::move(tax), opt);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::move(*r);
}

std::string ParseError(std::string_view json) {
  auto r = voc::Taxonomy::Parse(json);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == voc::StatusCode::kInvalidArgument);
  return r.status().message();
}

const voc::ThemeHit* FindHit(const std::vector<voc::ThemeHit>& hits, const std::string& id) {
  for (const auto& h : hits)
    if (h.id == id) return &h;
  return nullptr;
}

std::vector<std::string> Ids(const std::vector<voc::ThemeHit>& hits) {
  std::vector<std::string> ids;
  for (const auto& h : hits) ids.push_back(h.id);
  return ids;
}

}  // namespace

TEST_CASE("Taxonomy: loads themes, implied parents, inheritance and routing") {
  auto tax = Load(kData + "small.json");
  CHECK(tax->name() == "test-small");
  CHECK(tax->version() == 3);
  std::vector<std::string> ids;
  for (const auto& t : tax->themes()) ids.push_back(t.id);
  // Parents first; "delivery" and "service" are implied just before their first child.
  CHECK(ids == std::vector<std::string>{"billing", "billing/double-charge", "billing/unexpected-fee",
                                        "delivery", "delivery/late", "service", "service/rude", "custom"});
  const voc::Theme* fee = tax->Find("billing/unexpected-fee");
  REQUIRE(fee != nullptr);
  CHECK(fee->department == "finance");  // inherited from "billing"
  CHECK(fee->role == voc::ValueRole::kEnhancer);
  CHECK(fee->parent == "billing");
  CHECK(fee->rules.size() == 2);
  CHECK(fee->rules[0].exclude_scope == voc::ExcludeScope::kSentence);
  CHECK(fee->rules[1].exclude_scope == voc::ExcludeScope::kText);
  CHECK(fee->rules[1].weight == doctest::Approx(0.8));  // the default weight
  const voc::Theme* delivery = tax->Find("delivery");
  REQUIRE(delivery != nullptr);
  CHECK(delivery->implied);
  CHECK(delivery->department == "operations");  // its only child's
  CHECK(delivery->role == voc::ValueRole::kCreator);
  CHECK(delivery->label == "delivery");
  CHECK(tax->Find("delivery/late")->threshold == doctest::Approx(0.6));
  CHECK(tax->Find("service/rude")->role == voc::ValueRole::kService);
  const voc::Theme* custom = tax->Find("custom");
  CHECK(custom->department == "Claims");
  CHECK(custom->role == voc::ValueRole::kService);
  CHECK(tax->Find("nope") == nullptr);
  CHECK(tax->FindModelLabel("get_refund")->id == "billing");
  CHECK(tax->FindModelLabel("__label__Late")->id == "delivery/late");
  CHECK(tax->FindModelLabel("service/rude")->id == "service/rude");  // an id is a label too
  CHECK(tax->FindModelLabel("unknown") == nullptr);
  CHECK(tax->model_labels().size() == 2);
}

TEST_CASE("Taxonomy: department roles and slugs") {
  CHECK(voc::DepartmentRole("Engineering") == voc::ValueRole::kCreator);
  CHECK(voc::DepartmentRole("IT") == voc::ValueRole::kEnhancer);
  CHECK(voc::DepartmentRole("sales") == voc::ValueRole::kCommunicator);
  CHECK(voc::DepartmentRole("service") == voc::ValueRole::kService);
  CHECK(voc::DepartmentRole("legal") == voc::ValueRole::kUnknown);
  CHECK(voc::ThemeIdSlug("Credit card or prepaid card") == "credit-card-or-prepaid-card");
  CHECK(voc::ThemeIdSlug("  Billing / Late FEE!! ") == "billing/late-fee");
}

TEST_CASE("Taxonomy: JSON syntax errors carry line and column") {
  auto r = voc::Taxonomy::LoadFile(kData + "bad_syntax.json");
  REQUIRE_FALSE(r.ok());
  const std::string& m = r.status().message();
  CHECK(m.find("bad_syntax.json: taxonomy JSON syntax error at line 3, column") != std::string::npos);
  CHECK(m.find("syntax error while parsing object") != std::string::npos);
  CHECK(ParseError("").find("line 1, column 1") != std::string::npos);
  CHECK(ParseError("{\"themes\": [}").find("line 1, column 13") != std::string::npos);
}

TEST_CASE("Taxonomy: invalid RE2 names the theme, rule, RE2's error and position") {
  auto r = voc::Taxonomy::LoadFile(kData + "bad_regex.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == voc::StatusCode::kInvalidArgument);
  CHECK(r.status().message() ==
        kData +
            "bad_regex.json: theme 'billing/fee' rule 'broken': include pattern 2 \"fee(s\" "
            "is not valid RE2: missing ): fee(s (at byte 0)");
  std::string m =
      ParseError(R"({"themes":[{"id":"x","department":"it","rules":[{"include":"ok","exclude":"a**"}]}]})");
  CHECK(m ==
        "theme 'x' rule 1: exclude pattern 1 \"a**\" is not valid RE2: bad repetition "
        "operator: ** (at byte 1)");
}

TEST_CASE("Taxonomy: validation errors") {
  CHECK(ParseError(R"({"themes":[{"id":"a","department":"it","role":"boss"}]})") ==
        "theme 'a': unknown role \"boss\" (expected creator, enhancer, communicator or service)");
  CHECK(ParseError(R"({"themes":[{"id":"a","department":"it"},{"id":"a","department":"hr"}]})") ==
        "duplicate theme id \"a\"");
  CHECK(ParseError(R"({"themes":[{"id":"a","department":"legal"}]})") ==
        "theme 'a': department \"legal\" has no known value role; give \"role\"");
  CHECK(ParseError(R"({"themes":[{"id":"a//b"}]})").find("is not a theme id") != std::string::npos);
  CHECK(ParseError(R"({"themes":[{"id":"a b"}]})").find("is not a theme id") != std::string::npos);
  CHECK(ParseError(R"({"themes":[{"label":"x"}]})") == "theme 1: needs a string \"id\"");
  CHECK(ParseError(R"({"themez":[]})") == "unknown top-level field \"themez\"");
  CHECK(ParseError(R"({"name":"x"})") == "taxonomy needs a \"themes\" array");
  CHECK(ParseError("[1,2]") == "taxonomy must be a JSON object");
  CHECK(ParseError(R"({"themes":[{"id":"a","rulez":[]}]})") == "theme 'a': unknown field \"rulez\"");
  CHECK(ParseError(R"({"themes":[{"id":"a","threshold":1.5}]})") ==
        "theme 'a': \"threshold\" must be in [0, 1]");
  CHECK(ParseError(R"({"themes":[{"id":"a","rules":[{"include":"x","weight":0}]}]})") ==
        "theme 'a' rule 1: \"weight\" must be in (0, 1]");
  CHECK(ParseError(R"({"themes":[{"id":"a","rules":[{"id":"r"}]}]})") ==
        "theme 'a' rule 'r': needs at least one \"include\" pattern");
  CHECK(ParseError(R"({"themes":[{"id":"a","rules":[{"id":"r","include":""}]}]})") ==
        "theme 'a' rule 'r': include pattern 1 is empty");
  CHECK(ParseError(R"({"themes":[{"id":"a","rules":[{"id":"r","include":[1]}]}]})") ==
        "theme 'a' rule 'r': \"include\" must hold only strings");
  CHECK(
      ParseError(R"({"themes":[{"id":"a","rules":[{"id":"r","include":"x"},{"id":"r","include":"y"}]}]})") ==
      "theme 'a': duplicate rule id 'r'");
  CHECK(ParseError(R"({"themes":[{"id":"a","rules":[{"include":"x","exclude_scope":"page"}]}]})") ==
        "theme 'a' rule 1: \"exclude_scope\" must be \"sentence\" or \"text\", not \"page\"");
  CHECK(ParseError(R"({"themes":[{"id":"a"}],"model_labels":{"x":"b"}})") ==
        "model_labels: \"x\" maps to unknown theme \"b\"");
  CHECK(ParseError(R"({"themes":[],"defaults":{"colour":1}})") == "defaults: unknown field \"colour\"");

  auto missing = voc::Taxonomy::LoadFile(kData + "no_such_file.json");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == voc::StatusCode::kNotFound);
  CHECK(missing.status().message() == "cannot open taxonomy file \"" + kData + "no_such_file.json\"");
}

TEST_CASE("Taxonomy: from a bare label list") {
  auto r = voc::Taxonomy::FromLabels({"Debt collection", "Credit card", "credit-card", "Mortgage"});
  REQUIRE(r.ok());
  const voc::Taxonomy& tax = **r;
  REQUIRE(tax.themes().size() == 4);
  CHECK(tax.themes()[0].id == "debt-collection");
  CHECK(tax.themes()[0].label == "Debt collection");
  CHECK(tax.themes()[0].department == "unassigned");
  CHECK(tax.themes()[0].role == voc::ValueRole::kUnknown);
  CHECK(tax.themes()[2].id == "credit-card-2");
  CHECK(tax.FindModelLabel("credit-card")->id == "credit-card-2");
  CHECK(tax.FindModelLabel("__label__Mortgage")->id == "mortgage");
  // A label that itself starts with "__label__" is found as given first.
  auto prefixed = voc::Taxonomy::FromLabels({"__label__a", "a"});
  REQUIRE(prefixed.ok());
  CHECK((*prefixed)->FindModelLabel("__label__a")->id == "label-a");
  CHECK((*prefixed)->FindModelLabel("a")->id == "a");
  CHECK((*prefixed)->FindModelLabel("__label__b") == nullptr);
  auto dup = voc::Taxonomy::FromLabels({"a", "a"});
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.status().message() == "duplicate model label \"a\"");
  auto empty = voc::Taxonomy::FromLabels({""});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().message() == "empty model label");
}

TEST_CASE("ThemeClassifier: multi-label rules with evidence and routing") {
  auto clf = Classifier(Load(kData + "small.json"));
  std::string text = "I was charged twice. The agent was rude and my package was late.";
  auto hits = clf->Classify(text);
  CHECK(Ids(hits) == std::vector<std::string>{"billing/double-charge", "delivery/late", "service/rude"});
  const voc::ThemeHit* dc = FindHit(hits, "billing/double-charge");
  REQUIRE(dc != nullptr);
  CHECK(dc->confidence == doctest::Approx(0.9));
  CHECK(dc->source == "rule:billing/double-charge#twice");
  CHECK(dc->department == "finance");
  CHECK(dc->role == voc::ValueRole::kEnhancer);
  REQUIRE(dc->evidence.size() == 1);
  CHECK(dc->evidence[0].begin == 6);
  CHECK(dc->evidence[0].end == 19);
  CHECK(text.substr(6, 13) == "charged twice");
  const voc::ThemeHit* late = FindHit(hits, "delivery/late");
  REQUIRE(late != nullptr);
  CHECK(text.substr(late->evidence[0].begin, late->evidence[0].end - late->evidence[0].begin) ==
        "package was late");
  CHECK(late->department == "operations");
  CHECK(late->role == voc::ValueRole::kCreator);
}

TEST_CASE("ThemeClassifier: several rules of one theme make one hit") {
  auto clf = Classifier(Load(kData + "small.json"));
  std::string text = "She was RUDE. Really rude.";
  auto hits = clf->Classify(text);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].id == "service/rude");
  CHECK(hits[0].confidence == doctest::Approx(0.95));  // the case-sensitive rule's weight
  CHECK(hits[0].source == "rule:service/rude#case");
  REQUIRE(hits[0].evidence.size() == 3);  // "RUDE" twice (two rules) and "rude"
  CHECK(hits[0].evidence[0].begin == 8);
  CHECK(hits[0].evidence[2].begin == 21);
  // The case-sensitive rule does not fire on lower case.
  auto lower = clf->Classify("she was rude");
  REQUIRE(lower.size() == 1);
  CHECK(lower[0].source == "rule:service/rude#rude");
}

TEST_CASE("ThemeClassifier: exclude patterns veto per sentence or per text") {
  auto clf = Classifier(Load(kData + "small.json"));
  // Sentence scope: the veto in the first sentence does not reach the second.
  CHECK(clf->Classify("There were no fees at first.").empty());
  auto hits = clf->Classify("There were no fees at first. Then a fee appeared.");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].id == "billing/unexpected-fee");
  REQUIRE(hits[0].evidence.size() == 1);
  CHECK(hits[0].evidence[0].begin == 36);
  // Text scope: "waived" anywhere vetoes the surcharge rule.
  CHECK(FindHit(clf->Classify("A surcharge was added."), "billing/unexpected-fee") != nullptr);
  CHECK(clf->Classify("A surcharge was added. Later it was waived.").empty());
}

TEST_CASE("ThemeClassifier: exclude patterns compiled at their first search veto from every thread") {
  // Each thread's first texts search the excludes at the same time: one
  // compile, the same vetoes.
  auto clf = Classifier(Load(kData + "small.json"));
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (size_t t = 0; t < wrong.size(); ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        wrong[t] += !clf->Classify("There were no fees at first.").empty();
        wrong[t] += !clf->Classify("A surcharge was added. Later it was waived.").empty();
        wrong[t] += clf->Classify("There were no fees at first. Then a fee appeared.").size() != 1;
      }
    });
  for (auto& th : threads) th.join();
  CHECK(wrong == std::vector<int>(4, 0));
}

TEST_CASE("ThemeClassifier: text that fits nothing stays unclassified") {
  auto clf = Classifier(Load(kData + "small.json"));
  CHECK(clf->Classify("What a lovely afternoon in the park.").empty());
  CHECK(clf->Classify("").empty());
  CHECK(clf->Classify(std::string("\xff\xfe\x00 rud", 7)).empty());
}

TEST_CASE("ThemeClassifier: model scores merge with rules") {
  voc::ThemeOptions opt;
  opt.model_name = "bitext";
  auto clf = Classifier(Load(kData + "small.json"), opt);
  std::string text = "Where is my money? My order was late.";
  // Model only, above the theme threshold (0.5 default for billing).
  auto hits = clf->Classify(text, {{"get_refund", 0.7}, {"unknown_label", 0.99}});
  const voc::ThemeHit* billing = FindHit(hits, "billing");
  REQUIRE(billing != nullptr);
  CHECK(billing->source == "model:bitext");
  CHECK(billing->confidence == doctest::Approx(0.7));
  REQUIRE(billing->evidence.size() == 1);
  CHECK(billing->evidence[0].begin == 0);
  CHECK(billing->evidence[0].end == text.size());
  CHECK(billing->department == "finance");
  // Below the theme's own threshold (0.6 for delivery/late): the rule hit alone.
  hits = clf->Classify(text, {{"Late", 0.55}});
  const voc::ThemeHit* late = FindHit(hits, "delivery/late");
  REQUIRE(late != nullptr);
  CHECK(late->source == "rule:delivery/late#late");
  CHECK(late->evidence.size() == 1);
  // Both: one hit, the higher confidence, both evidences.
  hits = clf->Classify(text, {{"Late", 0.95}});
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].id == "delivery/late");
  CHECK(hits[0].confidence == doctest::Approx(0.95));
  CHECK(hits[0].source == "model:bitext");
  REQUIRE(hits[0].evidence.size() == 2);
  CHECK(hits[0].evidence[0].source == "rule:delivery/late#late");
  CHECK(hits[0].evidence[1].source == "model:bitext");
  hits = clf->Classify(text, {{"__label__Late", 0.61}});
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].confidence == doctest::Approx(0.8));  // the rule's weight is higher
  CHECK(hits[0].source == "rule:delivery/late#late");
  // Model scores with rules switched off.
  opt.use_rules = false;
  auto models_only = Classifier(Load(kData + "small.json"), opt);
  CHECK(models_only->Classify(text).empty());
  CHECK(models_only->Classify(text, {{"Late", 0.9}}).size() == 1);
}

TEST_CASE("ThemeClassifier: option and argument errors") {
  auto null = voc::ThemeClassifier::Create(nullptr);
  REQUIRE_FALSE(null.ok());
  CHECK(null.status().message() == "ThemeClassifier needs a taxonomy");
  voc::ThemeOptions opt;
  opt.max_evidence_per_rule = 0;
  auto bad = voc::ThemeClassifier::Create(Load(kData + "small.json"), opt);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "max_evidence_per_rule must be >= 1");
}

TEST_CASE("ThemeClassifier: a pattern too large to compile, accepted by the taxonomy, is refused") {
  // The taxonomy checks syntax only; the classifier compiles with its budget.
  auto tax = voc::Taxonomy::Parse(
      R"({"themes":[{"id":"x","department":"it","rules":[{"id":"huge","include":"\\pL{1000}"}]}]})");
  REQUIRE(tax.ok());
  auto clf = voc::ThemeClassifier::Create(std::shared_ptr<const voc::Taxonomy>(std::move(*tax)));
  REQUIRE_FALSE(clf.ok());
  CHECK(clf.status().code() == voc::StatusCode::kInvalidArgument);
  CHECK(clf.status().message() ==
        "theme 'x' rule 'huge': invalid pattern \"\\pL{1000}\": pattern too large - compile failed");
  // An exclude pattern as well: those that may outgrow the budget are
  // compiled with the rules, not at their first search.
  tax = voc::Taxonomy::Parse(
      R"({"themes":[{"id":"x","department":"it","rules":[{"id":"huge","include":"fee","exclude":"\\pL{1000}"}]}]})");
  REQUIRE(tax.ok());
  clf = voc::ThemeClassifier::Create(std::shared_ptr<const voc::Taxonomy>(std::move(*tax)));
  REQUIRE_FALSE(clf.ok());
  CHECK(clf.status().message() ==
        "theme 'x' rule 'huge': invalid pattern \"\\pL{1000}\": pattern too large - compile failed");
  // A small repetition or Unicode class is compiled at the first search,
  // and vetoes as it should.
  tax = voc::Taxonomy::Parse(R"({"themes":[{"id":"x","department":"it","rules":[{"id":"r","include":"fee",)"
                             R"("exclude":"\\bno\\W+(?:\\w+\\W+){0,2}\\pL+ fee"}]}]})");
  REQUIRE(tax.ok());
  clf = voc::ThemeClassifier::Create(std::shared_ptr<const voc::Taxonomy>(std::move(*tax)));
  REQUIRE(clf.ok());
  CHECK((*clf)->Classify("A fee.").size() == 1);
  CHECK((*clf)->Classify("There was no hidden extra fee.").empty());
}

TEST_CASE(
    "Themes and signals in one group: a rule too large to compile is refused, shared or in a language "
    "group") {
  // The language groups compile on another thread while the shared group's
  // patterns are added: an error on either side is reported, the shared
  // group's first, and nothing is left running.
  auto make = [](const char* shared, const char* french) {
    const std::string json =
        std::string(R"({"themes":[{"id":"x","department":"it","rules":[{"id":"en","include":")") + shared +
        R"("},{"id":"fr","lang":"fr","include":")" + french + R"("}]}]})";
    auto tax = voc::Taxonomy::Parse(json);
    REQUIRE_MESSAGE(tax.ok(), tax.status().ToString());
    return voc::internal::CreateThemesAndSignals(std::shared_ptr<const voc::Taxonomy>(std::move(*tax)), {},
                                                 {});
  };
  auto ok = make("\\\\bfee\\\\b", "\\\\bfrais\\\\b");
  REQUIRE_MESSAGE(ok.ok(), ok.status().ToString());
  CHECK(ok->themes != nullptr);
  auto shared = make("\\\\pL{1000}", "\\\\bfrais\\\\b");
  REQUIRE_FALSE(shared.ok());
  CHECK(shared.status().message() ==
        "theme 'x' rule 'en': invalid pattern \"\\pL{1000}\": pattern too large - compile failed");
  auto french = make("\\\\bfee\\\\b", "\\\\pL{1000}");
  REQUIRE_FALSE(french.ok());
  CHECK(french.status().message() ==
        "theme 'x' rule 'fr': invalid pattern \"\\pL{1000}\": pattern too large - compile failed");
  auto both = make("\\\\pL{1000}", "\\\\pL{999}");
  REQUIRE_FALSE(both.ok());
  CHECK(both.status().message().find("rule 'en'") != std::string::npos);
}

TEST_CASE("ThemeClassifier: evidence is capped and empty matches are no evidence") {
  auto tax = voc::Taxonomy::Parse(
      R"({"themes":[{"id":"a","department":"it","rules":[{"id":"star","include":"x*"},{"id":"fee","include":"fee"}]}]})");
  REQUIRE(tax.ok());
  voc::ThemeOptions opt;
  opt.max_evidence_per_rule = 2;
  auto clf = Classifier(std::move(*tax), opt);
  CHECK(clf->Classify("nothing here").empty());  // "x*" matches only the empty string
  auto hits = clf->Classify("fee fee fee fee");
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].evidence.size() == 2);
}

TEST_CASE("ThemeClassifier: a pathological pattern stays linear") {
  auto tax = voc::Taxonomy::Parse(
      R"({"themes":[{"id":"a","department":"it","rules":[{"id":"evil","include":"(a+)+$","exclude":"(a|aa)+b"}]}]})");
  REQUIRE(tax.ok());
  auto clf = Classifier(std::move(*tax));
  std::string text(100000, 'a');
  auto start = std::chrono::steady_clock::now();
  auto hits = clf->Classify(text);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].evidence[0].begin == 0);
  CHECK(hits[0].evidence[0].end == 100000);
  CHECK(secs < 2.0);  // a backtracking engine would not finish
  text.back() = 'b';
  start = std::chrono::steady_clock::now();
  CHECK(clf->Classify(text).empty());
  secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(secs < 2.0);
}

TEST_CASE("ThemeClassifier: concurrent calls agree") {
  auto clf = Classifier(Load(kDefault));
  const std::vector<std::string> texts = {
      "I was double charged and the agent was rude. Still waiting for my refund!",
      "My package never arrived and the tracking number does not work",
      "This dress runs small and the fabric is see-through",
      "There is an account on my credit report that is not mine",
  };
  std::vector<std::vector<std::string>> expected;
  for (const auto& t : texts) expected.push_back(Ids(clf->Classify(t)));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      for (int i = 0; i < 200; ++i) {
        size_t j = static_cast<size_t>(i + k) % texts.size();
        if (Ids(clf->Classify(texts[j])) != expected[j]) ++mismatches[k];
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(mismatches == std::vector<int>{0, 0, 0, 0});
}

TEST_CASE("Default taxonomy: loads, routes every theme, maps model labels") {
  auto tax = Load(kDefault);
  CHECK(tax->name() == "voc-default-cx");
  CHECK(tax->themes().size() >= 25);
  size_t with_rules = 0;
  for (const auto& t : tax->themes()) {
    INFO(t.id);
    CHECK(t.department != "unassigned");
    CHECK(t.role != voc::ValueRole::kUnknown);
    CHECK_FALSE(t.label.empty());
    if (!t.rules.empty()) ++with_rules;
  }
  CHECK(with_rules >= 25);
  for (const auto& [label, id] : tax->model_labels()) CHECK(tax->Find(id) != nullptr);
  CHECK(tax->FindModelLabel("get_refund")->id == "refunds");
  CHECK(tax->FindModelLabel("Debt collection")->id == "debt-collection");
  // Version 1 ids still resolve, to the themes that replaced them.
  CHECK(tax->Find("billing/unexpected-fee")->id == "billing/fees");
  CHECK(tax->Find("delivery/lost")->id == "items/lost");
  // Every industry pack has themes, routed, and a vocabulary to detect it by.
  CHECK(tax->packs().size() >= 7);
  for (const auto& p : tax->packs()) {
    INFO(p.id);
    CHECK_FALSE(p.detect.empty());
    CHECK(std::any_of(tax->themes().begin(), tax->themes().end(),
                      [&](const voc::Theme& t) { return t.pack == p.id && !t.rules.empty(); }));
  }
}

TEST_CASE("Default taxonomy: real customer phrasing lands on the right theme") {
  auto clf = Classifier(Load(kDefault));
  struct Case {
    const char* text;
    const char* theme;
    const char* department;
  };
  const Case cases[] = {
      {"They charged me twice for the same order", "billing/double-charge", "finance"},
      {"I was hit with a $35 overdraft fee I never agreed to", "billing/fees", "finance"},
      {"It has been 6 weeks and I am still waiting for my refund", "refunds/delay", "finance"},
      {"They refused to give me a refund", "refunds/denied", "finance"},
      {"My package never arrived", "items/lost", "operations"},
      {"The box arrived crushed and the lamp was broken", "items/damaged", "operations"},
      {"They sent me the wrong size", "items/wrong", "operations"},
      {"The zipper broke after two days", "product/defect", "manufacturing"},
      {"Cheaply made, the fabric is pilling already", "product/quality", "manufacturing"},
      {"This top runs very small, order a size up", "product/sizing-fit", "engineering"},
      {"The instructions are confusing and incomplete", "product/usability", "engineering"},
      {"I can't log in and the password reset link does nothing", "account/access", "it"},
      {"The app keeps crashing when I try to pay", "digital/website-app-errors", "it"},
      {"My card payment was declined twice", "payments/failure", "it"},
      {"The representative was extremely rude and hung up on me", "service/staff-attitude", "service"},
      {"I was on hold for 45 minutes", "service/wait-times", "service"},
      {"They promised to call me back and never did", "service/callbacks-follow-up", "service"},
      {"I got transferred to three different departments", "service/transfers", "service"},
      {"I want to cancel my subscription", "cancellation", "operations"},
      {"Someone made unauthorized charges on my card", "security/unauthorized-transactions", "it"},
      {"I am a victim of identity theft", "security/identity-theft", "it"},
      {"They sold my personal information to third parties", "privacy", "policy"},
      {"The store was filthy and understaffed", "facilities", "facilities"},
      {"The charger caught fire and burned my hand", "safety", "quality"},
      {"There is an account on my credit report that is not mine", "credit-reporting/errors", "operations"},
      {"The collector keeps threatening to call my employer about the debt", "debt-collection/harassment",
       "policy"},
      {"My escrow payment was increased without explanation", "loans/mortgage", "operations"},
      {"The product is not as advertised", "marketing/misleading", "marketing"},
      {"Way too expensive for what you get", "pricing", "marketing"},
      {"I never received any notice about the change", "communication/notification", "marketing"},
      {"I returned the dress for a smaller size", "returns", "operations"},
      // Cross-industry themes of version 2.
      {"Our flight was delayed by five hours", "delays", "operations"},
      {"The train was cancelled with no warning", "disruptions", "operations"},
      {"The airline lost my suitcase", "items/lost", "operations"},
      {"The internet has been down since Monday", "outages", "engineering"},
      {"Download speeds are nowhere near what I pay for", "performance", "engineering"},
      {"There is no signal at all in my house", "connectivity", "engineering"},
      {"They throttled my data after 20GB", "usage-limits", "operations"},
      {"I could not change my booking online", "bookings", "operations"},
      {"We stood in line for an hour at check-in", "queues", "operations"},
      {"The bathroom was filthy", "facilities/cleanliness", "facilities"},
      {"The seats were cramped and uncomfortable", "facilities/comfort", "facilities"},
      {"The food was cold and bland", "food", "operations"},
      {"They offered us a voucher as compensation", "compensation", "finance"},
      {"My loyalty points were never credited", "loyalty", "marketing"},
      {"The wheelchair assistance I booked never showed up", "accessibility", "operations"},
      {"The technician never showed up for the installation", "installation", "operations"},
      {"They renewed my contract without asking", "contracts", "sales"},
      {"The battery drains fast", "devices/battery", "engineering"},
      {"My claim was denied after three months", "insurance/claims", "operations"},
      {"I still have not got my prescription refilled at the pharmacy", "healthcare/prescriptions",
       "operations"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto hits = clf->Classify(c.text);
    const voc::ThemeHit* hit = FindHit(hits, c.theme);
    REQUIRE(hit != nullptr);
    CHECK(hit->department == c.department);
    CHECK_FALSE(hit->evidence.empty());
  }
  // Text that is not feedback gets no theme from the core (the hospitality
  // pack, on for restaurant reviews, takes a lunch as a topic).
  voc::ThemeOptions core;
  core.all_packs = false;
  auto core_clf = Classifier(Load(kDefault), core);
  CHECK(core_clf->Classify("Had a lovely lunch with my sister today").empty());
  CHECK(core_clf->Classify("Happy birthday to the best dad in the world").empty());
  CHECK(clf->Classify("Happy birthday to the best dad in the world").empty());
}

TEST_CASE("Taxonomy: industry packs and aliases") {
  auto tax = voc::Taxonomy::Parse(R"({
    "aliases": {"old/late": "delays"},
    "themes": [{"id": "delays", "department": "operations",
                "rules": [{"id": "late", "include": "\\bdelayed\\b"}]}],
    "packs": [
      {"id": "travel", "label": "Travel", "detect": ["\\b(?:flights?|airline)\\b"], "min_share": 0.2,
       "themes": [{"id": "travel/baggage", "department": "operations",
                   "rules": [{"id": "bag", "include": "\\bluggage\\b"}]}]},
      {"id": "telecom", "detect": "\\brouter\\b",
       "themes": [{"id": "telecom/equipment", "department": "engineering",
                   "rules": [{"id": "kit", "include": "\\bmodem\\b"}]}]}],
    "model_labels": {"Late": "old/late"}
  })");
  REQUIRE_MESSAGE(tax.ok(), tax.status().ToString());
  std::shared_ptr<const voc::Taxonomy> shared = std::move(*tax);
  REQUIRE(shared->packs().size() == 2);
  CHECK(shared->packs()[0].label == "Travel");
  CHECK(shared->packs()[0].min_share == doctest::Approx(0.2));
  CHECK(shared->packs()[1].label == "telecom");
  CHECK(shared->packs()[1].min_share == doctest::Approx(0.1));
  CHECK(shared->Find("travel/baggage")->pack == "travel");
  CHECK(shared->Find("travel")->pack == "travel");  // implied parent
  CHECK(shared->Find("delays")->pack.empty());
  CHECK(shared->Find("old/late")->id == "delays");
  CHECK(shared->FindModelLabel("Late")->id == "delays");
  CHECK(shared->model_labels()[0].second == "delays");

  const std::string text = "Flight delayed, luggage lost, modem dead";
  CHECK(Ids(Classifier(shared)->Classify(text)) ==
        std::vector<std::string>{"delays", "telecom/equipment", "travel/baggage"});
  voc::ThemeOptions only_travel;
  only_travel.all_packs = false;
  only_travel.packs = {"travel"};
  CHECK(Ids(Classifier(shared, only_travel)->Classify(text)) ==
        std::vector<std::string>{"delays", "travel/baggage"});
  voc::ThemeOptions core;
  core.all_packs = false;
  CHECK(Ids(Classifier(shared, core)->Classify(text)) == std::vector<std::string>{"delays"});
  voc::ThemeOptions unknown;
  unknown.all_packs = false;
  unknown.packs = {"retail"};
  auto bad = voc::ThemeClassifier::Create(shared, unknown);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "unknown industry pack \"retail\"");

  SUBCASE("selection") {
    using V = std::vector<std::string>;
    auto sel = [&](const char* spec, const std::vector<std::string_view>& sample) {
      auto r = voc::SelectIndustries(*shared, spec, sample);
      REQUIRE_MESSAGE(r.ok(), r.status().ToString());
      return *r;
    };
    CHECK(sel("none", {}).Enabled().empty());
    CHECK(sel("none", {}).Summary() == "none (core themes only)");
    CHECK(sel("all", {}).Enabled() == V{"travel", "telecom"});
    CHECK(sel(" Telecom , travel", {}).Enabled() == V{"travel", "telecom"});
    CHECK(sel("auto", {}).Enabled().empty());
    // 2 of 5 texts name flights or airlines: 40% >= travel's 20%; 1 of 5
    // names a router: 20% >= telecom's default 10%.
    std::vector<std::string_view> sample = {"The flight was late", "airline lost my bag", "Flights again",
                                            "my router", "hello"};
    // "Flights again" makes three.
    auto a = sel("auto", sample);
    CHECK(a.Enabled() == V{"travel", "telecom"});
    CHECK(a.sample_size == 5);
    CHECK(a.packs[0].matched == 3);
    CHECK(a.packs[0].terms == V{"airline", "flight", "flights"});
    CHECK(a.packs[0].reason == "60% of 5 sampled records: airline, flight, flights");
    CHECK(a.packs[1].reason == "20% of 5 sampled records: router");
    sample = {"The flight was late", "hello", "hi", "hey", "yo", "ok", "fine", "no", "yes", "so", "a", "b"};
    a = sel("auto", sample);
    CHECK(a.Enabled().empty());
    CHECK(a.packs[0].reason == "8% of 12 sampled records: flight (needs 25%)");
    CHECK(a.Summary() == "none (core themes only); not enabled: travel, telecom");
    CHECK(a.ToJson().find("\"enabled\":[]") != std::string::npos);

    auto err = voc::SelectIndustries(*shared, "travel,cooking", {});
    REQUIRE_FALSE(err.ok());
    CHECK(err.status().message() ==
          "unknown industry \"cooking\"; packs of this taxonomy: travel, telecom (or auto, none, all)");
    err = voc::SelectIndustries(*shared, "", {});
    REQUIRE_FALSE(err.ok());
    CHECK(err.status().message() == "industry is empty (expected auto, none, all or pack names)");
    err = voc::SelectIndustries(*shared, "auto,travel", {});
    REQUIRE_FALSE(err.ok());
    CHECK(err.status().message() == "industry \"auto\" cannot be combined with pack names");
  }
}

TEST_CASE("Industry selection: every detect pattern of a pack counts, the later ones too") {
  auto tax = voc::Taxonomy::Parse(R"({
    "themes": [{"id": "delays", "department": "operations",
                "rules": [{"id": "late", "include": "\\bdelayed\\b"}]}],
    "packs": [
      {"id": "travel", "detect": ["\\bflights?\\b", "\\b(?:boarding|gate)\\b"], "min_share": 0.5,
       "themes": [{"id": "travel/boarding", "department": "operations",
                   "rules": [{"id": "board", "include": "\\bboarding\\b"}]}]},
      {"id": "telecom", "detect": ["\\brouter\\b", "\\bmodem\\b"], "min_share": 0.5,
       "themes": [{"id": "telecom/kit", "department": "engineering",
                   "rules": [{"id": "kit", "include": "\\bmodem\\b"}]}]}]
  })");
  REQUIRE_MESSAGE(tax.ok(), tax.status().ToString());
  // Texts that only the second pattern of a pack matches, and one that
  // both of travel's match (its terms counted once per text).
  const std::vector<std::string_view> sample = {"Boarding closed early", "the GATE moved twice",
                                                "flight late, then boarding chaos", "modem dead again",
                                                "nothing here"};
  auto sel = voc::SelectIndustries(**tax, "auto", sample);
  REQUIRE_MESSAGE(sel.ok(), sel.status().ToString());
  using V = std::vector<std::string>;
  CHECK(sel->Enabled() == V{"travel"});
  CHECK(sel->packs[0].matched == 3);
  CHECK(sel->packs[0].terms == V{"boarding", "flight", "gate"});
  CHECK(sel->packs[0].reason == "60% of 5 sampled records: boarding, flight, gate");
  CHECK(sel->packs[1].matched == 1);
  CHECK(sel->packs[1].reason == "20% of 5 sampled records: modem (needs 60%)");
}

TEST_CASE("Taxonomy: pack and alias errors") {
  CHECK(ParseError(R"({"themes": [], "packs": {}})") == "\"packs\" must be an array");
  CHECK(ParseError(R"({"themes": [], "packs": [{"label": "x"}]})") ==
        "pack 1: needs an \"id\" of letters, digits, '-', '_', '.'");
  CHECK(ParseError(R"({"themes": [], "packs": [{"id": "a"}, {"id": "a"}]})") == "duplicate pack id \"a\"");
  CHECK(ParseError(R"({"themes": [], "packs": [{"id": "a", "detekt": []}]})") ==
        "pack 'a': unknown field \"detekt\"");
  CHECK(ParseError(R"({"themes": [], "packs": [{"id": "a", "min_share": 0}]})") ==
        "pack 'a': \"min_share\" must be in (0, 1]");
  CHECK(ParseError(R"({"themes": [], "packs": [{"id": "a", "detect": "fl(ight"}]})")
            .find("pack 'a': detect pattern 1 \"fl(ight\" is not valid RE2: missing )") == 0);
  CHECK(ParseError(R"({"themes": [], "packs": [{"id": "a", "themes": [{"id": "x", "role": "boss"}]}]})") ==
        "pack 'a': theme 'x': unknown role \"boss\" (expected creator, enhancer, communicator or service)");
  CHECK(ParseError(R"({"themes": [{"id": "x"}], "packs": [{"id": "a", "themes": [{"id": "x"}]}]})") ==
        "duplicate theme id \"x\"");
  CHECK(ParseError(R"({"themes": [{"id": "x"}], "aliases": {"y": "z"}})") ==
        "aliases: \"y\" maps to unknown theme \"z\"");
  CHECK(ParseError(R"({"themes": [{"id": "x"}, {"id": "y"}], "aliases": {"y": "x"}})") ==
        "aliases: \"y\" is a theme id, not an old one");
  CHECK(ParseError(R"({"themes": [{"id": "x"}], "aliases": []})") == "\"aliases\" must be an object");
}

namespace {

// tests/data/taxonomy/misfires.tsv: text, themes that must fire, themes that
// must not (comma-separated; "-" for none).
struct MisfireCase {
  int line = 0;
  std::string text;
  std::vector<std::string> must, must_not;
};

std::vector<std::string> SplitIds(const std::string& s) {
  std::vector<std::string> out;
  if (s == "-") return out;
  std::stringstream in(s);
  for (std::string id; std::getline(in, id, ',');)
    if (!id.empty()) out.push_back(id);
  return out;
}

std::vector<MisfireCase> MisfireCases() {
  std::ifstream in(kData + "misfires.tsv");
  REQUIRE(in);
  std::vector<MisfireCase> cases;
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::stringstream fields(line);
    MisfireCase c;
    c.line = n;
    std::string must, must_not;
    std::getline(fields, c.text, '\t');
    std::getline(fields, must, '\t');
    std::getline(fields, must_not, '\t');
    c.must = SplitIds(must);
    c.must_not = SplitIds(must_not);
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace

TEST_CASE("Default taxonomy: sentences of many industries fire the themes they must and no other listed") {
  auto tax = Load(kDefault);
  // Every pack on: a misfire must not hide behind an industry that is off.
  auto clf = Classifier(tax);
  auto cases = MisfireCases();
  REQUIRE(cases.size() >= 60);
  size_t must_not = 0;
  for (const auto& c : cases) {
    INFO("misfires.tsv line " << c.line << ": " << c.text);
    auto hits = clf->Classify(c.text);
    INFO("themes: " << [&] {
      std::string s;
      for (const auto& id : Ids(hits)) s += id + " ";
      return s;
    }());
    for (const auto& id : c.must) {
      REQUIRE_MESSAGE(tax->Find(id) != nullptr, id);
      CHECK_MESSAGE(FindHit(hits, id) != nullptr, "must fire: " << id);
    }
    for (const auto& id : c.must_not) {
      REQUIRE_MESSAGE(tax->Find(id) != nullptr, id);
      ++must_not;
      // The theme or any theme below it.
      for (const auto& h : hits)
        CHECK_MESSAGE(!(h.id == id || h.id.rfind(id + "/", 0) == 0), "must not fire: " << id);
    }
  }
  CHECK(must_not >= 40);
}

TEST_CASE("Taxonomy: a file that extends another adds, overrides and removes themes and packs") {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("voc_taxonomy_extends_" + std::to_string(::getpid())))
          .string();
  std::filesystem::create_directories(dir + "/base");
  auto write = [](const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  };
  write(dir + "/base/base.json", R"({
    "name": "base", "version": 2, "defaults": {"weight": 0.7},
    "aliases": {"old": "delays"},
    "themes": [{"id": "delays", "department": "operations",
                "rules": [{"id": "late", "include": "\\bdelayed\\b"}]},
               {"id": "facilities", "department": "facilities"},
               {"id": "facilities/ambience", "rules": [{"id": "a", "include": "\\bmusic\\b"}]}],
    "packs": [{"id": "travel", "detect": "\\bflight\\b",
               "themes": [{"id": "travel/baggage", "department": "operations",
                           "rules": [{"id": "bag", "include": "\\bluggage\\b"}]}]}]
  })");
  write(dir + "/mine.json", R"({
    "extends": "base/base.json", "name": "mine",
    "themes": [{"id": "delays", "department": "operations",
                "rules": [{"id": "late", "include": "\\b(?:delayed|late)\\b"}]},
               {"id": "billing/fees", "department": "finance",
                "rules": [{"id": "fee", "include": "\\bbooking fees?\\b"}]}],
    "packs": [{"id": "travel", "min_share": 0.3,
               "themes": [{"id": "travel/pets", "department": "operations",
                           "rules": [{"id": "pets", "include": "\\bpets? in the cabin\\b"}]}]},
              {"id": "gaming", "detect": "\\bconsole\\b",
               "themes": [{"id": "gaming/matchmaking", "department": "engineering",
                           "rules": [{"id": "mm", "include": "\\bmatchmaking\\b"}]}]}],
    "remove": ["facilities"],
    "model_labels": {"Late": "old"}
  })");
  auto tax = Load(dir + "/mine.json");
  CHECK(tax->name() == "mine");
  CHECK(tax->version() == 2);
  CHECK(tax->Find("facilities") == nullptr);
  CHECK(tax->Find("facilities/ambience") == nullptr);
  REQUIRE(tax->Find("delays") != nullptr);
  CHECK(tax->Find("delays")->rules[0].include[0] == "\\b(?:delayed|late)\\b");
  CHECK(tax->Find("delays")->rules[0].weight == doctest::Approx(0.7));  // the base's defaults
  CHECK(tax->Find("billing/fees")->pack.empty());
  CHECK(tax->Find("travel/baggage")->pack == "travel");
  CHECK(tax->Find("travel/pets")->pack == "travel");
  CHECK(tax->Find("gaming/matchmaking")->pack == "gaming");
  REQUIRE(tax->packs().size() == 2);
  CHECK(tax->packs()[0].min_share == doctest::Approx(0.3));
  CHECK(tax->packs()[0].detect == std::vector<std::string>{"\\bflight\\b"});
  CHECK(tax->Find("old")->id == "delays");
  CHECK(tax->FindModelLabel("Late")->id == "delays");
  CHECK(Ids(Classifier(tax)->Classify("late again; pets in the cabin; matchmaking; booking fee")) ==
        std::vector<std::string>{"billing/fees", "delays", "gaming/matchmaking", "travel/pets"});
  // The member named with an escape, after members holding objects and
  // commas, still extends; "extends" inside a theme or as a value does not.
  write(dir + "/escaped.json",
        R"({"name": "esc", "themes": [{"id": "x", "department": "it"}], "\u0065xtends": "base/base.json"})");
  auto escaped = Load(dir + "/escaped.json");
  CHECK(escaped->Find("delays") != nullptr);
  CHECK(escaped->Find("x") != nullptr);
  write(dir + "/nested.json", R"({"themes": [{"id": "extends", "department": "it", "label": "extends",
      "rules": [{"id": "r", "include": "\"extends\": x"}]}], "description": "extends"})");
  auto nested = Load(dir + "/nested.json");
  CHECK(nested->Find("delays") == nullptr);
  CHECK(nested->Find("extends") != nullptr);
  // A byte order mark before the object, as the parser allows.
  write(dir + "/bom.json",
        "\xEF\xBB\xBF"
        R"({"name": "bom", "extends": "base/base.json"})");
  auto bom = Load(dir + "/bom.json");
  CHECK(bom->name() == "bom");
  CHECK(bom->Find("delays") != nullptr);
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};

  auto error = [&](const std::string& name, const std::string& text) {
    write(dir + "/" + name, text);
    auto r = voc::Taxonomy::LoadFile(dir + "/" + name);
    REQUIRE_FALSE(r.ok());
    return r.status().message();
  };
  CHECK(error("d.json", R"({"extends": "base/base.json", "defaults": {"weight": 0.5}, "themes": []})") ==
        dir + "/d.json: a file that extends another may not set \"defaults\"");
  CHECK(error("r.json", R"({"extends": "base/base.json", "remove": ["nothing"]})") ==
        dir + "/r.json: \"remove\": no theme \"nothing\" in the base taxonomy");
  CHECK(error("m.json", R"({"extends": "missing.json"})") ==
        dir + "/m.json: extends: cannot open taxonomy file \"" + dir + "/missing.json\"");
  write(dir + "/c2.json", R"({"extends": "c1.json"})");
  CHECK(error("c1.json", R"({"extends": "c2.json"})").find("nests more than 8 files deep") !=
        std::string::npos);
  write(dir + "/badbase.json", R"({"themes": [{"id": "x", "role": "boss"}]})");
  CHECK(error("b.json", R"({"extends": "badbase.json"})") ==
        dir +
            "/badbase.json: theme 'x': unknown role \"boss\" (expected creator, enhancer, communicator or "
            "service)");
  CHECK(
      error(
          "dup.json",
          R"({"extends": "base/base.json", "packs": [{"id": "travel", "themes": [{"id": "delays/x", "role": "boss"}]}]})")
          .find("unknown role") != std::string::npos);
  // Nested too deep, with "extends" or without: not parsed to resolve it;
  // the parse says where the limit is crossed.
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  for (const char* name : {"deep_extends.json", "deep.json"}) {
    const std::string extends = std::string(name) == "deep.json" ? "" : R"("extends": "base/base.json", )";
    const std::string message = error(name, "{" + extends + R"("themes": [], "x": )" + deep + "}");
    CAPTURE(message);
    CHECK(message.rfind(dir + "/" + name + ": ", 0) == 0);
    CHECK(message.find("nested deeper than 64 levels at byte ") != std::string::npos);
  }
  CHECK(ParseError(R"({"extends": "x.json", "themes": []})") ==
        "\"extends\" needs Taxonomy::LoadFile (a file path to resolve it against)");
  CHECK(ParseError(R"({"remove": ["x"], "themes": []})") ==
        "\"remove\" is only valid in a file that \"extends\" another");
}
