#include "server/http/throttle.hpp"

#include <algorithm>

namespace eco::server {

std::int64_t Throttle::wait(const std::string& key, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto it = states_.find(key);
  if (it == states_.end() || it->second.until <= now) return 0;
  return it->second.until - now;
}

void Throttle::failed(const std::string& key, int max_failures, std::int64_t now) {
  std::lock_guard lock(mutex_);
  // Bounded memory: a flood of distinct names must not grow the map without end. Forgetting
  // the states whose wait is over drops their counts (a later failure starts again from one),
  // never a wait still running.
  if (states_.size() > 100000)
    std::erase_if(states_, [now](const auto& kv) { return kv.second.until <= now; });
  State& s = states_[key];
  ++s.failures;
  if (s.failures < max_failures) return;
  const int doublings = std::min(s.failures - max_failures, 30);
  const std::int64_t wait =
      std::min<std::int64_t>(policy_.backoff.count() << doublings, policy_.max_backoff.count());
  s.until = now + wait;
}

void Throttle::succeeded(const std::string& key) {
  std::lock_guard lock(mutex_);
  states_.erase(key);
}

}  // namespace eco::server
