#pragma once
// The server's configuration: `ecoaudit serve --config FILE` (JSON), every key optional, an
// unknown key an error (a misspelt limit must not silently fall back to its default).
// docs/server.md lists the keys with their defaults and reasons.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "app/sessions.hpp"

namespace eco::server {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Limits {
  std::size_t header_bytes = 8192;           // request line + headers (cpp-httplib's own cap is 8192)
  std::size_t body_bytes = 1 << 20;          // a request body on an ordinary route
  std::size_t upload_bytes = 64u << 20;      // a request body on an upload route (kUpload)
  std::chrono::seconds read_timeout{10};     // waiting for the client's next bytes
  std::chrono::seconds write_timeout{30};    // waiting for the client to take ours
  std::chrono::seconds keep_alive_timeout{5};
  std::size_t keep_alive_requests = 100;     // requests on one connection before it is closed
  std::size_t max_queued_connections = 64;   // accepted connections waiting for a thread; more get 503
};

struct LoginThrottle {
  int max_failures = 5;                       // failures for one account name before a wait
  int address_max_failures = 50;              // failures from one client address before a wait (an
                                              // office behind one NAT address shares it)
  std::chrono::seconds backoff{2};            // the first wait; each further failure doubles it
  std::chrono::seconds max_backoff{15 * 60};
};

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (printed at start)
  // Request threads. cpp-httplib gives a connection its thread from accept to close, idle or not:
  // a browser keeps several connections open for limits.keep_alive_seconds and a client may
  // connect before it sends; with 8 threads, 50 users (think 2 s) waited ~1 s at p95 for a
  // thread while each request took ~25 ms (docs/performance.md). 64 serve 50 such users; an
  // idle thread costs a stack's pages actually touched and, once used, one SQLite connection.
  int threads = 64;
  // The nice value of the background jobs' thread (sweeps, imports, reports; app/jobs.hpp):
  // request threads stay at 0, so pages answer first while a sweep runs.
  int jobs_nice = 10;
  Limits limits;
  app::SessionPolicy session;
  bool secure_cookie = false;  // set the cookie's Secure flag: on when served behind TLS
  LoginThrottle login;
};

// Parses "ADDR:PORT" ("127.0.0.1:8080", "[::1]:8080", ":8080" for every address) into `c`.
void set_listen(ServerConfig& c, const std::string& listen);

// The configuration in `file` over the defaults. Throws ConfigError naming the file and the key.
ServerConfig load_config(const std::filesystem::path& file);
// The same from JSON text (`origin` names it in errors).
ServerConfig parse_config(const std::string& text, const std::string& origin);

}  // namespace eco::server
