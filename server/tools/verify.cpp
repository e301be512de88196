#include "tools/verify.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <tuple>

#include "core/codec.hpp"
#include "engine/heads.hpp"
#include "engine/restore.hpp"
#include "engine/secrets.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace stagevote::tools {
namespace {

// poll, device, choice, rating (0: a choice vote)
using VoteKey = std::tuple<std::string, std::string, std::string, std::int64_t>;

void broken(VerifyReport& report, std::int64_t seq, std::string reason) {
  report.ok = false;
  report.broken_seq = seq;
  report.reason = std::move(reason);
}

// Compares the votes table with the ledger's vote records, both ways. Returns the seq of
// the first record whose vote row is missing or different, or of the first row that no
// vote record accounts for, with the reason.
void check_votes(store::sqlite::Connection& db, VerifyReport& report) {
  std::map<std::int64_t, VoteKey> ledger_votes;
  {
    store::sqlite::Statement records(
        db, "SELECT seq, payload FROM ledger WHERE kind = 'vote' ORDER BY seq");
    while (records.step()) {
      auto payload = nlohmann::json::parse(records.column_view(1), nullptr, false);
      auto text = [&](const char* key) {
        return payload.is_object() && payload.contains(key) && payload[key].is_string()
                   ? payload[key].get<std::string>()
                   : std::string();
      };
      const std::int64_t rating =
          payload.is_object() && payload.contains("rating") && payload["rating"].is_number_integer()
              ? payload["rating"].get<std::int64_t>()
              : 0;
      ledger_votes[records.column_int(0)] = {text("poll"), text("device"), text("choice"), rating};
    }
  }
  std::map<std::int64_t, VoteKey> table_votes;
  std::int64_t orphan_seq = 0;
  {
    // Files from before schema 3 have no rating column (and no rating votes).
    const bool rated = db.query_int("PRAGMA user_version") >= 3;
    store::sqlite::Statement rows(db, rated ? "SELECT seq, poll, device, choice, rating FROM votes "
                                              "ORDER BY seq"
                                            : "SELECT seq, poll, device, choice, 0 FROM votes "
                                              "ORDER BY seq");
    while (rows.step()) {
      const std::int64_t seq = rows.column_int(0);
      VoteKey key{std::string(rows.column_view(1)), std::string(rows.column_view(2)),
                  std::string(rows.column_view(3)), rows.column_int(4)};
      if (table_votes.count(seq) && orphan_seq == 0) orphan_seq = seq;
      table_votes[seq] = std::move(key);
    }
  }
  for (const auto& [seq, vote] : ledger_votes) {
    auto row = table_votes.find(seq);
    if (row == table_votes.end()) {
      broken(report, seq,
             "vote record seq " + std::to_string(seq) + " (poll " + std::get<0>(vote) +
                 ") has no row in the votes table");
      return;
    }
    if (row->second != vote) {
      broken(report, seq,
             "the votes table row of seq " + std::to_string(seq) +
                 " differs from the ledger (poll, device, choice or rating changed)");
      return;
    }
  }
  for (const auto& [seq, vote] : table_votes) {
    if (!ledger_votes.count(seq) || orphan_seq == seq) {
      broken(report, 0,
             "the votes table has a row (poll " + std::get<0>(vote) + ", seq " +
                 std::to_string(seq) + ") that no vote record in the ledger accounts for");
      return;
    }
  }
}

// The contest in the settings must be the one the ledger's last contest record holds: the
// chain covers the scheme and weights, the settings are only a copy.
void check_contest(store::sqlite::Connection& db, VerifyReport& report) {
  store::sqlite::Statement record(
      db, "SELECT seq, payload FROM ledger WHERE kind = ?1 ORDER BY seq DESC LIMIT 1");
  record.bind(1, std::string_view(engine::kContestRecordKind));
  if (!record.step()) {
    report.note = "this ledger predates contest records: its chain does not cover the contest";
    return;
  }
  const std::int64_t seq = record.column_int(0);
  const auto recorded = engine::contest_from_record(record.column_view(1));
  if (!recorded) {
    return broken(report, seq, "the contest record is invalid: " + recorded.error().message);
  }
  store::sqlite::Statement meta(db, "SELECT value FROM meta WHERE key = ?1");
  meta.bind(1, std::string_view(engine::kContestMetaKey));
  if (!meta.step()) return broken(report, 0, "the database's settings hold no contest");
  const auto json = nlohmann::json::parse(meta.column_view(0), nullptr, false);
  const auto stored = core::contest_from_json(json);
  if (!stored) {
    return broken(report, 0, "the contest in the settings is invalid: " + stored.error().message);
  }
  // A judge's token reissued after the record: the settings hold the new token, the ledger
  // its hash.
  core::Contest expected = recorded.value();
  store::sqlite::Statement reissues(
      db,
      "SELECT payload FROM ledger WHERE kind = 'reissue_judge_token' AND seq > ?1 ORDER BY seq");
  reissues.bind(1, seq);
  while (reissues.step()) {
    const auto payload = nlohmann::json::parse(reissues.column_view(0), nullptr, false);
    auto command = core::command_from_json("reissue_judge_token", payload);
    if (!command) continue;  // the replay below names a record that does not decode
    const auto& reissue = std::get<core::ReissueJudgeToken>(command.value());
    for (auto& judge : expected.judges) {
      if (judge.id == reissue.judge) judge.token = reissue.token_sha256;
    }
  }
  if (const auto differs = engine::contest_difference(stored.value(), expected); !differs.empty()) {
    broken(report, seq,
           "the contest the server uses differs from ledger record " + std::to_string(seq) +
               " in: " + differs + " (changed behind the ledger's back)");
  }
}

// Every result, from the ledger alone (its contest record and its commands).
void recompute_results(store::sqlite::Connection& db, VerifyReport& report) {
  store::sqlite::Statement any(db, "SELECT 1 FROM ledger WHERE kind = ?1 LIMIT 1");
  any.bind(1, std::string_view(engine::kContestRecordKind));
  if (!any.step()) return;  // an older ledger: the note says so
  try {
    const core::Show show = engine::replay_ledger([&](const engine::RecordVisitor& visit) {
      store::sqlite::Statement records(db, store::kSelectRecords);
      store::LedgerRecord record;
      while (records.step()) {
        store::read_record(records, record);
        visit(record);
      }
    });
    for (const auto& round : show.contest().rounds) {
      long revealed = 0;
      for (const auto& result : show.results(round.id)) {
        revealed += show.entry_state(round.id, result.entry).status == core::EntryStatus::revealed;
      }
      report.results.push_back(round.id + ": " + std::to_string(round.entries.size()) +
                               " entries, " + std::to_string(revealed) + " revealed");
    }
  } catch (const engine::RestoreError& error) {
    broken(report, 0, std::string("the ledger does not replay: ") + error.what());
  }
}

// The heads published beside the file must all still be in the chain.
void check_published_heads(store::sqlite::Connection& db, const std::string& path,
                           VerifyReport& report) {
  store::sqlite::Statement find(db, "SELECT hash FROM ledger WHERE seq = ?1");
  for (const auto& head : engine::read_heads(path)) {
    ++report.published_heads;
    find.reset();
    find.bind(1, head.seq);
    if (head.seq <= 0 || !find.step() || std::string(find.column_view(0)) != head.hash) {
      return broken(report, head.seq,
                    "the head published at " + head.when + " (seq " + std::to_string(head.seq) +
                        ", " + engine::short_hash(head.hash) +
                        ") is not in the ledger: records up to it were cut or rewritten "
                        "after it was published (" +
                        engine::heads_path(path) + ")");
    }
  }
}

}  // namespace

