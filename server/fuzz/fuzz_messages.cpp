// libFuzzer target: the WebSocket message parser and, behind it, the show's validator.
//
// The input is split at newlines into up to 16 client messages (JSON text cannot hold a raw
// newline, so a real message is never split). Each one is parsed exactly as a session parses
// a frame; what parses is applied, in order, to a fresh show of the demo contest that already
// has an entry on stage, an open poll and some scores, so that the fuzzer reaches deep states.
// Invariants checked on every input (a violation aborts, and libFuzzer keeps the input):
//   - a message that does not parse yields a bad_request error whose reply serialises;
//   - a salvaged request id is a string of at most kMaxIdLength bytes;
//   - a vote the plain reader takes is the vote the general parser reads;
//   - a command the show rejects, or a repeated ballot, changes nothing (version, phase,
//     stage, scene, polls); one it accepts makes exactly one new version;
//   - every poll's total is the sum of its tally and never exceeds its ballots;
//   - once a command succeeded, the results of every round and the public state serialise.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/demo.hpp"
#include "core/show.hpp"
#include "protocol/replies.hpp"
#include "protocol/requests.hpp"
#include "protocol/views.hpp"

namespace {

using namespace stagevote;

void require(bool condition) {
  if (!condition) std::abort();
}

// The demo contest, one entry scored and locked, the next on stage with a poll over both.
core::Show make_base_show() {
  core::Show show(core::demo_contest());
  const core::Millis t = 1'700'000'000'000;
  const auto& round = show.contest().rounds.front();
  const std::string first = round.entries.at(0);
  const std::string second = round.entries.at(1);
  require(show.apply(core::StartEntry{round.id, first}, t).ok());
  require(show.apply(core::Score{"j2",
                                 round.id,
                                 first,
                                 {{"theme", 25}, {"innovation", 24.5}, {"art", 20}, {"live", 12}}},
                     t + 1)
              .ok());
  require(show.apply(core::Score{"j4",
                                 round.id,
                                 first,
                                 {{"theme", 28}, {"innovation", 22}, {"art", 19.25}, {"live", 14}}},
                     t + 2)
              .ok());
  require(
      show.apply(core::LockScores{round.id, first, "not every judge scored in this test"}, t + 3)
          .ok());
  require(show.apply(core::StartEntry{round.id, second}, t + 4).ok());
  require(show.apply(core::OpenPoll{round.id, {first, second}, 60'000}, t + 5).ok());
  require(show.apply(core::Vote{"device-a", "p1", second}, t + 6).ok());
  return show;
}

void check_polls(const core::Show& show) {
  for (const auto& poll : show.polls()) {
    long sum = 0;
    for (const long count : poll.tally) sum += count;
    require(sum == poll.total);
    require(static_cast<std::size_t>(poll.total) <= poll.ballots.size());
    require(poll.tally.size() == poll.entries.size());
  }
}

// What a rejected command must leave as it was (cheap enough to take for every command).
struct Fingerprint {
  std::uint64_t version;
  core::Phase phase;
  std::optional<std::pair<std::string, std::string>> on_stage;
  std::string scene;
  std::size_t polls;
  long open_total;
  bool operator==(const Fingerprint&) const = default;
};

Fingerprint fingerprint(const core::Show& show) {
  const auto* open = show.open_poll();
  return {show.version(),    show.phase(),        show.on_stage(),
          show.scene().name, show.polls().size(), open ? open->total : -1};
}

// Applies one parsed request the way a session of the matching role would; true if it
// changed the show.
bool apply(core::Show& show, protocol::Request& request, core::Millis now) {
  std::optional<core::Command> command;
  if (auto* vote = std::get_if<protocol::VoteRequest>(&request)) {
    command = core::Vote{"device-fuzz", vote->poll, vote->choice};
  } else if (auto* score = std::get_if<protocol::ScoreRequest>(&request)) {
    command = core::Score{"j1", score->round, score->entry, score->marks};
  } else if (auto* cmd = std::get_if<protocol::CommandRequest>(&request)) {
    command = cmd->command;
  } else if (auto* results = std::get_if<protocol::ResultsRequest>(&request)) {
    (void)protocol::round_results_json(show, results->round).dump();
    return false;
  }
  if (!command) return false;

  const Fingerprint before = fingerprint(show);
  auto outcome = show.apply(*command, now);
  if (!outcome) {
    require(fingerprint(show) == before);
    (void)protocol::error(std::nullopt, outcome.error());
    return false;
  }
  check_polls(show);
  if (std::holds_alternative<core::Vote>(*command) && !outcome.value().counted) {
    require(fingerprint(show) == before);  // a repeated ballot changes nothing
    return false;
  }
  require(show.version() == before.version + 1);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const core::Show base = make_base_show();
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  core::Show show = base;
  core::Millis now = 1'700'000'100'000;
  bool changed = false;
  std::size_t start = 0;
  for (int parts = 0; parts < 16 && start <= input.size(); ++parts) {
    const auto end = std::min(input.find('\n', start), input.size());
    const std::string_view text = input.substr(start, end - start);
    start = end + 1;

    const auto id = protocol::salvage_request_id(text);
    if (id) require(id->size() <= protocol::kMaxIdLength);
    if (const auto plain = protocol::parse_plain_vote(text)) {
      const auto general = protocol::parse_any_message(text);
      require(general.ok());
      const auto* vote = std::get_if<protocol::VoteRequest>(&general.value());
      require(vote && vote->id == plain->id && vote->poll == plain->poll &&
              vote->choice == plain->choice);
    }
    auto parsed = protocol::parse_client_message(text);
    if (!parsed) {
      require(parsed.error().code == core::ErrorCode::bad_request);
      require(!protocol::error(id, parsed.error())->empty());
      continue;
    }
    std::visit(
        [](const auto& request) {
          if (request.id) require(request.id->size() <= protocol::kMaxIdLength);
        },
        parsed.value());
    changed = apply(show, parsed.value(), now += 250) || changed;
  }
  if (changed) {
    // The views of whatever state the messages reached must serialise.
    for (const auto& round : show.contest().rounds) {
      (void)protocol::round_results_json(show, round.id).dump();
    }
    (void)protocol::public_state_json(show).dump();
  }
  return 0;
}
