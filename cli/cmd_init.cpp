// ecoaudit init --db FILE --ruleset DIR: creates the store for a ruleset's schema, or
// migrates an existing one (additive changes only).
#include <cstdio>

#include "app/store_runs.hpp"
#include "cli/command.hpp"
#include "cli/run_failure.hpp"
#include "cli/ruleset_loading.hpp"

namespace eco::cli {
namespace {

struct InitOptions {
  std::string db, ruleset;
};

int run_init(const InitOptions& o) {
  const app::InitOutcome r = app::run_init({o.db, o.ruleset});
  if (auto rc = run_failure("init", o.ruleset, r, "the store was not touched", Rejected::usage_error)) return *rc;
  if (r.created) {
    std::printf("created store %s: %zu record types, schema version %.12s\n", o.db.c_str(), r.record_types,
                r.schema_version.c_str());
  } else if (!r.migrations.empty()) {
    std::printf("migrated store %s to schema version %.12s:\n", o.db.c_str(), r.schema_version.c_str());
    for (const auto& m : r.migrations) std::printf("  %s\n", m.c_str());
  } else {
    std::printf("store %s is up to date (schema version %.12s)\n", o.db.c_str(), r.schema_version.c_str());
  }
  return kExitOk;
}

ECOAUDIT_COMMAND("init", "Create (or migrate) the record store for a ruleset's schema", [](CLI::App& sub) {
  auto o = std::make_shared<InitOptions>();
  sub.add_option("--db", o->db, "Store file (SQLite)")->required();
  sub.add_option("--ruleset", o->ruleset, "Ruleset folder or file whose schema the store follows")->required();
  return [o] { return run_init(*o); };
});

}  // namespace
}  // namespace eco::cli
