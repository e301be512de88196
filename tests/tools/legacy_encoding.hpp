#pragma once
// The bytes a program on a Chinese system saves: `utf8` in `encoding` ("GBK", "UTF-16LE"),
// by glibc's iconv as the import's reader uses it.
#include <iconv.h>

#include <stdexcept>
#include <string>

namespace stagevote::tools::testing {

inline std::string encode(const std::string& utf8, const char* encoding) {
  iconv_t cd = iconv_open(encoding, "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("no iconv for encoding");
  std::string out(utf8.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* to = out.data();
  std::size_t out_left = out.size();
  const std::size_t rc = iconv(cd, &in, &in_left, &to, &out_left);
  iconv_close(cd);
  if (rc == static_cast<std::size_t>(-1)) throw std::runtime_error("text not encodable");
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace stagevote::tools::testing
