#include "net/websocket_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <cstring>
#include <iostream>

#include "net/http_headers.hpp"
#include "net/server_context.hpp"
#include "protocol/replies.hpp"

namespace stagevote::net {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using protocol::Role;

namespace {

// Beast itself drops frames far over the limit at the frame header; up to this much it lets
// us read them so that the client first hears why it is being closed.
constexpr std::size_t kHardLimitFactor = 16;
// Read in small pieces: an idle phone's buffer stays small.
constexpr std::size_t kReadChunk = 2048;

}  // namespace

websocket_session::websocket_session(flex_stream&& stream, std::shared_ptr<ServerContext> context,
                                     connection_slot slot, std::string address)
    : ws_(std::move(stream)),
      context_(std::move(context)),
      slot_(std::move(slot)),
      hello_timer_(ws_.get_executor()),
      limits_(context_->options.limits),
      address_(std::move(address)),
      bucket_(limits_.for_role(std::nullopt), context_->service.engine().clock().now()) {
  context_->fanout->add(*this);
}

websocket_session::~websocket_session() {
  context_->fanout->remove(*this);
  if (identity_) context_->service.leave(*identity_);
}

void websocket_session::fail(beast::error_code ec, const char* what) {
  open_ = false;
  // Expected ends of a connection: not worth a line in the log.
  if (ec == asio::error::operation_aborted || ec == websocket::error::closed ||
      ec == beast::error::timeout || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
      ec == asio::error::not_connected || ec == asio::ssl::error::stream_truncated) {
    return;
  }
  std::cerr << "websocket " << what << ": " << ec.message() << "\n";
}

void websocket_session::run(beast::http::request<beast::http::string_body> request) {
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.idle_timeout = limits_.idle_timeout;
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { set_common_headers(response); }));
  // Writes go out as one frame from our shared buffer; the stream's own write buffer is only
  // for fragmenting, which we do not do, so keep it small: thousands of phones are idle.
  ws_.auto_fragment(false);
  ws_.write_buffer_bytes(256);
  ws_.read_message_max(limits_.before_hello.max_message * kHardLimitFactor);
  ws_.async_accept(request,
                   beast::bind_front_handler(&websocket_session::on_accept, shared_from_this()));
}

void websocket_session::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "accept");
  open_ = true;
  hello_timer_.expires_after(limits_.hello_deadline);
  hello_timer_.async_wait(
      beast::bind_front_handler(&websocket_session::on_hello_deadline, shared_from_this()));
  do_read();
}

void websocket_session::on_hello_deadline(beast::error_code ec) {
  if (ec || identity_) return;  // cancelled: hello arrived
  on_send(protocol::error(std::nullopt, core::ErrorCode::bad_request, "no hello in time"));
  start_close(websocket::close_code::policy_error);
}

void websocket_session::do_read() {
  const std::size_t limit = role_limits().max_message;
  const std::size_t room = limit + 1 > buffer_.size() ? limit + 1 - buffer_.size() : 1;
  ws_.async_read_some(buffer_, std::min(room, kReadChunk),
                      beast::bind_front_handler(&websocket_session::on_read, shared_from_this()));
}

void websocket_session::on_read(beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "read");
  if (closing_) return;
  if (buffer_.size() > role_limits().max_message) {
    on_send(protocol::error(
        std::nullopt, core::ErrorCode::too_large,
        "messages may be at most " + std::to_string(role_limits().max_message) + " bytes"));
    return start_close(websocket::close_code::too_big);
  }
  if (!ws_.is_message_done()) return do_read();

  if (!ws_.got_text()) {
    on_send(
        protocol::error(std::nullopt, core::ErrorCode::bad_request, "send text frames of JSON"));
  } else {
    const auto data = buffer_.cdata();
    handle_message(std::string_view(static_cast<const char*>(data.data()), data.size()));
  }
  buffer_.clear();
  // Give the memory back: most connections are idle phones that sent one small message.
  if (buffer_.capacity() > 0) buffer_.shrink_to_fit();
  if (!closing_) do_read();
}

engine::ReplyFn websocket_session::replier() {
  return [self = shared_from_this()](protocol::Message message) { self->send(std::move(message)); };
}

void websocket_session::handle_message(std::string_view text) {
  if (!bucket_.try_take(context_->service.engine().clock().now())) {
    return on_send(protocol::error(protocol::salvage_request_id(text),
                                   core::ErrorCode::rate_limited, "too many messages; slow down"));
  }
  auto parsed = protocol::parse_client_message(text);
  if (!parsed) return on_send(protocol::error(protocol::salvage_request_id(text), parsed.error()));
  auto& request = parsed.value();
  if (auto* ping = std::get_if<protocol::PingRequest>(&request)) {
    return on_send(protocol::pong(ping->id, context_->service.engine().clock().now()));
  }
  if (!identity_) {
    if (auto* hello = std::get_if<protocol::HelloRequest>(&request)) return handle_hello(*hello);
    return on_send(protocol::error(protocol::request_id(request), core::ErrorCode::bad_request,
                                   "say hello first"));
  }
  if (identity_->role == Role::judge) context_->fanout->judge_seen(identity_->actor);
  context_->service.handle(*identity_, std::move(request), replier());
}

