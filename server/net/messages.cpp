#include "net/messages.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/codec.hpp"

namespace stagevote::net {

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

  std::vector<std::string> text_list(const char* name) {
    std::vector<std::string> list;
    const auto it = object_.find(name);
    if (it == object_.end()) {
      if (!error_) error_ = bad(std::string("missing field \"") + name + "\"");
      return list;
    }
    if (!it->is_array() || it->empty() || it->size() > 1000) {
      fail<int>(name, "a non-empty list of ids");
      return list;
    }
    for (const auto& item : *it) {
      if (!item.is_string() || item.get_ref<const std::string&>().empty() ||
          item.get_ref<const std::string&>().size() > kMaxNameLength) {
        fail<int>(name, "a list of ids");
        return {};
      }
      list.push_back(item.get<std::string>());
    }
    return list;
  }

  // An optional number within [min, max].
  std::optional<double> optional_number(const char* name, double min, double max) {
    const auto it = object_.find(name);
    if (it == object_.end() || it->is_null()) return std::nullopt;
    if (!it->is_number()) return fail<double>(name, "a number");
    const double value = it->get<double>();
    if (!std::isfinite(value) || value < min || value > max) {
      return fail<double>(name, "a number from " + json(min).dump() + " to " + json(max).dump());
    }
    return value;
  }

  // An optional unsigned 64-bit integer.
  std::optional<std::uint64_t> optional_unsigned(const char* name) {
    const auto it = object_.find(name);
    if (it == object_.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_unsigned()) return fail<std::uint64_t>(name, "a non-negative integer");
    return it->get<std::uint64_t>();
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

core::Result<Request> parse_hello(const json& message, std::optional<std::string> id) {
  Fields fields(message);
  const std::string role = fields.text("role");
  if (fields.error()) return *fields.error();
  HelloRequest hello;
  hello.id = std::move(id);
  if (role == "audience") {
    hello.role = engine::Role::audience;
    hello.device = fields.lenient_text("device");
  } else if (role == "judge") {
    hello.role = engine::Role::judge;
    // An empty token or key is a wrong one (unauthorized, then closed), not a malformed hello.
    auto token = fields.optional_text("token", kMaxNameLength, /*allow_empty=*/true);
    if (fields.error()) return *fields.error();
    if (!token) return bad("missing field \"token\"");
    hello.token = std::move(*token);
  } else if (role == "host") {
    hello.role = engine::Role::host;
    auto key = fields.optional_text("key", kMaxNameLength, /*allow_empty=*/true);
    if (fields.error()) return *fields.error();
    if (!key) return bad("missing field \"key\"");
    hello.key = std::move(*key);
  } else if (role == "display") {
    hello.role = engine::Role::display;
  } else {
    return bad("unknown role \"" + role + "\" (audience, judge, host or display)");
  }
  if (fields.error()) return *fields.error();
  return Request{std::move(hello)};
}

// Scene parameters: every other string field of the cmd, plus a "params" object if given.
core::Result<std::map<std::string, std::string>> scene_params(const json& message) {
  std::map<std::string, std::string> params;
  auto take = [&](const std::string& key, const json& value) -> core::Status {
    if (!value.is_string()) return bad("scene parameter \"" + key + "\" must be a string");
    if (key.size() > kMaxNameLength ||
        value.get_ref<const std::string&>().size() > kMaxTextLength) {
      return bad("scene parameter \"" + key + "\" is too long");
    }
    params[key] = value.get<std::string>();
    return std::nullopt;
  };
  for (const auto& [key, value] : message.items()) {
    if (key == "type" || key == "id" || key == "action" || key == "scene") continue;
    if (key == "params") {
      if (!value.is_object()) return bad("field \"params\" must be an object");
      for (const auto& [pkey, pvalue] : value.items()) {
        if (auto problem = take(pkey, pvalue)) return *problem;
      }
      continue;
    }
    if (auto problem = take(key, value)) return *problem;
  }
  return params;
}

core::Result<Request> parse_cmd(const json& message, std::optional<std::string> id) {
  Fields fields(message);
  const std::string action = fields.text("action");
  if (fields.error()) return *fields.error();

  CommandRequest request;
  request.id = std::move(id);
  if (action == "start_entry") {
    core::StartEntry c;
    c.round = fields.text("round");
    c.entry = fields.text("entry");
    request.command = std::move(c);
  } else if (action == "open_poll") {
    core::OpenPoll c;
    c.round = fields.text("round");
    c.entries = fields.text_list("entries");
    const double seconds = fields.optional_number("duration_s", 0, 24 * 3600).value_or(0);
    c.duration_ms = static_cast<core::Millis>(std::llround(seconds * 1000));
    request.command = std::move(c);
  } else if (action == "close_poll") {
    request.command = core::ClosePoll{fields.text("poll")};
  } else if (action == "lock_scores") {
    core::LockScores c;
    c.round = fields.text("round");
    c.entry = fields.text("entry");
    request.command = std::move(c);
  } else if (action == "unlock_scores") {
    core::UnlockScores c;
    c.round = fields.text("round");
    c.entry = fields.text("entry");
    c.reason = fields.text("reason", kMaxTextLength);
    request.command = std::move(c);
  } else if (action == "reveal") {
    core::Reveal c;
    c.round = fields.text("round");
    c.entry = fields.text("entry");
    request.command = std::move(c);
  } else if (action == "show") {
    core::ShowScene c;
    c.scene = fields.text("scene");
    if (fields.error()) return *fields.error();
    auto params = scene_params(message);
    if (!params) return params.error();
    c.params = std::move(params).value();
    request.command = std::move(c);
  } else if (action == "draw_order") {
    core::DrawOrder c;
    c.round = fields.text("round");
    const auto seed = fields.optional_unsigned("seed");
    c.seed = seed.value_or(0);
    request.random_seed = !seed.has_value();
    request.command = std::move(c);
  } else if (action == "correct_score") {
    core::CorrectScore c;
    c.judge = fields.text("judge");
    c.round = fields.text("round");
    c.entry = fields.text("entry");
    c.marks = fields.marks("marks");
    c.reason = fields.text("reason", kMaxTextLength);
    request.command = std::move(c);
  } else if (action == "results") {
    ResultsRequest results{request.id, fields.text("round")};
    if (fields.error()) return *fields.error();
    return Request{std::move(results)};
  } else {
    return bad("unknown action \"" + action + "\"");
  }
  if (fields.error()) return *fields.error();
  return Request{std::move(request)};
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
  std::optional<std::string> id = fields.optional_text("id", kMaxIdLength);
  const std::string type = fields.text("type", 32);
  if (fields.error()) return *fields.error();

  if (type == "hello") return parse_hello(message, std::move(id));
  if (type == "ping") return Request{PingRequest{std::move(id)}};
  if (type == "vote") {
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
  return bad("unknown message type \"" + type + "\"");
}

std::optional<std::string> salvage_request_id(std::string_view text) {
  const json message = json::parse(text, nullptr, false);
  if (message.is_discarded() || !message.is_object()) return std::nullopt;
  const auto it = message.find("id");
  if (it == message.end() || !it->is_string()) return std::nullopt;
  // An over-long id is itself the problem: answer without one rather than cut UTF-8.
  if (it->get_ref<const std::string&>().size() > kMaxIdLength) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace stagevote::net
