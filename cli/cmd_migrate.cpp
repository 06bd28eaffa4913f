// ecoaudit migrate --db FILE --ruleset DIR [--dry-run]: brings a store to its ruleset's schema
// by the ruleset's declared migrations (app/migrate.hpp), or lists the changes that have none.
// Exit 0 migrated (or up to date), 1 refused (nothing written), 2 the ruleset or store unusable.
#include <cstdio>

#include "app/migrate.hpp"
#include "cli/command.hpp"
#include "cli/run_failure.hpp"
#include "cli/ruleset_loading.hpp"

namespace eco::cli {
namespace {

struct MigrateOptions {
  std::string db, ruleset;
  bool dry_run = false;
};

void print_counts(const engine::migrate::Result& m) {
  std::int64_t rows = 0, versions = 0;
  for (const auto& c : m.counts) {
    std::printf("  %-28s %8lld rows -> %lld, %8lld history versions -> %lld, %lld values changed%s%s\n",
                c.record.c_str(), static_cast<long long>(c.rows_before), static_cast<long long>(c.rows_after),
                static_cast<long long>(c.history_before), static_cast<long long>(c.history_after),
                static_cast<long long>(c.values_changed), c.source.empty() ? "  (new record type)" : "",
                !c.source.empty() && c.source != c.record ? ("  (was " + c.source + ")").c_str() : "");
    rows += c.rows_after;
    versions += c.history_after;
  }
  std::printf("  total: %lld rows, %lld history versions, every one accounted for\n", static_cast<long long>(rows),
              static_cast<long long>(versions));
}

int run_migrate(const MigrateOptions& o) {
  const app::MigrateOutcome r = app::run_migrate({o.db, o.ruleset, o.dry_run});
  const auto& m = r.migration;
  if (auto rc = run_failure("migrate", o.ruleset, r, "the store was not touched", Rejected::caller_reports)) return *rc;
  if (r.status == app::RunStatus::rejected) {
    if (!m.plan.differences.empty()) {
      std::fprintf(stderr,
                   "ecoaudit: error: %s: the ruleset's schema differs from the store's in %zu way%s that no declared "
                   "migration covers; nothing was written:\n",
                   o.db.c_str(), m.plan.differences.size(), m.plan.differences.size() == 1 ? "" : "s");
      for (const auto& d : m.plan.differences) std::fprintf(stderr, "  %s\n", d.c_str());
    } else {
      std::fprintf(stderr, "ecoaudit: error: %s: %zu value%s cannot be migrated; nothing was written:\n",
                   o.db.c_str(), m.error_count, m.error_count == 1 ? "" : "s");
      for (const auto& e : m.errors) std::fprintf(stderr, "  %s\n", e.c_str());
      if (m.error_count > m.errors.size())
        std::fprintf(stderr, "  ... and %zu more\n", m.error_count - m.errors.size());
    }
    return kExitFindings;
  }
  if (m.plan.up_to_date) {
    std::printf("store %s is up to date (schema version %.12s); nothing to migrate\n", o.db.c_str(),
                m.version_before.c_str());
    return kExitOk;
  }
  std::printf("%s %s from schema version %.12s to %.12s:\n", o.dry_run ? "would migrate" : "migrated", o.db.c_str(),
              m.version_before.c_str(), m.version_after.c_str());
  for (const auto& a : m.plan.actions) std::printf("  %s\n", a.c_str());
  print_counts(m);
  if (o.dry_run) std::printf("dry run: the store was not changed\n");
  return kExitOk;
}

ECOAUDIT_COMMAND("migrate", "Migrate a store to its ruleset's schema by the declared migrations", [](CLI::App& sub) {
  auto o = std::make_shared<MigrateOptions>();
  sub.add_option("--db", o->db, "Store file (SQLite)")->required();
  sub.add_option("--ruleset", o->ruleset, "Ruleset folder or file whose schema and migrations to follow")->required();
  sub.add_flag("--dry-run", o->dry_run, "Do everything on a copy and print it; the store is not changed");
  return [o] { return run_migrate(*o); };
});

}  // namespace
}  // namespace eco::cli
