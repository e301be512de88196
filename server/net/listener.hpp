#pragma once
// Accepts TCP connections and starts an http_session for each on the pool's next context
// (each context has one thread: a connection's handlers never run concurrently).
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <memory>

#include "net/io_context_pool.hpp"
#include "net/throttled_count.hpp"

namespace stagevote::net {

struct ServerContext;

class listener : public std::enable_shared_from_this<listener> {
 public:
  // Opens, binds and listens; throws std::runtime_error with a one-line reason on failure.
  listener(io_context_pool& pool, const boost::asio::ip::tcp::endpoint& endpoint,
           std::shared_ptr<ServerContext> context);

  void run();
  // Thread-safe: stop accepting (the shutdown's first step).
  void stop();
  // The port actually bound (useful with port 0).
  unsigned short port() const { return port_; }

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, connection_socket socket);

  io_context_pool& pool_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::shared_ptr<ServerContext> context_;
  unsigned short port_ = 0;
  bool stopped_ = false;
  throttled_count accept_errors_;  // EMFILE and the like, logged once a second at most
  throttled_count over_cap_;       // connections closed at the connection cap
};

}  // namespace stagevote::net
