#include "voc/aggregate.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "insight/aggregate_data.h"
#include "findings_stream.h"
#include "voc/report.h"

namespace {

voc::Analysis Record(const std::string& id, std::optional<int64_t> ts, const std::string& theme,
                     voc::Polarity pol = voc::Polarity::kNegative, const std::string& text = "") {
  voc::Analysis a;
  a.id = id;
  a.timestamp = ts;
  a.channel = "call";
  a.text = text.empty() ? "the fee on my bill " + id : text;
  a.sentiment.label = pol;
  a.sentiment.score = pol == voc::Polarity::kNegative ? -0.5 : 0.25;
  if (!theme.empty()) {
    voc::ThemeHit h;
    h.id = theme;
    h.department = "Billing";
    h.role = voc::ValueRole::kEnhancer;
    voc::EvidenceSpan sp;
    sp.begin = 4;
    sp.end = 7;
    h.evidence.push_back(sp);
    a.themes.push_back(h);
  }
  return a;
}

constexpr int64_t kMon = 1704067200;  // Monday 2024-01-01 00:00 UTC

}  // namespace

TEST_CASE("Period ids: days, ISO weeks and months") {
  CHECK(voc::PeriodId(kMon, voc::Period::kDay) == "2024-01-01");
  CHECK(voc::PeriodId(kMon, voc::Period::kWeek) == "2024-W01");
  CHECK(voc::PeriodId(kMon - 1, voc::Period::kWeek) == "2023-W52");  // Sunday
  CHECK(voc::PeriodId(kMon, voc::Period::kMonth) == "2024-01");
  CHECK(voc::PeriodId(kMon + 6 * 7 * 86400 + 86400, voc::Period::kWeek) == "2024-W07");
  // 2021-01-03 is a Sunday of 2020-W53; 2024-12-30 is Monday of 2025-W01.
  CHECK(voc::PeriodId(1609632000, voc::Period::kWeek) == "2020-W53");
  CHECK(voc::PeriodId(1735516800, voc::Period::kWeek) == "2025-W01");
  CHECK(voc::PeriodId(-1, voc::Period::kDay) == "1969-12-31");
  CHECK(voc::PeriodId(-1, voc::Period::kWeek) == "1970-W01");
  CHECK(voc::PeriodId(951782400, voc::Period::kDay) == "2000-02-29");

  // Ordinals of neighbouring periods differ by one, and round-trip.
  for (voc::Period p : {voc::Period::kDay, voc::Period::kWeek, voc::Period::kMonth}) {
    int64_t prev = 0;
    for (int i = 0; i < 3000; ++i) {
      const int64_t ts = -400LL * 86400 * 365 / 100 + int64_t{i} * 86400 * 11;
      const std::string id = voc::PeriodId(ts, p);
      voc::Result<int64_t> o = voc::PeriodOrdinal(id, p);
      REQUIRE_MESSAGE(o.ok(), id);
      CHECK(voc::PeriodIdFromOrdinal(*o, p) == id);
      if (i) CHECK(*o >= prev);
      prev = *o;
    }
  }
  CHECK(*voc::PeriodOrdinal("2024-W02", voc::Period::kWeek) -
            *voc::PeriodOrdinal("2023-W52", voc::Period::kWeek) ==
        2);
  CHECK(*voc::PeriodOrdinal("2024-01", voc::Period::kMonth) -
            *voc::PeriodOrdinal("2023-12", voc::Period::kMonth) ==
        1);

  CHECK(voc::PeriodOrdinal("2023-02-30", voc::Period::kDay).status().ToString() ==
        "INVALID_ARGUMENT: '2023-02-30' is not a day period id");
  CHECK(voc::PeriodOrdinal("2021-W53", voc::Period::kWeek).status().message() ==
        "'2021-W53' is not a week period id");
  CHECK(voc::PeriodOrdinal("2020-W53", voc::Period::kWeek).ok());
  CHECK(!voc::PeriodOrdinal("2024-13", voc::Period::kMonth).ok());
  CHECK(!voc::PeriodOrdinal("2024-W07", voc::Period::kMonth).ok());
  CHECK(!voc::PeriodOrdinal("", voc::Period::kDay).ok());
  CHECK(!voc::PeriodOrdinal("abcd-ef-gh", voc::Period::kDay).ok());

  CHECK(*voc::ParsePeriod("month") == voc::Period::kMonth);
  CHECK(voc::ParsePeriod("year").status().message() == "unknown period 'year' (expected day, week or month)");
  CHECK(std::string(voc::PeriodName(voc::Period::kDay)) == "day");
}