VerifyReport verify_database(const std::string& path, const VerifyOptions& options) {
  if (!std::filesystem::exists(path)) throw std::runtime_error(path + ": no such file");
  VerifyReport report;
  store::ChainCheck chain = store::Store::verify_chain(path);
  report.records = chain.records;

  store::sqlite::Connection db(path, store::sqlite::Connection::Mode::read_only);
  db.exec("PRAGMA busy_timeout = 5000");
  {
    store::sqlite::Statement last(db, "SELECT hash FROM ledger ORDER BY seq DESC LIMIT 1");
    if (last.step()) report.head_hash = std::string(last.column_view(0));
    store::sqlite::Statement contest(db, "SELECT value FROM meta WHERE key = ?1");
    contest.bind(1, std::string_view(engine::kContestMetaKey));
    if (contest.step()) {
      report.contest_hash = engine::sha256_hex(std::string(contest.column_view(0)));
    }
  }
  if (!chain.ok) {
    broken(report, chain.first_bad_seq, chain.reason);
    return report;
  }
  check_votes(db, report);
  if (!report.ok) return report;
  check_contest(db, report);
  if (!report.ok) return report;
  recompute_results(db, report);
  if (!report.ok) return report;
  check_published_heads(db, path, report);
  if (!report.ok) return report;

  if (options.head) {
    // The full hash (exports), or its first 12 or more hex digits (the display, the console).
    std::string wanted = *options.head;
    for (auto& c : wanted) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool hex =
        !wanted.empty() && wanted.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!hex || wanted.size() < engine::kShortHashDigits || wanted.size() > 64) {
      report.ok = false;
      report.reason = "--head " + *options.head +
                      " is not a head hash: give the 12 hex digits the display shows, or the 64 "
                      "an export prints";
      return report;
    }
    store::sqlite::Statement find(
        db, "SELECT seq FROM ledger WHERE substr(hash, 1, ?2) = ?1 ORDER BY seq LIMIT 2");
    find.bind(1, std::string_view(wanted));
    find.bind(2, static_cast<std::int64_t>(wanted.size()));
    if (!find.step()) {
      report.ok = false;
      report.reason = "the published head hash " + *options.head +
                      " is not in the ledger (records were removed or rewritten)";
      return report;
    }
    const std::int64_t seq = find.column_int(0);
    if (find.step()) {
      report.ok = false;
      report.reason =
          "--head " + *options.head + " matches more than one record: give more of its digits";
      return report;
    }
    store::sqlite::Statement after(
        db, "SELECT kind, count(*) FROM ledger WHERE seq > ?1 GROUP BY kind ORDER BY kind");
    after.bind(1, seq);
    while (after.step()) report.after_head[std::string(after.column_view(0))] = after.column_int(1);
    report.note = "nothing up to the published head (seq " + std::to_string(seq) + ") changed; " +
                  std::to_string(report.records - seq) + " records were added after it";
  }
  if (options.contest && *options.contest != report.contest_hash) {
    report.ok = false;
    report.reason =
        "the stored contest (scheme, entries, judges) does not match the published "
        "contest hash " +
        *options.contest;
  }
  return report;
}

}  // namespace stagevote::tools
