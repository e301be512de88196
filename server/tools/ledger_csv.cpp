// The ledger as CSV: every record with its exact payload and hashes (anyone can recompute
// the chain from it), plus readable columns for scores and the host's corrections.
#include <map>
#include <nlohmann/json.hpp>

#include "core/codec.hpp"
#include "engine/restore.hpp"
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
  return seal;
}

std::string export_ledger_csv(const store::Store& store) {
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

  std::string out(kUtf8Bom);
  append_csv_row(
      out, {"seq", "ts", "时间 time", "kind", "actor", "评委 judge", "轮次 round", "作品 entry",
            "更正前 before", "更正后/分数 after", "理由 reason", "payload", "prev_hash", "hash"});
  std::map<std::string, core::Marks> current;  // judge \x1f round \x1f entry -> last marks
  store.for_each_record([&](const store::LedgerRecord& record) {
    std::string judge, round, entry, before, after, reason;
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
      if (record.kind == "vote") entry = field("choice");
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
                         format_time(record.ts), record.kind, record.actor, judge, round, entry,
                         before, after, reason, record.payload, record.prev_hash, record.hash});
  });
  return out;
}

}  // namespace stagevote::tools
