#include "app/sessions.hpp"

#include <chrono>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sodium.h>

namespace eco::app {
namespace {

// Rows are deleted (sign-out, expiry): a session is not part of the trail, its sign-in and
// sign-out are (the _audit rows the server writes).
constexpr const char* kCreateSql =
    "CREATE TABLE IF NOT EXISTS _session (token_hash TEXT PRIMARY KEY, user TEXT NOT NULL, "
    "csrf TEXT NOT NULL, created INTEGER NOT NULL, last_seen INTEGER NOT NULL, expires INTEGER NOT NULL)";

// Recording the activity at most this often: the idle timeout is minutes, not seconds.
constexpr std::int64_t kTouchEverySeconds = 60;

std::string random_base64url(std::size_t bytes) {
  unsigned char buf[64];
  randombytes_buf(buf, bytes);
  char out[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, buf, bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(buf, sizeof buf);
  return out;
}

template <class F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SQLite::Exception& ex) {
    throw AccountError(fmt::format("the store's sessions could not be read or written: {}", ex.what()));
  }
}

bool live(const Session& s, const SessionPolicy& policy, std::int64_t now) {
  return now < s.expires && now - s.last_seen < policy.idle.count();
}

}  // namespace

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool csrf_matches(std::string_view expected, std::string_view given) {
  if (expected.empty() || expected.size() != given.size()) return false;
  return sodium_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

Sessions::Sessions(Accounts& accounts) : accounts_(accounts) {
  if (sodium_init() < 0) throw AccountError("libsodium could not be initialised");
  guarded([&] { accounts_.db().exec(kCreateSql); });
}

std::string Sessions::hash_token(std::string_view token) {
  unsigned char h[crypto_generichash_BYTES];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
  char hex[sizeof h * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

NewSession Sessions::create(std::string_view user, const SessionPolicy& policy, std::int64_t now) {
  NewSession out;
  out.token = random_base64url(32);
  out.session = {std::string(user), random_base64url(32), now, now, now + policy.lifetime.count(),
                 hash_token(out.token)};
  guarded([&] {
    SQLite::Statement q(accounts_.db(),
                        "INSERT INTO _session (token_hash, user, csrf, created, last_seen, expires) "
                        "VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, out.session.token_hash);
    q.bind(2, out.session.user);
    q.bind(3, out.session.csrf);
    q.bind(4, out.session.created);
    q.bind(5, out.session.last_seen);
    q.bind(6, out.session.expires);
    q.exec();
  });
  return out;
}

std::optional<Session> Sessions::resolve(std::string_view token, const SessionPolicy& policy, std::int64_t now) {
  if (token.empty() || token.size() > 256) return std::nullopt;
  const std::string h = hash_token(token);
  return guarded([&]() -> std::optional<Session> {
    Session s;
    {
      SQLite::Statement q(accounts_.db(),
                          "SELECT user, csrf, created, last_seen, expires FROM _session WHERE token_hash = ?");
      q.bind(1, h);
      if (!q.executeStep()) return std::nullopt;
      s = {q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getInt64(),
           q.getColumn(3).getInt64(), q.getColumn(4).getInt64(), h};
    }
    if (!live(s, policy, now)) {
      SQLite::Statement d(accounts_.db(), "DELETE FROM _session WHERE token_hash = ?");
      d.bind(1, h);
      d.exec();
      return std::nullopt;
    }
    if (now - s.last_seen >= kTouchEverySeconds) {
      SQLite::Statement u(accounts_.db(), "UPDATE _session SET last_seen = ? WHERE token_hash = ?");
      u.bind(1, now);
      u.bind(2, h);
      u.exec();
      s.last_seen = now;
    }
    return s;
  });
}

bool Sessions::remove(std::string_view token) {
  return guarded([&] {
    SQLite::Statement d(accounts_.db(), "DELETE FROM _session WHERE token_hash = ?");
    d.bind(1, hash_token(token));
    return d.exec() > 0;
  });
}

int Sessions::remove_user(std::string_view user, std::string_view keep_hash) {
  return guarded([&] {
    SQLite::Statement d(accounts_.db(), "DELETE FROM _session WHERE user = ? AND token_hash <> ?");
    d.bind(1, std::string(user));
    d.bind(2, std::string(keep_hash));
    return d.exec();
  });
}

int Sessions::purge(const SessionPolicy& policy, std::int64_t now) {
  return guarded([&] {
    SQLite::Statement d(accounts_.db(), "DELETE FROM _session WHERE expires <= ? OR ? - last_seen >= ?");
    d.bind(1, now);
    d.bind(2, now);
    d.bind(3, static_cast<std::int64_t>(policy.idle.count()));
    return d.exec();
  });
}

}  // namespace eco::app
