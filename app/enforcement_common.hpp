#pragma once
// What the inspection and enforcement runs share (app/inspections.cpp, app/enforcement.cpp,
// app/compliance_history.cpp, app/change_notices.cpp): the ruleset and the store every run
// opens, turning the engine's errors into the run's status, evaluating one owner.
// Internal to the application layer.
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "app/enforcement.hpp"
#include "app/ruleset.hpp"
#include "app/run.hpp"
#include "dsl/common/date.hpp"
#include "dsl/model/ruleset.hpp"
#include "engine/enforcement/records.hpp"
#include "engine/findings/finding.hpp"
#include "engine/store/store.hpp"

namespace eco::app {

// The store at `db` for the ruleset, or nullptr with `out` failed (bad_request: no store there;
// store_error: it cannot be opened).
inline std::unique_ptr<engine::store::Store> open_workflow_store(const std::filesystem::path& db,
                                                                 const dsl::model::Ruleset& rs, RunResult& out,
                                                                 bool read_only) {
  if (!std::filesystem::exists(db)) {
    out.fail(RunStatus::bad_request, "no store at " + db.string() + " (create it with `ecoaudit init`)");
    return nullptr;
  }
  try {
    engine::store::OpenOptions oo;
    oo.read_only = read_only;
    return engine::store::Store::open(db, rs.schema, oo);
  } catch (const engine::store::StoreError& e) {
    out.fail(RunStatus::store_error, e.what());
    return nullptr;
  }
}

// Runs `body`, turning a refused record into bad_request and a database failure into
// store_error (nothing is then written: every write is one transaction); returns `out`.
template <class Outcome, class Body>
Outcome guarded(Outcome& out, Body&& body) {
  try {
    body();
  } catch (const engine::enforcement::RecordError& e) {
    out.fail(RunStatus::bad_request, e.what());
  } catch (const engine::store::StoreError& e) {
    out.fail(RunStatus::store_error, e.what());
  }
  return std::move(out);
}

// The prologue and guard every workflow run shares: the checked ruleset at `ruleset` (else `out`
// fails as ruleset_for_run fails it) and its store at `db`, opened read-only or not (else as
// open_workflow_store fails), then `body(rs, store)` under guarded(). `body` is not called when
// either fails. Returns `out`.
template <class Outcome, class Body>
Outcome workflow_run(Outcome& out, const std::filesystem::path& db, const std::filesystem::path& ruleset,
                     bool read_only, Body&& body) {
  dsl::SourceManager sm;
  auto rs = ruleset_for_run(ruleset, sm, out);
  if (!rs) return std::move(out);
  auto store = open_workflow_store(db, *rs, out, read_only);
  if (!store) return std::move(out);
  return guarded(out, [&] { body(*rs, *store); });
}

// The findings of one owner and what belongs to it as of `as_of`, from the store's current
// data, with the workflow's dismissals applied (no orders). `error` set when the ruleset has no
// owner record or the store no such owner.
std::vector<engine::Finding> evaluate_owner(const dsl::model::Ruleset& rs, engine::store::Store& st,
                                            const std::string& owner_key, dsl::Date as_of, std::string& error);

// The declared jurisdiction (`role jurisdiction`) and `role name` of owner `owner_key` ("" when
// the ruleset declares none or the store has no such value).
std::string owner_jurisdiction(const dsl::model::Ruleset& rs, engine::store::Store& st, const std::string& owner_key);
std::string owner_name(const dsl::model::Ruleset& rs, engine::store::Store& st, const std::string& owner_key);

// Whether an owner of `jurisdiction` is inside `limit_to` (nullopt: everything is).
inline bool within(const std::optional<std::set<std::string>>& limit_to, const std::string& jurisdiction) {
  return !limit_to || limit_to->count(jurisdiction) > 0;
}

// The watch-list policy at `file` (docs/enforcement.md "The watch list"), its numbers as in
// force on `as_of`. Throws std::runtime_error naming the file and the key that is wrong.
WatchPolicy read_watch_policy(const std::filesystem::path& file, const dsl::model::Ruleset& rs, dsl::Date as_of);

}  // namespace eco::app