void websocket_session::handle_hello(const protocol::HelloRequest& hello) {
  if (hello.role == Role::audience && context_->connections.reserve_only()) {
    // The last connections are kept for the people who run the show.
    on_send(protocol::error(hello.id, core::ErrorCode::too_many,
                            "the hall is full; try again in a minute"));
    return start_close(websocket::close_code::try_again_later);
  }
  auto admitted = context_->service.hello(hello, address_);
  on_send(std::move(admitted.reply));
  if (!admitted.identity) return start_close(websocket::close_code::policy_error);
  identity_ = std::move(admitted.identity);
  hello_timer_.cancel();
  bucket_.reset(role_limits());
  ws_.read_message_max(role_limits().max_message * kHardLimitFactor);

  // A judge's token may have been revoked since hello() checked it: asked again as it joins.
  std::function<bool()> still_admitted;
  if (identity_->role == Role::judge) {
    still_admitted = [this, &hello] {
      const auto judge =
          engine::Credentials::judge_for_token(*context_->service.engine().contest(), hello.token);
      return judge && judge->id == identity_->actor;
    };
  }
  auto joined = context_->fanout->join(*this, identity_->role, still_admitted);
  if (joined.refused) {
    on_send(protocol::error(std::nullopt, core::ErrorCode::revoked,
                            "the host revoked this judge card and issued a new one: use the "
                            "new card"));
    return start_close({websocket::close_code::policy_error, "revoked"});
  }
  on_send_state(std::move(joined.state), joined.version);
  if (joined.tally) on_send(std::move(joined.tally));
  if (joined.presence) on_send(std::move(joined.presence));
}

void websocket_session::end(core::ErrorCode code, std::string message) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), code, message = std::move(message)] {
    self->on_send(protocol::error(std::nullopt, code, message));
    self->start_close({websocket::close_code::policy_error, core::to_string(code)});
  });
}

void websocket_session::send(protocol::Message message) {
  asio::post(ws_.get_executor(), beast::bind_front_handler(&websocket_session::on_send,
                                                           shared_from_this(), std::move(message)));
}

void websocket_session::close(websocket::close_reason reason) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), reason = std::move(reason)] {
    self->start_close(reason);
  });
}

void websocket_session::welcome_again(protocol::Message state, std::uint64_t version) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), state = std::move(state), version] {
    if (!self->identity_) return;
    const auto& who = *self->identity_;
    self->on_send(self->context_->service.publisher().welcome(who.role, std::nullopt, who.device,
                                                              who.actor, std::nullopt));
    self->on_send_state(state, version);
  });
}

void websocket_session::on_send_state(protocol::Message message, std::uint64_t version) {
  if (version <= state_version_) return;  // this version or a newer one is already queued
  state_version_ = version;
  on_send(std::move(message));
}

void websocket_session::on_send(protocol::Message message) {
  if (!open_ || closing_ || !message) return;
  queued_bytes_ += message->size();
  if (queued_bytes_ > limits_.max_queued_bytes) {
    // The client reads slower than the show talks: drop it rather than buffer without end.
    // It reconnects and resyncs from a fresh state.
    open_ = false;
    queue_.clear();
    queued_bytes_ = 0;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    return;
  }
  queue_.push_back(std::move(message));
  if (queue_.size() > 1) return;  // Are we already writing?
  do_write();
}

void websocket_session::do_write() {
  ws_.text(true);
  ws_.async_write(asio::buffer(*queue_.front()),
                  beast::bind_front_handler(&websocket_session::on_write, shared_from_this()));
}

void websocket_session::on_write(beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "write");
  if (!open_ || queue_.empty()) return;  // dropped as too slow while this write was on its way
  queued_bytes_ -= queue_.front()->size();
  queue_.pop_front();
  if (!queue_.empty()) return do_write();
  if (closing_) {
    ws_.async_close(close_reason_,
                    beast::bind_front_handler(&websocket_session::on_close, shared_from_this()));
  }
}

void websocket_session::start_close(websocket::close_reason reason) {
  if (!open_ || closing_) return;
  closing_ = true;
  close_reason_ = std::move(reason);
  hello_timer_.cancel();
  if (!queue_.empty()) return;  // on_write closes once the queue is sent
  ws_.async_close(close_reason_,
                  beast::bind_front_handler(&websocket_session::on_close, shared_from_this()));
}

void websocket_session::on_close(beast::error_code ec) {
  if (ec) return fail(ec, "close");
  open_ = false;
}

}  // namespace stagevote::net
