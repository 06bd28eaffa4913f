// `ecoaudit backup --db FILE --to FILE`: a consistent copy of a store taken while others read
// it (SQLite's online backup API, engine/store/backup.hpp). Never overwrites --to.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.hpp"
#include "engine/store/backup.hpp"
#include "engine/store/store.hpp"

namespace eco::cli {
namespace {

int run_backup(const std::string& db, const std::string& to) {
  try {
    auto r = engine::store::backup_store(db, to);
    std::printf("backed up %s to %s: %lld pages of %lld bytes, %lld import batch(es)\n", db.c_str(), to.c_str(),
                static_cast<long long>(r.pages), static_cast<long long>(r.page_size),
                static_cast<long long>(r.batches));
    return kExitOk;
  } catch (const engine::store::StoreError& ex) {
    std::fprintf(stderr, "ecoaudit backup: %s\n", ex.what());
    return kExitUsage;
  }
}

std::function<int()> setup_backup(CLI::App& sub) {
  auto db = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  sub.add_option("--db", *db, "The store to copy")->required();
  sub.add_option("--to", *to, "The copy to write (must not exist)")->required();
  return [db, to] { return run_backup(*db, *to); };
}

}  // namespace

ECOAUDIT_COMMAND("backup", "Copy a store while others read it (SQLite online backup)", setup_backup);

}  // namespace eco::cli
