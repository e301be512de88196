#include "tools/show_loader.hpp"

#include <nlohmann/json.hpp>

#include "core/codec.hpp"
#include "tools/meta_keys.hpp"

namespace stagevote::tools {

core::Contest load_contest(const store::Store& store) {
  const auto text = store.get_meta(kContestMetaKey);
  if (!text) throw LoadError("the database holds no contest (import one first)");
  const auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded()) throw LoadError("the stored contest is not valid JSON");
  auto contest = core::contest_from_json(json);
  if (!contest) throw LoadError("the stored contest is invalid: " + contest.error().message);
  return std::move(contest).value();
}

core::Show load_show(const store::Store& store) {
  core::Show show(load_contest(store));
  store.for_each_record([&](const store::LedgerRecord& record) {
    const std::string where = "ledger record " + std::to_string(record.seq) + " (" + record.kind + ")";
    const auto payload = nlohmann::json::parse(record.payload, nullptr, false);
    if (payload.is_discarded()) throw LoadError(where + " is not valid JSON");
    auto command = core::command_from_json(record.kind, payload);
    if (!command) throw LoadError(where + ": " + command.error().message);
    auto applied = show.apply(command.value(), record.ts);
    if (!applied) throw LoadError(where + " does not replay: " + applied.error().message);
  });
  return show;
}

}  // namespace stagevote::tools
