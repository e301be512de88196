#include "engine/restore.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "core/codec.hpp"
#include "core/demo.hpp"
#include "engine/secrets.hpp"

namespace stagevote::engine {

bool has_contest(const store::Store& store) {
  return store.get_meta(kContestMetaKey).has_value();
}

void ensure_contest(store::Store& store, bool demo) {
  if (has_contest(store)) return;
  if (!demo) throw RestoreError("the database holds no contest: start with --demo or import one");
  core::Contest contest = core::demo_contest();
  // The bundled tokens are public (they are in the source): every show gets its own.
  for (auto& judge : contest.judges) judge.token = to_hex(random_bytes(16));
  store.set_meta(kContestMetaKey, core::contest_to_json(contest, true).dump());
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

Restored restore(const store::Store& store) {
  core::Contest contest = load_contest(store);
  core::Show show(contest);
  std::vector<DurableReply> replies;
  store.for_each_record([&](const store::LedgerRecord& record) {
    const auto where = [&] {
      return "ledger record " + std::to_string(record.seq) + " (" + record.kind + ")";
    };
    const auto payload = nlohmann::json::parse(record.payload, nullptr, false);
    if (payload.is_discarded()) throw RestoreError(where() + " is not valid JSON");
    auto command = core::command_from_json(record.kind, payload);
    if (!command) throw RestoreError(where() + ": " + command.error().message);
    if (auto* vote = std::get_if<core::Vote>(&command.value())) vote->request = record.request_id;
    auto applied = show.apply(command.value(), record.ts);
    if (!applied) throw RestoreError(where() + " does not replay: " + applied.error().message);
    if (!record.request_id.empty() && !record.reply.empty()) {
      replies.push_back({record.actor, record.request_id, record.reply});
    }
  });
  return {std::move(contest), std::move(show), std::move(replies)};
}

}  // namespace stagevote::engine
