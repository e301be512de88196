#pragma once
// Rebuilding a show from its database: the contest from meta `contest`, then every ledger
// record replayed through Show::apply at its recorded time. Because the ledger order is the
// application order, the rebuilt show equals the one that wrote the file.
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/show.hpp"
#include "store/store.hpp"

namespace stagevote::engine {

// The meta key holding the contest JSON (core::contest_to_json with tokens).
inline constexpr const char* kContestMetaKey = "contest";
// The ledger record that defines the contest (docs/data.md, "The ledger"): the first record,
// and one more whenever the contest is replaced before the show. Its payload is
// contest_record(): the contest with each judge's token as its SHA-256, so the chain covers the
// scheme, weights, entries and judges without holding a credential.
inline constexpr const char* kContestRecordKind = "contest";
std::string contest_record(const core::Contest& contest);
// The contest a contest record holds (each judge's `token` is then the SHA-256 of theirs).
core::Result<core::Contest> contest_from_record(std::string_view payload);
// "" when `stored` (the settings, with tokens) is the contest `recorded` (from its record)
// holds; else what differs ("scoring", "judges" ...). `tokens`: false leaves the judges' tokens
// out (they may have been reissued since the record: reissued_tokens()).
std::string contest_difference(const core::Contest& stored, const core::Contest& recorded,
                               bool tokens = true);
// `recorded` (from a contest record: tokens as hashes) with each judge's token as the ledger's
// later reissue_judge_token records left it (`show`: the ledger replayed).
core::Contest reissued_tokens(core::Contest recorded, const core::Show& show);

// Stores `contest` as the show's: the settings (meta, with tokens) and its ledger record,
// committed before this returns. `actor`: who ("organiser", "server", "host").
void store_contest(store::Store& store, const core::Contest& contest, const std::string& actor,
                   core::Millis at);

struct RestoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Whether the database already holds a contest.
bool has_contest(const store::Store& store);
// Records of the show (votes, scores, host actions): none before the show starts.
std::int64_t show_records(const store::Store& store);

// Makes sure the database holds a contest: with `demo`, an empty database gets the bundled
// demo contest with fresh judge tokens. Throws RestoreError if there is none and no demo.
void ensure_contest(store::Store& store, bool demo);

// The contest stored in the database. Throws RestoreError if it is missing or invalid.
core::Contest load_contest(const store::Store& store);

// The reply a request got, kept beside its ledger record (exactly-once requests).
struct DurableReply {
  std::string actor;
  std::string request_id;
  std::string text;
};

struct Restored {
  core::Contest contest;  // as defined; the show holds the running orders as they are now
  core::Show show;
  std::vector<DurableReply> replies;
  std::int64_t commands = 0;     // records that are not the contest's
  bool contest_recorded = true;  // false: a ledger from before contest records
};

// The show as the ledger left it. Throws RestoreError naming the first record that does not
// decode or that the show rejects (a ledger the core cannot replay is corrupt), or when the
// contest in the settings is not the one the ledger's last contest record holds (someone
// changed the scheme, the weights, an entry or a judge behind the ledger's back).
Restored restore(const store::Store& store);

// The same, from the ledger alone: the contest from its last contest record (judges without
// tokens). What `verify` recomputes the results from, over records it reads itself
// (`for_each` calls its visitor with every record in seq order). Throws RestoreError.
using RecordVisitor = std::function<void(const store::LedgerRecord&)>;
core::Show replay_ledger(const std::function<void(const RecordVisitor&)>& for_each);

}  // namespace stagevote::engine
