#include "tools/public_ledger.hpp"

#include <cctype>
#include <nlohmann/json.hpp>

#include "core/codec.hpp"
#include "engine/credentials.hpp"
#include "engine/heads.hpp"
#include "engine/restore.hpp"
#include "store/ledger_hash.hpp"
#include "store/store.hpp"
#include "tools/report.hpp"

namespace stagevote::tools {
namespace {

using nlohmann::json;

constexpr const char* kFormat = "stagevote-public-ledger";
constexpr int kVersion = 1;

// The results as the 公示 prints them: per round, every entry with its standing, printed rank
// (0: unranked) and published figures.
json results_json(const core::Show& show) {
  json rounds = json::array();
  for (const auto& round : show.contest().rounds) {
    const RoundReport report = build_round_report(show, round.id);
    const std::vector<int> ranks = published_ranks(report);
    json entries = json::array();
    for (std::size_t i = 0; i < report.rows.size(); ++i) {
      const ReportRow& row = report.rows[i];
      const core::Published& p = row.result.published;
      json entry = {{"entry", row.result.entry}, {"status", core::to_string(row.status)}};
      if (standing_of(row) == Standing::ranked) {
        entry["rank"] = ranks[i];
        entry["judge_component"] = p.judge_component ? json(p.judge_component->text()) : json();
        entry["audience_component"] = p.audience_component.text();
        entry["final"] = p.final_score.text();
        entry["votes"] = row.result.votes;
      }
      entries.push_back(std::move(entry));
    }
    rounds.push_back({{"round", round.id}, {"name", round.name}, {"entries", std::move(entries)}});
  }
  return rounds;
}

std::string result_line(const json& round, const json& entry, const core::Show& show) {
  const core::Entry* found = show.contest().find_entry(entry.value("entry", ""));
  std::string line = round.value("round", "") + " " + round.value("name", "") + "  ";
  if (entry.contains("rank")) {
    line += std::to_string(entry["rank"].get<int>()) + "  ";
  } else {
    line += entry.value("status", "") == "pending" ? "未参赛  " : "未完成  ";
  }
  line += entry.value("entry", "");
  if (found) line += "  " + found->title;
  if (entry.contains("rank")) {
    line += "  final " + entry["final"].get<std::string>() + "  judges " +
            (entry["judge_component"].is_string() ? entry["judge_component"].get<std::string>()
                                                  : std::string("-")) +
            "  audience " + entry["audience_component"].get<std::string>() + "  votes " +
            std::to_string(entry["votes"].get<long>());
  }
  return line;
}

void broken(PublicVerifyReport& report, std::int64_t seq, std::string reason) {
  report.ok = false;
  report.broken_seq = seq;
  report.reason = std::move(reason);
}

}  // namespace

std::string export_public_ledger(const store::Store& store, std::string_view pseudonym_key) {
  const core::Show show = engine::restore(store).show;
  std::int64_t count = 0;
  std::string head;
  store.for_each_record([&](const store::LedgerRecord& record) {
    count = record.seq;
    head = record.hash;
  });
  const core::Contest& contest = show.contest();
  json top = {{"format", kFormat},
              {"version", kVersion},
              {"contest", {{"id", contest.id}, {"name", contest.name}}},
              {"records", count},
              {"head", head}};
  std::string out = top.dump();
  out.pop_back();  // the closing brace: the records follow, one per line
  out += ",\n\"ledger\":[\n";
  bool first = true;
  store.for_each_record([&](const store::LedgerRecord& record) {
    json line = {{"seq", record.seq},         {"ts", record.ts},
                 {"kind", record.kind},       {"actor", record.actor},
                 {"payload", record.payload}, {"prev_hash", record.prev_hash},
                 {"hash", record.hash}};
    if (record.kind == "vote") {
      // A ledger from before phones voted as pseudonyms: the token must not leave the file.
      const auto payload = json::parse(record.payload, nullptr, false);
      const std::string device =
          payload.is_object() && payload.contains("device") && payload["device"].is_string()
              ? payload["device"].get<std::string>()
              : std::string();
      if (!device.empty() && !device.starts_with(core::ticket_voter("")) &&
          !engine::is_device_pseudonym(device)) {
        const std::string pseudonym = engine::device_pseudonym(pseudonym_key, device);
        json redacted = payload;
        redacted["device"] = pseudonym;
        line["payload"] = redacted.dump();
        if (record.actor == device) line["actor"] = pseudonym;
        line["redacted"] = true;
      }
    }
    out += (first ? "" : ",\n") + line.dump();
    first = false;
  });
  out += "\n],\n\"results\":" + results_json(show).dump() + "}\n";
  return out;
}

PublicVerifyReport verify_public_ledger(const std::string& text,
                                        const std::optional<std::string>& head) {
  PublicVerifyReport report;
  const json file = json::parse(text, nullptr, false);
  if (!file.is_object() || file.value("format", "") != kFormat || !file.contains("ledger") ||
      !file["ledger"].is_array()) {
    broken(report, 0, "not a stagevote public ledger (export --format public-ledger)");
    return report;
  }
  if (file.value("version", 0) != kVersion) {
    broken(report, 0,
           "public ledger version " + std::to_string(file.value("version", 0)) +
               " is not one this stagevote reads (" + std::to_string(kVersion) + ")");
    return report;
  }

  // 1. The chain, every record's hash recomputed from its fields.
  std::vector<store::LedgerRecord> records;
  store::LedgerHasher hasher;
  std::string previous;
  for (const auto& item : file["ledger"]) {
    store::LedgerRecord record;
    const bool shaped = item.is_object() && item.contains("seq") &&
                        item["seq"].is_number_integer() && item.contains("ts") &&
                        item["ts"].is_number_integer();
    const auto field = [&](const char* key) {
      return item.is_object() && item.contains(key) && item[key].is_string()
                 ? item[key].get<std::string>()
                 : std::string();
    };
    const std::int64_t expected_seq = static_cast<std::int64_t>(records.size()) + 1;
    if (!shaped) {
      broken(report, expected_seq, "record " + std::to_string(expected_seq) + " is malformed");
      return report;
    }
    record.seq = item["seq"].get<std::int64_t>();
    record.ts = item["ts"].get<std::int64_t>();
    record.kind = field("kind");
    record.actor = field("actor");
    record.payload = field("payload");
    record.prev_hash = field("prev_hash");
    record.hash = field("hash");
    const std::string at = "seq " + std::to_string(record.seq);
    if (record.seq != expected_seq) {
      broken(report, record.seq,
             at + " follows seq " + std::to_string(expected_seq - 1) + " (records are missing)");
      return report;
    }
    if (record.prev_hash != previous) {
      broken(report, record.seq, at + ": prev_hash is not the hash of the record before");
      return report;
    }
    if (item.value("redacted", false)) {
      broken(report, record.seq,
             at + " was written before phones voted as pseudonyms: it names a phone by its "
                  "token, which the public file leaves out, so its hash cannot be recomputed");
      return report;
    }
    if (hasher.hash({record.prev_hash, record.seq, record.ts, record.kind, record.actor,
                     record.payload}) != record.hash) {
      broken(report, record.seq, at + ": hash does not match the record's contents");
      return report;
    }
    previous = record.hash;
    records.push_back(std::move(record));
  }
  report.records = static_cast<std::int64_t>(records.size());
  report.head_hash = previous;

  // 2. The published head: nothing up to it changed.
  if (head) {
    std::string wanted = *head;
    for (auto& c : wanted) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (wanted.size() < engine::kShortHashDigits || wanted.size() > 64 ||
        wanted.find_first_not_of("0123456789abcdef") != std::string::npos) {
      broken(report, 0,
             "--head " + *head +
                 " is not a head hash: give the 12 hex digits the display shows, or the 64 the "
                 "公示 prints");
      return report;
    }
    for (const auto& record : records) {
      if (!record.hash.starts_with(wanted)) continue;
      if (report.head_seq != 0) {
        broken(report, 0, "--head " + *head + " matches more than one record: give more digits");
        return report;
      }
      report.head_seq = record.seq;
    }
    if (report.head_seq == 0) {
      broken(report, 0,
             "the published head " + *head +
                 " is not in this file: it is not the ledger that was published (or records "
                 "were removed or rewritten)");
      return report;
    }
    if (report.head_seq < report.records) {
      report.notes.push_back("nothing up to the published head (seq " +
                             std::to_string(report.head_seq) + ") changed; the " +
                             std::to_string(report.records - report.head_seq) +
                             " records after it are not covered by that head");
    }
  } else {
    report.notes.push_back(
        "no --head given: the file agrees with itself, but only the head published on the 公示 "
        "or shown on the screen proves it is the show's ledger");
  }

  // 3. Every result, from the records alone (the same scoring as the show).
  core::Show show(core::Contest{});
  try {
    show = engine::replay_ledger([&](const engine::RecordVisitor& visit) {
      for (const auto& record : records) visit(record);
    });
  } catch (const engine::RestoreError& error) {
    broken(report, 0, std::string("the ledger does not replay: ") + error.what());
    return report;
  }
  const json recomputed = results_json(show);
  const json published = file.value("results", json::array());
  for (const auto& round : recomputed) {
    for (const auto& entry : round["entries"])
      report.results.push_back(result_line(round, entry, show));
  }
  if (published != recomputed) {
    // Name the first difference.
    std::string where = "the results";
    for (const auto& round : recomputed) {
      const json* theirs = nullptr;
      for (const auto& r : published)
        if (r.is_object() && r.value("round", "") == round["round"]) theirs = &r;
      if (!theirs) {
        where = "round " + round["round"].get<std::string>() + " (missing from the file)";
        break;
      }
      if ((*theirs)["entries"] == round["entries"]) continue;
      where = "round " + round["round"].get<std::string>();
      const json& mine = round["entries"];
      const json& other = (*theirs)["entries"];
      for (std::size_t i = 0; i < mine.size(); ++i) {
        if (i < other.size() && other[i] == mine[i]) continue;
        where += ", entry " + mine[i].value("entry", "") + ": the file says " +
                 (i < other.size() ? other[i].dump() : std::string("nothing")) +
                 ", the records give " + mine[i].dump();
        break;
      }
      break;
    }
    broken(report, 0, "the published results differ from what the records give: " + where);
  }
  return report;
}

}  // namespace stagevote::tools
