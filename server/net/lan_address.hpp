#pragma once
// The address phones on the venue network can reach this machine at.
#include <string>

namespace stagevote::net {

// `bind` if it names one address; else the first up, non-loopback IPv4 interface address
// (private ranges preferred); else "127.0.0.1".
std::string lan_address(const std::string& bind);

// "http://<lan address>:<port>" ("https://" with `tls`) unless `public_url` is given (then it,
// without a trailing '/').
std::string base_url(const std::string& public_url, const std::string& bind, unsigned short port,
                     bool tls = false);

}  // namespace stagevote::net
