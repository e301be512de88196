#include "error.hpp"

#include <array>
#include <string_view>

namespace stagevote::core {
namespace {

struct CodeName {
  ErrorCode code;
  const char* name;
};

constexpr std::array<CodeName, 20> kCodeNames{{
    {ErrorCode::bad_request, "bad_request"},
    {ErrorCode::unauthorized, "unauthorized"},
    {ErrorCode::forbidden, "forbidden"},
    {ErrorCode::poll_closed, "poll_closed"},
    {ErrorCode::invalid_choice, "invalid_choice"},
    {ErrorCode::recused, "recused"},
    {ErrorCode::locked, "locked"},
    {ErrorCode::out_of_range, "out_of_range"},
    {ErrorCode::rate_limited, "rate_limited"},
    {ErrorCode::too_large, "too_large"},
    {ErrorCode::too_many, "too_many"},
    {ErrorCode::not_found, "not_found"},
    {ErrorCode::invalid_state, "invalid_state"},
    {ErrorCode::conflict, "conflict"},
    {ErrorCode::internal, "internal"},
    {ErrorCode::revoked, "revoked"},
    {ErrorCode::replaced, "replaced"},
    {ErrorCode::tie_at_cut, "tie_at_cut"},
    {ErrorCode::judges_missing, "judges_missing"},
    {ErrorCode::in_review, "in_review"},
}};

}  // namespace

const char* to_string(ErrorCode code) noexcept {
  for (const auto& entry : kCodeNames) {
    if (entry.code == code) return entry.name;
  }
  return "internal";
}

std::optional<ErrorCode> error_code_from_string(std::string_view name) noexcept {
  for (const auto& entry : kCodeNames) {
    if (name == entry.name) return entry.code;
  }
  return std::nullopt;
}

}  // namespace stagevote::core
