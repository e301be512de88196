#include "protocol/requests.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/codec.hpp"

namespace stagevote::protocol {

namespace {

using core::Error;
using core::ErrorCode;
using nlohmann::json;

Error bad(std::string message) {
  return core::make_error(ErrorCode::bad_request, std::move(message));
}

// Reads the fields of one JSON object, remembering the first problem.
class Fields {
 public:
  explicit Fields(const json& object) : object_(object) {}

  const std::optional<Error>& error() const { return error_; }

  // A required string of 1..max bytes.
  std::string text(const char* name, std::size_t max = kMaxNameLength) {
    auto value = optional_text(name, max);
    if (!value && !error_) error_ = bad(std::string("missing field \"") + name + "\"");
    return value.value_or(std::string());
  }

  // An optional string: absent or null gives nullopt; anything else but a string is an error.
  std::optional<std::string> optional_text(const char* name, std::size_t max = kMaxNameLength,
                                           bool allow_empty = false) {
    const auto it = object_.find(name);
    if (it == object_.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) return fail<std::string>(name, "a string");
    const auto& value = it->get_ref<const std::string&>();
    if (value.size() > max)
      return fail<std::string>(name, "at most " + std::to_string(max) + " bytes");
    if (value.empty() && !allow_empty) return fail<std::string>(name, "not empty");
    return value;
  }

  // A string given as a hint only: anything unusable reads as absent.
  std::string lenient_text(const char* name) {
    const auto it = object_.find(name);
    if (it == object_.end() || !it->is_string()) return {};
    const auto& value = it->get_ref<const std::string&>();
    return value.size() <= kMaxNameLength ? value : std::string();
  }

  core::Marks marks(const char* name) {
    const auto it = object_.find(name);
    if (it == object_.end()) {
      if (!error_) error_ = bad(std::string("missing field \"") + name + "\"");
      return {};
    }
    if (!it->is_object() || it->size() > 100) {
      fail<int>(name, "an object of criterion: mark");
      return {};
    }
    auto marks = core::marks_from_json(*it);
    if (!marks) {
      if (!error_) error_ = bad(marks.error().message);
      return {};
    }
    return std::move(marks).value();
  }

 private:
  template <class T>
  std::optional<T> fail(const char* name, const std::string& expected) {
    if (!error_) error_ = bad(std::string("field \"") + name + "\" must be " + expected);
    return std::nullopt;
  }

  const json& object_;
  std::optional<Error> error_;
};

core::Result<Request> parse_hello(const json& message, RequestId id) {
  Fields fields(message);
  const std::string role = fields.text("role");
  if (fields.error()) return *fields.error();
  HelloRequest hello;
  hello.id = std::move(id);
  if (role == "audience") {
    hello.role = Role::audience;
    hello.device = fields.lenient_text("device");
    // Absent and empty are the same: no code, no ticket (the gate then says what it needs).
    hello.code = fields.optional_text("code", kMaxNameLength, true).value_or("");
    hello.ticket = fields.optional_text("ticket", kMaxNameLength, true).value_or("");
  } else if (role == "judge") {
    hello.role = Role::judge;
    // An empty token or key is a wrong one (unauthorized, then closed), not a malformed hello.
    auto token = fields.optional_text("token", kMaxNameLength, /*allow_empty=*/true);
    if (fields.error()) return *fields.error();
    if (!token) return bad("missing field \"token\"");
    hello.token = std::move(*token);
    if (const auto desk = message.find("desk"); desk != message.end() && !desk->is_null()) {
      if (!desk->is_boolean()) return bad("field \"desk\" must be true or false");
      hello.desk = desk->get<bool>();
    }
  } else if (role == "host") {
    hello.role = Role::host;
    auto key = fields.optional_text("key", kMaxNameLength, /*allow_empty=*/true);
    if (fields.error()) return *fields.error();
    if (!key) return bad("missing field \"key\"");
    hello.key = std::move(*key);
  } else if (role == "display") {
    hello.role = Role::display;
    // Without a key a display is unauthorized, not malformed.
    hello.key = fields.optional_text("key", kMaxNameLength, true).value_or("");
  } else {
    return bad("unknown role \"" + role + "\" (audience, judge, host or display)");
  }
  if (fields.error()) return *fields.error();
  return Request{std::move(hello)};
}

core::Result<Request> parse_cmd(const json& message, RequestId id) {
  Fields fields(message);
  const std::string action = fields.text("action");
  if (fields.error()) return *fields.error();
  if (action == "results") {
    ResultsRequest results{std::move(id), fields.text("round")};
    if (fields.error()) return *fields.error();
    return Request{std::move(results)};
  }
  auto command = core::command_from_json(action, message);
  if (!command) return command.error();
  // Votes and scores name their voter or judge, which only the connection knows.
  if (std::holds_alternative<core::Vote>(command.value()) ||
      std::holds_alternative<core::Score>(command.value()) ||
      std::holds_alternative<core::ConfirmScore>(command.value())) {
    return bad("unknown action \"" + action + "\"");
  }
  return Request{CommandRequest{std::move(id), std::move(command).value()}};
}

// A cursor over a plain vote; every method returns false at the first thing it does not take.
class PlainReader {
 public:
  explicit PlainReader(std::string_view text) : text_(text) {}