TEST_CASE("Aggregate: counts per theme, period and channel; undated and unclassified") {
  voc::Aggregate a;
  a.Add(Record("1", kMon, "billing/fee"));
  a.Add(Record("2", kMon + 86400, "billing/fee", voc::Polarity::kPositive));
  a.Add(Record("3", kMon + 8 * 86400, "billing/fee"));
  a.Add(Record("4", std::nullopt, "billing/fee"));
  a.Add(Record("5", kMon, ""));
  voc::Analysis dup = Record("6", kMon, "billing/fee");
  dup.themes.push_back(dup.themes[0]);  // the same theme twice counts once
  dup.channel = "";
  a.Add(dup);

  CHECK(a.records() == 6);
  CHECK(a.undated() == 1);
  CHECK(a.periods() == std::vector<std::string>{"2024-W01", "2024-W02"});
  CHECK(a.themes() == std::vector<std::string>{"billing/fee", "unclassified"});
  const auto& d = voc::ImplOf(a);
  const auto& fee = d.themes.at("billing/fee");
  CHECK(fee.cells.at("2024-W01").at("call").volume == 2);
  CHECK(fee.cells.at("2024-W01").at("call").negative == 1);
  CHECK(fee.cells.at("2024-W01").at("call").positive == 1);
  CHECK(fee.cells.at("2024-W01").at("call").score_micros == -250000);
  CHECK(fee.cells.at("2024-W01").at("unknown").volume == 1);
  CHECK(fee.cells.at("undated").at("call").volume == 1);
  CHECK(d.totals.at("2024-W01").at("call").volume == 3);
  CHECK(d.themes.at("unclassified").cells.at("2024-W01").at("call").volume == 1);
  CHECK(fee.owners.size() == 1);
  CHECK(fee.owners.begin()->second == 5);
}

TEST_CASE("Aggregate: evidence is the k smallest by content hash, whatever the order") {
  voc::AggregateOptions o;
  o.evidence_per_theme = 3;
  std::vector<voc::Analysis> xs;
  for (int i = 0; i < 40; ++i)
    xs.push_back(Record(std::to_string(i), kMon + i * 3600, "billing/fee",
                        i % 3 ? voc::Polarity::kNegative : voc::Polarity::kNeutral));
  voc::Aggregate forward(o), backward(o);
  for (const auto& x : xs) forward.Add(x);
  for (auto it = xs.rbegin(); it != xs.rend(); ++it) backward.Add(*it);
  CHECK(forward.Serialize() == backward.Serialize());
  const auto& fee = voc::ImplOf(forward).themes.at("billing/fee");
  REQUIRE(fee.negative_evidence.size() == 3);
  REQUIRE(fee.other_evidence.size() == 3);
  // They are the three smallest hashes of each stratum.
  std::vector<uint64_t> neg;
  for (const auto& x : xs)
    if (x.sentiment.label == voc::Polarity::kNegative)
      neg.push_back(voc::internal::ContentHash(x.id, x.text));
  std::sort(neg.begin(), neg.end());
  for (int i = 0; i < 3; ++i) CHECK(fee.negative_evidence[i].hash == neg[i]);
  for (const auto& e : fee.negative_evidence) {
    REQUIRE(e.spans.size() == 1);
    CHECK(e.snippet.substr(e.spans[0].first, e.spans[0].second - e.spans[0].first) == "fee");
  }
}

