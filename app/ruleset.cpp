#include "app/ruleset.hpp"

#include <map>
#include <mutex>

#include "dsl/check/check.hpp"
#include "engine/store/schema_sql.hpp"

namespace eco::app {

CheckedRuleset load_checked_ruleset(const std::filesystem::path& dir, dsl::SourceManager& sm) {
  CheckedRuleset out;
  dsl::Diagnostics diags;
  auto rs = dsl::load_ruleset(dir, sm, diags);
  if (!rs || diags.has_errors()) {
    diags.sort();
    out.errors = dsl::render_text(sm, diags);
    return out;
  }
  out.ruleset = std::move(rs);
  return out;
}

std::unique_ptr<dsl::model::Ruleset> ruleset_for_run(const std::filesystem::path& dir, dsl::SourceManager& sm,
                                                     RunResult& out) {
  auto checked = load_checked_ruleset(dir, sm);
  if (!checked.ruleset) {
    out.status = RunStatus::ruleset_errors;
    out.errors = std::move(checked.errors);
  }
  return std::move(checked.ruleset);
}

std::string store_schema_version(const dsl::model::Ruleset& rs) {
  if (rs.sha256.empty()) return engine::store::schema_version(rs.schema);
  static std::mutex mutex;
  static std::map<std::string, std::string> versions;  // ruleset sha256 -> schema version
  {
    std::lock_guard lock(mutex);
    if (auto it = versions.find(rs.sha256); it != versions.end()) return it->second;
  }
  std::string version = engine::store::schema_version(rs.schema);
  std::lock_guard lock(mutex);
  if (versions.size() >= 64) versions.clear();  // a bound: a dropped version is computed again
  versions.emplace(rs.sha256, version);
  return version;
}

}  // namespace eco::app
