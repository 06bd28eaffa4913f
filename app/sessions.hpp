#pragma once
// Sign-in sessions of the bureau's workbench, kept in the store (table _session; docs/server.md).
//
// A session is identified by a random token that only the browser holds (in an HttpOnly
// cookie): the store keeps its BLAKE2b hash (libsodium crypto_generichash), so that a copy of
// the store signs nobody in. Each session has its own CSRF token (random, compared in constant
// time by csrf_matches), a hard expiry (lifetime) and an idle timeout. A session past either is
// refused and deleted when presented. Sign-out deletes it; a new sign-in always makes a new one
// (no fixation: a token chosen or seen before sign-in never becomes signed in).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/accounts.hpp"

namespace eco::app {

struct SessionPolicy {
  std::chrono::seconds lifetime{8 * 3600};  // from sign-in, whatever the activity
  std::chrono::seconds idle{30 * 60};       // since the last request
};

struct Session {
  std::string user;         // the account's name
  std::string csrf;         // the token every state-changing request must carry
  std::int64_t created = 0, last_seen = 0, expires = 0;  // Unix seconds (UTC)
  std::string token_hash;   // hex BLAKE2b of the token: names the session in the log, never the token
};

struct NewSession {
  std::string token;  // the cookie's value: 43 characters of base64url (256 random bits)
  Session session;
};

// Seconds since the Unix epoch now.
std::int64_t unix_now();

// Whether `given` equals `expected`, in time independent of where they differ (sodium_memcmp).
bool csrf_matches(std::string_view expected, std::string_view given);

class Sessions {
 public:
  // Uses the connection of `accounts` (its store), creating the table on first use.
  explicit Sessions(Accounts& accounts);

  // A new session for `user`, from `now` on. Throws AccountError when the store refuses.
  NewSession create(std::string_view user, const SessionPolicy& policy, std::int64_t now = unix_now());

  // The session the token names, when it exists and is neither expired nor idle at `now`;
  // a session past its expiry or idle timeout is deleted and nullopt returned. Records the
  // activity (last_seen), at most once a minute so that reading does not write on every request.
  std::optional<Session> resolve(std::string_view token, const SessionPolicy& policy,
                                 std::int64_t now = unix_now());

  // Deletes the session the token names (sign-out); false when there was none.
  bool remove(std::string_view token);
  // Deletes every session of `user` except the one whose hash is `keep_hash` (a disabled
  // account, a password set by someone else): returns how many went.
  int remove_user(std::string_view user, std::string_view keep_hash = "");
  // Deletes every expired or idle session (the server calls it now and then).
  int purge(const SessionPolicy& policy, std::int64_t now = unix_now());

  // The hex hash the store keeps for `token`.
  static std::string hash_token(std::string_view token);

 private:
  Accounts& accounts_;
};

}  // namespace eco::app
