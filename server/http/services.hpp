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
  // Copies the ruleset at `ruleset_dir` (its folder; the folder holding it when given a file) to
  // a private folder, loads and checks the copy, and opens the store's accounts once (creating
  // their tables). Throws std::runtime_error with the ruleset's diagnostics (naming the files
  // given), a copy that could not be made, or the store's problem: the server does not start on
  // any. The copy is removed with the Services.
  Services(ServerConfig config, std::filesystem::path db, std::filesystem::path ruleset_dir);
  ~Services();

  const ServerConfig& config() const { return config_; }
  const std::filesystem::path& db_path() const { return db_; }
  // The ruleset the server serves: the private copy made at start, which nothing changes. Every
  // part of the server reads it (ruleset(), the live audits, the jobs' sweeps and imports, the
  // enforcement, draw and inspection runs), so all serve one version: the one the server
  // started with. An edit of the folder given is served after a restart; before, a rule author
  // checks it with `ecoaudit check` (a folder being edited may not check at every moment, and
  // a server reading it would answer with some parts of one version and some of another).
  const std::filesystem::path& ruleset_dir() const { return ruleset_dir_; }
  // The folder (or file) the server was given, for messages.
  const std::filesystem::path& ruleset_source() const { return ruleset_source_; }
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

  // Start: hooks run once, in order, when the server listens (never for --list-routes, which
  // registers the routes too): background work (the job queue, the scheduler) starts there.
  void on_start(std::function<void()> hook);
  void run_start_hooks();

  // Shutdown: hooks run once, newest first, after the listener stopped and the requests
  // running then have finished (background jobs finish or roll back there).
  void on_shutdown(std::function<void()> hook);
  void run_shutdown_hooks();
  // Whether shutdown has begun (a long handler or a job may check it to stop early).
  bool stopping() const { return stopping_.load(); }
  void begin_stopping() { stopping_.store(true); }

 private:
  ServerConfig config_;
  std::filesystem::path db_, ruleset_source_, ruleset_copy_, ruleset_dir_;
  dsl::SourceManager sources_;
  std::unique_ptr<dsl::model::Ruleset> ruleset_;
  std::optional<app::JurisdictionField> jurisdiction_;
  Throttle throttle_;
  const class Router* router_ = nullptr;
  std::mutex hooks_mutex_;
  std::vector<std::function<void()>> hooks_, start_hooks_;
  std::atomic<bool> stopping_{false};
};

}  // namespace eco::server