TEST_CASE("Aggregate: snippets are cut at word and UTF-8 boundaries, spans re-based") {
  std::string text;
  for (int i = 0; i < 60; ++i) text += "word\xC3\xA9" + std::to_string(i) + " ";
  const size_t b = text.find(
      "word\xC3\xA9"
      "30");
  const size_t e = b + 8;
  const auto [s, en] = voc::internal::SnippetRange(text, b, e, 100);
  CHECK(en - s <= 100);
  CHECK(s <= b);
  CHECK(en >= e);
  CHECK(text[s] != ' ');
  CHECK((s == 0 || text[s - 1] == ' '));
  CHECK((en == text.size() || text[en] == ' '));

  voc::Analysis a = Record("x", kMon, "billing/fee", voc::Polarity::kNegative, text);
  a.themes[0].evidence[0].begin = static_cast<uint32_t>(b);
  a.themes[0].evidence[0].end = static_cast<uint32_t>(e);
  voc::AggregateOptions o;
  o.snippet_bytes = 100;
  voc::Aggregate agg(o);
  agg.Add(a);
  const auto& ev = voc::ImplOf(agg).themes.at("billing/fee").negative_evidence.at(0);
  CHECK(ev.snippet.size() <= 100);
  CHECK(ev.truncated_left);
  CHECK(ev.truncated_right);
  REQUIRE(ev.spans.size() == 1);
  CHECK(ev.snippet.substr(ev.spans[0].first, 8) ==
        "word\xC3\xA9"
        "30");

  // Short texts are kept whole; a span longer than the limit is cut.
  CHECK(voc::internal::SnippetRange("short text", 0, 5, 280) == std::make_pair<size_t, size_t>(0, 10));
  const auto [s2, e2] = voc::internal::SnippetRange(text, 0, text.size(), 50);
  CHECK(e2 - s2 <= 50);
  CHECK(voc::internal::SnippetRange(text, 9999, 99999, 50).first <= text.size());
}

TEST_CASE("Aggregate: phrase n-grams drop stopwords, masks and numbers") {
  const auto g = voc::internal::DistinctNgrams(
      "My Gift card balance is XXXX and [EMAIL] said 1234 gift-card Balance!", 3);
  auto has = [&](const std::string& s) { return std::binary_search(g.begin(), g.end(), s); };
  CHECK(has("gift card balance"));
  CHECK(has("gift card"));
  CHECK(has("balance"));
  CHECK_FALSE(has("is"));
  CHECK_FALSE(has("xxxx"));
  CHECK_FALSE(has("email"));
  CHECK_FALSE(has("1234"));
  CHECK_FALSE(has("balance xxxx"));
  CHECK_FALSE(has("my gift"));
  CHECK(std::is_sorted(g.begin(), g.end()));
  CHECK(voc::internal::DistinctNgrams("", 3).empty());
  CHECK(voc::internal::DistinctNgrams("\xFF\xFE broken \xC3", 3).size() >= 1);
}

TEST_CASE("Aggregate: phrase n-gram views reuse one buffer and never cross a run") {
  std::string buffer;
  std::vector<std::string_view> grams;
  // "again" is a stop word and '.' / ',' end runs: no "delivery late",
  // no "delivery refund"; a repeated phrase once.
  voc::internal::DistinctNgramViews("Late delivery. Late delivery again, refund refused", 3, &buffer, &grams);
  const std::vector<std::string> got(grams.begin(), grams.end());
  CHECK(got ==
        std::vector<std::string>{"delivery", "late", "late delivery", "refund", "refund refused", "refused"});
  // A shorter text after a longer one: nothing of the first is left.
  voc::internal::DistinctNgramViews("Broken screen", 1, &buffer, &grams);
  CHECK(std::vector<std::string>(grams.begin(), grams.end()) == std::vector<std::string>{"broken", "screen"});
  voc::internal::DistinctNgramViews("", 3, &buffer, &grams);
  CHECK(grams.empty());
}

