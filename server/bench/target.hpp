#pragma once
// Where the server is: a resolved endpoint plus what the WebSocket handshake needs.
#include <string>

#include <boost/asio/ip/tcp.hpp>

namespace stagevote::bench {

struct Target {
  boost::asio::ip::tcp::endpoint endpoint;
  std::string host_header;  // "host:port"
  std::string path;         // "/ws"
};

}  // namespace stagevote::bench
