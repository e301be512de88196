#include "net/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace stagevote::net {

namespace ssl = boost::asio::ssl;

namespace {

// Says why a file cannot be read before OpenSSL says something less clear about it.
void require_readable(const std::string& flag, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw std::runtime_error(flag + " " + file + ": cannot read it (" + std::strerror(errno) + ")");
  }
  char first = 0;
  if (!in.get(first)) throw std::runtime_error(flag + " " + file + ": the file is empty");
}

}  // namespace

std::shared_ptr<ssl::context> make_tls_context(const std::string& cert_file,
                                               const std::string& key_file) {
  require_readable("--tls-cert", cert_file);
  require_readable("--tls-key", key_file);
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  context->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    throw std::runtime_error("--tls-cert " + cert_file +
                             ": not a PEM certificate (chain): " + ec.message());
  }
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  const bool mismatch =
      ec && ec.category() == boost::asio::error::get_ssl_category() &&
      ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH;
  if (ec && !mismatch) {
    throw std::runtime_error("--tls-key " + key_file + ": not a PEM private key: " + ec.message());
  }
  // OpenSSL says "key values mismatch" when it loads the key; asked once more to be sure.
  if (mismatch || SSL_CTX_check_private_key(context->native_handle()) != 1) {
    ERR_clear_error();
    throw std::runtime_error("--tls-key " + key_file + ": not the key of the certificate in " +
                             cert_file);
  }
  return context;
}

}  // namespace stagevote::net
