#include "protocol/replies.hpp"

#include <algorithm>
#include <cstdio>

#include "protocol/views.hpp"

namespace stagevote::protocol {

using nlohmann::json;

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned char>(c));
          out += escaped;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

namespace {

void append_id(std::string& out, const RequestId& id) {
  if (!id) return;
  out += ",\"id\":";
  append_json_string(out, *id);
}

// Client text (ids, messages quoting input) may not be valid UTF-8: replace, never throw.
std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// {"type":"ack","id":...,<extras>}; `extras` is a JSON object (its members are appended).
Message ack(const RequestId& id, const json& extras) {
  std::string out = "{\"type\":\"ack\"";
  append_id(out, id);
  for (const auto& [key, value] : extras.items()) {
    out.push_back(',');
    append_json_string(out, key);
    out.push_back(':');
    out += dump(value);
  }
  out.push_back('}');
  return make_message(std::move(out));
}

}  // namespace

Message error(const RequestId& id, core::ErrorCode code, std::string_view message) {
  std::string out = "{\"type\":\"error\"";
  append_id(out, id);
  out += ",\"code\":";
  append_json_string(out, core::to_string(code));
  out += ",\"message\":";
  out += dump(json(std::string(message)));
  out.push_back('}');
  return make_message(std::move(out));
}

Message error(const RequestId& id, const core::Error& error) {
  if (error.entries.empty() && error.judges.empty()) {
    return protocol::error(id, error.code, error.message);
  }
  // The entries the host must choose from (tie_at_cut) or the judges it waits for
  // (judges_missing), appended to the usual shape.
  std::string out = *protocol::error(id, error.code, error.message);
  out.pop_back();
  if (!error.entries.empty()) {
    out += ",\"entries\":";
    out += dump(json(error.entries));
  }
  if (!error.judges.empty()) {
    out += ",\"judges\":";
    out += dump(json(error.judges));
  }
  out.push_back('}');
  return make_message(std::move(out));
}

Message retry_later(const RequestId& id, std::string_view message, core::Millis wait) {
  std::string out = "{\"type\":\"error\"";
  append_id(out, id);
  out += ",\"code\":\"rate_limited\",\"message\":";
  out += dump(json(std::string(message)));
  out += ",\"retry_after\":";
  out += std::to_string((std::max<core::Millis>(wait, 0) + 999) / 1000);
  out.push_back('}');
  return make_message(std::move(out));
}

Message pong(const RequestId& id, core::Millis server_time) {
  std::string out = "{\"type\":\"pong\"";
  append_id(out, id);
  out += ",\"server_time\":";
  out += std::to_string(server_time);
  out.push_back('}');
  return make_message(std::move(out));
}

Message vote_ack(const RequestId& id, bool counted, std::string_view poll, std::string_view choice,
                 int rating) {
  // Thousands a second: written directly, not through a JSON tree.
  std::string out = "{\"type\":\"ack\"";
  append_id(out, id);
  out += counted ? ",\"counted\":true,\"poll\":" : ",\"counted\":false,\"poll\":";
  append_json_string(out, poll);
  out += ",\"choice\":";
  append_json_string(out, choice);
  if (rating != 0) out += ",\"rating\":" + std::to_string(rating);
  out.push_back('}');
  return make_message(std::move(out));
}

Message command_ack(const RequestId& id, const core::Command& command, const core::Outcome& outcome,
                    const core::Show& after) {
  json extras = json::object();
  if (const auto* score = std::get_if<core::Score>(&command)) {
    extras["total"] = core::judge_total(score->marks);
  } else if (const auto* correction = std::get_if<core::CorrectScore>(&command)) {
    extras["total"] = core::judge_total(correction->marks);
  } else if (std::holds_alternative<core::OpenPoll>(command)) {
    extras["poll"] = outcome.poll;
  } else if (const auto* draw = std::get_if<core::DrawOrder>(&command)) {
    extras["order"] = after.running_order(draw->round);
    if (draw->seed) extras["seed"] = *draw->seed;
  } else if (const auto* reissue = std::get_if<core::ReissueJudgeToken>(&command)) {
    extras["judge"] = reissue->judge;
  } else if (const auto* advance = std::get_if<core::Advance>(&command)) {
    for (const auto& a : after.advanced(advance->to)) {
      if (a.from == advance->from) extras["advanced"] = a.entries;
    }
    extras["order"] = after.running_order(advance->to);
  }
  return ack(id, extras);
}

Message judge_token_ack(const RequestId& id, std::string_view judge, std::string_view token) {
  return ack(id, {{"judge", std::string(judge)}, {"token", std::string(token)}});
}

Message results_ack(const RequestId& id, const core::Show& show, std::string_view round) {
  return ack(id, {{"results", round_results_json(show, round)}});
}

Message welcome(const Welcome& w) {
  json message = {{"type", "welcome"}, {"role", to_string(w.role)}, {"server_time", w.server_time}};
  if (w.id) message["id"] = *w.id;
  if (w.role == Role::audience) {
    message["device"] = w.device;
    json votes = json::object();
    for (const auto& [poll, entry] : w.votes) votes[poll] = entry;
    message["votes"] = std::move(votes);
    json ratings = json::object();
    for (const auto& [poll, rating] : w.ratings) ratings[poll] = rating;
    message["ratings"] = std::move(ratings);
  }
  if (w.role == Role::judge && w.judge) {
    message["judge"] = {{"id", w.judge->id},
                        {"name", w.judge->name},
                        {"title", w.judge->title},
                        {"unit", w.judge->unit ? json(*w.judge->unit) : json(nullptr)},
                        {"chief", w.judge->chief}};
  }
  // Splice in the catalogue serialised once per contest instead of rebuilding it per phone.
  std::string text = dump(message);
  text.pop_back();
  text += ",\"contest\":";
  text += w.catalogue ? *w.catalogue : std::string("null");
  text.push_back('}');
  return make_message(std::move(text));
}

std::string catalogue(const core::Contest& contest) {
  return dump(catalogue_json(contest));
}

}  // namespace stagevote::protocol
