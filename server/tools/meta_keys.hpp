#pragma once
// Meta keys of the database that the tools read and write (the engine owns their meaning).
namespace stagevote::tools {

inline constexpr const char* kContestMetaKey = "contest";  // core::contest_to_json, with tokens

}  // namespace stagevote::tools
