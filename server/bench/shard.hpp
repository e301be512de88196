#pragma once
// A shard: one thread, one io_context and the phones that live on it. The main thread drives
// it by posting (connect_all, start_wave, end_wave, take_wave, close_all); the shard calls
// back when a step is done. Every phone is a few callbacks on this thread: no thread per
// phone, no locks on the hot path.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "latency.hpp"
#include "options.hpp"
#include "phone.hpp"

namespace stagevote::bench {

// One poll's wave of votes, as the main thread asks for it.
struct WavePlan {
  std::string poll;
  std::vector<std::string> entries;
  std::size_t poll_number = 0;  // rotates each phone's choice from poll to poll
  double rate = 0;              // votes per second from this shard; 0: as fast as possible
  int copies = 1;               // times each phone sends its vote (1 + resends)
};

// What a wave did on one shard.
struct WaveResult {
  std::uint64_t sent = 0;
  std::uint64_t acked = 0;       // acks received (counted or not)
  std::uint64_t counted = 0;     // acks with counted:true
  std::uint64_t duplicates = 0;  // acks with counted:false
  std::uint64_t errors = 0;      // error replies, dropped connections, no reply
  std::uint64_t late_replies = 0;
  std::map<std::string, std::uint64_t> error_codes;
  std::map<std::string, long> counted_by_choice;
  std::optional<Clock::time_point> first_send;
  std::optional<Clock::time_point> last_reply;
  std::vector<float> ack_ms;
  WaveTimes times;
};

// How long the phones took to see a new poll in a state snapshot.
struct FanoutResult {
  std::vector<float> delays_ms;  // per phone, from `since`
  std::uint64_t missing = 0;     // connected phones that had not seen it when asked to stop
};

struct ConnectResult {
  std::uint64_t connected = 0;  // phones with every one of their connections welcomed
  std::uint64_t failed = 0;
  std::uint64_t retries = 0;
};

class Shard final : public PhoneEvents {
 public:
  Shard(const Target& target, const Options& options);
  ~Shard() override;
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  // Before start(): adds a phone (global number) connecting from `source` (if set).
  void add_phone(std::uint32_t number, std::optional<boost::asio::ip::address_v4> source);
  std::size_t phone_count() const noexcept { return phones_.size(); }

  void start();  // runs the io_context on the shard's own thread
  void stop();   // stops the thread and joins it

  // Each of these runs on the shard's thread; `done` is called from there.
  void connect_all(double rate, std::function<void(ConnectResult)> done);
  // Calls `done` once every connected phone has received a state naming `poll` as open
  // (phones vote only once they know the poll, as real phones do); stop_watching() gives up.
  void watch_poll(std::string poll, Clock::time_point since,
                  std::function<void(FanoutResult)> done);
  void stop_watching();
  void start_wave(WavePlan plan, std::function<void()> done);
  void end_wave();  // gives up on replies still missing and completes the wave
  void take_wave(std::function<void(WaveResult)> done);
  void close_all(std::function<void(std::uint64_t lost_before_close)> done);

  // PhoneEvents
  void on_open(std::uint32_t phone, std::uint8_t slot, bool ok) override;
  void on_message(std::uint32_t phone, std::uint8_t slot, const TopLevel& message) override;
  void on_lost(std::uint32_t phone, std::uint8_t slot) override;

 private:
  struct Pending {
    std::uint32_t seq;
    std::uint8_t slot;
    Clock::time_point sent_at;
  };
  struct Phone {
    std::uint32_t number = 0;
    std::optional<boost::asio::ip::address_v4> source;
    std::uint8_t attempts = 0;
    bool connected = false;
    bool resolved = false;  // connected or given up
    std::string poll_seen;  // the open poll of the last state snapshot received
    Clock::time_point poll_seen_at;
    // The current wave.
    bool sent = false;
    bool may_count = false;  // got an ack, or a send went unanswered: may be in the tally
    Clock::time_point first_send;
    std::uint32_t next_seq = 1;
    std::vector<Pending> pending;
  };
  struct Retry {
    Clock::time_point due;
    std::uint32_t phone;
    std::uint8_t slot;
  };

  PhoneSocket& socket(std::uint32_t local, std::uint8_t slot) {
    return *sockets_[local * conns_per_phone_ + slot];
  }

  void connect_tick();
  void open_socket(std::uint32_t local, std::uint8_t slot);
  void resolve_phone(std::uint32_t local, bool ok);

  void finish_watch_if_done();
  void complete_watch();
  void send_tick();
  void send_one(std::uint32_t local, int copy);
  void reply_received(Phone& phone, const TopLevel& message);
  void error_reply(Phone& phone, std::string_view code);
  void finish_wave_if_done();

  const Target& target_;
  const Options& options_;
  std::uint8_t conns_per_phone_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
  boost::asio::steady_timer connect_timer_;
  boost::asio::steady_timer send_timer_;
  std::vector<Phone> phones_;
  std::vector<std::unique_ptr<PhoneSocket>> sockets_;

  // Connecting.
  std::function<void(ConnectResult)> connect_done_;
  ConnectResult connect_result_;
  Clock::time_point connect_started_;
  double connect_rate_ = 0;
  std::size_t next_to_connect_ = 0;
  std::size_t unresolved_ = 0;
  int opening_ = 0;
  std::deque<Retry> retries_;

  // Watching a poll's state reach the phones.
  std::string watched_poll_;
  Clock::time_point watch_since_;
  std::function<void(FanoutResult)> watch_done_;
  std::size_t watch_pending_ = 0;  // connected phones that have not yet seen it

  // The wave.
  WavePlan plan_;
  std::function<void()> wave_done_;
  WaveResult wave_;
  bool wave_running_ = false;
  Clock::time_point wave_started_;
  std::size_t cursor_ = 0;  // next send: copy = cursor_ / phones, phone = cursor_ % phones
  std::size_t total_sends_ = 0;
  std::uint64_t outstanding_ = 0;
  std::string vote_prefix_;             // {"type":"vote","poll":"p3","id":"v
  std::vector<long> counted_by_entry_;  // parallel to plan_.entries
  std::uint64_t late_replies_ = 0;      // replies to sends of an abandoned wave

  // Closing.
  std::function<void(std::uint64_t)> close_done_;
  bool closing_all_ = false;
  std::uint64_t closing_ = 0;
  std::uint64_t lost_ = 0;  // connections that broke before close_all
};

}  // namespace stagevote::bench
