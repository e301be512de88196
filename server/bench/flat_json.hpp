#pragma once
// A cheap look at the top level of a server message. Tens of thousands of phones receive
// acks, welcomes and state snapshots; parsing each into a DOM would cost the bench more CPU
// than the server spends producing them, so phones only pick out the few top-level fields
// they need. Nested objects and arrays are skipped, strings are returned without their
// quotes and undecoded (the fields read here are plain ASCII ids and tokens).
#include <string_view>

namespace stagevote::bench {

struct TopLevel {
  std::string_view type;
  std::string_view id;
  std::string_view poll;
  std::string_view choice;
  std::string_view device;
  std::string_view code;
  std::string_view total;    // a number, as text
  std::string_view counted;  // "true" or "false"
  bool valid = false;        // a JSON object that scanned to its end
};

TopLevel scan_top_level(std::string_view json) noexcept;

}  // namespace stagevote::bench
