#include "codec.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <utility>

namespace stagevote::core {
namespace {

using nlohmann::json;

// Parsing helpers: each reads one field of an object and fails with a bad_request Error
// that names the field's path ("scoring.criteria[1].max: expected a number").
class Reader {
 public:
  Reader(const json& object, std::string path) : object_(object), path_(std::move(path)) {}

  std::string where(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  bool has(std::string_view key) const {
    const auto it = object_.find(key);
    return it != object_.end() && !it->is_null();
  }
  const json& at(std::string_view key) const { return *object_.find(key); }
  const json& object() const { return object_; }

  Status text(std::string_view key, std::string& out, bool required = true) const {
    if (!has(key)) return absent(key, required);
    const json& value = at(key);
    if (!value.is_string()) return mistyped(key, "a string");
    out = value.get<std::string>();
    return std::nullopt;
  }

  Status number(std::string_view key, double& out, bool required = true) const {
    if (!has(key)) return absent(key, required);
    const json& value = at(key);
    if (!value.is_number()) return mistyped(key, "a number");
    out = value.get<double>();
    return std::nullopt;
  }

  template <class Int>
  Status integer(std::string_view key, Int& out, bool required = true) const {
    if (!has(key)) return absent(key, required);
    const json& value = at(key);
    if (value.is_number_unsigned()) {
      const auto v = value.get<std::uint64_t>();
      if (v > static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) {
        return mistyped(key, "a smaller integer");
      }
      out = static_cast<Int>(v);
      return std::nullopt;
    }
    if (value.is_number_integer()) {
      const auto v = value.get<std::int64_t>();
      if (std::is_unsigned_v<Int> && v < 0) return mistyped(key, "a non-negative integer");
      if constexpr (std::is_signed_v<Int>) {
        if (v < std::numeric_limits<Int>::min() || v > std::numeric_limits<Int>::max()) {
          return mistyped(key, "a smaller integer");
        }
      }
      out = static_cast<Int>(v);
      return std::nullopt;
    }
    return mistyped(key, "an integer");
  }

  Status texts(std::string_view key, std::vector<std::string>& out, bool required = true) const {
    if (!has(key)) return absent(key, required);
    const json& value = at(key);
    if (!value.is_array()) return mistyped(key, "an array of strings");
    std::vector<std::string> items;
    items.reserve(value.size());
    for (const auto& item : value) {
      if (!item.is_string()) return mistyped(key, "an array of strings");
      items.push_back(item.get<std::string>());
    }
    out = std::move(items);
    return std::nullopt;
  }

  // An array of objects: `each(reader, index)` parses one element.
  template <class Each>
  Status objects(std::string_view key, Each each, bool required = true) const {
    if (!has(key)) return absent(key, required);
    const json& value = at(key);
    if (!value.is_array()) return mistyped(key, "an array");
    for (std::size_t i = 0; i < value.size(); ++i) {
      const std::string path = where(key) + "[" + std::to_string(i) + "]";
      if (!value[i].is_object())
        return make_error(ErrorCode::bad_request, path + ": expected an object");
      if (auto e = each(Reader(value[i], path))) return e;
    }
    return std::nullopt;
  }

  // A nested object, required.
  Status object(std::string_view key, const json*& out) const {
    if (!has(key)) return missing(key);
    if (!at(key).is_object()) return mistyped(key, "an object");
    out = &at(key);
    return std::nullopt;
  }

  // A field that is not there (or null): an error only when it is required.
  Status absent(std::string_view key, bool required) const {
    if (required) return missing(key);
    return std::nullopt;
  }
  Error missing(std::string_view key) const {
    return make_error(ErrorCode::bad_request, where(key) + ": missing");
  }
  Error mistyped(std::string_view key, std::string_view expected) const {
    return make_error(ErrorCode::bad_request, where(key) + ": expected " + std::string(expected));
  }

 private:
  const json& object_;
  std::string path_;
};

// --- contest ------------------------------------------------------------------------------

Status read_scoring(const Reader& r, ScoringScheme& scoring) {
  scoring.criteria.clear();
  if (auto e = r.objects("criteria", [&](const Reader& c) -> Status {
        Criterion criterion;
        if (auto e1 = c.text("id", criterion.id)) return e1;
        criterion.name = criterion.id;
        if (auto e1 = c.text("name", criterion.name, false)) return e1;
        if (auto e1 = c.number("max", criterion.max)) return e1;
        scoring.criteria.push_back(std::move(criterion));
        return std::nullopt;
      }))
    return e;
  if (auto e = r.integer("decimals", scoring.decimals, false)) return e;
  if (auto e = r.integer("result_decimals", scoring.result_decimals, false)) return e;
  if (auto e = r.integer("trim", scoring.trim, false)) return e;
  if (auto e = r.integer("trim_min", scoring.trim_min, false)) return e;
  if (auto e = r.number("judge_weight", scoring.judge_weight, false)) return e;
  if (auto e = r.number("audience_weight", scoring.audience_weight, false)) return e;
  if (r.has("audience_mode")) {
    std::string mode;
    if (auto e = r.text("audience_mode", mode)) return e;
    const auto audience_mode = audience_mode_from_string(mode);
    if (!audience_mode) return r.mistyped("audience_mode", "relative or rating");
    scoring.audience_mode = *audience_mode;
  }
  if (auto e = r.integer("min_ratings", scoring.min_ratings, false)) return e;
  if (r.has("tolerance")) {
    const json* tolerance = nullptr;
    if (auto e = r.object("tolerance", tolerance)) return e;
    const Reader t(*tolerance, r.where("tolerance"));
    scoring.tolerance.bands.clear();
    if (auto e = t.objects(
            "bands",
            [&](const Reader& b) -> Status {
              ToleranceBand band;
              if (auto e1 = b.number("from", band.from)) return e1;
              if (auto e1 = b.number("gap", band.gap)) return e1;
              scoring.tolerance.bands.push_back(band);
              return std::nullopt;
            },
            false))
      return e;
    if (auto e = t.number("extremes_gap", scoring.tolerance.extremes_gap, false)) return e;
  }
  return std::nullopt;
}

Status read_audience(const Reader& r, AudiencePolicy& audience) {
  if (r.has("admission")) {
    std::string mode;
    if (auto e = r.text("admission", mode)) return e;
    const auto admission = admission_from_string(mode);
    if (!admission) return r.mistyped("admission", "open, code or ticket");
    audience.admission = *admission;
  }
  for (auto [key, field] :
       {std::pair{"identities_per_address", &audience.identities_per_address},
        std::pair{"identity_window_s", &audience.identity_window_s},
        std::pair{"connections_per_address", &audience.connections_per_address},
        std::pair{"code_digits", &audience.code_digits},
        std::pair{"code_period_s", &audience.code_period_s},
        std::pair{"code_grace_s", &audience.code_grace_s},
        std::pair{"alert_identities_per_minute", &audience.alert_identities_per_minute},
        std::pair{"alert_votes_per_minute", &audience.alert_votes_per_minute}}) {
    if (auto e = r.integer(key, *field, false)) return e;
  }
  return std::nullopt;
}

Status read_contest(const json& root, Contest& contest) {
  if (!root.is_object()) return make_error(ErrorCode::bad_request, "contest: expected an object");
  const Reader top(root, "");

  const json* head = nullptr;
  if (auto e = top.object("contest", head)) return e;
  const Reader h(*head, "contest");
  if (auto e = h.text("id", contest.id)) return e;
  if (auto e = h.text("name", contest.name)) return e;
  if (auto e = h.text("subtitle", contest.subtitle, false)) return e;

  const json* scoring = nullptr;
  if (auto e = top.object("scoring", scoring)) return e;
  if (auto e = read_scoring(Reader(*scoring, "scoring"), contest.scoring)) return e;

  if (auto e = top.texts("units", contest.units, false)) return e;
  if (auto e = top.texts("forms", contest.forms, false)) return e;
  if (auto e = top.texts("themes", contest.themes, false)) return e;

  if (auto e = top.objects("entries", [&](const Reader& r) -> Status {
        Entry entry;
        if (auto e1 = r.text("id", entry.id)) return e1;
        if (auto e1 = r.text("title", entry.title, false)) return e1;
        if (auto e1 = r.text("unit", entry.unit, false)) return e1;
        if (auto e1 = r.text("form", entry.form, false)) return e1;
        if (auto e1 = r.text("theme", entry.theme, false)) return e1;
        contest.entries.push_back(std::move(entry));
        return std::nullopt;
      }))
    return e;

  if (auto e = top.objects("rounds", [&](const Reader& r) -> Status {
        Round round;
        if (auto e1 = r.text("id", round.id)) return e1;
        round.name = round.id;
        if (auto e1 = r.text("name", round.name, false)) return e1;
        if (auto e1 = r.texts("entries", round.entries)) return e1;
        contest.rounds.push_back(std::move(round));
        return std::nullopt;
      }))
    return e;

  if (auto e = top.objects("judges", [&](const Reader& r) -> Status {
        Judge judge;
        if (auto e1 = r.text("id", judge.id)) return e1;
        judge.name = judge.id;
        if (auto e1 = r.text("name", judge.name, false)) return e1;
        if (r.has("unit")) {
          std::string unit;
          if (auto e1 = r.text("unit", unit)) return e1;
          judge.unit = std::move(unit);
        }
        if (auto e1 = r.text("token", judge.token, false)) return e1;
        if (auto e1 = r.text("title", judge.title, false)) return e1;
        if (auto e1 = r.texts("related_units", judge.related_units, false)) return e1;
        if (r.has("chief")) {
          if (!r.at("chief").is_boolean()) return r.mistyped("chief", "true or false");
          judge.chief = r.at("chief").get<bool>();
        }
        contest.judges.push_back(std::move(judge));
        return std::nullopt;
      }))
    return e;

  if (auto e = top.objects(
          "awards",
          [&](const Reader& r) -> Status {
            AwardTier tier;
            if (auto e1 = r.text("id", tier.id)) return e1;
            tier.name = tier.id;
            if (auto e1 = r.text("name", tier.name, false)) return e1;
            if (auto e1 = r.integer("count", tier.count)) return e1;
            contest.awards.push_back(std::move(tier));
            return std::nullopt;
          },
          false))
    return e;
  if (auto e = top.text("popularity_award", contest.popularity_award, false)) return e;
  if (top.has("audience")) {
    const json* audience = nullptr;
    if (auto e = top.object("audience", audience)) return e;
    if (auto e = read_audience(Reader(*audience, "audience"), contest.audience)) return e;
  }
  if (top.has("publication")) {
    const json* publication = nullptr;
    if (auto e = top.object("publication", publication)) return e;
    const Reader p(*publication, "publication");
    Publication& out = contest.publication;
    for (auto [key, field] : {std::pair{"date", &out.date}, std::pair{"venue", &out.venue},
                              std::pair{"period", &out.period}, std::pair{"phone", &out.phone}}) {
      if (auto e = p.text(key, *field, false)) return e;
      if (field->size() > kMaxNameLength) return p.mistyped(key, "at most 128 bytes");
    }
  }
  return std::nullopt;
}

// --- commands -----------------------------------------------------------------------------

json marks_to_json(const Marks& marks) {
  json object = json::object();
  for (const auto& [criterion, mark] : marks) object[criterion] = mark;
  return object;
}

json to_payload(const StartEntry& c) {
  return {{"round", c.round}, {"entry", c.entry}};
}
json to_payload(const OpenPoll& c) {
  json payload = {{"round", c.round}, {"entries", c.entries}, {"duration_ms", c.duration_ms}};
  // Absent for a choice poll: such records read as they did before rating polls.
  if (c.kind == PollKind::rating) payload["kind"] = "rating";
  return payload;
}
json to_payload(const ClosePoll& c) {
  json payload = {{"poll", c.poll}};
  if (!c.refusals.empty()) payload["refusals"] = c.refusals;
  return payload;
}
json to_payload(const LockScores& c) {
  json payload = {{"round", c.round}, {"entry", c.entry}};
  // Only when given: a plain lock's record reads (and hashes) as before.
  if (!c.override_reason.empty()) payload["override_reason"] = c.override_reason;
  return payload;
}
json to_payload(const UnlockScores& c) {
  return {{"round", c.round}, {"entry", c.entry}, {"reason", c.reason}};
}
json to_payload(const Reveal& c) {
  return {{"round", c.round}, {"entry", c.entry}};
}
json to_payload(const ShowScene& c) {
  json params = json::object();
  for (const auto& [key, value] : c.params) params[key] = value;
  return {{"scene", c.scene}, {"params", std::move(params)}};
}
json to_payload(const DrawOrder& c) {
  json payload = {{"round", c.round}};
  if (c.seed) payload["seed"] = *c.seed;
  return payload;
}
json to_payload(const Vote& c) {
  if (c.rating == 0) return {{"device", c.device}, {"poll", c.poll}, {"choice", c.choice}};
  json payload = {{"device", c.device}, {"poll", c.poll}, {"rating", c.rating}};
  if (!c.choice.empty()) payload["choice"] = c.choice;
  return payload;
}
json to_payload(const Score& c) {
  return {{"judge", c.judge},
          {"round", c.round},
          {"entry", c.entry},
          {"marks", marks_to_json(c.marks)}};
}
json to_payload(const SetAdmission& c) {
  return {{"mode", to_string(c.mode)}};
}
json to_payload(const IssueTickets& c) {
  json tickets = json::array();
  for (const auto& ticket : c.tickets)
    tickets.push_back({{"id", ticket.id}, {"hash", ticket.hash}});
  return {{"tickets", std::move(tickets)}};
}
json to_payload(const VoidTicket& c) {
  return {{"ticket", c.ticket}, {"reason", c.reason}};
}
json to_payload(const ReissueJudgeToken& c) {
  return {{"judge", c.judge}, {"token_sha256", c.token_sha256}};
}
json to_payload(const CloseAudience& c) {
  return {{"round", c.round}};
}
json to_payload(const SetJoinCorner& c) {
  return {{"visible", c.visible}};
}
json to_payload(const RequestRecheck& c) {
  json payload = {{"round", c.round}, {"entry", c.entry}, {"judge", c.judge}, {"by", c.by}};
  if (!c.note.empty()) payload["note"] = c.note;
  return payload;
}
json to_payload(const ConfirmScore& c) {
  return {{"judge", c.judge}, {"round", c.round}, {"entry", c.entry}};
}
json to_payload(const ReleaseReview& c) {
  json payload = {{"round", c.round}, {"entry", c.entry}, {"by", c.by}};
  if (!c.reason.empty()) payload["reason"] = c.reason;
  return payload;
}
json to_payload(const CorrectScore& c) {
  json payload = {{"judge", c.judge},
                  {"round", c.round},
                  {"entry", c.entry},
                  {"marks", marks_to_json(c.marks)},
                  {"reason", c.reason}};
  // Only when named: a record without it hashes as before.
  if (!c.operator_name.empty()) payload["operator"] = c.operator_name;
  return payload;
}
json to_payload(const Advance& c) {
  json payload = {{"from", c.from}, {"to", c.to}, {"count", c.count}};
  if (!c.include.empty()) payload["include"] = c.include;
  if (!c.reason.empty()) payload["reason"] = c.reason;
  return payload;
}

Status read_marks(const Reader& r, Marks& marks) {
  if (!r.has("marks")) return r.missing("marks");
  const json& value = r.at("marks");
  if (value.is_object() && value.size() > 100) return r.mistyped("marks", "at most 100 marks");
  auto parsed = marks_from_json(value);
  if (!parsed) return parsed.error();
  marks = std::move(parsed).value();
  return std::nullopt;
}

// A command's fields, with the sizes of kMax*: the same rules for a host's cmd on the wire and
// for a ledger record, so that the ledger holds only what the wire could have said.
class CommandReader {
 public:
  explicit CommandReader(const Reader& r) : r_(r) {}
  const Status& status() const { return status_; }

