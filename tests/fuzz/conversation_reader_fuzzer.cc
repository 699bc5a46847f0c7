// Fuzzes the conversation reader in its three forms (JSON Lines turns,
// transcripts, reply threads), chosen by the first byte: arbitrary bytes,
// checking that counts reconcile and nothing crashes or hangs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "voc/conversation.h"
#include "voc/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint8_t knobs = size > 0 ? data[0] : 0;
  if (size > 0) {
    ++data;
    --size;
  }
  voc::ReaderOptions ro;
  voc::ConversationReaderOptions co;
  co.max_turns = (knobs & 4) ? 3 : 1000;
  co.max_turn_bytes = (knobs & 8) ? 16 : 4096;
  ro.max_record_bytes = (knobs & 16) ? 64 : 8192;
  switch (knobs & 3) {
    case 0:
      ro.format = voc::InputFormat::kJsonl;
      ro.turns_column = "turns";
      if (knobs & 32) ro.text_column = "turns";
      break;
    case 1:
      ro.format = voc::InputFormat::kText;
      co.form = voc::ConversationForm::kTranscript;
      break;
    default:
      ro.format = (knobs & 1) ? voc::InputFormat::kJsonl : voc::InputFormat::kCsv;
      co.form = voc::ConversationForm::kThread;
      co.parent_column = "p";
      if (knobs & 32)
        co.role_column = "r";
      else
        co.author_column = "a";
      co.company_authors = {"brand"};
      break;
  }
  if (knobs & 64) ro.time_column = "t";
  auto records = voc::RecordReader::FromString(std::string(reinterpret_cast<const char*>(data), size), ro);
  if (!records.ok()) return 0;
  auto reader = voc::ConversationReader::Create(std::move(*records), co);
  if (!reader.ok()) return 0;
  voc::Conversation c;
  voc::Reject reject;
  for (;;) {
    auto next = (*reader)->Read(&c, &reject);
    if (next == voc::ConversationReader::Next::kEnd) break;
    if (next == voc::ConversationReader::Next::kConversation) {
      if (c.turns.empty() || c.turns.size() > co.max_turns) std::abort();
      for (const auto& t : c.turns)
        if (t.text.size() > co.max_turn_bytes) std::abort();
    }
  }
  const auto& s = (*reader)->stats();
  if (s.read != s.emitted + s.rejected) std::abort();
  return 0;
}
