#pragma once
// Gzip-compressed copies of the pages' text files, made once per version of a file and kept
// in memory, so that a hall of phones loading the same modules costs one compression each.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace stagevote::net {

// `data` in the gzip format (RFC 1952), at zlib's best compression.
std::string gzip(std::string_view data);

// Keyed by path and version (size and modification time): a file that changes on disk is
// compressed again at its next request. Holds at most `budget` compressed bytes, dropping
// the least recently used; a file over `largest_file` bytes is never compressed. Safe to
// use from every network thread at once.
class gzip_cache {
 public:
  struct Version {
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    bool operator==(const Version&) const = default;
  };

  gzip_cache(std::size_t budget, std::size_t largest_file);

  // The compressed bytes of `path` at `version`; on a miss `read` gives the file's bytes.
  // nullptr for a file over `largest_file` or one that could not be read: send it as it is.
  std::shared_ptr<const std::string> get(const std::string& path, Version version,
                                         const std::function<std::optional<std::string>()>& read);

 private:
  struct Entry {
    Version version;
    std::shared_ptr<const std::string> compressed;
    std::uint64_t last_used = 0;
  };

  const std::size_t budget_;
  const std::size_t largest_file_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::size_t held_ = 0;
  std::uint64_t uses_ = 0;  // a counter, not a clock: orders the entries by last use
};

}  // namespace stagevote::net
