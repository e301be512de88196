// HTTPS and WSS on a real server with a certificate the test makes (OpenSSL's API, nothing
// else needed): pages and the API over HTTPS, a host and a phone over WSS voting end to end,
// plain HTTP redirected to https://, the join URL in https://, and the certificate problems
// that must stop `serve` with one clear line.
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "net/tls.hpp"
#include "test_server.hpp"

using namespace stagevote;
using namespace stagevote::test;
namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

struct Certificate {
  fs::path cert;
  fs::path key;
  std::string cert_pem;
};

// A self-signed P-256 certificate for 127.0.0.1, valid from an hour ago for a day.
Certificate make_certificate(const fs::path& dir, const std::string& name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  REQUIRE(key);
  X509* x509 = X509_new();
  X509_set_version(x509, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x509), 1);
  X509_gmtime_adj(X509_getm_notBefore(x509), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x509), 24 * 3600);
  X509_set_pubkey(x509, key);
  X509_NAME* subject = X509_get_subject_name(x509);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(x509, subject);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, x509, x509, nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "IP:127.0.0.1");
  REQUIRE(san);
  X509_add_ext(x509, san, -1);
  X509_EXTENSION_free(san);
  REQUIRE(X509_sign(x509, key, EVP_sha256()) > 0);

  Certificate out{dir / (name + ".crt"), dir / (name + ".key"), {}};
  FILE* cert_file = std::fopen(out.cert.c_str(), "wb");
  REQUIRE(cert_file);
  PEM_write_X509(cert_file, x509);
  std::fclose(cert_file);
  FILE* key_file = std::fopen(out.key.c_str(), "wb");
  REQUIRE(key_file);
  PEM_write_PrivateKey(key_file, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(key_file);
  X509_free(x509);
  EVP_PKEY_free(key);
  std::ifstream in(out.cert);
  std::stringstream text;
  text << in.rdbuf();
  out.cert_pem = text.str();
  return out;
}

// A client context that trusts exactly the test's certificate.
std::unique_ptr<ssl::context> client_context(const Certificate& certificate) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  context->add_certificate_authority(asio::buffer(certificate.cert_pem));
  context->set_verify_mode(ssl::verify_peer);
  return context;
}

