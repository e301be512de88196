#include "tools/verify.hpp"

#include <openssl/evp.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <tuple>

#include "engine/restore.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace stagevote::tools {
namespace {

using VoteKey = std::tuple<std::string, std::string, std::string>;  // poll, device, choice

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
      ledger_votes[records.column_int(0)] = {text("poll"), text("device"), text("choice")};
    }
  }
  std::map<std::int64_t, VoteKey> table_votes;
  std::int64_t orphan_seq = 0;
  {
    store::sqlite::Statement rows(db, "SELECT seq, poll, device, choice FROM votes ORDER BY seq");
    while (rows.step()) {
      const std::int64_t seq = rows.column_int(0);
      VoteKey key{std::string(rows.column_view(1)), std::string(rows.column_view(2)),
                  std::string(rows.column_view(3))};
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
                 " differs from the ledger (poll, device or choice changed)");
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

}  // namespace

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL: SHA-256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0f];
  }
  return hex;
}

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
    if (contest.step()) report.contest_hash = sha256_hex(std::string(contest.column_view(0)));
  }
  if (!chain.ok) {
    broken(report, chain.first_bad_seq, chain.reason);
    return report;
  }
  check_votes(db, report);
  if (!report.ok) return report;

  if (options.head) {
    store::sqlite::Statement find(db, "SELECT seq FROM ledger WHERE hash = ?1");
    find.bind(1, std::string_view(*options.head));
    if (!find.step()) {
      report.ok = false;
      report.reason = "the published head hash " + *options.head +
                      " is not in the ledger (records were removed or rewritten)";
      return report;
    }
    const std::int64_t seq = find.column_int(0);
    if (seq < report.records)
      report.note = "the published head is seq " + std::to_string(seq) + "; " +
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
