#pragma once
// The migrate run (`ecoaudit migrate`, docs/store.md "Declared migrations"): brings a store to
// its ruleset's schema by the ruleset's declared migrations, in one transaction, or refuses
// with the changes that have none and leaves the store as it was.
#include <filesystem>

#include "app/run.hpp"
#include "engine/migrate/migrate.hpp"

namespace eco::app {

struct MigrateRequest {
  std::filesystem::path db, ruleset;
  // Work on a private in-memory copy of the store (OpenOptions::scratch): everything is done
  // and counted as for real, the store file is only read.
  bool dry_run = false;
};

// status and errors (RunResult): ruleset_errors with the ruleset's diagnostics; store_error
// with the store's message; rejected when the plan has differences with no migration or a
// value, key or reference cannot be migrated (both in `migration`: nothing written); done.
struct MigrateOutcome : RunResult {
  std::string ruleset_id;
  engine::migrate::Result migration;
};

MigrateOutcome run_migrate(const MigrateRequest& request);

}  // namespace eco::app
