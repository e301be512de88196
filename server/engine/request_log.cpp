#include "engine/request_log.hpp"

namespace stagevote::engine {

std::string RequestLog::key(std::string_view actor, std::string_view id) {
  // The actor's length first: no two (actor, id) pairs make the same key, whatever they hold.
  std::string key = std::to_string(actor.size());
  key.reserve(key.size() + actor.size() + id.size() + 1);
  key.push_back(':');
  key.append(actor);
  key.append(id);
  return key;
}

std::optional<protocol::Message> RequestLog::find(std::string_view actor,
                                                  std::string_view id) const {
  const auto it = replies_.find(key(actor, id));
  if (it == replies_.end()) return std::nullopt;
  return it->second;
}

void RequestLog::remember_durable(std::string_view actor, std::string_view id,
                                  protocol::Message reply) {
  replies_.insert_or_assign(key(actor, id), std::move(reply));
}

void RequestLog::remember_volatile(std::string_view actor, std::string_view id,
                                   protocol::Message reply) {
  std::string k = key(actor, id);
  if (!replies_.try_emplace(k, std::move(reply)).second) return;
  volatile_order_.push_back(std::move(k));
  if (volatile_order_.size() > kMaxVolatile) {
    replies_.erase(volatile_order_.front());
    volatile_order_.pop_front();
  }
}

void RequestLog::clear() {
  replies_.clear();
  volatile_order_.clear();
}

}  // namespace stagevote::engine