  // A required id or token of 1..kMaxNameLength bytes.
  std::string name(std::string_view key) {
    std::string out;
    if (!status_) status_ = r_.text(key, out);
    if (!status_ && (out.empty() || out.size() > kMaxNameLength)) {
      status_ = r_.mistyped(key, "1 to " + std::to_string(kMaxNameLength) + " bytes");
    }
    return out;
  }
  // An optional text (a reason) of at most kMaxTextLength bytes; the show says when it is
  // needed.
  std::string text(std::string_view key) {
    std::string out;
    if (!status_) status_ = r_.text(key, out, false);
    if (!status_ && out.size() > kMaxTextLength) {
      status_ = r_.mistyped(key, "at most " + std::to_string(kMaxTextLength) + " bytes");
    }
    return out;
  }
  std::vector<std::string> names(std::string_view key) {
    std::vector<std::string> out;
    if (!status_) status_ = r_.texts(key, out);
    if (!status_ && (out.empty() || out.size() > kMaxListLength)) {
      status_ = r_.mistyped(key, "a list of 1 to " + std::to_string(kMaxListLength) + " ids");
    }
    for (const auto& name : out) {
      if (!status_ && (name.empty() || name.size() > kMaxNameLength)) {
        status_ =
            r_.mistyped(key, "a list of ids of 1 to " + std::to_string(kMaxNameLength) + " bytes");
      }
    }
    return out;
  }
  template <class Int>
  std::optional<Int> integer(std::string_view key) {
    if (status_ || !r_.has(key)) return std::nullopt;
    Int out{};
    status_ = r_.integer(key, out);
    return status_ ? std::nullopt : std::optional<Int>(out);
  }
  Marks marks() {
    Marks out;
    if (!status_) status_ = read_marks(r_, out);
    return out;
  }
  // An optional object of counts (refusals by reason).
  std::map<std::string, long> counts(std::string_view key) {
    std::map<std::string, long> out;
    if (status_ || !r_.has(key)) return out;
    const json& value = r_.at(key);
    if (!value.is_object() || value.size() > 32) {
      status_ = r_.mistyped(key, "an object of counts");
      return out;
    }
    for (const auto& [name, count] : value.items()) {
      if (!count.is_number_integer() || count.get<std::int64_t>() < 0 ||
          name.size() > kMaxNameLength) {
        status_ = r_.mistyped(key, "an object of counts");
        return {};
      }
      out[name] = count.get<long>();
    }
    return out;
  }
  std::vector<TicketStub> tickets() {
    std::vector<TicketStub> out;
    if (status_) return out;
    status_ = r_.objects("tickets", [&](const Reader& t) -> Status {
      TicketStub stub;
      if (auto e = t.text("id", stub.id)) return e;
      if (auto e = t.text("hash", stub.hash)) return e;
      out.push_back(std::move(stub));
      return std::nullopt;
    });
    if (!status_ && (out.empty() || out.size() > kMaxTicketsPerIssue)) {
      status_ = r_.mistyped("tickets", "1 to " + std::to_string(kMaxTicketsPerIssue) + " tickets");
    }
    return out;
  }
  void round_entry(std::string& round, std::string& entry) {
    round = name("round");
    entry = name("entry");
  }
  // Scene params: the "params" object and every other field of the command but `skip`.
  // Strings are kept; numbers and booleans from a console are kept as their text.
  std::map<std::string, std::string> params(std::initializer_list<std::string_view> skip) {
    std::map<std::string, std::string> out;
    const auto take = [&](const std::string& key, const json& value) {
      if (status_) return;
      std::string text;
      if (value.is_string()) {
        text = value.get<std::string>();
      } else if (value.is_number() || value.is_boolean()) {
        text = value.dump();
      } else {
        status_ = make_error(ErrorCode::bad_request, "params." + key + ": expected a string");
        return;
      }
      if (key.size() > kMaxNameLength || text.size() > kMaxTextLength) {
        status_ = make_error(ErrorCode::bad_request, "params." + key + ": too long");
        return;
      }
      out[key] = std::move(text);
    };
    for (const auto& [key, value] : r_.object().items()) {
      if (std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
      if (key != "params") {
        take(key, value);
        continue;
      }
      if (!value.is_object()) {
        if (!status_) status_ = r_.mistyped("params", "an object");
        continue;
      }
      for (const auto& [param, item] : value.items()) take(param, item);
    }
    return out;
  }

 private:
  const Reader& r_;
  Status status_;
};

template <class T>
Result<Command> finish(const CommandReader& reader, T command) {
  if (reader.status()) return *reader.status();
  return Command{std::move(command)};
}

Result<Command> read_command(std::string_view kind, const Reader& r) {
  CommandReader read(r);
  if (kind == "start_entry") {
    StartEntry c;
    read.round_entry(c.round, c.entry);
    return finish(read, std::move(c));
  }
  if (kind == "open_poll") {
    OpenPoll c;
    c.round = read.name("round");
    c.entries = read.names("entries");
    c.duration_ms = read.integer<Millis>("duration_ms").value_or(0);
    const std::string poll_kind = read.text("kind");
    if (!read.status() && poll_kind == "rating") {
      c.kind = PollKind::rating;
    } else if (!read.status() && !poll_kind.empty() && poll_kind != "choice") {
      return r.mistyped("kind", "choice or rating");
    }
    if (!read.status() && (c.duration_ms < 0 || c.duration_ms > kMaxPollDuration)) {
      return r.mistyped("duration_ms", "0 to " + std::to_string(kMaxPollDuration) + " ms");
    }
    return finish(read, std::move(c));
  }
  if (kind == "close_poll") {
    ClosePoll c;
    c.poll = read.name("poll");
    c.refusals = read.counts("refusals");
    return finish(read, std::move(c));
  }
  if (kind == "set_admission") {
    SetAdmission c;
    const std::string mode = read.name("mode");
    if (read.status()) return *read.status();
    const auto admission = admission_from_string(mode);
    if (!admission) return r.mistyped("mode", "open, code or ticket");
    c.mode = *admission;
    return Command{c};
  }
  if (kind == "issue_tickets") {
    IssueTickets c;
    c.tickets = read.tickets();
    return finish(read, std::move(c));
  }
  if (kind == "void_ticket") {
    VoidTicket c;
    c.ticket = read.name("ticket");
    c.reason = read.text("reason");
    return finish(read, std::move(c));
  }
  if (kind == "reissue_judge_token") {
    ReissueJudgeToken c;
    c.judge = read.name("judge");
    // Absent in a host's cmd (the server makes the token); the show checks it is a hash.
    c.token_sha256 = read.text("token_sha256");
    return finish(read, std::move(c));
  }
  if (kind == "lock_scores") {
    LockScores c;
    read.round_entry(c.round, c.entry);
    c.override_reason = read.text("override_reason");
    return finish(read, std::move(c));
  }
  if (kind == "unlock_scores") {
    UnlockScores c;
    read.round_entry(c.round, c.entry);
    c.reason = read.text("reason");
    return finish(read, std::move(c));
  }
  if (kind == "reveal") {
    Reveal c;
    read.round_entry(c.round, c.entry);
    return finish(read, std::move(c));
  }
  if (kind == "show") {
    ShowScene c;
    c.scene = read.name("scene");
    c.params = read.params({"scene", "type", "id", "action"});
    return finish(read, std::move(c));
  }
  if (kind == "draw_order") {
    DrawOrder c;
    c.round = read.name("round");
    c.seed = read.integer<std::uint64_t>("seed");
    return finish(read, std::move(c));
  }
  if (kind == "vote") {
    Vote c;
    c.device = read.name("device");
    c.poll = read.name("poll");
    // A rating vote names no choice (its poll has one entry); the show checks the range.
    if (r.has("rating")) {
      c.rating = read.integer<int>("rating").value_or(0);
      if (r.has("choice")) c.choice = read.name("choice");
      if (!read.status() && (c.rating < kMinRating || c.rating > kMaxRating)) {
        return r.mistyped("rating", "a whole number from 1 to 10");
      }
    } else {
      c.choice = read.name("choice");
    }
    return finish(read, std::move(c));
  }
  if (kind == "score") {
    Score c;
    c.judge = read.name("judge");
    read.round_entry(c.round, c.entry);
    c.marks = read.marks();
    return finish(read, std::move(c));
  }
  if (kind == "correct_score") {
    CorrectScore c;
    c.judge = read.name("judge");
    read.round_entry(c.round, c.entry);
    c.marks = read.marks();
    c.reason = read.text("reason");
    c.operator_name = read.text("operator");
    if (!read.status() && c.operator_name.size() > kMaxNameLength) {
      return r.mistyped("operator", "at most " + std::to_string(kMaxNameLength) + " bytes");
    }
    return finish(read, std::move(c));
  }
  if (kind == "advance") {
    Advance c;
    c.from = read.name("from");
    c.to = read.name("to");
    const auto count = read.integer<int>("count");
    if (!read.status() && !count) return r.missing("count");
    c.count = count.value_or(0);
    // An empty list is no list: a console may send include: [] when nothing is tied.
    if (r.has("include") && !(r.at("include").is_array() && r.at("include").empty())) {
      c.include = read.names("include");
    }
    c.reason = read.text("reason");
    return finish(read, std::move(c));
  }
  if (kind == "close_audience") {
    CloseAudience c;
    c.round = read.name("round");
    return finish(read, std::move(c));
  }
  if (kind == "set_join_corner") {
    // A boolean, not its text: "false" from a console would read as shown.
    if (!r.has("visible")) return r.missing("visible");
    if (!r.at("visible").is_boolean()) return r.mistyped("visible", "true or false");
    return Command{SetJoinCorner{r.at("visible").get<bool>()}};
  }
  if (kind == "request_recheck") {
    RequestRecheck c;
    read.round_entry(c.round, c.entry);
    c.judge = read.name("judge");
    c.note = read.text("note");
    c.by = read.text("by");
    return finish(read, std::move(c));
  }
  if (kind == "confirm_score") {
    ConfirmScore c;
    c.judge = read.name("judge");
    read.round_entry(c.round, c.entry);
    return finish(read, std::move(c));
  }
  if (kind == "release_review") {
    ReleaseReview c;
    read.round_entry(c.round, c.entry);
    c.reason = read.text("reason");
    c.by = read.text("by");
    return finish(read, std::move(c));
  }
  return make_error(ErrorCode::bad_request, "unknown action " + std::string(kind));
}

json judge_total_to_json(const JudgeTotal& total) {
  return {{"judge", total.judge}, {"total", total.total}, {"dropped", total.dropped}};
}

// Strings, not numbers: a JSON number is read back as a double, and the digits are the point.
json published_to_json(const Published& published) {
  return {{"judge_component",
           published.judge_component ? json(published.judge_component->text()) : json(nullptr)},
          {"audience_component", published.audience_component.text()},
          {"final", published.final_score.text()},
          {"plain_mean", published.plain_mean.text()}};
}

}  // namespace

json audience_to_json(const AudiencePolicy& a) {
  return {{"admission", to_string(a.admission)},
          {"identities_per_address", a.identities_per_address},
          {"identity_window_s", a.identity_window_s},
          {"connections_per_address", a.connections_per_address},
          {"code_digits", a.code_digits},
          {"code_period_s", a.code_period_s},
          {"code_grace_s", a.code_grace_s},
          {"alert_identities_per_minute", a.alert_identities_per_minute},
          {"alert_votes_per_minute", a.alert_votes_per_minute}};
}

json contest_to_json(const Contest& contest, bool with_tokens) {
  json criteria = json::array();
  for (const auto& c : contest.scoring.criteria) {
    criteria.push_back({{"id", c.id}, {"name", c.name}, {"max", c.max}});
  }
  json rounds = json::array();
  for (const auto& r : contest.rounds) {
    rounds.push_back({{"id", r.id}, {"name", r.name}, {"entries", r.entries}});
  }
  json entries = json::array();
  for (const auto& e : contest.entries) {
    entries.push_back(
        {{"id", e.id}, {"title", e.title}, {"unit", e.unit}, {"form", e.form}, {"theme", e.theme}});
  }
  json judges = json::array();
  for (const auto& j : contest.judges) {
    json judge = {{"id", j.id},
                  {"name", j.name},
                  {"unit", j.unit ? json(*j.unit) : json(nullptr)},
                  {"title", j.title}};
    if (with_tokens) judge["token"] = j.token;
    // Only when named: a record without them keeps the bytes (and the chain hash) it had.
    if (!j.related_units.empty()) judge["related_units"] = j.related_units;
    // Only the chief carries it: other judges render (and hash) as before.
    if (j.chief) judge["chief"] = true;
    judges.push_back(std::move(judge));
  }
  json awards = json::array();
  for (const auto& a : contest.awards) {
    awards.push_back({{"id", a.id}, {"name", a.name}, {"count", a.count}});
  }
  const ScoringScheme& s = contest.scoring;
  json out = {
      {"contest", {{"id", contest.id}, {"name", contest.name}, {"subtitle", contest.subtitle}}},
      {"scoring",
       {{"criteria", std::move(criteria)},
        {"decimals", s.decimals},
        {"result_decimals", s.result_decimals},
        {"trim", s.trim},
        {"trim_min", s.trim_min},
        {"judge_weight", s.judge_weight},
        {"audience_weight", s.audience_weight},
        {"audience_mode", to_string(s.audience_mode)},
        {"min_ratings", s.min_ratings}}},
      {"rounds", std::move(rounds)},
      {"entries", std::move(entries)},
      {"judges", std::move(judges)},
      {"units", contest.units},
      {"forms", contest.forms},
      {"themes", contest.themes},
      {"awards", std::move(awards)},
      {"popularity_award", contest.popularity_award},
      {"audience", audience_to_json(contest.audience)},
  };
  // Only when on: a contest without a tolerance renders (and hashes) as before.
  if (s.tolerance.enabled()) {
    json bands = json::array();
    for (const auto& band : s.tolerance.bands) {
      bands.push_back({{"from", band.from}, {"gap", band.gap}});
    }
    out["scoring"]["tolerance"] = {{"bands", std::move(bands)},
                                   {"extremes_gap", s.tolerance.extremes_gap}};
  }
  // Only when given: a contest without it renders (and hashes) as before.
  if (!contest.publication.empty()) {
    const Publication& p = contest.publication;
    out["publication"] = {
        {"date", p.date}, {"venue", p.venue}, {"period", p.period}, {"phone", p.phone}};
  }
  return out;
}

Result<Contest> contest_from_json(const json& json_value) {
  Contest contest;
  if (auto e = read_contest(json_value, contest)) return *e;
  if (auto e = validate(contest)) return *e;
  return contest;
}

json command_to_json(const Command& command) {
  return std::visit([](const auto& c) { return to_payload(c); }, command);
}

std::string command_payload(const Command& command) {
  const auto* vote = std::get_if<Vote>(&command);
  // Printable ASCII but quote and backslash: dump() copies such a string as it is.
  const auto plain = [](const std::string& text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'; });
  };
  if (!vote || vote->rating != 0 || !plain(vote->device) || !plain(vote->poll) ||
      !plain(vote->choice)) {
    return command_to_json(command).dump();
  }
  // The keys in dump()'s order (sorted).
  std::string out;
  out.reserve(40 + vote->choice.size() + vote->device.size() + vote->poll.size());
  out += "{\"choice\":\"";
  out += vote->choice;
  out += "\",\"device\":\"";
  out += vote->device;
  out += "\",\"poll\":\"";
  out += vote->poll;
  out += "\"}";
  return out;
}

Result<Command> command_from_json(std::string_view kind, const json& payload) {
  if (!payload.is_object()) {
    return make_error(ErrorCode::bad_request, std::string(kind) + ": expected an object");
  }
  return read_command(kind, Reader(payload, ""));
}

Result<Marks> marks_from_json(const json& json_value) {
  if (!json_value.is_object())
    return make_error(ErrorCode::bad_request, "marks: expected an object");
  Marks marks;
  for (const auto& [criterion, mark] : json_value.items()) {
    if (!mark.is_number()) {
      return make_error(ErrorCode::bad_request, "marks." + criterion + ": expected a number");
    }
    marks[criterion] = mark.get<double>();
  }
  return marks;
}

json result_to_json(const EntryResult& result) {
  json judge_scores = json::array();
  for (const auto& total : result.judge_scores) judge_scores.push_back(judge_total_to_json(total));
  json item = {
      {"entry", result.entry},
      {"judge_scores", std::move(judge_scores)},
      {"judge_component", result.judge_component ? json(*result.judge_component) : json(nullptr)},
      {"plain_mean", result.plain_mean},
      {"votes", result.votes},
      {"audience_component", result.audience_component},
      {"final", result.final_score},
      {"published", published_to_json(result.published)},
      {"rank", result.rank},
      {"provisional", result.provisional}};
  if (result.rated) {
    item["ratings"] = result.votes;
    item["mean_rating"] = result.mean_rating;
    item["too_few_ratings"] = result.too_few_ratings;
  }
  return item;
}

json results_to_json(std::string_view round, const std::vector<EntryResult>& results) {
  json entries = json::array();
  for (const auto& result : results) entries.push_back(result_to_json(result));
  return {{"round", round}, {"entries", std::move(entries)}};
}

}  // namespace stagevote::core
