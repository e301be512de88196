#include "engine/restore.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "core/codec.hpp"

namespace stagevote::engine {

bool has_contest(const store::Store& store) {
  return store.get_meta(kContestMetaKey).has_value();
}

core::Contest load_contest(const store::Store& store) {
  const auto text = store.get_meta(kContestMetaKey);
  if (!text) throw RestoreError("the database holds no contest");
  const auto json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) throw RestoreError("the stored contest is not valid JSON");
  auto contest = core::contest_from_json(json);
  if (!contest) throw RestoreError("the stored contest is invalid: " + contest.error().message);
  if (const auto invalid = core::validate(contest.value())) {
    throw RestoreError("the stored contest is invalid: " + invalid->message);
  }
  return std::move(contest).value();
}

core::Show restore(const store::Store& store) {
  core::Show show(load_contest(store));
  store.for_each_record([&](const store::LedgerRecord& record) {
    const auto payload = nlohmann::json::parse(record.payload, nullptr, false);
    if (payload.is_discarded()) {
      throw RestoreError("ledger record " + std::to_string(record.seq) + " is not valid JSON");
    }
    auto command = core::command_from_json(record.kind, payload);
    if (!command) {
      throw RestoreError("ledger record " + std::to_string(record.seq) + " (" + record.kind +
                         "): " + command.error().message);
    }
    auto applied = show.apply(command.value(), record.ts);
    if (!applied) {
      throw RestoreError("ledger record " + std::to_string(record.seq) + " (" + record.kind +
                         ") does not replay: " + applied.error().message);
    }
  });
  return show;
}

}  // namespace stagevote::engine
