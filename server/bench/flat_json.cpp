#include "flat_json.hpp"

namespace stagevote::bench {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool done() const noexcept { return pos_ >= text_.size(); }

  void skip_space() noexcept {
    while (!done() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' ||
                       text_[pos_] == '\t')) {
      ++pos_;
    }
  }

  bool eat(char c) noexcept {
    skip_space();
    if (done() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // At an opening quote: the string's raw contents, escapes left as they are.
  bool string(std::string_view& out) noexcept {
    if (!eat('"')) return false;
    const std::size_t begin = pos_;
    while (!done() && text_[pos_] != '"') pos_ += text_[pos_] == '\\' ? 2 : 1;
    if (done()) return false;
    out = text_.substr(begin, pos_ - begin);
    ++pos_;
    return true;
  }

  // Any value; strings come back without quotes, others as their raw text.
  bool value(std::string_view& out) noexcept {
    skip_space();
    if (done()) return false;
    const char c = text_[pos_];
    if (c == '"') return string(out);
    const std::size_t begin = pos_;
    if (c == '{' || c == '[') {
      if (!skip_nested()) return false;
    } else {
      while (!done() && text_[pos_] != ',' && text_[pos_] != '}' && text_[pos_] != ']' &&
             text_[pos_] != ' ') {
        ++pos_;
      }
    }
    out = text_.substr(begin, pos_ - begin);
    return true;
  }

 private:
  bool skip_nested() noexcept {
    int depth = 0;
    while (!done()) {
      const char c = text_[pos_];
      if (c == '"') {
        std::string_view ignored;
        if (!string(ignored)) return false;
        continue;
      }
      ++pos_;
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && --depth == 0) return true;
    }
    return false;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

TopLevel scan_top_level(std::string_view json) noexcept {
  TopLevel top;
  Scanner scanner(json);
  if (!scanner.eat('{')) return top;
  if (scanner.eat('}')) {
    top.valid = true;
    return top;
  }
  do {
    std::string_view key, value;
    if (!scanner.string(key) || !scanner.eat(':') || !scanner.value(value)) return top;
    if (key == "type")
      top.type = value;
    else if (key == "id")
      top.id = value;
    else if (key == "poll")
      top.poll = value;
    else if (key == "choice")
      top.choice = value;
    else if (key == "device")
      top.device = value;
    else if (key == "code")
      top.code = value;
    else if (key == "total")
      top.total = value;
    else if (key == "counted")
      top.counted = value;
  } while (scanner.eat(','));
  top.valid = scanner.eat('}');
  return top;
}

}  // namespace stagevote::bench
