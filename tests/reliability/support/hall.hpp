#pragma once
// A running show for the abuse tests: one server per test process, started on first use,
// with an entry on stage, a poll open over it and a few honest votes already counted.
// Every abuse must leave it as it was: still answering, the counts unchanged.
#include <memory>
#include <string>
#include <vector>

#include "support/contest_info.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace stagevote::reliability {

struct Hall {
  std::unique_ptr<TempDir> dir;
  std::unique_ptr<ServerProcess> server;
  std::string host_key = "hall-host-key-c0ffee";
  ContestInfo contest;
  std::string round, entry, other_entry, poll;
  std::vector<std::string> voted_devices;  // the honest phones, one counted vote each

  unsigned short port() const { return server->port(); }
  // The votes the server counts for `entry` (results API).
  long counted_votes() const;
};

// The hall of this process (made on first call). `extra_args` only count on the first call.
Hall& hall(const std::vector<std::string>& extra_args = {});

// Fails the current test unless the server is still up, still counts the honest votes and
// nothing else, and still serves a new phone.
void require_unharmed(const Hall& hall);

}  // namespace stagevote::reliability
