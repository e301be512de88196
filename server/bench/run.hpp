#pragma once
// One bench run, start to finish: look up the round, connect the phones, run one wave of
// votes per poll, then check the server's results against the acks.
#include "options.hpp"
#include "report.hpp"

namespace stagevote::bench {

// Throws std::runtime_error when the run cannot go on (server unreachable, host key
// refused, a poll cannot be opened).
Report run(const Options& options);

}  // namespace stagevote::bench