TEST_CASE("Aggregate: repeat contacts per customer merge exactly") {
  voc::Aggregate a, b;
  voc::Analysis x = Record("1", kMon, "billing/fee");
  x.customer_id = "c1";
  a.Add(x);
  x.id = "2";
  b.Add(x);
  x.id = "3";
  x.customer_id = "c2";
  b.Add(x);
  REQUIRE(a.Merge(b).ok());
  const auto& c = voc::ImplOf(a).themes.at("billing/fee").customers.at("2024-W01");
  CHECK(c.at("c1") == 2);
  CHECK(c.at("c2") == 1);
}

TEST_CASE("Aggregate: merge refuses different options and itself") {
  voc::AggregateOptions week, month;
  month.period = voc::Period::kMonth;
  voc::Aggregate a(week), b(month);
  const voc::Status s = a.Merge(b);
  CHECK(s.code() == voc::StatusCode::kFailedPrecondition);
  CHECK(s.message().rfind("cannot merge aggregates with different options: period=week", 0) == 0);
  CHECK(s.message().find("vs period=month") != std::string::npos);
  CHECK(a.Merge(a).message() == "cannot merge an aggregate into itself");
}

TEST_CASE("Aggregate: any split merged in any order is byte-identical to one pass") {
  std::mt19937_64 rng(3);
  std::vector<voc::Analysis> xs;
  const char* themes[] = {"a/x", "a/y", "b/z", ""};
  for (int i = 0; i < 300; ++i) {
    voc::Analysis x =
        Record(std::to_string(i),
               rng() % 10 ? std::optional<int64_t>(kMon + int64_t(rng() % 5000000)) : std::nullopt,
               themes[rng() % 4], rng() % 2 ? voc::Polarity::kNegative : voc::Polarity::kPositive,
               "gift card balance missing again " + std::to_string(rng() % 7));
    x.customer_id = "c" + std::to_string(rng() % 30);
    x.sentiment.score = static_cast<double>(rng() % 1000) / 999.0 - 0.5;  // not exactly summable
    if (rng() % 3 == 0) {
      voc::SignalHit h;
      h.signal = static_cast<voc::Signal>(rng() % voc::kSignalCount);
      x.signals.push_back(h);
    }
    xs.push_back(x);
  }
  voc::Aggregate one;
  for (const auto& x : xs) one.Add(x);
  const std::string want = one.Serialize();
  for (int trial = 0; trial < 20; ++trial) {
    std::shuffle(xs.begin(), xs.end(), rng);
    const size_t parts = 1 + rng() % 9;
    std::vector<voc::Aggregate> aggs(parts);
    for (const auto& x : xs) aggs[rng() % parts].Add(x);
    std::shuffle(aggs.begin(), aggs.end(), rng);
    voc::Aggregate merged;
    for (const auto& p : aggs) REQUIRE(merged.Merge(p).ok());
    CHECK(merged.Serialize() == want);
  }
}

TEST_CASE("Aggregate: serialization round-trips, copies and moves") {
  voc::Aggregate a;
  a.Add(Record("1", kMon, "billing/fee"));
  voc::Analysis odd =
      Record("2", std::nullopt, "", voc::Polarity::kNeutral, "quote \" backslash \\ tab\t <script> \xC3\xA9");
  odd.customer_id = "cust \"q\"";
  a.Add(odd);
  const std::string s = a.Serialize();
  voc::Result<voc::Aggregate> back = voc::Aggregate::Deserialize(s);
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CHECK(back->Serialize() == s);
  CHECK(back->records() == 2);
  voc::Aggregate copy = *back;
  CHECK(copy.Serialize() == s);
  voc::Aggregate moved = std::move(copy);
  CHECK(moved.Serialize() == s);
  copy = moved;
  CHECK(copy.Serialize() == s);
}

