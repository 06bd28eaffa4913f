#pragma once
// Login throttling: after a number of failed sign-ins for one key (max_failures for an account
// name, address_max_failures for a client address), further attempts for that key are refused for a wait that doubles with each
// further failure, up to `max_backoff`. In memory: a restart forgets it (the trail keeps the
// failures). Thread-safe.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "server/http/config.hpp"

namespace eco::server {

class Throttle {
 public:
  explicit Throttle(LoginThrottle policy) : policy_(policy) {}
  const LoginThrottle& policy() const { return policy_; }
  // Seconds to wait before `key` may try again at `now` (0: it may).
  std::int64_t wait(const std::string& key, std::int64_t now);
  // A failure for `key`, which waits after `max_failures` of them.
  void failed(const std::string& key, int max_failures, std::int64_t now);
  void succeeded(const std::string& key);

 private:
  struct State {
    int failures = 0;
    std::int64_t until = 0;
  };
  LoginThrottle policy_;
  std::mutex mutex_;
  std::unordered_map<std::string, State> states_;
};

}  // namespace eco::server
