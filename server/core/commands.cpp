#include "commands.hpp"

namespace stagevote::core {
namespace {

// One name per command type; a new command without a name fails to compile.
constexpr const char* kind_of(const StartEntry&) {
  return "start_entry";
}
constexpr const char* kind_of(const OpenPoll&) {
  return "open_poll";
}
constexpr const char* kind_of(const ClosePoll&) {
  return "close_poll";
}
constexpr const char* kind_of(const LockScores&) {
  return "lock_scores";
}
constexpr const char* kind_of(const UnlockScores&) {
  return "unlock_scores";
}
constexpr const char* kind_of(const Reveal&) {
  return "reveal";
}
constexpr const char* kind_of(const ShowScene&) {
  return "show";
}
constexpr const char* kind_of(const DrawOrder&) {
  return "draw_order";
}
constexpr const char* kind_of(const Vote&) {
  return "vote";
}
constexpr const char* kind_of(const Score&) {
  return "score";
}
constexpr const char* kind_of(const CorrectScore&) {
  return "correct_score";
}
constexpr const char* kind_of(const SetAdmission&) {
  return "set_admission";
}
constexpr const char* kind_of(const IssueTickets&) {
  return "issue_tickets";
}
constexpr const char* kind_of(const VoidTicket&) {
  return "void_ticket";
}
constexpr const char* kind_of(const ReissueJudgeToken&) {
  return "reissue_judge_token";
}
constexpr const char* kind_of(const Advance&) {
  return "advance";
}
constexpr const char* kind_of(const CloseAudience&) {
  return "close_audience";
}
constexpr const char* kind_of(const SetJoinCorner&) {
  return "set_join_corner";
}
constexpr const char* kind_of(const RequestRecheck&) {
  return "request_recheck";
}
constexpr const char* kind_of(const ConfirmScore&) {
  return "confirm_score";
}
constexpr const char* kind_of(const ReleaseReview&) {
  return "release_review";
}

}  // namespace

const char* command_kind(const Command& command) noexcept {
  return std::visit([](const auto& c) { return kind_of(c); }, command);
}

}  // namespace stagevote::core
