#pragma once
// The record store: one SQLite database (WAL mode) whose tables come from a ruleset's schema
// (see schema_sql.hpp for the layout), plus the batches every import recorded.
//
// Opening a store checks the schema version recorded in it against the ruleset's schema:
// additive changes (new optional fields, new record types, new enum values) are migrated,
// anything else stops with a StoreError listing every difference and naming `ecoaudit migrate`
// (engine/migrate), which applies the ruleset's declared migrations.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "dsl/model/schema.hpp"

namespace SQLite {
class Database;
}

namespace eco::engine::store {

// A store that cannot be created, opened or written: missing, read-only, locked, a schema
// that differs incompatibly, a file that is not an EcoAudit store. The message is for users.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One file of an import batch.
struct BatchFile {
  std::int64_t id = 0;
  std::string path, format, encoding, sha256;
  std::int64_t bytes = 0;
  std::int64_t rows_read = 0, rows_new = 0, rows_updated = 0, rows_unchanged = 0;
};

// One import batch with its files.
struct BatchInfo {
  std::int64_t id = 0;
  std::string started_at, finished_at;  // UTC, ISO 8601
  std::string ruleset, ruleset_sha256;
  std::int64_t rows_read = 0, rows_new = 0, rows_updated = 0, rows_unchanged = 0;
  std::vector<BatchFile> files;
};

// Options for opening a store.
struct OpenOptions {
  bool create = false;         // create the file when it does not exist (ecoaudit init)
  // Never write (no migration either): the file is opened SQLITE_OPEN_READONLY, so a store
  // the user may only read (a read-only file or folder) can be swept, audited and listed. A
  // store at rest in a folder the user cannot write has no write-ahead log for SQLite to
  // share and cannot get one: it is then read as an immutable file; a store whose log holds
  // data in such a folder is refused, saying why and what to do.
  bool read_only = false;
  // Read-only access to the file, with a private in-memory copy of the store to write to:
  // every write (a dry-run screening's staged applications, a migration) goes to the copy
  // and vanishes with the Store. Costs memory the size of the store.
  bool scratch = false;
  // How long to wait for another writer (an import, a recorded sweep's commit) before giving
  // up. An import of a million enterprises holds the write lock ~45 s (a recorded sweep only
  // while it copies its findings in, at its commit): a sweep's commit or a scheduled import
  // that meets an import waits for it (saying so on the log, once) instead of failing.
  int busy_timeout_ms = 300000;
  // Open without comparing the store's schema with the ruleset's and without migrating:
  // for `ecoaudit migrate` (engine/migrate), which compares and rebuilds the tables itself.
  // The file must already be an EcoAudit store.
  bool unchecked_schema = false;
  // The schema's schema_version() (engine/store/schema_sql.hpp) when the caller already has it:
  // describing a large schema and hashing it is most of what opening a store costs, and a
  // caller that opens stores for one checked ruleset again and again (the workbench, a request
  // at a time) computes it once. Empty: computed here. It must be the version of `schema`.
  std::string schema_version;
};

class Store {
 public:
  // Opens (or, with `create`, creates) the store at `path` for `schema`, which must outlive
  // the Store. Migrates additive schema changes (listed in migrations()); throws StoreError
  // when the file cannot be used or the schema differs incompatibly.
  static std::unique_ptr<Store> open(const std::filesystem::path& path, const dsl::model::Schema& schema,
                                     const OpenOptions& options = {});

  // Lists the batches of an existing store without needing its ruleset; throws StoreError.
  static std::vector<BatchInfo> list_batches(const std::filesystem::path& path);

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The connection (SQLiteCpp). Callers use parameterised statements only.
  SQLite::Database& db() { return *db_; }
  const dsl::model::Schema& schema() const { return schema_; }
  const std::filesystem::path& path() const { return path_; }
  // True when this call created the store's tables.
  bool created() const { return created_; }
  // Human-readable list of the migrations applied when opening (empty when none).
  const std::vector<std::string>& migrations() const { return migrations_; }
  // The schema version recorded in the store.
  std::string version() const;
  // The structural description of the schema recorded in the store (describe_schema()).
  std::string recorded_schema() const;
  // All batches, oldest first.
  std::vector<BatchInfo> batches();
  // Number of rows of a record type's table (record name from the schema).
  std::int64_t count(const std::string& record);

 private:
  Store(std::filesystem::path path, const dsl::model::Schema& schema, std::unique_ptr<SQLite::Database> db);
  void initialise_or_migrate(bool read_only, bool unchecked_schema, const std::string& known_version);

  std::filesystem::path path_;
  const dsl::model::Schema& schema_;
  std::unique_ptr<SQLite::Database> db_;
  struct BusyWait;                    // the busy handler's state (store.cpp)
  std::unique_ptr<BusyWait> busy_;
  bool created_ = false;
  std::vector<std::string> migrations_;
};

// Current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_now();

}  // namespace eco::engine::store