// Runs one asynchronous step on `io` to its end; throws if it failed or took over 10 s.
template <class Start>
void run_step(asio::io_context& io, Start start) {
  bool done = false;
  beast::error_code result;
  start([&](beast::error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  io.restart();
  io.run_for(10s);
  if (!done) throw std::runtime_error("timed out");
  if (result) throw beast::system_error(result);
}

HttpResult https_get(unsigned short port, ssl::context& context, const std::string& target) {
  asio::io_context io;
  beast::ssl_stream<beast::tcp_stream> stream(io, context);
  beast::get_lowest_layer(stream).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  run_step(io, [&](auto done) { stream.async_handshake(ssl::stream_base::client, done); });
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  run_step(io, [&](auto done) { http::async_write(stream, request, done); });
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  run_step(io, [&](auto done) { http::async_read(stream, buffer, response, done); });
  HttpResult out;
  out.status = response.result_int();
  out.body = response.body();
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  return out;
}

// A WebSocket client over TLS, one step at a time on its own io_context.
class WssClient {
 public:
  WssClient(unsigned short port, ssl::context& context) : ws_(io_, context) {
    beast::get_lowest_layer(ws_).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    run_step(io_,
             [&](auto done) { ws_.next_layer().async_handshake(ssl::stream_base::client, done); });
    run_step(io_, [&](auto done) {
      ws_.async_handshake("127.0.0.1:" + std::to_string(port), "/ws", done);
    });
  }

  void send(const json& message) {
    const std::string text = message.dump();
    ws_.text(true);
    run_step(io_, [&](auto done) { ws_.async_write(asio::buffer(text), done); });
  }
  json receive() {
    beast::flat_buffer buffer;
    run_step(io_, [&](auto done) { ws_.async_read(buffer, done); });
    return json::parse(beast::buffers_to_string(buffer.data()));
  }
  json receive_type(const std::string& type) {
    for (int i = 0; i < 50; ++i) {
      json message = receive();
      if (message.at("type") == type) return message;
    }
    throw std::runtime_error("no " + type);
  }
  // The reply (ack or error) to a request with this id, skipping broadcasts.
  json request(json message) {
    send(message);
    for (int i = 0; i < 50; ++i) {
      json reply = receive();
      if (reply.value("id", "") == message.at("id")) return reply;
    }
    throw std::runtime_error("no reply to " + message.dump());
  }

 private:
  asio::io_context io_;  // first: its handlers go after the stream
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws_;
};

}  // namespace

TEST_CASE("With a certificate the server speaks HTTPS and WSS on its port", "[net][tls]") {
  TempDir dir;
  const Certificate certificate = make_certificate(dir.path(), "venue");
  net::ServeOptions options;
  options.tls = net::make_tls_context(certificate.cert.string(), certificate.key.string());
  TestServer server(options);
  const auto client = client_context(certificate);

  SECTION("pages and the API over HTTPS; the join URL is https://") {
    const auto health = https_get(server.port(), *client, "/healthz");
    CHECK(health.status == 200);
    CHECK(health.body == "ok");
    const auto page = https_get(server.port(), *client, "/display");
    CHECK(page.status == 200);
    CHECK(page.headers.at("content-security-policy").find("default-src 'self'") !=
          std::string::npos);
    const json info = json::parse(https_get(server.port(), *client, "/api/info").body);
    CHECK(info.at("join_url").get<std::string>().rfind("https://", 0) == 0);
    CHECK(server.server().base_url().rfind("https://", 0) == 0);
  }

  SECTION("plain HTTP on the same port is sent to https://") {
    const auto response = http_get(server.port(), "/vote?x=1",
                                   {{"Host", "venue.local:" + std::to_string(server.port())}});
    CHECK(response.status == 308);
    CHECK(response.headers.at("location") ==
          "https://venue.local:" + std::to_string(server.port()) + "/vote?x=1");
    ClientIo io;
    CHECK_THROWS(WsClient(io, server.port()));
  }

  SECTION("a host opens a poll and a phone votes, both over WSS") {
    WssClient host(server.port(), *client);
    host.send({{"type", "hello"}, {"role", "host"}, {"key", kHostKey}});
    CHECK(host.receive_type("welcome").at("role") == "host");
    const auto& round = server.contest().rounds.front();
    const std::string entry = round.entries.front();
    CHECK(host.request({{"type", "cmd"},
                        {"id", "c1"},
                        {"action", "start_entry"},
                        {"round", round.id},
                        {"entry", entry}})
              .at("type") == "ack");
    const json opened = host.request({{"type", "cmd"},
                                      {"id", "c2"},
                                      {"action", "open_poll"},
                                      {"round", round.id},
                                      {"entries", {entry}}});
    REQUIRE(opened.at("type") == "ack");
    const std::string poll = opened.at("poll");

    WssClient phone(server.port(), *client);
    phone.send({{"type", "hello"}, {"role", "audience"}});
    CHECK(phone.receive_type("welcome").at("role") == "audience");
    const json ack =
        phone.request({{"type", "vote"}, {"id", "v1"}, {"poll", poll}, {"choice", entry}});
    CHECK(ack.at("type") == "ack");
    CHECK(ack.at("counted") == true);
  }

  SECTION("a client that never finishes its handshake is not kept") {
    net::ServeOptions quick = options;
    quick.limits.tls_handshake_timeout = 200ms;
    TestServer impatient(quick);
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), impatient.port()));
    const char start[] = {0x16, 0x03, 0x01};  // a TLS record begins, and nothing more comes
    asio::write(socket, asio::buffer(start));
    char byte = 0;
    beast::error_code ec;
    socket.read_some(asio::buffer(&byte, 1), ec);  // returns when the server closes it
    CHECK(ec);
  }
}

TEST_CASE("A certificate or key that cannot be used is refused with one clear line", "[net][tls]") {
  TempDir dir;
  const Certificate venue = make_certificate(dir.path(), "venue");
  const Certificate other = make_certificate(dir.path(), "other");
  const auto message = [](const std::string& cert, const std::string& key) -> std::string {
    try {
      net::make_tls_context(cert, key);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "accepted";
  };
  const std::string missing = (dir.path() / "missing.pem").string();
  CHECK(message(missing, venue.key.string()) ==
        "--tls-cert " + missing + ": cannot read it (No such file or directory)");
  CHECK(message(venue.cert.string(), missing) ==
        "--tls-key " + missing + ": cannot read it (No such file or directory)");
  CHECK(message(venue.key.string(), venue.key.string()).rfind("--tls-cert ", 0) == 0);
  CHECK(message(venue.cert.string(), venue.cert.string()).rfind("--tls-key ", 0) == 0);
  CHECK(message(venue.cert.string(), other.key.string()) ==
        "--tls-key " + other.key.string() + ": not the key of the certificate in " +
            venue.cert.string());
  CHECK(message(venue.cert.string(), venue.key.string()) == "accepted");
  for (const auto& text :
       {message(missing, venue.key.string()), message(venue.cert.string(), other.key.string())}) {
    CHECK(text.find('\n') == std::string::npos);
  }
}
