#include "engine/restore.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "core/codec.hpp"
#include "core/demo.hpp"
#include "engine/clock.hpp"
#include "engine/secrets.hpp"

namespace stagevote::engine {

bool has_contest(const store::Store& store) {
  return store.get_meta(kContestMetaKey).has_value();
}

namespace {

// The contest as its record holds it: tokens replaced by their SHA-256.
nlohmann::json record_json(const core::Contest& contest, bool tokens_are_hashes) {
  nlohmann::json record = core::contest_to_json(contest, /*with_tokens=*/true);
  for (std::size_t i = 0; i < contest.judges.size(); ++i) {
    auto& judge = record["judges"][i];
    const std::string token = judge["token"];
    judge.erase("token");
    judge["token_sha256"] = tokens_are_hashes ? token : sha256_hex(token);
  }
  return record;
}

}  // namespace

std::string contest_record(const core::Contest& contest) {
  return record_json(contest, false).dump();
}

core::Result<core::Contest> contest_from_record(std::string_view payload) {
  auto json = nlohmann::json::parse(payload, nullptr, false);
  if (!json.is_object()) return core::make_error(core::ErrorCode::bad_request, "not a JSON object");
  if (json.contains("judges") && json["judges"].is_array()) {
    for (auto& judge : json["judges"]) {
      if (judge.is_object() && judge.contains("token_sha256")) {
        judge["token"] = judge["token_sha256"];
      }
    }
  }
  return core::contest_from_json(json);
}

std::string contest_difference(const core::Contest& stored, const core::Contest& recorded,
                               bool tokens) {
  // Both rendered by this build, so a field this build added changes nothing.
  auto a = record_json(stored, false);
  auto b = record_json(recorded, true);
  if (!tokens) {
    for (auto* record : {&a, &b}) {
      for (auto& judge : (*record)["judges"]) judge.erase("token_sha256");
    }
  }
  std::string differs;
  for (const auto& [key, value] : a.items()) {
    if (!b.contains(key) || b[key] != value) differs += (differs.empty() ? "" : ", ") + key;
  }
  for (const auto& [key, value] : b.items()) {
    if (!a.contains(key)) differs += (differs.empty() ? "" : ", ") + key;
  }
  return differs;
}

core::Contest reissued_tokens(core::Contest recorded, const core::Show& show) {
  for (auto& judge : recorded.judges) {
    if (const auto* reissue = show.token_reissue(judge.id)) judge.token = reissue->token_sha256;
  }
  return recorded;
}

void store_contest(store::Store& store, const core::Contest& contest, const std::string& actor,
                   core::Millis at) {
  store.set_meta(kContestMetaKey, core::contest_to_json(contest, true).dump());
  bool ok = false;
  store.append({at, kContestRecordKind, actor, contest_record(contest)},
               [&ok](bool committed) { ok = committed; });
  store.flush();
  if (!ok) throw RestoreError("the contest could not be written to the ledger: " + store.failure());
}

std::int64_t show_records(const store::Store& store) {
  return store.records_other_than(kContestRecordKind);
}

void ensure_contest(store::Store& store, bool demo) {
  if (has_contest(store)) return;
  if (!demo) throw RestoreError("the database holds no contest: start with --demo or import one");
  core::Contest contest = core::demo_contest();
  // The bundled tokens are public (they are in the source): every show gets its own.
  for (auto& judge : contest.judges) judge.token = to_hex(random_bytes(16));
  store_contest(store, contest, "server", SystemClock().now());
}

core::Contest load_contest(const store::Store& store) {
  const auto text = store.get_meta(kContestMetaKey);
  if (!text) throw RestoreError("the database holds no contest");
  const auto json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) throw RestoreError("the stored contest is not valid JSON");
  auto contest = core::contest_from_json(json);
  if (!contest) throw RestoreError("the stored contest is invalid: " + contest.error().message);
  return std::move(contest).value();
}

