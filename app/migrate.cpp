#include "app/migrate.hpp"

#include "app/ruleset.hpp"
#include "engine/store/store.hpp"

namespace eco::app {

MigrateOutcome run_migrate(const MigrateRequest& request) {
  MigrateOutcome out;
  dsl::SourceManager sm;
  const auto checked = ruleset_for_run(request.ruleset, sm, out);
  if (!checked) return out;
  const auto& rs = *checked;
  out.ruleset_id = rs.id;
  try {
    engine::store::OpenOptions oo;
    oo.unchecked_schema = true;
    // A dry run migrates a copy: the file is opened read-only and never written.
    oo.scratch = request.dry_run;
    auto store = engine::store::Store::open(request.db, rs.schema, oo);
    engine::migrate::Options mo;
    mo.ruleset = rs.id;
    mo.ruleset_sha256 = rs.sha256;
    out.migration = engine::migrate::migrate(*store, mo);
    const auto& m = out.migration;
    if (!m.plan.differences.empty() || m.error_count > 0) out.status = RunStatus::rejected;
  } catch (const engine::store::StoreError& ex) {
    out.status = RunStatus::store_error;
    out.errors = ex.what();
  }
  return out;
}

}  // namespace eco::app
