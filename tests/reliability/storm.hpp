#pragma once
// The crash storm: a host stepping through the show, judges revising scores for the entry on
// stage, and audience phones voting in every poll (some coming back with an earlier device),
// all recording what they sent and every ack they got, until the server dies under them.
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "show_script.hpp"
#include "support/contest_info.hpp"

namespace stagevote::reliability {

// One ballot as the phone saw it.
struct VoteRecord {
  std::string device, poll, choice;
  bool acked = false;
  bool counted = false;
  std::string acked_choice;  // the ack's "choice": for counted:false, the device's first ballot
};

// The revisions one judge sent for one entry, by revision number (the marks of revision r
// add up to score_total(r)); a score may be committed without its ack having arrived.
struct ScoreTrack {
  int last_acked = 0;      // 0: none acknowledged
  std::set<int> sent;      // every revision sent
};
double score_total(int revision);
nlohmann::json score_marks(int revision);  // theme r/100, innovation 20, art 20, live 10

// Everything the clients recorded over all cycles of one show (one database).
struct Records {
  std::mutex mutex;
  std::vector<VoteRecord> votes;
  std::map<std::tuple<std::string, std::string, std::string>, ScoreTrack> scores;  // judge, round, entry
  std::map<std::string, std::string> poll_rounds;  // poll id -> round id
  std::size_t host_acked = 0;                      // show steps acknowledged (or seen applied)
  std::optional<std::size_t> host_in_flight;       // a step sent and not yet acknowledged
  std::string open_poll;                           // id of the open poll, "" if none
  std::vector<std::string> failures;               // things that must not happen

  std::size_t acked_votes() const;
  std::size_t acked_scores() const;
};

struct StormCounts {
  std::size_t votes_acked = 0, scores_acked = 0, steps_acked = 0;
};

class Storm {
 public:
  Storm(unsigned short port, const ContestInfo& contest, const ShowScript& script,
        std::string host_key, Records& records, unsigned seed);
  ~Storm();  // stops and joins
  Storm(const Storm&) = delete;
  Storm& operator=(const Storm&) = delete;

  // Starts the clients (one host, every judge, `audience_threads` phones at a time).
  void start(int audience_threads = 6);
  // Tells every client to stop and waits for them (they also stop on their own when the
  // server dies).
  void stop();
  bool script_done() const noexcept { return script_done_; }

 private:
  void run_host();
  void run_judge(const ContestInfo::Judge& judge);
  void run_audience(unsigned seed);

  unsigned short port_;
  const ContestInfo& contest_;
  const ShowScript& script_;
  std::string host_key_;
  Records& records_;
  unsigned seed_;

  // What the host has made of the show, for the other clients to act on.
  std::mutex stage_mutex_;
  std::optional<std::pair<std::string, std::string>> on_stage_;  // round, entry (unlocked)
  std::optional<std::pair<std::string, std::string>> poll_;      // poll id, entry

  std::atomic<bool> stop_{false};
  std::atomic<bool> script_done_{false};
  std::vector<std::thread> threads_;
};

}  // namespace stagevote::reliability
