#pragma once
// Typed errors of the contest core. The names are the wire codes of the
// contract's `error` message, so the net layer never has to translate.
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace stagevote::core {

enum class ErrorCode {
  bad_request,     // missing or mistyped field
  unauthorized,    // bad key or token
  forbidden,       // the role may not do this
  poll_closed,     // vote on a poll that is not open
  invalid_choice,  // vote for an entry the poll does not offer
  recused,         // judge's unit is the entry's unit
  locked,          // scores of the entry are locked
  out_of_range,    // mark outside 0..max or with too many decimals
  rate_limited,
  too_large,
  too_many,       // a cap on audience identities or connections refused this one
  not_found,      // unknown round, entry, poll, judge or criterion id
  invalid_state,  // a show step out of order (e.g. reveal before lock)
  conflict,       // the request contradicts existing data (duplicate id, ...)
  internal,       // the server failed (e.g. the disk); never the client's fault
  revoked,        // a judge's token was revoked (reissued): the session is closed
  replaced,       // the same judge said hello on another connection, which took over
  tie_at_cut,     // advance: entries share the rank at the cut; Error::entries names them
  // lock_scores with a non-recused judge not scored; Error::judges names them
  judges_missing,
  // the entry's marks break the tolerance table: the chief judge must release it first
  in_review,
};

const char* to_string(ErrorCode code) noexcept;
std::optional<ErrorCode> error_code_from_string(std::string_view name) noexcept;

struct Error {
  ErrorCode code;
  std::string message;
  // The entries the error is about, where the client needs them to resolve it (tie_at_cut:
  // the tied entries); on the wire as "entries" when not empty.
  std::vector<std::string> entries = {};
  // The judges it is about (judges_missing: those who have not scored); on the wire as
  // "judges" when not empty.
  std::vector<std::string> judges = {};
};

// Success or an Error. Kept tiny because C++20 has no std::expected.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}
  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// nullopt means success.
using Status = std::optional<Error>;

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace stagevote::core
