#pragma once
// A plain TCP socket that speaks WebSocket by hand, byte by byte: for what a well-behaved
// client library will not send (binary and fragmented frames, bad opcodes, lies about
// length, half-open connections) and for clients that never read.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace stagevote::reliability {

using namespace std::chrono_literals;

struct Frame {
  bool fin = true;
  std::uint8_t opcode = 0;  // 1 text, 2 binary, 0 continuation, 8 close, 9 ping, 10 pong
  std::string payload;
};

// One client frame, masked as RFC 6455 requires of clients (`mask` false breaks that rule).
std::string encode_frame(std::uint8_t opcode, const std::string& payload, bool fin = true,
                         bool mask = true);

class RawSocket {
 public:
  // Connects to 127.0.0.1:port; throws std::runtime_error if it cannot.
  explicit RawSocket(unsigned short port, int receive_buffer = 0);  // 0: the system default
  ~RawSocket();
  RawSocket(RawSocket&& other) noexcept;
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  // Sends the upgrade request for /ws; with `read_response`, reads the response head and
  // returns its status code (101 when accepted), else returns 0 without reading anything.
  int upgrade(bool read_response = true, const std::string& origin = "");

  // Writes all bytes; false if the connection is gone.
  bool write(const std::string& bytes);
  bool send_frame(std::uint8_t opcode, const std::string& payload, bool fin = true) {
    return write(encode_frame(opcode, payload, fin));
  }
  bool send_text(const std::string& text) { return send_frame(1, text); }

  // The next frame from the server, or nullopt on timeout or end of stream.
  std::optional<Frame> read_frame(std::chrono::milliseconds timeout = 5s);
  // The next text frame, skipping pings and state; nullopt on timeout or end.
  std::optional<std::string> read_text(std::chrono::milliseconds timeout = 5s);
  // Waits for the server to end the connection: true once the peer has closed (EOF or reset)
  // within `timeout`; the server's close frame, if any, is kept in `close_frame()`.
  bool wait_closed(std::chrono::milliseconds timeout);
  const std::optional<Frame>& close_frame() const noexcept { return close_frame_; }
  // The close code of the server's close frame (0 if none).
  int close_code() const;

  // Half-closes our side (FIN), leaving the server to notice.
  void shutdown_write();
  int fd() const noexcept { return fd_; }

 private:
  // Reads until at least `count` bytes are pending; false on timeout or end of stream.
  bool fill(std::size_t count, std::chrono::steady_clock::time_point deadline);
  std::optional<std::string> read_exact(std::size_t count,
                                        std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string pending_;  // bytes read but not yet used
  bool eof_ = false;
  std::optional<Frame> close_frame_;
};

}  // namespace stagevote::reliability
