// ecoaudit init --db FILE --ruleset DIR: creates the store for a ruleset's schema, or
// migrates an existing one (additive changes only).
#include <cstdio>

#include "cli/command.hpp"
#include "cli/ruleset_loading.hpp"
#include "dsl/check/check.hpp"
#include "engine/store/store.hpp"

namespace eco::cli {
namespace {

struct InitOptions {
  std::string db, ruleset;
};

int run_init(const InitOptions& o) {
  dsl::SourceManager sm;
  auto rs = load_checked_ruleset(o.ruleset, sm, "the store was not touched");
  if (!rs) return kExitUsage;
  try {
    engine::store::OpenOptions oo;
    oo.create = true;
    auto store = engine::store::Store::open(o.db, rs->schema, oo);
    if (store->created()) {
      std::printf("created store %s: %zu record types, schema version %.12s\n", o.db.c_str(),
                  rs->schema.records.size(), store->version().c_str());
    } else if (!store->migrations().empty()) {
      std::printf("migrated store %s to schema version %.12s:\n", o.db.c_str(), store->version().c_str());
      for (const auto& m : store->migrations()) std::printf("  %s\n", m.c_str());
    } else {
      std::printf("store %s is up to date (schema version %.12s)\n", o.db.c_str(), store->version().c_str());
    }
    return kExitOk;
  } catch (const engine::store::StoreError& ex) {
    std::fprintf(stderr, "ecoaudit: error: %s\n", ex.what());
    return kExitUsage;
  }
}

ECOAUDIT_COMMAND("init", "Create (or migrate) the record store for a ruleset's schema", [](CLI::App& sub) {
  auto o = std::make_shared<InitOptions>();
  sub.add_option("--db", o->db, "Store file (SQLite)")->required();
  sub.add_option("--ruleset", o->ruleset, "Ruleset folder or file whose schema the store follows")->required();
  return [o] { return run_init(*o); };
});

}  // namespace
}  // namespace eco::cli
