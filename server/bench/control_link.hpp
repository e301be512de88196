#pragma once
// The bench's own host and display connections. They run on a quiet thread of their own, so
// that the display's clock readings are not delayed behind thousands of phones. The main
// thread uses them through blocking calls.
#include <chrono>
#include <cstdint>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <nlohmann/json.hpp>

#include "latency.hpp"
#include "target.hpp"

namespace stagevote::bench {

class ControlLink {
 public:
  // `hello` is the whole hello message (role, key).
  ControlLink(boost::asio::io_context& io, const Target& target, nlohmann::json hello);
  ControlLink(const ControlLink&) = delete;
  ControlLink& operator=(const ControlLink&) = delete;
  ~ControlLink();

  // Connects and waits for the welcome and the first state snapshot, which it returns.
  // Throws std::runtime_error on failure or timeout.
  nlohmann::json open(std::chrono::milliseconds timeout);

  // Sends `message` with a fresh "id" and waits for its reply (an ack or an error).
  // Throws std::runtime_error when the connection breaks or no reply comes in time.
  nlohmann::json request(nlohmann::json message, std::chrono::milliseconds timeout);

  // Every tally seen for `poll` (display and host only), and the last one in full.
  std::vector<TallySeen> tallies(const std::string& poll) const;
  std::optional<nlohmann::json> last_tally(const std::string& poll) const;

  // Closes the WebSocket, waiting at most `timeout`.
  void close(std::chrono::milliseconds timeout);

 private:
  using WebSocket = boost::beast::websocket::stream<boost::beast::tcp_stream>;

  void read();
  void on_read(boost::beast::error_code ec);
  void send(std::string text);  // on the io thread
  void write_next();
  void broken(const std::string& why);

  boost::asio::io_context& io_;
  const Target& target_;
  std::string hello_;
  WebSocket ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;

  mutable std::mutex mutex_;  // guards what follows: shared with the main thread
  std::promise<nlohmann::json> opened_;
  bool welcomed_ = false;
  bool open_done_ = false;
  std::map<std::string, std::promise<nlohmann::json>> waiting_;
  // Request ids are the server's idempotency keys for this role: a second run against the same
  // server must not reuse the first run's ids, or it is handed the first run's replies.
  std::string id_prefix_;
  std::uint64_t next_id_ = 1;
  std::map<std::string, std::vector<TallySeen>> tallies_;
  std::map<std::string, nlohmann::json> last_tally_;
  std::promise<void> closed_;
  bool close_done_ = false;
};

}  // namespace stagevote::bench
