#pragma once
// The server's TLS context, from the organisers' certificate and key (PEM files).
#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace stagevote::net {

// TLS 1.2 and newer with the certificate chain and its private key. Throws std::runtime_error
// with one line naming the file and what is wrong with it (missing, unreadable, not PEM, key
// not the certificate's).
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const std::string& cert_file,
                                                            const std::string& key_file);

}  // namespace stagevote::net