TEST_CASE("Aggregate: invalid UTF-8 never throws") {
  voc::Aggregate a;
  a.Add(Record("bad\xFF", kMon, "the\xC3/theme", voc::Polarity::kNeutral, "broken \xFF\xFE text"));
  const std::string s = a.Serialize();
  CHECK(!s.empty());
  CHECK(voc::Aggregate::Deserialize(s).ok());
  // The binary form writes such bytes as the JSON does (U+FFFD).
  voc::Result<voc::Aggregate> back = voc::Aggregate::DeserializeBinary(a.SerializeBinary());
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CHECK(back->Serialize() == s);
}

TEST_CASE("Aggregate::Deserialize: every bad input is an error with its reason") {
  voc::Aggregate a;
  a.Add(Record("1", kMon, "billing/fee"));
  const std::string good = a.Serialize();
  auto err = [](const std::string& text) {
    voc::Result<voc::Aggregate> r = voc::Aggregate::Deserialize(text);
    REQUIRE(!r.ok());
    CHECK(r.status().code() == voc::StatusCode::kInvalidArgument);
    return r.status().message();
  };
  auto edit = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    const size_t at = t.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, from);
    t.replace(at, from.size(), to);
    return t;
  };
  CHECK(err("") == "aggregate: not valid JSON");
  CHECK(err("{") == "aggregate: not valid JSON");
  CHECK(err("[]") == "aggregate: not a JSON object");
  CHECK(err("{}") == "aggregate: $.format is missing");
  CHECK(err(edit("\"format\":\"voc.aggregate\"", "\"format\":\"x\"")) ==
        "aggregate: $.format is not \"voc.aggregate\"");
  CHECK(err(edit("\"version\":1", "\"version\":2")) ==
        "aggregate: unsupported version 2 (this build reads 1)");
  CHECK(err(edit("\"period\":\"week\"", "\"period\":\"year\"")) ==
        "aggregate: $.options.period: unknown period 'year' (expected day, week or month)");
  CHECK(err(edit("\"records\":1", "\"records\":2")) == "aggregate: $.totals do not add up to $.records");
  CHECK(err(edit("\"records\":1", "\"records\":-1")) == "aggregate: $.records is not a non-negative integer");
  CHECK(err(edit("\"2024-W01\"", "\"2024-W99\"")) ==
        "aggregate: $.phrases.all: '2024-W99' is not a week period id");
  CHECK(err(edit("\"neg\":1", "\"neg\":0")) ==
        "aggregate: $.themes.billing/fee.cells.2024-W01.call: sentiment counts do not add up to n");
  CHECK(err(edit("\"score_u\":-500000", "\"score_u\":-9223372036854775808")) ==
        "aggregate: $.themes.billing/fee.cells.2024-W01.call: scores out of range for n");
  CHECK(err(edit("\"max_ngram\":3", "\"max_ngram\":9")) == "aggregate: $.options.max_ngram is not 1, 2 or 3");
  CHECK(err(edit("\"role\":\"enhancer\"", "\"role\":\"boss\"")) ==
        "aggregate: $.themes.billing/fee.owners: unknown role 'boss'");
  CHECK(err(edit("\"spans\":[[4,7]]", "\"spans\":[[4,700]]")) ==
        "aggregate: $.themes.billing/fee.evidence_negative[0].spans: span outside the snippet");
  CHECK(err(edit("\"signals\":{}", "\"signals\":{\"bogus\":1}")).find("unknown signal 'bogus'") !=
        std::string::npos);
  CHECK(err(edit("\"n\":1", "\"n\":\"1\"")) ==
        "aggregate: $.themes.billing/fee.cells.2024-W01.call.n is not a non-negative integer");
}

