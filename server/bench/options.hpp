#pragma once
// The command line of stagevote-bench.
#include <cstddef>
#include <string>
#include <vector>

namespace stagevote::bench {

struct Options {
  // Target, from --url ws://HOST:PORT/PATH.
  std::string host;
  std::string port;
  std::string path;
  std::string host_key;

  std::size_t phones = 0;
  int polls = 1;
  bool json = false;

  // How each wave of votes is sent: as fast as possible (rate 0), at `rate` votes/s in total,
  // or spread evenly over `window_s` seconds (which sets the rate from the number of votes).
  double rate = 0;
  double window_s = 0;
  // Duplicate storm: every phone sends its vote 1 + resends times, alternating over
  // `conns_per_phone` connections that share one device token.
  int resends = 0;
  int conns_per_phone = 1;

  int threads = 2;
  double connect_rate = 4000;  // new connections started per second, at most
  int connect_inflight = 512;  // connections being set up at once, at most
  int connect_attempts = 5;
  // Source addresses 127.0.0.1 .. 127.0.0.N, round-robin; 0: let the kernel choose;
  // -1: automatic (spread when the target is a loopback address).
  int sources = -1;

  std::string round;   // empty: the round on stage, else the first round
  int duration_s = 0;  // the polls' duration_s (0: until the bench closes them)
  double wave_timeout_s = 60;
  // Screens that upgrade, say hello as displays and never read, opened before the first poll:
  // the waves then run with the server carrying them (until its idle timeout drops them).
  std::size_t slow_readers = 0;
  int server_pid = 0;   // > 0: report the server's resident memory growth per phone
  double settle_s = 1;  // pause after connecting, before reading the server's memory
};

// Parses argv; throws std::invalid_argument with a one-line reason on bad flags.
Options parse_options(const std::vector<std::string>& args);

const char* usage() noexcept;

}  // namespace stagevote::bench
