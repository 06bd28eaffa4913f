#include "server/http/config.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace eco::server {
namespace {

using nlohmann::json;

// Reads the keys of one object, refusing any it does not know.
class Section {
 public:
  Section(const json& j, std::string where, const std::string& origin) : j_(j), where_(std::move(where)), origin_(origin) {
    if (!j.is_object()) fail("", "is not an object");
  }
  ~Section() = default;
  template <class T>
  void get(const char* key, T& out, long long lo, long long hi) {
    seen_.push_back(key);
    auto it = j_.find(key);
    if (it == j_.end()) return;
    if (!it->is_number_integer()) fail(key, "is not a whole number");
    const long long v = it->get<long long>();
    if (v < lo || v > hi) fail(key, fmt::format("is {}: give a value from {} to {}", v, lo, hi));
    out = static_cast<T>(v);
  }
  void seconds(const char* key, std::chrono::seconds& out, long long lo, long long hi) {
    long long v = out.count();
    get(key, v, lo, hi);
    out = std::chrono::seconds(v);
  }
  void boolean(const char* key, bool& out) {
    seen_.push_back(key);
    auto it = j_.find(key);
    if (it == j_.end()) return;
    if (!it->is_boolean()) fail(key, "is not true or false");
    out = it->get<bool>();
  }
  void text(const char* key, std::string& out) {
    seen_.push_back(key);
    auto it = j_.find(key);
    if (it == j_.end()) return;
    if (!it->is_string()) fail(key, "is not a string");
    out = it->get<std::string>();
  }
  const json* object(const char* key) {
    seen_.push_back(key);
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  void check_unknown() {
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (std::find(seen_.begin(), seen_.end(), it.key()) == seen_.end()) fail(it.key(), "is not a setting");
  }
  [[noreturn]] void fail(const std::string& key, const std::string& what) {
    throw ConfigError(fmt::format("{}: {}{}{} {}", origin_, where_, where_.empty() || key.empty() ? "" : ".", key, what));
  }

 private:
  const json& j_;
  std::string where_;
  const std::string& origin_;
  std::vector<std::string> seen_;
};

constexpr long long kDay = 24 * 3600;

}  // namespace

void set_listen(ServerConfig& c, const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw ConfigError(fmt::format("listen {}: give ADDR:PORT, e.g. 127.0.0.1:8080", listen));
  std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  int p = -1;
  try {
    std::size_t used = 0;
    p = std::stoi(port, &used);
    if (used != port.size()) p = -1;
  } catch (const std::exception&) {
    p = -1;
  }
  if (p < 0 || p > 65535) throw ConfigError(fmt::format("listen {}: the port is not a number from 0 to 65535", listen));
  c.host = host;
  c.port = p;
}

ServerConfig parse_config(const std::string& text, const std::string& origin) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& ex) {
    throw ConfigError(fmt::format("{}: not JSON: {}", origin, ex.what()));
  }
  ServerConfig c;
  Section top(j, "", origin);
  std::string listen;
  top.text("listen", listen);
  if (!listen.empty()) set_listen(c, listen);
  top.get("threads", c.threads, 1, 256);
  top.get("jobs_nice", c.jobs_nice, 0, 19);
  top.boolean("secure_cookie", c.secure_cookie);
  if (const json* l = top.object("limits")) {
    Section s(*l, "limits", origin);
    s.get("header_bytes", c.limits.header_bytes, 1024, 8192);
    s.get("body_bytes", c.limits.body_bytes, 1024, 1LL << 30);
    s.get("upload_bytes", c.limits.upload_bytes, 1024, 1LL << 34);
    s.seconds("read_timeout_seconds", c.limits.read_timeout, 1, 3600);
    s.seconds("write_timeout_seconds", c.limits.write_timeout, 1, 3600);
    s.seconds("keep_alive_seconds", c.limits.keep_alive_timeout, 1, 3600);
    s.get("keep_alive_requests", c.limits.keep_alive_requests, 1, 100000);
    s.get("max_queued_connections", c.limits.max_queued_connections, 0, 100000);
    s.check_unknown();
  }
  if (const json* l = top.object("session")) {
    Section s(*l, "session", origin);
    s.seconds("lifetime_seconds", c.session.lifetime, 60, 30 * kDay);
    s.seconds("idle_seconds", c.session.idle, 60, 30 * kDay);
    s.check_unknown();
  }
  if (const json* l = top.object("login")) {
    Section s(*l, "login", origin);
    s.get("max_failures", c.login.max_failures, 1, 1000);
    s.get("address_max_failures", c.login.address_max_failures, 1, 100000);
    s.seconds("backoff_seconds", c.login.backoff, 1, kDay);
    s.seconds("max_backoff_seconds", c.login.max_backoff, 1, kDay);
    s.check_unknown();
  }
  top.check_unknown();
  if (c.limits.upload_bytes < c.limits.body_bytes)
    throw ConfigError(fmt::format("{}: limits.upload_bytes is below limits.body_bytes", origin));
  return c;
}

ServerConfig load_config(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(fmt::format("{}: cannot read the configuration file", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), file.string());
}

}  // namespace eco::server
