#include "server/http/services.hpp"

#include <stdlib.h>

#include <map>
#include <stdexcept>
#include <tuple>
#include <utility>

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

// A private copy of the ruleset's folder (every file under it, symbolic links followed) in a new
// folder of the temporary directory: the root of the copy, and the ruleset's path in it.
std::pair<std::filesystem::path, std::filesystem::path> copy_ruleset(const std::filesystem::path& given) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool folder = fs::is_directory(given, ec);
  const fs::path source = folder ? given : given.parent_path().empty() ? fs::path(".") : given.parent_path();
  std::string tmpl = (fs::temp_directory_path() / "ecoaudit-serve-ruleset-XXXXXX").string();
  if (!::mkdtemp(tmpl.data()))
    throw std::runtime_error(fmt::format("{}: cannot make a folder for the served copy of the ruleset in {}",
                                         given.string(), fs::temp_directory_path().string()));
  const fs::path root = tmpl;
  const fs::path copy = root / "ruleset";
  fs::copy(source, copy, fs::copy_options::recursive, ec);
  if (ec) {
    fs::remove_all(root, ec);
    throw std::runtime_error(fmt::format("{}: cannot copy the ruleset for serving to {}: {}", given.string(),
                                         root.string(), ec.message()));
  }
  return {root, folder ? copy : copy / given.filename()};
}

Services::Services(ServerConfig config, std::filesystem::path db, std::filesystem::path ruleset_dir)
    : config_(std::move(config)), db_(std::move(db)), ruleset_source_(std::move(ruleset_dir)), throttle_(config_.login) {
  // One version at a time: the server reads its own copy of the folder (Services::ruleset_dir).
  std::tie(ruleset_copy_, ruleset_dir_) = copy_ruleset(ruleset_source_);
  auto checked = app::load_checked_ruleset(ruleset_dir_, sources_);
  if (!checked.ruleset) {
    std::error_code ec;
    std::filesystem::remove_all(ruleset_copy_, ec);
    // The diagnostics of the files given, not of the copy: those are the files to edit.
    dsl::SourceManager given;
    const auto errors = app::load_checked_ruleset(ruleset_source_, given).errors;
    throw std::runtime_error(fmt::format("{}: the ruleset has errors; the server does not start on it:\n{}",
                                         ruleset_source_.string(), errors.empty() ? checked.errors : errors));
  }
  ruleset_ = std::move(checked.ruleset);
  jurisdiction_ = app::declared_jurisdiction(ruleset_->schema);
  accounts();  // opens the store now: a missing or foreign store stops the start, not the first request
  sessions().purge(config_.session);
}

Services::~Services() {
  t_stores.erase(this);
  std::error_code ec;
  std::filesystem::remove_all(ruleset_copy_, ec);  // nothing to do about a copy that cannot be removed
}

app::Accounts& Services::accounts() { return *thread_store(this, db_).accounts; }
app::Sessions& Services::sessions() { return *thread_store(this, db_).sessions; }

void Services::on_shutdown(std::function<void()> hook) {
  std::lock_guard lock(hooks_mutex_);
  hooks_.push_back(std::move(hook));
}

void Services::on_start(std::function<void()> hook) {
  std::lock_guard lock(hooks_mutex_);
  start_hooks_.push_back(std::move(hook));
}

void Services::run_start_hooks() {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard lock(hooks_mutex_);
    hooks.swap(start_hooks_);
  }
  for (auto& hook : hooks) hook();  // a failure stops the start: the server must not run without it
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
