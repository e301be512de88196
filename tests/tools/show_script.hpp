#pragma once
// Plays a show into a real database the way the server does: each command is applied to a
// core::Show first (so the script cannot write what the server would refuse), then appended
// to the store's ledger (votes also to the votes table).
#include <catch2/catch.hpp>

#include <atomic>
#include <string>

#include "core/codec.hpp"
#include "core/show.hpp"
#include "store/store.hpp"
#include "tools/import.hpp"

namespace stagevote::tools::testing {

class ShowScript {
 public:
  ShowScript(store::Store& store, core::Contest contest)
      : store_(store), show_(std::move(contest)) {}

  core::Outcome run(const core::Command& command, const std::string& actor = "host") {
    now_ += 1000;
    auto outcome = show_.apply(command, now_);
    INFO(core::command_kind(command) << ": " << (outcome ? "" : outcome.error().message));
    REQUIRE(outcome.ok());
    store::LedgerWrite write{now_, core::command_kind(command), actor,
                             core::command_to_json(command).dump(), std::nullopt};
    if (auto* vote = std::get_if<core::Vote>(&command))
      write.vote = store::VoteRow{vote->poll, vote->device, vote->choice, vote->rating};
    // The callback runs on the store's writer thread, where Catch cannot assert.
    store_.append(std::move(write), [this](bool ok) {
      if (!ok) failed_ = true;
    });
    return outcome.value();
  }

  // Runs one entry through the flow: on stage, a poll with `votes` ballots, every judge who
  // may score it, locked, revealed.
  void perform(const std::string& round, const std::string& entry, int votes, double base) {
    run(core::StartEntry{round, entry});
    std::string poll = run(core::OpenPoll{round, {entry}, 0}).poll;
    for (int v = 0; v < votes; ++v) {
      const std::string device = "device-" + std::to_string(v);
      run(core::Vote{device, poll, entry}, device);
    }
    run(core::ClosePoll{poll});
    int k = 0;
    for (const auto& judge : show_.contest().judges) {
      ++k;
      if (core::is_recused(judge, *show_.contest().find_entry(entry))) continue;
      core::Marks marks{{"theme", base + 0.5 * k}, {"art", 20 + 2.25 * k}, {"live", 10 + k}};
      run(core::Score{judge.id, round, entry, marks}, judge.id);
    }
    run(core::LockScores{round, entry, "not every judge scored in this test"});
    run(core::Reveal{round, entry});
  }

  const core::Show& show() const { return show_; }
  void flush() {
    store_.flush();
    REQUIRE_FALSE(failed_);
  }

 private:
  store::Store& store_;
  core::Show show_;
  core::Millis now_ = 1764158400000;  // 2025-11-26 20:00 +0800
  std::atomic<bool> failed_{false};
};

}  // namespace stagevote::tools::testing
