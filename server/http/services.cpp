#include "server/http/services.hpp"

#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/ruleset.hpp"

namespace eco::server {
namespace {

// One connection per request thread and server. Keyed by the Services' address: tests may run
// servers one after another in a process, and a freed address reused by a new server would
// otherwise find the old one's connection (the key then holds its db path too).
struct ThreadStore {
  std::string db;
  std::unique_ptr<app::Accounts> accounts;
  std::unique_ptr<app::Sessions> sessions;
};
thread_local std::map<const Services*, ThreadStore> t_stores;

ThreadStore& thread_store(const Services* self, const std::filesystem::path& db) {
  ThreadStore& s = t_stores[self];
  if (!s.accounts || s.db != db.string()) {
    s.sessions.reset();
    s.accounts = app::Accounts::open(db);
    s.sessions = std::make_unique<app::Sessions>(*s.accounts);
    s.db = db.string();
  }
  return s;
}

}  // namespace

Services::Services(ServerConfig config, std::filesystem::path db, std::filesystem::path ruleset_dir)
    : config_(std::move(config)), db_(std::move(db)), ruleset_dir_(std::move(ruleset_dir)), throttle_(config_.login) {
  auto checked = app::load_checked_ruleset(ruleset_dir_, sources_);
  if (!checked.ruleset)
    throw std::runtime_error(fmt::format("{}: the ruleset has errors; the server does not start on it:\n{}",
                                         ruleset_dir_.string(), checked.errors));
  ruleset_ = std::move(checked.ruleset);
  jurisdiction_ = app::declared_jurisdiction(ruleset_->schema);
  accounts();  // opens the store now: a missing or foreign store stops the start, not the first request
  sessions().purge(config_.session);
}

Services::~Services() { t_stores.erase(this); }

app::Accounts& Services::accounts() { return *thread_store(this, db_).accounts; }
app::Sessions& Services::sessions() { return *thread_store(this, db_).sessions; }

void Services::on_shutdown(std::function<void()> hook) {
  std::lock_guard lock(hooks_mutex_);
  hooks_.push_back(std::move(hook));
}

void Services::run_shutdown_hooks() {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard lock(hooks_mutex_);
    hooks.swap(hooks_);
  }
  for (auto it = hooks.rbegin(); it != hooks.rend(); ++it) {
    try {
      (*it)();
    } catch (const std::exception& ex) {
      spdlog::error("a shutdown hook failed: {}", ex.what());
    }
  }
}

}  // namespace eco::server
