#pragma once
// What the server's handlers share: the configuration, the store and the checked ruleset it
// serves, the login throttle, and the shutdown hooks. One per server; every member is safe to
// use from the request threads.
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/accounts.hpp"
#include "app/authorization.hpp"
#include "app/sessions.hpp"
#include "dsl/common/source.hpp"
#include "dsl/model/ruleset.hpp"
#include "server/http/config.hpp"
#include "server/http/throttle.hpp"

namespace eco::server {

class Services {
 public:
  // Loads and checks the ruleset at `ruleset_dir` and opens the store's accounts once (creating
  // their tables). Throws std::runtime_error with the ruleset's diagnostics or the store's
  // problem: the server does not start on either.
  Services(ServerConfig config, std::filesystem::path db, std::filesystem::path ruleset_dir);
  ~Services();

  const ServerConfig& config() const { return config_; }
  const std::filesystem::path& db_path() const { return db_; }
  const std::filesystem::path& ruleset_dir() const { return ruleset_dir_; }
  const dsl::model::Ruleset& ruleset() const { return *ruleset_; }
  // The ruleset's declared jurisdiction field (app::declared_jurisdiction), for every Target.
  const std::optional<app::JurisdictionField>& jurisdiction_field() const { return jurisdiction_; }

  // The calling thread's connection to the store's accounts and sessions (SQLite connections
  // are not shared between threads; each request thread opens its own once).
  app::Accounts& accounts();
  app::Sessions& sessions();

  Throttle& throttle() { return throttle_; }

  // The routes being served (the layout's navigation lists their pages); set once at start.
  void set_router(const class Router* router) { router_ = router; }
  const class Router* router() const { return router_; }

  // Shutdown: hooks run once, newest first, after the listener stopped and the requests
  // running then have finished (background jobs finish or roll back there).
  void on_shutdown(std::function<void()> hook);
  void run_shutdown_hooks();
  // Whether shutdown has begun (a long handler or a job may check it to stop early).
  bool stopping() const { return stopping_.load(); }
  void begin_stopping() { stopping_.store(true); }

 private:
  ServerConfig config_;
  std::filesystem::path db_, ruleset_dir_;
  dsl::SourceManager sources_;
  std::unique_ptr<dsl::model::Ruleset> ruleset_;
  std::optional<app::JurisdictionField> jurisdiction_;
  Throttle throttle_;
  const class Router* router_ = nullptr;
  std::mutex hooks_mutex_;
  std::vector<std::function<void()>> hooks_;
  std::atomic<bool> stopping_{false};
};

}  // namespace eco::server
