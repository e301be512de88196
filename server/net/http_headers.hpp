#pragma once
// The headers of every response, and those of a page (docs/protocol.md, "Security headers").
#include <boost/beast/http/field.hpp>
#include <string>
#include <string_view>

namespace stagevote::net {

// Every response: never sniffed into another type (a JSON or text reply is never run as a
// script or a page), and no Referer that would carry a URL with a ticket or token elsewhere.
template <class Message>
void set_common_headers(Message& response) {
  response.set(boost::beast::http::field::server, "stagevote");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
}

// What a page may load: scripts, styles and connections (ws:/wss: to this origin included)
// from this server only, no inline script or style (an injected one does not run), images
// also as data:/blob: (favicon, QR codes).
inline constexpr std::string_view kPagePolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

// A page is never framed (clickjacking of the host console, of a judge's sheet) unless it is
// `embeddable`: the display's overlay (`/display?overlay=1`), meant for a vision mixer.
template <class Message>
void set_page_headers(Message& response, bool embeddable) {
  if (embeddable) {
    response.set("Content-Security-Policy", kPagePolicy);
    return;
  }
  std::string policy(kPagePolicy);
  policy += "; frame-ancestors 'none'";
  response.set("Content-Security-Policy", policy);
  response.set(boost::beast::http::field::x_frame_options, "DENY");
}

}  // namespace stagevote::net
