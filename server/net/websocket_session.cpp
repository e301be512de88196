#include "net/websocket_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <cstring>
#include <iostream>

#include "engine/secrets.hpp"
#include "net/server_context.hpp"

namespace stagevote::net {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using engine::Role;

namespace {

// Beast itself drops frames far over the limit at the frame header; up to this much it lets
// us read them so that the client first hears why it is being closed.
constexpr std::size_t kHardLimitFactor = 16;
// Read in small pieces: an idle phone's buffer stays small.
constexpr std::size_t kReadChunk = 2048;

}  // namespace

websocket_session::websocket_session(connection_socket&& socket,
                                     std::shared_ptr<ServerContext> context)
    : ws_(std::move(socket)),
      context_(std::move(context)),
      hello_timer_(ws_.get_executor()),
      bucket_(limits_for(std::nullopt).rate, limits_for(std::nullopt).burst) {
  context_->fanout->add(*this);
}

websocket_session::~websocket_session() {
  context_->fanout->remove(*this);
}

void websocket_session::fail(beast::error_code ec, const char* what) {
  open_ = false;
  // Expected ends of a connection: not worth a line in the log.
  if (ec == asio::error::operation_aborted || ec == websocket::error::closed ||
      ec == beast::error::timeout || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
      ec == asio::error::not_connected) {
    return;
  }
  std::cerr << "websocket " << what << ": " << ec.message() << "\n";
}

void websocket_session::run(beast::http::request<beast::http::string_body> request) {
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.idle_timeout = kIdleTimeout;
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(beast::http::field::server, "stagevote");
  }));
  // Writes go out as one frame from our shared buffer; the stream's own write buffer is only
  // for fragmenting, which we do not do, so keep it small: thousands of phones are idle.
  ws_.auto_fragment(false);
  ws_.write_buffer_bytes(256);
  ws_.read_message_max(limits_for(std::nullopt).max_message * kHardLimitFactor);
  ws_.async_accept(request,
                   beast::bind_front_handler(&websocket_session::on_accept, shared_from_this()));
}

void websocket_session::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "accept");
  open_ = true;
  hello_timer_.expires_after(kHelloDeadline);
  hello_timer_.async_wait(
      beast::bind_front_handler(&websocket_session::on_hello_deadline, shared_from_this()));
  do_read();
}

void websocket_session::on_hello_deadline(beast::error_code ec) {
  if (ec || role_) return;  // cancelled: hello arrived
  on_send(engine::make_message(
      engine::error_text(std::nullopt, "bad_request", "no hello within 10 seconds")));
  start_close(websocket::close_code::policy_error);
}

void websocket_session::do_read() {
  const std::size_t limit = limits_for(role_).max_message;
  const std::size_t room = limit + 1 > buffer_.size() ? limit + 1 - buffer_.size() : 1;
  ws_.async_read_some(buffer_, std::min(room, kReadChunk),
                      beast::bind_front_handler(&websocket_session::on_read, shared_from_this()));
}

void websocket_session::on_read(beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "read");
  if (closing_) return;
  if (buffer_.size() > limits_for(role_).max_message) {
    on_send(engine::make_message(engine::error_text(
        std::nullopt, "too_large",
        "messages may be at most " + std::to_string(limits_for(role_).max_message) + " bytes")));
    return start_close(websocket::close_code::too_big);
  }
  if (!ws_.is_message_done()) return do_read();

  if (!ws_.got_text()) {
    on_send(engine::make_message(
        engine::error_text(std::nullopt, "bad_request", "send text frames of JSON")));
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
  return [self = shared_from_this()](engine::Message message) { self->send(std::move(message)); };
}

void websocket_session::reply_later(engine::Message message) {
  send(std::move(message));
}

