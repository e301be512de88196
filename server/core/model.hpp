#pragma once
// The contest as organisers define it before the show: plain values, no behaviour
// beyond lookups and validation.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"

namespace stagevote::core {

// Milliseconds since the Unix epoch. The core never reads a clock: callers pass it.
using Millis = std::int64_t;

struct Criterion {
  std::string id;
  std::string name;
  double max = 0;  // marks are 0..max
};

// How the audience counts (docs/protocol.md, "Audience mode"):
//  relative - 100 * votes / the round's most votes: it moves whenever any entry gets votes, so
//             results are provisional until the host closes the round's audience vote;
//  rating   - a rating poll per entry right after it performs, 1..10 from each phone: the
//             component is 10 * the mean rating, final once that poll is closed.
enum class AudienceMode { relative, rating };
const char* to_string(AudienceMode mode) noexcept;
std::optional<AudienceMode> audience_mode_from_string(std::string_view name) noexcept;

// The tolerance review (docs/judging.md, "Tolerance review"), on a 10-point scale: a score
// S of a scheme whose criteria add up to M reads as 10 * S / M, and so do the gaps. Off when
// it has no band and no extremes gap.
struct ToleranceBand {
  double from = 0;  // the band holds kept means from this (inclusive) up to the next band's
  double gap = 0;   // the largest allowed gap between the highest and lowest kept total
};
struct Tolerance {
  std::vector<ToleranceBand> bands;  // highest `from` first
  double extremes_gap = 0;  // a gap this large or larger between all totals: review (0: none)
  bool enabled() const noexcept { return !bands.empty() || extremes_gap > 0; }
};

struct ScoringScheme {
  std::vector<Criterion> criteria;
  int decimals = 2;              // marks have at most this many decimals
  int result_decimals = 2;       // components and finals are published with this many
  int trim = 1;                  // drop this many highest and lowest judge totals ...
  int trim_min = 5;              // ... when at least this many judges scored
  double judge_weight = 0.9;     // final = judge_weight * judge_component
  double audience_weight = 0.1;  //       + audience_weight * audience_component
  AudienceMode audience_mode = AudienceMode::relative;
  int min_ratings = 10;  // rating mode: fewer ratings give an audience component of 0
  Tolerance tolerance;   // off by default
};

// Who may become an audience voter (docs/protocol.md, "Admission"):
//  open   - any phone; a device token per browser, with caps per source address;
//  code   - a new audience identity needs the join code the venue screen shows;
//  ticket - a printed seat ticket is the voter, whatever phone it is scanned on.
enum class Admission { open, code, ticket };
const char* to_string(Admission admission) noexcept;
std::optional<Admission> admission_from_string(std::string_view name) noexcept;

// The audience's admission rules, from the scheme's `audience` table. The server's flags may
// override the caps (a venue behind NAT raises them).
struct AudiencePolicy {
  Admission admission = Admission::open;  // the mode at the start; the host may switch it
  int identities_per_address = 4;  // new identities one address may make per window; 0: no cap
  int identity_window_s = 600;
  int connections_per_address = 8;  // open audience connections per address; 0: no cap
  int code_digits = 6;              // join codes: 4..6 digits
  int code_period_s = 60;           // a new code every period ...
  int code_grace_s = 60;            // ... the previous one still taken this long after
  // The integrity panel's alert: more new identities, or votes, in one minute than this.
  int alert_identities_per_minute = 300;
  int alert_votes_per_minute = 6000;
};

// Units are named by their (unique) name, e.g. "省高级人民法院".
struct Entry {
  std::string id;
  std::string title;
  std::string unit;
  std::string form;   // performance form: 情景剧, 歌舞, 快板, 演讲 ...
  std::string theme;  // one of the contest's themes
};

struct Round {
  std::string id;
  std::string name;
  std::vector<std::string> entries;  // running order
};

// The shortest judge token an import takes: a guess at 16 characters is out of reach.
// Generated tokens are 96 random bits (16 base64url characters).
inline constexpr std::size_t kMinJudgeTokenLength = 16;

struct Judge {
  std::string id;
  std::string name;
  std::optional<std::string> unit;  // a judge never scores entries of this unit
  std::string token;                // secret for the judge's phone
  std::string title;                // e.g. "党建专家"; optional, for cards
  bool chief = false;  // 评审组长: the desk (tolerance review) is theirs; at most one per contest
  // Units the judge is close to (a former employer, a partner office): not recused, but the
  // marking statistics measure the judge's deviation on their entries (core/judge_stats.hpp).
  std::vector<std::string> related_units = {};
};

// Award tiers are given by rank: the first `count` ranks of a round get the first tier, etc.
struct AwardTier {
  std::string id;
  std::string name;
  int count = 0;
};

// What the 公示 (publication sheet) prints in its head: from the scheme's [publication] table.
struct Publication {
  std::string date;    // 比赛日期, as the organisers write it ("2026年12月2日")
  std::string venue;   // 地点
  std::string period;  // 公示期 ("2026年12月3日至12月9日")
  std::string phone;   // 监督电话 (where complaints go)
  bool empty() const noexcept {
    return date.empty() && venue.empty() && period.empty() && phone.empty();
  }
};

struct Contest {
  std::string id;
  std::string name;
  std::string subtitle;
  ScoringScheme scoring;
  std::vector<std::string> units;
  std::vector<std::string> forms;
  std::vector<std::string> themes;
  std::vector<Entry> entries;
  std::vector<Round> rounds;
  std::vector<Judge> judges;
  std::vector<AwardTier> awards;                // e.g. 一等奖 ×3, 二等奖 ×5, 三等奖 ×8
  std::string popularity_award = "最佳人气奖";  // to the entry with most audience votes
  AudiencePolicy audience;
  Publication publication;  // in the contest record: the chain covers what the 公示 prints

  const Entry* find_entry(std::string_view id) const noexcept;
  const Round* find_round(std::string_view id) const noexcept;
  const Judge* find_judge(std::string_view id) const noexcept;
  const Judge* find_judge_by_token(std::string_view token) const noexcept;
  const Criterion* find_criterion(std::string_view id) const noexcept;
  // The chief judge, if the contest names one.
  const Judge* chief() const noexcept;
};

// Checks ids are unique and non-empty, rounds name known entries, units of entries are
// listed (a judge's need not be: an outside judge), criteria have max > 0, decimals and
// result_decimals are 0..6, weights are within 0..1, trim/trim_min sane.
Status validate(const Contest& contest);

// A judge is recused from an entry of their own unit.
bool is_recused(const Judge& judge, const Entry& entry) noexcept;

// A seeded, reproducible random draw of a running order (抽签): same seed, same order.
std::vector<std::string> draw_order(std::vector<std::string> entries, std::uint64_t seed);

}  // namespace stagevote::core
