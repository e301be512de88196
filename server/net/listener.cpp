#include "net/listener.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <iostream>
#include <stdexcept>

#include "net/http_session.hpp"
#include "net/io_context_pool.hpp"
#include "net/server_context.hpp"

namespace stagevote::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

listener::listener(io_context_pool& pool, const tcp::endpoint& endpoint,
                   std::shared_ptr<ServerContext> context)
    : pool_(pool),
      acceptor_(pool.main()),
      retry_timer_(acceptor_.get_executor()),
      context_(std::move(context)) {
  const auto where = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) throw std::runtime_error("cannot open a socket for " + where + ": " + ec.message());
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  acceptor_.bind(endpoint, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  port_ = acceptor_.local_endpoint().port();
}

void listener::run() {
  asio::dispatch(acceptor_.get_executor(),
                 beast::bind_front_handler(&listener::do_accept, shared_from_this()));
}

void listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    self->stopped_ = true;
    beast::error_code ignored;
    self->retry_timer_.cancel();
    self->acceptor_.close(ignored);
  });
}

void listener::do_accept() {
  if (stopped_) return;
  // The connection stays on this context, run by one thread: no strand needed.
  acceptor_.async_accept(pool_.next(),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, connection_socket socket) {
  if (stopped_ || ec == asio::error::operation_aborted) return;
  const auto now = throttled_count::clock::now();
  if (ec) {
    // Typically EMFILE/ENFILE: out of file descriptors. Retrying at once would spin; wait a
    // moment (a connection closing meanwhile frees one) and keep accepting.
    if (const auto times = accept_errors_.add(now)) {
      std::cerr << "accept: " << ec.message() << " (" << times << (times == 1 ? " time" : " times")
                << " since the last report; retrying)\n";
    }
    retry_timer_.expires_after(std::chrono::milliseconds(50));
    retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  if (const auto times = accept_errors_.flush(now)) {
    std::cerr << "accept: failed " << times << " more times before it worked again\n";
  }
  if (!context_->connections.try_open()) {
    // Even the hosts' reserve is in use: closing at once keeps descriptors for the database.
    if (const auto times = over_cap_.add(now)) {
      std::cerr << "connection cap (" << context_->connections.cap() << ") reached: " << times
                << (times == 1 ? " connection" : " connections")
                << " closed since the last report\n";
    }
    beast::error_code ignored;
    socket.close(ignored);
    return do_accept();
  }
  std::make_shared<http_session>(std::move(socket), context_,
                                 connection_slot(context_->connections))
      ->run();
  do_accept();
}

}  // namespace stagevote::net
