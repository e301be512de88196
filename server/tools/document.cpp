#include "tools/document.hpp"

#include <toml++/toml.h>
#include <iterator>
#include <sstream>
#include <vector>

#include "tools/table.hpp"

namespace stagevote::tools {
namespace {

using nlohmann::json;

// JSON pointer escaping of one reference token (RFC 6901).
std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// --- TOML: toml++ knows every node's source position. -------------------------------------

json toml_to_json(const toml::node& node, const std::string& pointer, Document& doc) {
  doc.lines.emplace(pointer, static_cast<int>(node.source().begin.line));
  if (auto* table = node.as_table()) {
    json object = json::object();
    for (auto&& [key, value] : *table) {
      std::string child = pointer + "/" + pointer_token(std::string(key.str()));
      if (key.source().begin.line > 0) doc.lines[child] = static_cast<int>(key.source().begin.line);
      object[std::string(key.str())] = toml_to_json(value, child, doc);
    }
    return object;
  }
  if (auto* array = node.as_array()) {
    json list = json::array();
    std::size_t index = 0;
    for (auto&& element : *array)
      list.push_back(toml_to_json(element, pointer + "/" + std::to_string(index++), doc));
    return list;
  }
  if (auto* text = node.as_string()) return text->get();
  if (auto* integer = node.as_integer()) return integer->get();
  if (auto* floating = node.as_floating_point()) return floating->get();
  if (auto* boolean = node.as_boolean()) return boolean->get();
  // Dates and times are not part of a scheme; keep their text so a problem can quote it.
  std::ostringstream text;
  if (auto* date = node.as_date()) text << *date;
  if (auto* time = node.as_time()) text << *time;
  if (auto* date_time = node.as_date_time()) text << *date_time;
  return text.str();
}

std::optional<Document> parse_toml(const SourceFile& source, Problems& problems) {
  Document doc{source.name, {}, {}};
  try {
    toml::table table = toml::parse(source.bytes, source.name);
    doc.root = toml_to_json(table, "", doc);
    doc.lines[""] = 1;
  } catch (const toml::parse_error& error) {
    problems.push_back({source.name, static_cast<int>(error.source().begin.line),
                        "TOML syntax: " + std::string(error.description())});
    return std::nullopt;
  }
  return doc;
}

// --- JSON: nlohmann's SAX events carry no position, so the input iterator counts it. -------

// An input iterator over the text that records how far the parser has read.
class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* at, const char** furthest) : at_(at), furthest_(furthest) {}
  reference operator*() const {
    if (at_ + 1 > *furthest_) *furthest_ = at_ + 1;
    return *at_;
  }
  CountingIterator& operator++() {
    ++at_;
    return *this;
  }
  CountingIterator operator++(int) {
    auto copy = *this;
    ++at_;
    return copy;
  }
  bool operator==(const CountingIterator& other) const { return at_ == other.at_; }
  bool operator!=(const CountingIterator& other) const { return at_ != other.at_; }

 private:
  const char* at_;
  const char** furthest_;
};

// Builds the DOM like nlohmann's own SAX DOM parser, and notes each value's line.
class LineRecordingBuilder : public nlohmann::json_sax<json> {
 public:
  LineRecordingBuilder(const std::string& text, const char** furthest, Document& doc)
      : text_(text), furthest_(furthest), doc_(doc) {}

  bool null() override { return add(nullptr); }
  bool boolean(bool value) override { return add(value); }
  bool number_integer(number_integer_t value) override { return add(value); }
  bool number_unsigned(number_unsigned_t value) override { return add(value); }
  bool number_float(number_float_t value, const string_t&) override { return add(value); }
  bool string(string_t& value) override { return add(value); }
  bool binary(binary_t& value) override { return add(json::binary(value)); }

  bool start_object(std::size_t) override {
    json* object = add(json::object());
    stack_.push_back({object, pending_pointer_, {}});
    return true;
  }
  bool key(string_t& value) override {
    stack_.back().key = value;
    doc_.lines[stack_.back().pointer + "/" + pointer_token(value)] = current_line();
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    json* array = add(json::array());
    stack_.push_back({array, pending_pointer_, {}});
    return true;
  }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& error) override {
    error_line_ = line_at(position);
    error_ = error.what();
    return false;
  }

  int error_line() const { return error_line_; }
  const std::string& error() const { return error_; }

 private:
  struct Frame {
    json* container;
    std::string pointer;
    std::string key;
  };

  // The line of the token just read: the parser has read one character past a number, so
  // the last character read is not counted.
  int current_line() {
    std::size_t read = static_cast<std::size_t>(*furthest_ - text_.data());
    return line_at(read > 0 ? read - 1 : 0);
  }
  int line_at(std::size_t offset) {
    offset = std::min(offset, text_.size());
    for (; counted_ < offset; ++counted_)
      if (text_[counted_] == '\n') ++line_;
    return line_;
  }

  // Places a value where the parser is (root, array element or object member).
  template <class Value>
  json* add(Value&& value) {
    if (stack_.empty()) {
      doc_.root = json(std::forward<Value>(value));
      pending_pointer_.clear();
      doc_.lines[""] = current_line();
      return &doc_.root;
    }
    Frame& frame = stack_.back();
    json* slot = nullptr;
    if (frame.container->is_array()) {
      pending_pointer_ = frame.pointer + "/" + std::to_string(frame.container->size());
      frame.container->push_back(json(std::forward<Value>(value)));
      slot = &frame.container->back();
      doc_.lines[pending_pointer_] = current_line();
    } else {
      pending_pointer_ = frame.pointer + "/" + pointer_token(frame.key);
      slot = &((*frame.container)[frame.key] = json(std::forward<Value>(value)));
    }
    return slot;
  }

  const std::string& text_;
  const char** furthest_;
  Document& doc_;
  std::vector<Frame> stack_;
  std::string pending_pointer_;
  std::size_t counted_ = 0;
  int line_ = 1;
  int error_line_ = 0;
  std::string error_;
};

std::optional<Document> parse_json(const SourceFile& source, Problems& problems) {
  Document doc{source.name, {}, {}};
  std::string_view text = source.bytes;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const std::string body(text);
  const char* furthest = body.data();
  LineRecordingBuilder builder(body, &furthest, doc);
  bool ok = json::sax_parse(CountingIterator(body.data(), &furthest),
                            CountingIterator(body.data() + body.size(), &furthest), &builder);
  if (!ok) {
    std::string reason = builder.error();
    // nlohmann prefixes "[json.exception.parse_error.101] parse error at line 3, column 5: ".
    if (auto colon = reason.find(": "); colon != std::string::npos)
      reason = reason.substr(colon + 2);
    problems.push_back({source.name, builder.error_line(), "JSON syntax: " + reason});
    return std::nullopt;
  }
  return doc;
}

}  // namespace

int Document::line_of(std::string pointer) const {
  for (;;) {
    auto found = lines.find(pointer);
    if (found != lines.end()) return found->second;
    if (pointer.empty()) return 0;
    pointer.erase(pointer.rfind('/'));
  }
}

std::optional<Document> parse_document(const SourceFile& source, Problems& problems) {
  const std::string ext = extension_of(source.name);
  if (ext == "toml") return parse_toml(source, problems);
  if (ext == "json") return parse_json(source, problems);
  problems.push_back({source.name, 0, "unknown scheme format ." + ext + " (use .toml or .json)"});
  return std::nullopt;
}

}  // namespace stagevote::tools
