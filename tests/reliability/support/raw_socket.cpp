#include "support/raw_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>

namespace stagevote::reliability {

std::string encode_frame(std::uint8_t opcode, const std::string& payload, bool fin, bool mask) {
  std::string frame;
  frame.push_back(static_cast<char>((fin ? 0x80 : 0x00) | (opcode & 0x0f)));
  const std::uint8_t mask_bit = mask ? 0x80 : 0x00;
  const std::uint64_t size = payload.size();
  if (size < 126) {
    frame.push_back(static_cast<char>(mask_bit | size));
  } else if (size <= 0xffff) {
    frame.push_back(static_cast<char>(mask_bit | 126));
    frame.push_back(static_cast<char>(size >> 8));
    frame.push_back(static_cast<char>(size & 0xff));
  } else {
    frame.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) frame.push_back(static_cast<char>(size >> shift));
  }
  if (!mask) return frame + payload;
  static thread_local std::mt19937 random{std::random_device{}()};
  char key[4];
  for (auto& k : key) k = static_cast<char>(random());
  frame.append(key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) frame.push_back(payload[i] ^ key[i % 4]);
  return frame;
}

RawSocket::RawSocket(unsigned short port, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  if (receive_buffer > 0) {
    // Before connect, so that the window offered to the server is small from the start.
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("connect: " + why);
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawSocket::~RawSocket() {
  if (fd_ >= 0) ::close(fd_);
}

RawSocket::RawSocket(RawSocket&& other) noexcept
    : fd_(other.fd_), pending_(std::move(other.pending_)), eof_(other.eof_),
      close_frame_(std::move(other.close_frame_)) {
  other.fd_ = -1;
}

int RawSocket::upgrade(bool read_response, const std::string& origin) {
  std::string request =
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  if (!origin.empty()) request += "Origin: " + origin + "\r\n";
  request += "\r\n";
  if (!write(request)) return -1;
  if (!read_response) return 0;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (pending_.find("\r\n\r\n") == std::string::npos) {
    if (!fill(pending_.size() + 1, deadline)) return -1;
  }
  const auto head_end = pending_.find("\r\n\r\n") + 4;
  const std::string head = pending_.substr(0, head_end);
  pending_.erase(0, head_end);
  // "HTTP/1.1 101 Switching Protocols"
  return head.size() > 12 ? std::stoi(head.substr(9, 3)) : -1;
}

bool RawSocket::write(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

bool RawSocket::fill(std::size_t count, std::chrono::steady_clock::time_point deadline) {
  while (pending_.size() < count && !eof_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof_ = true;
      break;
    }
    pending_.append(chunk, static_cast<std::size_t>(n));
  }
  return pending_.size() >= count;
}

std::optional<std::string> RawSocket::read_exact(std::size_t count,
                                                 std::chrono::steady_clock::time_point deadline) {
  if (!fill(count, deadline)) return std::nullopt;
  std::string out = pending_.substr(0, count);
  pending_.erase(0, count);
  return out;
}

std::optional<Frame> RawSocket::read_frame(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto head = read_exact(2, deadline);
  if (!head) return std::nullopt;
  Frame frame;
  const auto b0 = static_cast<std::uint8_t>((*head)[0]);
  const auto b1 = static_cast<std::uint8_t>((*head)[1]);
  frame.fin = b0 & 0x80;
  frame.opcode = b0 & 0x0f;
  std::uint64_t size = b1 & 0x7f;
  std::string taken = *head;
  if (size >= 126) {
    const auto extended = read_exact(size == 126 ? 2 : 8, deadline);
    if (!extended) {
      pending_ = taken + pending_;
      return std::nullopt;
    }
    taken += *extended;
    size = 0;
    for (const char c : *extended) size = (size << 8) | static_cast<std::uint8_t>(c);
  }
  if (b1 & 0x80) {  // servers never mask; read past the key if one does
    const auto key = read_exact(4, deadline);
    if (!key) {
      pending_ = taken + pending_;
      return std::nullopt;
    }
    taken += *key;
  }
  auto payload = read_exact(size, deadline);
  if (!payload) {
    pending_ = taken + pending_;
    return std::nullopt;
  }
  frame.payload = std::move(*payload);
  if (frame.opcode == 8) close_frame_ = frame;
  return frame;
}

std::optional<std::string> RawSocket::read_text(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto frame = read_frame(left);
    if (!frame) return std::nullopt;
    if (frame->opcode == 1) return frame->payload;
    if (frame->opcode == 8) return std::nullopt;
  }
}

bool RawSocket::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!eof_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    auto frame = read_frame(left);
    if (!frame && !eof_) return false;
    if (frame && frame->opcode == 8) {
      // Answer the close handshake as a client should, then wait for the server's FIN.
      write(encode_frame(8, frame->payload.substr(0, 2)));
    }
  }
  return true;
}

int RawSocket::close_code() const {
  if (!close_frame_ || close_frame_->payload.size() < 2) return 0;
  return (static_cast<std::uint8_t>(close_frame_->payload[0]) << 8) |
         static_cast<std::uint8_t>(close_frame_->payload[1]);
}

void RawSocket::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

}  // namespace stagevote::reliability