TEST_CASE("Aggregate: the binary form round-trips and merges like the JSON") {
  std::mt19937_64 rng(5);
  std::vector<voc::Analysis> xs;
  const char* themes[] = {"a/x", "a/y", "b/z", ""};
  for (int i = 0; i < 200; ++i) {
    voc::Analysis x =
        Record("r" + std::to_string(i),
               rng() % 10 ? std::optional<int64_t>(kMon + int64_t(rng() % 5000000)) : std::nullopt,
               themes[rng() % 4], rng() % 2 ? voc::Polarity::kNegative : voc::Polarity::kPositive,
               "late parcel and a rude \"agent\" again \xC3\xA9 " + std::to_string(rng() % 9));
    x.customer_id = "c" + std::to_string(rng() % 20);
    xs.push_back(x);
  }
  voc::Aggregate one, left, right;
  for (size_t i = 0; i < xs.size(); ++i) {
    one.Add(xs[i]);
    (i % 3 ? left : right).Add(xs[i]);
  }
  const std::string want = one.Serialize();
  const std::string bin = one.SerializeBinary();
  CHECK(bin.rfind("voc.aggb", 0) == 0);
  CHECK(bin.size() < want.size());
  voc::Result<voc::Aggregate> back = voc::Aggregate::DeserializeBinary(bin);
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CHECK(back->Serialize() == want);
  CHECK(back->records() == 200);
  CHECK(want.find("\"sample\":[[") != std::string::npos);  // the bulk is there to cross
  CHECK(want.find("\"late parcel\":") != std::string::npos);
  // Partials that crossed in binary merge to the bytes of partials that
  // crossed as JSON (the same counts as one pass, with two sources), and a
  // partial is still refused a second time.
  voc::Result<voc::Aggregate> l = voc::Aggregate::DeserializeBinary(left.SerializeBinary());
  voc::Result<voc::Aggregate> r = voc::Aggregate::DeserializeBinary(right.SerializeBinary());
  voc::Result<voc::Aggregate> lj = voc::Aggregate::Deserialize(left.Serialize());
  voc::Result<voc::Aggregate> rj = voc::Aggregate::Deserialize(right.Serialize());
  REQUIRE(l.ok());
  REQUIRE(r.ok());
  REQUIRE(lj.ok());
  REQUIRE(rj.ok());
  voc::Aggregate merged, merged_json;
  REQUIRE(merged.Merge(*r).ok());
  REQUIRE(merged.Merge(*l).ok());
  REQUIRE(merged_json.Merge(*lj).ok());
  REQUIRE(merged_json.Merge(*rj).ok());
  CHECK(merged.Serialize() == merged_json.Serialize());
  CHECK(merged.records() == one.records());
  CHECK(merged.Merge(*l).code() == voc::StatusCode::kFailedPrecondition);
  // An empty aggregate too.
  voc::Result<voc::Aggregate> empty = voc::Aggregate::DeserializeBinary(voc::Aggregate().SerializeBinary());
  REQUIRE(empty.ok());
  CHECK(empty->Serialize() == voc::Aggregate().Serialize());
}

