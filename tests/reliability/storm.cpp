#include "storm.hpp"

#include <chrono>
#include <cmath>

#include "support/ws_client.hpp"

namespace stagevote::reliability {

using namespace std::chrono_literals;

double score_total(int revision) {
  return revision / 100.0 + 50;
}

nlohmann::json score_marks(int revision) {
  return {{"theme", revision / 100.0}, {"innovation", 20}, {"art", 20}, {"live", 10}};
}

std::size_t Records::acked_votes() const {
  std::size_t n = 0;
  for (const auto& vote : votes) n += vote.acked;
  return n;
}

std::size_t Records::acked_scores() const {
  std::size_t n = 0;
  for (const auto& [key, track] : scores) n += track.last_acked > 0;
  return n;
}

Storm::Storm(unsigned short port, const ContestInfo& contest, const ShowScript& script,
             std::string host_key, Records& records, unsigned seed)
    : port_(port),
      contest_(contest),
      script_(script),
      host_key_(std::move(host_key)),
      records_(records),
      seed_(seed) {}

Storm::~Storm() {
  stop();
}

void Storm::start(int audience_threads) {
  threads_.emplace_back([this] { run_host(); });
  for (const auto& judge : contest_.judges) {
    threads_.emplace_back([this, &judge] { run_judge(judge); });
  }
  for (int i = 0; i < audience_threads; ++i) {
    threads_.emplace_back([this, i] { run_audience(seed_ * 7919 + static_cast<unsigned>(i)); });
  }
}

void Storm::stop() {
  stop_ = true;
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

namespace {

// Sleeps in slices so that a stop is noticed at once.
void pause(std::chrono::milliseconds total, const std::atomic<bool>& stop) {
  const auto until = std::chrono::steady_clock::now() + total;
  while (!stop && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
}

}  // namespace

void Storm::run_host() {
  std::mt19937 random(seed_);
  try {
    WsClient host(port_);
    const auto welcome = host.hello({{"type", "hello"}, {"role", "host"}, {"key", host_key_}});
    if (welcome.value("type", "") != "welcome") {
      std::lock_guard lock(records_.mutex);
      records_.failures.push_back("host hello refused: " + welcome.dump());
      return;
    }
    const auto state =
        host.next_where([](const json& m) { return m.value("type", "") == "state"; });
    {
      // Resume from what the server shows.
      std::lock_guard stage_lock(stage_mutex_);
      if (state["stage"].is_object()) {
        const auto key = state["stage"]["round"].get<std::string>() + "/" +
                         state["stage"]["entry"].get<std::string>();
        if (!observed_position(state).locked.count(key)) {
          on_stage_.emplace(state["stage"]["round"].get<std::string>(),
                            state["stage"]["entry"].get<std::string>());
        }
      }
      if (state["poll"].is_object()) {
        poll_.emplace(state["poll"]["id"].get<std::string>(),
                      state["poll"]["entries"][0].get<std::string>());
      }
    }
    for (std::size_t s = records_.host_acked; s < script_.size(); ++s) {
      if (stop_) return;
      std::string poll;
      {
        std::lock_guard lock(records_.mutex);
        records_.host_in_flight = s;
        poll = records_.open_poll;
      }
      const std::string id = "h" + std::to_string(s);
      const auto reply = host.request(script_.command(s, id, poll), 10s);
      const auto step = script_.step(s);
      if (reply.value("type", "") != "ack") {
        std::lock_guard lock(records_.mutex);
        records_.failures.push_back("host step " + std::to_string(s) + " refused: " + reply.dump());
        return;
      }
      {
        std::lock_guard lock(records_.mutex);
        std::lock_guard stage_lock(stage_mutex_);
        records_.host_acked = s + 1;
        records_.host_in_flight.reset();
        switch (step.kind) {
          case ShowStep::start_entry:
            on_stage_.emplace(step.round, step.entry);
            break;
          case ShowStep::open_poll:
            records_.open_poll = reply.at("poll").get<std::string>();
            records_.poll_rounds[records_.open_poll] = step.round;
            poll_.emplace(records_.open_poll, step.entry);
            break;
          case ShowStep::close_poll:
            records_.open_poll.clear();
            poll_.reset();
            break;
          case ShowStep::lock_scores:
            on_stage_.reset();
            break;
        }
      }
      pause(std::chrono::milliseconds(60 + random() % 240), stop_);
    }
    script_done_ = true;
  } catch (const std::exception&) {
    // The server died under us: that is the point.
  }
}

void Storm::run_judge(const ContestInfo::Judge& judge) {
  std::mt19937 random(seed_ + std::hash<std::string>{}(judge.id));
  try {
    WsClient client(port_);
    const auto welcome =
        client.hello({{"type", "hello"}, {"role", "judge"}, {"token", judge.token}});
    if (welcome.value("type", "") != "welcome") {
      std::lock_guard lock(records_.mutex);
      records_.failures.push_back("judge " + judge.id + " hello refused: " + welcome.dump());
      return;
    }
    int request = 0;
    while (!stop_) {
      std::optional<std::pair<std::string, std::string>> stage;
      {
        std::lock_guard lock(stage_mutex_);
        stage = on_stage_;
      }
      if (!stage || contest_.recused(judge, stage->second)) {
        client.next(10ms);  // keep reading while idle
        continue;
      }
      const auto key = std::make_tuple(judge.id, stage->first, stage->second);
      int revision = 0;
      {
        std::lock_guard lock(records_.mutex);
        auto& track = records_.scores[key];
        revision = track.sent.empty() ? 1 : *track.sent.rbegin() + 1;
        track.sent.insert(revision);
      }
      // Unique per storm, as a page's ids are per load: a request id is an idempotency key
      // per actor, and the same judge comes back after every kill.
      const std::string id = "s" + std::to_string(seed_) + "-" + std::to_string(++request);
      const auto reply = client.request({{"type", "score"},
                                         {"id", id},
                                         {"round", stage->first},
                                         {"entry", stage->second},
                                         {"marks", score_marks(revision)}});
      std::lock_guard lock(records_.mutex);
      if (reply.value("type", "") == "ack") {
        auto& track = records_.scores[key];
        track.last_acked = std::max(track.last_acked, revision);
        if (std::abs(reply.value("total", -1.0) - score_total(revision)) > 1e-6) {
          records_.failures.push_back("score ack with a wrong total: " + reply.dump());
        }
      } else {
        const auto code = reply.value("code", "");
        if (code != "locked" && code != "invalid_state") {
          records_.failures.push_back("judge " + judge.id + " score refused: " + reply.dump());
        }
      }
      pause(std::chrono::milliseconds(50 + random() % 40), stop_);
    }
  } catch (const std::exception&) {
  }
}

void Storm::run_audience(unsigned seed) {
  std::mt19937 random(seed);
  std::vector<std::string> devices;  // this phone thread's earlier devices
  std::map<std::string, std::map<std::string, std::string>> ballots;  // device -> poll -> entry
  int request = 0;
  while (!stop_) {
    try {
      WsClient client(port_);
      json hello{{"type", "hello"}, {"role", "audience"}};
      const bool returning = !devices.empty() && random() % 3 == 0;
      if (returning) hello["device"] = devices[random() % devices.size()];
      const auto welcome = client.hello(hello);
      const std::string device = welcome.at("device");
      if (returning && device != hello["device"]) {
        std::lock_guard lock(records_.mutex);
        records_.failures.push_back("a device token of this server was not taken back");
      }
      if (!returning && devices.size() < 64) devices.push_back(device);

      for (int left = 1 + static_cast<int>(random() % 3); left > 0 && !stop_;) {
        std::optional<std::pair<std::string, std::string>> poll;
        {
          std::lock_guard lock(stage_mutex_);
          poll = poll_;
        }
        // A returning device votes again in a poll it voted in: the ack must say not counted.
        const bool voted = poll && ballots[device].count(poll->first);
        if (!poll || (voted && !returning)) {
          client.next(10ms);
          continue;
        }
        std::size_t index = 0;
        {
          std::lock_guard lock(records_.mutex);
          index = records_.votes.size();
          records_.votes.push_back({device, poll->first, poll->second});
        }
        const std::string id = "v" + std::to_string(seed_) + "-" + std::to_string(++request);
        const auto reply = client.request(
            {{"type", "vote"}, {"id", id}, {"poll", poll->first}, {"choice", poll->second}});
        --left;
        std::lock_guard lock(records_.mutex);
        if (reply.value("type", "") == "ack") {
          auto& record = records_.votes[index];
          record.acked = true;
          record.counted = reply.value("counted", false);
          record.acked_choice = reply.value("choice", "");
          ballots[device][poll->first] = poll->second;
        } else if (reply.value("code", "") != "poll_closed") {
          records_.failures.push_back("vote refused: " + reply.dump());
        }
        if (voted) break;  // one repeat per return visit
      }
      client.close();
    } catch (const std::exception&) {
      pause(30ms, stop_);  // the server is down or restarting
    }
  }
}

}  // namespace stagevote::reliability
