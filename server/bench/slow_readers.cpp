#include "slow_readers.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace stagevote::bench {
namespace {

constexpr auto kStepTimeout = std::chrono::seconds(10);  // per connect, write and read
// A small window: the server's writes to a laggard stall early, as to a frozen tab.
constexpr int kReceiveBuffer = 4096;

bool send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // SO_SNDTIMEO ran out, or the connection is gone
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads the upgrade response's head; true if it is 101. Nothing follows it until the hello.
bool read_switching(int fd) {
  const auto deadline = std::chrono::steady_clock::now() + kStepTimeout;
  std::string head;
  while (head.find("\r\n\r\n") == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || head.size() > 8192) return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    char chunk[1024];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    head.append(chunk, static_cast<std::size_t>(n));
  }
  return head.rfind("HTTP/1.1 101", 0) == 0;
}

// One masked text frame, as RFC 6455 requires of a client.
std::string text_frame(const std::string& text, std::mt19937& random) {
  std::string frame;
  frame.push_back(static_cast<char>(0x81));
  if (text.size() < 126) {
    frame.push_back(static_cast<char>(0x80 | text.size()));
  } else {  // a hello is far below 64 KiB
    frame.push_back(static_cast<char>(0x80 | 126));
    frame.push_back(static_cast<char>((text.size() >> 8) & 0xff));
    frame.push_back(static_cast<char>(text.size() & 0xff));
  }
  char key[4];
  for (auto& k : key) k = static_cast<char>(random());
  frame.append(key, 4);
  for (std::size_t i = 0; i < text.size(); ++i) frame.push_back(text[i] ^ key[i % 4]);
  return frame;
}

}  // namespace

SlowReaders::SlowReaders(const Target& target, std::size_t count, const std::string& hello) {
  std::mt19937 random{std::random_device{}()};
  const std::string upgrade = "GET " + target.path + " HTTP/1.1\r\nHost: " + target.host_header +
                              "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                              "Sec-WebSocket-Version: 13\r\n\r\n";
  const auto address = target.endpoint.data();
  const auto address_size = static_cast<socklen_t>(target.endpoint.size());
  fds_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const int fd = ::socket(address->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      ++failed_;
      continue;
    }
    // Before connect, so that the window offered to the server is small from the start.
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kReceiveBuffer, sizeof kReceiveBuffer);
    // Bounds connect and send; read_switching polls with its own deadline.
    const timeval timeout{std::chrono::seconds(kStepTimeout).count(), 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    // Waits for the 101 before the hello: bytes sent behind the upgrade request are not read
    // as frames (RFC 6455 §4.1), and a laggard that never joined would test nothing.
    const bool ok = ::connect(fd, address, address_size) == 0 && send_all(fd, upgrade) &&
                    read_switching(fd) && send_all(fd, text_frame(hello, random));
    if (!ok) {
      ::close(fd);
      ++failed_;
      continue;
    }
    fds_.push_back(fd);
  }
}

SlowReaders::~SlowReaders() {
  for (const int fd : fds_) ::close(fd);
}

std::size_t SlowReaders::count_closed(std::chrono::milliseconds wait) {
  // Whatever the server sent before closing must be read before its FIN can arrive: our
  // window is shut. So read everything, until each socket ends or the wait is over.
  std::vector<pollfd> open;
  for (const int fd : fds_) open.push_back({fd, POLLIN, 0});
  std::size_t closed = 0;
  char chunk[16384];
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (!open.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    const int ready = ::poll(open.data(), open.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    for (auto& p : open) {
      if (p.revents == 0) continue;
      const ssize_t n = ::recv(p.fd, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        ++closed;  // end of stream or reset: the server let it go
        p.fd = -1;
      }
    }
    std::erase_if(open, [](const pollfd& p) { return p.fd < 0; });
  }
  return closed;
}

}  // namespace stagevote::bench
