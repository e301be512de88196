#pragma once
// One HTTP connection: reads a request (bounded size, timeout), answers it, and hands a
// WebSocket upgrade on /ws over to a websocket_session. With TLS on, the first bytes say
// whether the client speaks TLS (as Beast's advanced_server_flex); one that does not is
// redirected to https://.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>
#include <string>

#include "net/connection_budget.hpp"
#include "net/flex_stream.hpp"

namespace stagevote::net {

struct ServerContext;

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(connection_socket&& socket, std::shared_ptr<ServerContext> context,
               connection_slot slot);

  void run();

 private:
  void start();
  void on_detect(boost::beast::error_code ec, bool tls);
  void on_handshake(boost::beast::error_code ec, std::size_t used);
  void do_read();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  // Console routes: the answer comes later, from another thread.
  void answer_later(boost::beast::http::request<boost::beast::http::string_body>&& request);
  void write(boost::beast::http::message_generator response, bool keep_alive);
  void upgrade(boost::beast::http::request<boost::beast::http::string_body>&& request);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void do_close();
  void fail(boost::beast::error_code ec, const char* what);

  flex_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<ServerContext> context_;
  connection_slot slot_;            // declared after context_: given back before the budget can go
  bool redirect_to_https_ = false;  // TLS is on and this client spoke plain HTTP
  std::string address_;  // the peer's: the host's routes depend on it (net/host_gate.hpp)
  // A fresh parser per request: body and header limits apply to each. Only an upload to
  // POST /api/import with the host key may have a body over 16 KiB (console_api.hpp).
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
};

}  // namespace stagevote::net
