// The ledger as CSV: every record with its payload and hashes (anyone can recompute the chain
// from it, but for the votes, whose device tokens are pseudonyms), plus readable columns for
// scores and the host's corrections.
#include <map>
#include <nlohmann/json.hpp>

#include "core/codec.hpp"
#include "engine/credentials.hpp"
#include "engine/heads.hpp"
#include "engine/restore.hpp"
#include "engine/secrets.hpp"
#include "store/store.hpp"
#include "tools/csv.hpp"
#include "tools/exporters.hpp"
#include "tools/report.hpp"
#include "tools/text.hpp"

namespace stagevote::tools {

LedgerSeal ledger_seal(const store::Store& store) {
  LedgerSeal seal;
  store.for_each_record([&](const store::LedgerRecord& record) {
    seal.records = record.seq;
    seal.head_hash = record.hash;
  });
  if (const auto contest = store.get_meta(engine::kContestMetaKey))
    seal.contest_hash = engine::sha256_hex(*contest);
  return seal;
}

std::string seal_text(const LedgerSeal& seal) {
  if (seal.head_hash.empty()) return "账本 ledger：0 条记录 records（空 empty）";
  return "账本 ledger：" + std::to_string(seal.records) + " 条记录 records；末条哈希 head " +
         engine::short_hash(seal.head_hash) + "（" + seal.head_hash +
         "）；核验 verify: stagevote verify --db FILE --head " + engine::short_hash(seal.head_hash);
}

std::string pseudonym_key(store::Store& store) {
  return engine::stored_secret(store, engine::kPseudonymKeyMeta);
}

std::string device_pseudonym(std::string_view key, std::string_view token) {
  return engine::device_pseudonym(key, token);
}

namespace {

// Replaces every occurrence of `from` in `text` (a device token is base64url: it appears in
// the payload's JSON quoted as it is, unescaped).
void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
}

}  // namespace

std::string export_ledger_csv(const store::Store& store, std::string_view pseudonym_key) {
  core::ScoringScheme scheme;
  try {
    scheme = engine::load_contest(store).scoring;
  } catch (const engine::RestoreError&) {
    // Without a contest the marks are listed in key order; the ledger is still exported.
  }
  auto marks_text = [&](const core::Marks& marks) {
    if (!scheme.criteria.empty()) return describe_marks(scheme, marks);
    std::string text;
    double total = 0;
    for (const auto& [criterion, mark] : marks) {
      text += (text.empty() ? "" : ", ") + criterion + " " + format_number(mark);
      total += mark;
    }
    return text + " = " + format_number(total);
  };

  std::string out;
  LedgerSeal seal;
  append_csv_row(
      out, {"seq", "ts", "时间 time", "kind", "actor", "评委 judge", "轮次 round", "作品 entry",
            "更正前 before", "更正后/分数 after", "理由 reason", "payload", "prev_hash", "hash"});
  std::map<std::string, core::Marks> current;  // judge \x1f round \x1f entry -> last marks
  store.for_each_record([&](const store::LedgerRecord& record) {
    seal.records = record.seq;
    seal.head_hash = record.hash;
    std::string judge, round, entry, before, after, reason;
    std::string actor = record.actor, payload_text = record.payload;
    const auto payload = nlohmann::json::parse(record.payload, nullptr, false);
    if (payload.is_object()) {
      auto field = [&](const char* key) {
        return payload.contains(key) && payload[key].is_string() ? payload[key].get<std::string>()
                                                                 : std::string();
      };
      judge = field("judge");
      round = field("round");
      entry = field("entry");
      reason = field("reason");
      // The review's and the lock's words go in the reason column too (docs/judging.md).
      if (record.kind == "request_recheck") reason = field("note");
      if (record.kind == "lock_scores") reason = field("override_reason");
      if (record.kind == "vote") {
        entry = field("choice");
        // The voter: a device token (a credential), or a seat ticket's voter (not one).
        const std::string device = field("device");
        // (Ledgers written since the phones vote as their pseudonym hold no token.)
        if (!device.empty() && !device.starts_with(core::ticket_voter("")) &&
            !engine::is_device_pseudonym(device)) {
          const std::string pseudonym = device_pseudonym(pseudonym_key, device);
          replace_all(payload_text, '"' + device + '"', '"' + pseudonym + '"');
          if (actor == device) actor = pseudonym;
        }
      }
      if (record.kind == "score" || record.kind == "correct_score") {
        if (auto command = core::command_from_json(record.kind, payload)) {
          const core::Marks* marks = nullptr;
          if (auto* score = std::get_if<core::Score>(&command.value())) marks = &score->marks;
          if (auto* fix = std::get_if<core::CorrectScore>(&command.value())) marks = &fix->marks;
          const std::string key = judge + '\x1f' + round + '\x1f' + entry;
          if (auto previous = current.find(key); previous != current.end()) {
            before = marks_text(previous->second);
          } else if (record.kind == "correct_score") {
            before = "(未评分 none)";
          }
          if (marks) {
            after = marks_text(*marks);
            current[key] = *marks;
          }
        }
      }
    }
    append_csv_row(out, {std::to_string(record.seq), std::to_string(record.ts),
                         format_time(record.ts), record.kind, actor, judge, round, entry, before,
                         after, reason, payload_text, record.prev_hash, record.hash});
  });
  std::string file(kUtf8Bom);
  append_csv_row(file, {seal_text(seal)});
  return file + out;
}

}  // namespace stagevote::tools
