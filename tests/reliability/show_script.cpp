#include "show_script.hpp"

namespace stagevote::reliability {

using json = nlohmann::json;

std::string describe(const ShowPosition& position) {
  std::string text = "stage=" + position.stage.value_or("none") +
                     " poll=" + position.open_poll.value_or("none") + " locked={";
  for (const auto& entry : position.locked) text += entry + " ";
  return text + "}";
}

ShowScript::ShowScript(const ContestInfo& contest) {
  for (const auto& round : contest.rounds) {
    for (const auto& entry : round.entries) entries_.emplace_back(round.id, entry);
  }
}

ShowStep ShowScript::step(std::size_t index) const {
  const auto& [round, entry] = entries_.at(index / 4);
  return {static_cast<ShowStep::Kind>(index % 4), round, entry};
}

ShowPosition ShowScript::after(std::size_t applied) const {
  ShowPosition position;
  for (std::size_t i = 0; i < applied; ++i) {
    const auto s = step(i);
    const std::string key = s.round + "/" + s.entry;
    switch (s.kind) {
      case ShowStep::start_entry: position.stage = key; break;
      case ShowStep::open_poll: position.open_poll = key; break;
      case ShowStep::close_poll: position.open_poll.reset(); break;
      case ShowStep::lock_scores: position.locked.insert(key); break;
    }
  }
  return position;
}

json ShowScript::command(std::size_t index, const std::string& id, const std::string& poll) const {
  const auto s = step(index);
  json cmd{{"type", "cmd"}, {"id", id}};
  switch (s.kind) {
    case ShowStep::start_entry:
      cmd["action"] = "start_entry";
      cmd["round"] = s.round;
      cmd["entry"] = s.entry;
      break;
    case ShowStep::open_poll:
      cmd["action"] = "open_poll";
      cmd["round"] = s.round;
      cmd["entries"] = json::array({s.entry});
      break;
    case ShowStep::close_poll:
      cmd["action"] = "close_poll";
      cmd["poll"] = poll;
      break;
    case ShowStep::lock_scores:
      cmd["action"] = "lock_scores";
      cmd["round"] = s.round;
      cmd["entry"] = s.entry;
      // The script's judges score some entries only (issue 17: a lock waits for them or says why).
      cmd["override_reason"] = "not every judge scored in this script";
      break;
  }
  return cmd;
}

ShowPosition observed_position(const json& state) {
  ShowPosition position;
  if (state.contains("stage") && state["stage"].is_object()) {
    position.stage = state["stage"].at("round").get<std::string>() + "/" +
                     state["stage"].at("entry").get<std::string>();
  }
  if (state.contains("poll") && state["poll"].is_object()) {
    const auto& poll = state["poll"];
    position.open_poll =
        poll.at("round").get<std::string>() + "/" + poll.at("entries").at(0).get<std::string>();
  }
  for (const auto& round : state.at("rounds")) {
    for (const auto& item : round.at("order")) {
      if (item.at("status") == "locked" || item.at("status") == "revealed") {
        position.locked.insert(round.at("id").get<std::string>() + "/" +
                               item.at("entry").get<std::string>());
      }
    }
  }
  return position;
}

}  // namespace stagevote::reliability