TEST_CASE("Aggregate::DeserializeBinary: every bad input is an error with its reason") {
  voc::Aggregate a;
  a.Add(Record("1", kMon, "billing/fee"));
  const std::string good = a.SerializeBinary();
  auto err = [](const std::string& bytes) {
    voc::Result<voc::Aggregate> r = voc::Aggregate::DeserializeBinary(bytes);
    REQUIRE(!r.ok());
    CHECK(r.status().code() == voc::StatusCode::kInvalidArgument);
    return r.status().message();
  };
  const size_t head_end = good.find("\"version\":1}") + 12;
  REQUIRE(head_end > 12);
  auto edit = [&](const std::string& from, const std::string& to, size_t pos = 0) {
    std::string t = good;
    const size_t at = t.find(from, pos);
    REQUIRE_MESSAGE(at != std::string::npos, from);
    t.replace(at, from.size(), to);
    return t;
  };
  const std::string magic = "voc.aggb";
  CHECK(err("") == "binary aggregate: does not start with \"voc.aggb\"");
  CHECK(err(a.Serialize()) == "binary aggregate: does not start with \"voc.aggb\"");
  CHECK(err(magic + '\x01') == "binary aggregate: unsupported version 1 (this build reads 2)");
  CHECK(err(magic) == "binary aggregate: truncated at the version");
  CHECK(err(magic + '\x02' + '\x7f') == "binary aggregate: truncated at the head");
  CHECK(err(magic + "\x02\x02{}") == "binary aggregate: $.format is missing");
  CHECK(err(magic + "\x02\x01{") == "binary aggregate: the head is not valid JSON");
  CHECK(err(edit("\"records\":1", "\"records\":2")) ==
        "binary aggregate: $.totals do not add up to $.records");
  CHECK(err(edit("2024-W01", "2024-W99", head_end)) ==
        "binary aggregate: $.phrases.all: '2024-W99' is not a week period id");
  CHECK(err(good.substr(0, good.size() - 1)).rfind("binary aggregate: truncated at $.sample[0]", 0) == 0);
  CHECK(err(good + "x") == "binary aggregate: bytes after the end");
  CHECK(err(edit("bill 1", "bill \xff", head_end)) ==
        "binary aggregate: $.sample[0]: text that is not UTF-8");
  // Counts larger than the bytes left are refused before anything is allocated.
  CHECK(err(good.substr(0, head_end) + "\xff\xff\xff\xff\x0f") ==
        "binary aggregate: $.phrases: count exceeds the bytes left");
  CHECK(err(good.substr(0, head_end) + std::string(10, '\xff')) ==
        "binary aggregate: $.phrases: integer out of range");
  // The tables count phrase ids, each of which must be one of the phrases.
  const size_t table = good.find("2024-W01", head_end) + 8;  // then: n-grams, first id, its count
  REQUIRE(table > 8);
  REQUIRE(static_cast<unsigned char>(good[table + 1]) < 0x7f);
  std::string bad_id = good;
  bad_id[table + 1] = '\x7f';
  CHECK(err(bad_id) == "binary aggregate: $.phrases.all.2024-W01: phrase id out of range");
}

