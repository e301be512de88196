#include "app/args.hpp"

#include <charconv>

namespace stagevote::app {

Args::Args(const std::vector<std::string>& words, const Spec& spec) {
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word == "-h" || word == "--help") {
      switches_.insert("help");
      continue;
    }
    if (!word.starts_with("--")) {
      positional_.push_back(word);
      continue;
    }
    std::string name = word.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (spec.switches.count(name)) {
      if (value) throw UsageError("--" + name + " takes no value");
      switches_.insert(name);
      continue;
    }
    if (!spec.flags.count(name)) throw UsageError("unknown option --" + name);
    if (!value) {
      if (i + 1 >= words.size()) throw UsageError("--" + name + " needs a value");
      value = words[++i];
    }
    auto& values = values_[name];
    if (!values.empty() && !spec.repeatable.count(name)) {
      throw UsageError("--" + name + " given twice");
    }
    values.push_back(std::move(*value));
  }
}

std::optional<std::string> Args::get(const std::string& name) const {
  const auto found = values_.find(name);
  if (found == values_.end()) return std::nullopt;
  return found->second.back();
}

std::vector<std::string> Args::all(const std::string& name) const {
  const auto found = values_.find(name);
  return found == values_.end() ? std::vector<std::string>{} : found->second;
}

std::string Args::require(const std::string& name) const {
  auto value = non_empty(name);
  if (!value) throw UsageError("--" + name + " is required");
  return *value;
}

std::optional<std::string> Args::non_empty(const std::string& name) const {
  for (const auto& value : all(name)) {
    if (value.empty()) throw UsageError("--" + name + " must not be empty");
  }
  return get(name);
}

std::optional<unsigned long> Args::number(const std::string& name, unsigned long max) const {
  const auto text = get(name);
  if (!text) return std::nullopt;
  unsigned long result = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), result);
  if (ec != std::errc() || end != text->data() + text->size() || result > max) {
    throw UsageError("--" + name + " expects a number from 0 to " + std::to_string(max) +
                     ", not '" + *text + "'");
  }
  return result;
}

void Args::no_positional() const {
  if (!positional_.empty()) throw UsageError("unexpected " + positional_.front());
}

}  // namespace stagevote::app