namespace {

// Walks the ledger: contest records define the contest (only before the first command), every
// other record is a command replayed on the show. `show_from(contest record payload)` makes the
// show the commands are applied to.
template <class ForEach, class ShowFrom>
void replay(const ForEach& for_each, core::Show& show, Restored* restored, ShowFrom show_from) {
  std::optional<std::string> contest_payload;
  std::int64_t contest_seq = 0;
  bool started = false;
  const auto start = [&] {
    if (!started) show = show_from(contest_payload, contest_seq);
    started = true;
  };
  for_each([&](const store::LedgerRecord& record) {
    const auto where = [&] {
      return "ledger record " + std::to_string(record.seq) + " (" + record.kind + ")";
    };
    if (record.kind == kContestRecordKind) {
      if (started) throw RestoreError(where() + " replaces the contest after the show started");
      contest_payload = record.payload;
      contest_seq = record.seq;
      return;
    }
    start();
    const auto payload = nlohmann::json::parse(record.payload, nullptr, false);
    if (payload.is_discarded()) throw RestoreError(where() + " is not valid JSON");
    auto command = core::command_from_json(record.kind, payload);
    if (!command) throw RestoreError(where() + ": " + command.error().message);
    if (auto* vote = std::get_if<core::Vote>(&command.value())) vote->request = record.request_id;
    auto applied = show.apply(command.value(), record.ts);
    if (!applied) throw RestoreError(where() + " does not replay: " + applied.error().message);
    if (!restored) return;
    ++restored->commands;
    if (!record.request_id.empty() && !record.reply.empty()) {
      restored->replies.push_back({record.actor, record.request_id, record.reply});
    }
  });
  start();
}

}  // namespace

Restored restore(const store::Store& store) {
  Restored restored{load_contest(store), core::Show(core::Contest{}), {}, 0, true};
  std::optional<core::Contest> recorded_contest;
  std::int64_t recorded_seq = 0;
  const auto changed_behind = [&](const std::string& differs) {
    return RestoreError("the contest in the database's settings is not the one ledger record " +
                        std::to_string(recorded_seq) + " holds (" + differs +
                        " differ): it was changed behind the ledger's back");
  };
  replay([&](const auto& visit) { store.for_each_record(visit); }, restored.show, &restored,
         [&](const std::optional<std::string>& recorded, std::int64_t seq) {
           if (!recorded) {
             restored.contest_recorded = false;  // an older ledger: the settings alone
             return core::Show(restored.contest);
           }
           auto contest = contest_from_record(*recorded);
           if (!contest) {
             throw RestoreError("ledger record " + std::to_string(seq) +
                                " (contest) is invalid: " + contest.error().message);
           }
           recorded_seq = seq;
           // The tokens are checked once the ledger is replayed: a judge's may have been
           // reissued since this record.
           if (const auto differs = contest_difference(restored.contest, contest.value(), false);
               !differs.empty()) {
             throw changed_behind(differs);
           }
           recorded_contest = std::move(contest).value();
           return core::Show(restored.contest);
         });
  if (recorded_contest) {
    const auto expected = reissued_tokens(std::move(*recorded_contest), restored.show);
    if (const auto differs = contest_difference(restored.contest, expected); !differs.empty()) {
      throw changed_behind(differs);
    }
  }
  return restored;
}

core::Show replay_ledger(const std::function<void(const RecordVisitor&)>& for_each) {
  core::Show show(core::Contest{});
  replay(for_each, show, nullptr, [](const std::optional<std::string>& recorded, std::int64_t seq) {
    if (!recorded) throw RestoreError("the ledger holds no contest record");
    auto contest = contest_from_record(*recorded);
    if (!contest) {
      throw RestoreError("ledger record " + std::to_string(seq) +
                         " (contest) is invalid: " + contest.error().message);
    }
    return core::Show(std::move(contest).value());
  });
  return show;
}

}  // namespace stagevote::engine
