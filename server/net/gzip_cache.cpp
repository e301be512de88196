#include "net/gzip_cache.hpp"

#include <zlib.h>

#include <new>

namespace stagevote::net {

std::string gzip(std::string_view data) {
  z_stream stream{};
  // windowBits 15 + 16: deflate's largest window inside a gzip header and trailer.
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw std::bad_alloc();
  }
  // deflateBound is enough room for all of it in one Z_FINISH call.
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  // With the whole input and deflateBound's room, only a failed allocation stops it short.
  if (result != Z_STREAM_END) throw std::bad_alloc();
  return out;
}

gzip_cache::gzip_cache(std::size_t budget, std::size_t largest_file)
    : budget_(budget), largest_file_(largest_file) {}

std::shared_ptr<const std::string> gzip_cache::get(
    const std::string& path, Version version,
    const std::function<std::optional<std::string>()>& read) {
  if (version.size > largest_file_) return nullptr;
  {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(path); it != entries_.end() && it->second.version == version) {
      it->second.last_used = ++uses_;
      return it->second.compressed;
    }
  }
  // Compressed outside the lock, so that other files are served meanwhile. Two first
  // requests for one file at once may both compress it; the first to finish is kept.
  const auto data = read();
  if (!data) return nullptr;
  auto compressed = std::make_shared<const std::string>(gzip(*data));

  std::lock_guard lock(mutex_);
  auto [it, inserted] = entries_.try_emplace(path);
  Entry& entry = it->second;
  if (!inserted) {
    if (entry.version == version) {
      entry.last_used = ++uses_;
      return entry.compressed;
    }
    held_ -= entry.compressed->size();
  }
  entry = Entry{version, compressed, ++uses_};
  held_ += compressed->size();
  // Least recently used out, by a linear scan: the pages are a few dozen files.
  while (held_ > budget_ && entries_.size() > 1) {
    auto oldest = entries_.end();
    for (auto i = entries_.begin(); i != entries_.end(); ++i) {
      if (i->first != path &&
          (oldest == entries_.end() || i->second.last_used < oldest->second.last_used)) {
        oldest = i;
      }
    }
    held_ -= oldest->second.compressed->size();
    entries_.erase(oldest);
  }
  return compressed;
}

}  // namespace stagevote::net