  void skip_space() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) {
      ++at_;
    }
  }
  bool take(char c) {
    skip_space();
    if (at_ >= text_.size() || text_[at_] != c) return false;
    ++at_;
    return true;
  }
  bool peek(char c) {
    skip_space();
    return at_ < text_.size() && text_[at_] == c;
  }
  // A string of printable ASCII other than quote and backslash: its bytes are its value.
  bool string(std::string_view& out) {
    if (!take('"')) return false;
    const std::size_t start = at_;
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == '"') {
        out = text_.substr(start, at_ - start);
        ++at_;
        return true;
      }
      if (c < 0x20 || c > 0x7e || c == '\\') return false;
      ++at_;
    }
    return false;
  }
  bool at_end() {
    skip_space();
    return at_ == text_.size();
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

std::optional<VoteRequest> parse_plain_vote(std::string_view text) {
  PlainReader reader(text);
  std::optional<std::string_view> type, id, poll, choice;
  if (!reader.take('{')) return std::nullopt;
  if (!reader.peek('}')) {
    do {
      std::string_view key, value;
      if (!reader.string(key) || !reader.take(':') || !reader.string(value)) return std::nullopt;
      std::optional<std::string_view>* slot = key == "type"     ? &type
                                              : key == "id"     ? &id
                                              : key == "poll"   ? &poll
                                              : key == "choice" ? &choice
                                                                : nullptr;
      // A repeated key: the general parser decides which one counts.
      if (slot && *slot) return std::nullopt;
      if (slot) *slot = value;
    } while (reader.take(','));
  }
  if (!reader.take('}') || !reader.at_end()) return std::nullopt;
  // Anything the general parser would refuse or read otherwise goes to it.
  const auto name_ok = [](const std::optional<std::string_view>& v) {
    return v && !v->empty() && v->size() <= kMaxNameLength;
  };
  if (type != "vote" || !name_ok(poll) || !name_ok(choice)) return std::nullopt;
  if (id && (id->empty() || id->size() > kMaxIdLength)) return std::nullopt;
  VoteRequest vote;
  if (id) vote.id = std::string(*id);
  vote.poll = std::string(*poll);
  vote.choice = std::string(*choice);
  return vote;
}

core::Result<Request> parse_client_message(std::string_view text) {
  if (auto vote = parse_plain_vote(text)) return Request{std::move(*vote)};
  return parse_any_message(text);
}

core::Result<Request> parse_any_message(std::string_view text) {
  const json message = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (message.is_discarded()) return bad("not JSON");
  if (!message.is_object()) return bad("a message must be a JSON object");

  Fields fields(message);
  RequestId id = fields.optional_text("id", kMaxIdLength);
  const std::string type = fields.text("type", 32);
  if (fields.error()) return *fields.error();

  if (type == "hello") return parse_hello(message, std::move(id));
  if (type == "ping") return Request{PingRequest{std::move(id)}};
  if (type == "vote") {
    if (message.contains("rating")) {
      // A rating poll's vote: {"poll", "rating": 1..10}, a whole number (7.0 and "7" are not).
      const json& rating = message.at("rating");
      VoteRequest vote{std::move(id), fields.text("poll"),
                       fields.optional_text("choice").value_or(std::string())};
      if (fields.error()) return *fields.error();
      if (!rating.is_number_integer() || rating.get<std::int64_t>() < core::kMinRating ||
          rating.get<std::int64_t>() > core::kMaxRating) {
        return bad("field \"rating\" must be a whole number from 1 to 10");
      }
      vote.rating = rating.get<int>();
      return Request{std::move(vote)};
    }
    VoteRequest vote{std::move(id), fields.text("poll"), fields.text("choice")};
    if (fields.error()) return *fields.error();
    return Request{std::move(vote)};
  }
  if (type == "score") {
    ScoreRequest score{std::move(id), fields.text("round"), fields.text("entry"),
                       fields.marks("marks")};
    if (fields.error()) return *fields.error();
    return Request{std::move(score)};
  }
  if (type == "cmd") return parse_cmd(message, std::move(id));
  if (type == "confirm_score") {
    ConfirmRequest confirm{std::move(id), fields.text("round"), fields.text("entry")};
    if (fields.error()) return *fields.error();
    return Request{std::move(confirm)};
  }
  return bad("unknown message type \"" + type + "\"");
}

const RequestId& request_id(const Request& request) noexcept {
  return std::visit([](const auto& r) -> const RequestId& { return r.id; }, request);
}

RequestId salvage_request_id(std::string_view text) {
  const json message = json::parse(text, nullptr, false);
  if (message.is_discarded() || !message.is_object()) return std::nullopt;
  const auto it = message.find("id");
  if (it == message.end() || !it->is_string()) return std::nullopt;
  // An over-long id is itself the problem: answer without one rather than cut UTF-8.
  if (it->get_ref<const std::string&>().size() > kMaxIdLength) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace stagevote::protocol