TEST_CASE("Aggregate: serialized format matches the golden (used by the CLI tests)") {
  voc::AggregateOptions o;
  o.phrase_stats = false;
  o.track_customers = false;
  o.evidence_per_theme = 2;
  o.discovery_sample = 0;  // keeps the golden small
  voc::Aggregate a(o);
  for (const auto& x : voc_test::SyntheticStream(42)) a.Add(x);
  const std::string got = a.Serialize();
  const std::string path = std::string(VOC_TEST_DATA_DIR) + "/findings/planted_aggregate.json";
  if (std::getenv("VOC_UPDATE_GOLDENS")) REQUIRE(voc::WriteFileAtomic(path, got).ok());
  std::ifstream in(path, std::ios::binary);
  const std::string want((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE_MESSAGE(!want.empty(), "missing golden " << path << " (run with VOC_UPDATE_GOLDENS=1)");
  CHECK(got == want);
}

TEST_CASE("Aggregate::Regroup: a day aggregate regroups exactly into weeks and months") {
  const auto xs = voc_test::SyntheticStream(5);
  voc::AggregateOptions day, week, month;
  day.period = voc::Period::kDay;
  month.period = voc::Period::kMonth;
  voc::Aggregate by_day(day), by_week(week), by_month(month);
  for (size_t i = 0; i < xs.size(); i += 3) {  // a third keeps the test quick
    by_day.Add(xs[i]);
    by_week.Add(xs[i]);
    by_month.Add(xs[i]);
  }
  voc::Result<voc::Aggregate> w = by_day.Regroup(voc::Period::kWeek);
  REQUIRE(w.ok());
  CHECK(w->Serialize() == by_week.Serialize());
  voc::Result<voc::Aggregate> m = by_day.Regroup(voc::Period::kMonth);
  REQUIRE(m.ok());
  CHECK(m->Serialize() == by_month.Serialize());
  voc::Result<voc::Aggregate> same = by_week.Regroup(voc::Period::kWeek);
  REQUIRE(same.ok());
  CHECK(same->Serialize() == by_week.Serialize());
  const voc::Status bad = by_week.Regroup(voc::Period::kMonth).status();
  CHECK(bad.code() == voc::StatusCode::kFailedPrecondition);
  CHECK(bad.message() == "cannot regroup a week aggregate by month: only day aggregates regroup exactly");
  CHECK(!by_month.Regroup(voc::Period::kDay).ok());
}

TEST_CASE("PhraseIds and PhraseCounts: ids stay put as the tables grow; absent ids are not found") {
  voc::internal::PhraseIds ids;
  voc::internal::PhraseCounts counts;
  CHECK(ids.Find("none") == voc::internal::PhraseIds::kNone);
  CHECK(counts.Find(0) == nullptr);
  for (int i = 0; i < 5000; ++i) {
    const std::string p = "phrase " + std::to_string(i);
    REQUIRE(ids.Add(p) == static_cast<uint32_t>(i));
    if (i % 3 == 0) counts.Add(static_cast<uint32_t>(i), static_cast<uint64_t>(i) + 1);
  }
  CHECK(ids.size() == 5000);
  CHECK(ids.Add("phrase 17") == 17);  // no second id for a phrase
  CHECK(ids.size() == 5000);
  CHECK(ids[4321] == "phrase 4321");
  CHECK(ids.Find("phrase 4321") == 4321);
  CHECK(ids.Find("phrase 5000") == voc::internal::PhraseIds::kNone);
  CHECK(counts.size() == 1667);
  REQUIRE(counts.Find(3) != nullptr);
  CHECK(*counts.Find(3) == 4);
  CHECK(counts.Find(4) == nullptr);
  CHECK(counts.Find(voc::internal::PhraseIds::kNone) == nullptr);
  counts.Add(3, 10);
  CHECK(*counts.Find(3) == 14);
  uint64_t total = 0;
  size_t entries = 0;
  counts.ForEach([&](uint32_t id, uint64_t n) {
    CHECK(id % 3 == 0);
    total += n;
    ++entries;
  });
  CHECK(entries == counts.size());
  CHECK(total == 1667ULL * 1668 / 2 * 3 - 1667 * 2 + 10);  // sum of (i + 1) over i = 0, 3, ..., 4998, plus 10
}

TEST_CASE("Aggregate: phrases of aggregates with different phrase ids merge and regroup exactly") {
  voc::AggregateOptions o;
  o.period = voc::Period::kDay;
  voc::Aggregate one(o), first(o), second(o);
  // The parts meet the phrases in different orders, so their ids differ.
  for (int i = 0; i < 60; ++i) {
    const std::string text = "refund delayed again " + std::string(1, static_cast<char>('a' + i % 7)) +
                             "word" + " courier lost parcel " + std::to_string(i % 5);
    voc::Analysis x = Record(std::to_string(i), kMon + (i % 9) * 86400, i % 4 ? "" : "billing/fee",
                             voc::Polarity::kNegative, i % 2 ? text : "courier lost parcel");
    one.Add(x);
    (i >= 30 ? first : second).Add(x);
  }
  REQUIRE(first.Merge(second).ok());
  CHECK(first.Serialize() == one.Serialize());
  auto back = voc::Aggregate::DeserializeBinary(first.SerializeBinary());
  REQUIRE(back.ok());
  CHECK(back->Serialize() == one.Serialize());
  auto week = first.Regroup(voc::Period::kWeek);
  auto week_one = one.Regroup(voc::Period::kWeek);
  REQUIRE(week.ok());
  REQUIRE(week_one.ok());
  CHECK(week->Serialize() == week_one->Serialize());
  CHECK(week->Serialize().find("\"courier lost parcel\"") != std::string::npos);
}
