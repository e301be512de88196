#pragma once
// What a connection may ask, and who answers: hello admits a connection as a role (the
// audience through the gate); every request after it goes, by what its role may do, to the
// engine (commands, votes, scores) or is answered from the committed show (results). The
// network layer hands typed requests in and gets rendered replies back; it never decides what
// a role may do.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/audience_gate.hpp"
#include "engine/credential_guard.hpp"
#include "engine/credentials.hpp"
#include "engine/engine.hpp"
#include "engine/publisher.hpp"
#include "protocol/requests.hpp"

namespace stagevote::engine {

// A connection that has said hello.
struct Identity {
  protocol::Role role = protocol::Role::audience;
  // The ledger's actor for its requests: the device token or the ticket's voter (audience),
  // the judge's id, "host" or "display".
  std::string actor;
  std::string address;  // where it connects from
  std::string device;   // audience: the device token it keeps
  bool desk = false;    // judge: the chief's desk, beside the judge's phone (not instead of it)
};

struct HelloResult {
  std::optional<Identity> identity;  // set: admitted
  protocol::Message reply;           // the welcome, or the refusal (then close the connection)
};

class Service {
 public:
  // `host_from`: where besides loopback the host may connect from (--host-from).
  Service(Engine& engine, const Credentials& credentials, Publisher& publisher, AudienceGate& gate,
          std::vector<Network> host_from = {});

  HelloResult hello(const protocol::HelloRequest& hello, std::string_view address);
  // A connection admitted by hello() has ended.
  void leave(const Identity& who);

  // Answers one request (not hello, not ping) of an admitted connection: `reply` is called
  // exactly once, now or from the store's writer thread.
  void handle(const Identity& who, protocol::Request&& request, ReplyFn reply);

  Engine& engine() noexcept { return engine_; }
  const Credentials& credentials() const noexcept { return credentials_; }
  Publisher& publisher() noexcept { return publisher_; }
  AudienceGate& gate() noexcept { return gate_; }
  CredentialGuard& guard() noexcept { return guard_; }

 private:
  Engine& engine_;
  const Credentials& credentials_;
  Publisher& publisher_;
  AudienceGate& gate_;
  CredentialGuard guard_;
};

}  // namespace stagevote::engine
