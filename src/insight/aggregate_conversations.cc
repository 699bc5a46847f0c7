// The conversation figures of an aggregate: how one conversation adds to
// them, merging, regrouping and (de)serialization. Integer sums only, so
// merges stay exact.
#include <cmath>
#include <stdexcept>
#include <string>

#include "insight/aggregate_data.h"
#include "insight/aggregate_figures.h"
#include "voc/conversation.h"

namespace voc {
namespace internal {

using Json = nlohmann::json;

void ConversationCounts::Add(const ConversationCounts& o) {
  conversations += o.conversations;
  turns += o.turns;
  resolved += o.resolved;
  unresolved += o.unresolved;
  with_trajectory += o.with_trajectory;
  change_micros += o.change_micros;
  transfers += o.transfers;
  rft_micros += o.rft_micros;
}

namespace {

int64_t Micros(double x, double lo, double hi) {
  if (!std::isfinite(x)) return 0;
  return static_cast<int64_t>(std::llround(std::min(hi, std::max(lo, x)) * 1e6));
}

[[noreturn]] void Fail(const std::string& what) { throw std::runtime_error(what); }

uint64_t U64(const Json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end()) Fail(path + "." + key + " is missing");
  if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<int64_t>() >= 0))
    Fail(path + "." + key + " is not a non-negative integer");
  return it->get<uint64_t>();
}

int64_t I64(const Json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end()) Fail(path + "." + key + " is missing");
  if (!it->is_number_integer() ||
      (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)))
    Fail(path + "." + key + " is not an integer");
  return it->get<int64_t>();
}

}  // namespace

ConversationCounts ConversationCountsOf(const ConversationAnalysis& a) {
  ConversationCounts c;
  c.conversations = 1;
  c.turns = a.turns.size();
  c.resolved = a.resolution == Resolution::kResolved;
  c.unresolved = a.resolution == Resolution::kUnresolved;
  if (a.trajectory.known) {
    c.with_trajectory = 1;
    c.change_micros = Micros(a.trajectory.change, -2.0, 2.0);
  }
  c.transfers = a.transfers.size();
  c.rft_micros = Micros(a.right_first_time, 0.0, 1.0);
  return c;
}

void MergeConversations(ConversationCells* into, const ConversationCells& from, const PeriodKey& key) {
  for (const auto& [p, c] : from) (*into)[key(p)].Add(c);
}

Json ConversationsToJson(const ConversationCells& cells) {
  Json out = Json::object();
  for (const auto& [p, c] : cells)
    out[p] = {{"n", c.conversations},       {"turns", c.turns},          {"resolved", c.resolved},
              {"unresolved", c.unresolved}, {"traj", c.with_trajectory}, {"change_u", c.change_micros},
              {"transfers", c.transfers},   {"rft_u", c.rft_micros}};
  return out;
}

ConversationCells ReadConversations(const Json& v, const std::string& path, const CheckPeriod& check) {
  if (!v.is_object()) Fail(path + " is not an object");
  ConversationCells out;
  for (auto p = v.begin(); p != v.end(); ++p) {
    check(p.key(), path);
    const std::string pp = path + "." + p.key();
    const Json& j = p.value();
    if (!j.is_object()) Fail(pp + " is not an object");
    ConversationCounts c;
    c.conversations = U64(j, "n", pp);
    c.turns = U64(j, "turns", pp);
    c.resolved = U64(j, "resolved", pp);
    c.unresolved = U64(j, "unresolved", pp);
    c.with_trajectory = U64(j, "traj", pp);
    c.change_micros = I64(j, "change_u", pp);
    c.transfers = U64(j, "transfers", pp);
    c.rft_micros = I64(j, "rft_u", pp);
    if (c.conversations > (1ULL << 40)) Fail(pp + ": n out of range");
    if (c.resolved + c.unresolved > c.conversations) Fail(pp + ": resolved and unresolved exceed n");
    if (c.with_trajectory > c.conversations) Fail(pp + ": traj exceeds n");
    const int64_t cap = static_cast<int64_t>(c.with_trajectory) * 2000000;
    if (c.change_micros > cap || c.change_micros < -cap) Fail(pp + ": change_u out of range for traj");
    if (c.rft_micros < 0 || c.rft_micros > static_cast<int64_t>(c.conversations) * 1000000)
      Fail(pp + ": rft_u out of range for n");
    if (c.turns > (1ULL << 50) || c.transfers > (1ULL << 50)) Fail(pp + ": counts out of range");
    out[p.key()] = c;
  }
  return out;
}

}  // namespace internal
}  // namespace voc
