#include "net/lan_address.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

namespace stagevote::net {

namespace {

bool is_private(std::uint32_t host_order) {
  return (host_order >> 24) == 10 || (host_order >> 20) == ((172u << 4) | 1) ||
         (host_order >> 16) == ((192u << 8) | 168);
}

}  // namespace

std::string lan_address(const std::string& bind) {
  if (!bind.empty() && bind != "0.0.0.0" && bind != "::") return bind;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return "127.0.0.1";
  std::string best, any;
  for (ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
    if (!(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK)) continue;
    const auto* in = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
    char text[INET_ADDRSTRLEN] = {};
    if (!inet_ntop(AF_INET, &in->sin_addr, text, sizeof text)) continue;
    if (best.empty() && is_private(ntohl(in->sin_addr.s_addr))) best = text;
    if (any.empty()) any = text;
  }
  freeifaddrs(list);
  if (!best.empty()) return best;
  if (!any.empty()) return any;
  return "127.0.0.1";
}

std::string base_url(const std::string& public_url, const std::string& bind, unsigned short port,
                     bool tls) {
  if (!public_url.empty()) {
    std::string url = public_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
  }
  std::string host = lan_address(bind);
  if (host.find(':') != std::string::npos) host = "[" + host + "]";  // IPv6 literal
  return (tls ? "https://" : "http://") + host + ":" + std::to_string(port);
}

}  // namespace stagevote::net
