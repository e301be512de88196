#pragma once
// Accepts TCP connections and starts an http_session for each, on a strand of its own.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <memory>

namespace stagevote::net {

struct ServerContext;

class listener : public std::enable_shared_from_this<listener> {
 public:
  // Opens, binds and listens; throws std::runtime_error with a one-line reason on failure.
  listener(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint,
           std::shared_ptr<ServerContext> context);

  void run();
  // Thread-safe: stop accepting (the shutdown's first step).
  void stop();
  // The port actually bound (useful with port 0).
  unsigned short port() const { return port_; }

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::shared_ptr<ServerContext> context_;
  unsigned short port_ = 0;
  bool stopped_ = false;
};

}  // namespace stagevote::net