void websocket_session::handle_message(std::string_view text) {
  if (!bucket_.try_take()) {
    return reply_later(engine::make_message(engine::error_text(
        salvage_request_id(text), "rate_limited", "too many messages; slow down")));
  }
  auto parsed = parse_client_message(text);
  if (!parsed) {
    return reply_later(
        engine::make_message(engine::error_text(salvage_request_id(text), parsed.error())));
  }
  auto& request = parsed.value();
  auto& engine = context_->engine;

  if (auto* hello = std::get_if<HelloRequest>(&request)) return handle_hello(*hello);
  if (auto* ping = std::get_if<PingRequest>(&request)) {
    return reply_later(engine::make_message(engine::pong_text(ping->id, engine::now_ms())));
  }
  auto refuse = [&](const std::optional<std::string>& id, const char* code, const char* message) {
    reply_later(engine::make_message(engine::error_text(id, code, message)));
  };
  if (!role_) {
    return std::visit([&](const auto& r) { refuse(r.id, "bad_request", "say hello first"); },
                      request);
  }
  if (auto* vote = std::get_if<VoteRequest>(&request)) {
    if (role_ != Role::audience) return refuse(vote->id, "forbidden", "only the audience votes");
    return engine.submit(core::Vote{device_, std::move(vote->poll), std::move(vote->choice)},
                         device_, std::move(vote->id), replier());
  }
  if (auto* score = std::get_if<ScoreRequest>(&request)) {
    if (role_ != Role::judge) return refuse(score->id, "forbidden", "only judges score");
    return engine.submit(core::Score{judge_id_, std::move(score->round), std::move(score->entry),
                                     std::move(score->marks)},
                         judge_id_, std::move(score->id), replier());
  }
  if (auto* results = std::get_if<ResultsRequest>(&request)) {
    if (role_ != Role::host) return refuse(results->id, "forbidden", "only the host may do this");
    return reply_later(engine.results_reply(results->id, results->round));
  }
  if (auto* cmd = std::get_if<CommandRequest>(&request)) {
    if (role_ != Role::host) return refuse(cmd->id, "forbidden", "only the host may do this");
    if (auto* draw = std::get_if<core::DrawOrder>(&cmd->command); draw && cmd->random_seed) {
      const std::string bytes = engine::random_bytes(sizeof draw->seed);
      std::memcpy(&draw->seed, bytes.data(), sizeof draw->seed);
    }
    return engine.submit(std::move(cmd->command), "host", std::move(cmd->id), replier());
  }
}

void websocket_session::handle_hello(HelloRequest& hello) {
  auto& engine = context_->engine;
  if (role_) {
    return reply_later(engine::make_message(
        engine::error_text(hello.id, "bad_request", "this connection already said hello")));
  }
  const core::Judge* judge = nullptr;
  switch (hello.role) {
    case Role::audience:
      device_ = engine.admit_device(hello.device);
      break;
    case Role::judge:
      judge = engine.judge_for_token(hello.token);
      if (!judge) {
        on_send(engine::make_message(
            engine::error_text(hello.id, "unauthorized", "unknown judge token")));
        return start_close(websocket::close_code::policy_error);
      }
      judge_id_ = judge->id;
      break;
    case Role::host:
      if (!engine.is_host_key(hello.key)) {
        on_send(
            engine::make_message(engine::error_text(hello.id, "unauthorized", "wrong host key")));
        return start_close(websocket::close_code::policy_error);
      }
      break;
    case Role::display:
      break;
  }
  role_ = hello.role;
  hello_timer_.cancel();
  const RoleLimits limits = limits_for(role_);
  bucket_.reset(limits.rate, limits.burst);
  ws_.read_message_max(limits.max_message * kHardLimitFactor);

  on_send(engine::make_message(engine.welcome(*role_, hello.id, device_, judge)));
  auto joined = context_->fanout->join(*this, *role_);
  on_send_state(std::move(joined.state), joined.sequence);
  if (joined.tally) on_send(std::move(joined.tally));
}

void websocket_session::send(engine::Message message) {
  asio::post(ws_.get_executor(), beast::bind_front_handler(&websocket_session::on_send,
                                                           shared_from_this(), std::move(message)));
}

void websocket_session::close(websocket::close_code code) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), code] { self->start_close(code); });
}

void websocket_session::welcome_again(engine::Message state, std::uint64_t sequence) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), state = std::move(state), sequence] {
    if (!self->role_) return;
    self->on_send(engine::make_message(
        self->context_->engine.welcome(*self->role_, std::nullopt, self->device_, nullptr)));
    self->on_send_state(state, sequence);
  });
}

void websocket_session::on_send_state(engine::Message message, std::uint64_t sequence) {
  if (sequence <= state_sequence_) return;  // a newer snapshot is already queued
  state_sequence_ = sequence;
  on_send(std::move(message));
}

void websocket_session::on_send(engine::Message message) {
  if (!open_ || closing_ || !message) return;
  queued_bytes_ += message->size();
  if (queued_bytes_ > kMaxQueuedBytes) {
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

void websocket_session::start_close(websocket::close_code code) {
  if (!open_ || closing_) return;
  closing_ = true;
  close_reason_ = websocket::close_reason(code);
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
