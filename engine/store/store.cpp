#include "engine/store/store.hpp"

#include <sqlite3.h>

#include <chrono>
#include <ctime>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/log/log.hpp"

#include "engine/store/schema_sql.hpp"
#include "engine/store/sqlite_error.hpp"

namespace eco::engine::store {

namespace fs = std::filesystem;

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

[[noreturn]] void throw_store_error(const fs::path& path, const std::exception& ex, std::string_view doing) {
  if (const auto* se = dynamic_cast<const SQLite::Exception*>(&ex)) {
    int code = se->getErrorCode();
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
      throw StoreError(fmt::format("{}: the store is locked by another process (still busy after waiting); "
                                   "{} failed, nothing was written",
                                   path.string(), doing));
    if (code == SQLITE_READONLY)
      throw StoreError(fmt::format("{}: the store is read-only (no write permission on the file or its "
                                   "folder); {} failed, nothing was written",
                                   path.string(), doing));
    if (code == SQLITE_NOTADB)
      throw StoreError(fmt::format("{}: not an SQLite database", path.string()));
    if (code == SQLITE_CANTOPEN)
      throw StoreError(fmt::format("{}: cannot open the store file ({})", path.string(), se->what()));
    if (code == SQLITE_FULL)
      throw StoreError(fmt::format("{}: disk full; {} failed, nothing was written", path.string(), doing));
  }
  throw StoreError(fmt::format("{}: {} failed: {}", path.string(), doing, ex.what()));
}

// SQLite's busy handler: waits in short sleeps up to the timeout, and tells the log once that
// it is waiting and for what (a silent wait of minutes looks like a hang).
struct Store::BusyWait {
  std::string path;
  int limit_ms = 0;
  std::chrono::steady_clock::time_point since{};
  bool told = false;

  static int on_busy(void* self, int attempt) {
    auto* w = static_cast<BusyWait*>(self);
    const auto now = std::chrono::steady_clock::now();
    if (attempt == 0) {
      w->since = now;
      w->told = false;
    }
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - w->since).count();
    if (waited >= w->limit_ms) return 0;  // give up: the statement fails with SQLITE_BUSY
    if (!w->told && waited >= 200) {
      logger().warn("{}: another process is writing to the store (an import or a recorded sweep); waiting for it, "
                   "up to {} s",
                   w->path, w->limit_ms / 1000);
      w->told = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(attempt < 10 ? 5 : 50));
    return 1;
  }
};

Store::Store(fs::path path, const dsl::model::Schema& schema, std::unique_ptr<SQLite::Database> db)
    : path_(std::move(path)), schema_(schema), db_(std::move(db)) {}

Store::~Store() = default;

namespace {

// "file:" URI of a path, for URI parameters (immutable=1): the characters a URI gives a
// meaning to are escaped.
std::string file_uri(const fs::path& path) {
  std::string out = "file:";
  for (char c : fs::absolute(path).string()) {
    if (c == '%' || c == '?' || c == '#') out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    else out += c;
  }
  return out;
}

int primary_code(const std::exception& ex) {
  const auto* se = dynamic_cast<const SQLite::Exception*>(&ex);
  return se ? (se->getErrorCode() & 0xff) : 0;
}

// Opens `path` SQLITE_OPEN_READONLY and reads its schema (the first read is where a WAL
// store that cannot be read fails).
std::unique_ptr<SQLite::Database> open_read_only(const fs::path& path, bool uri, int busy_ms) {
  const int flags = SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX | (uri ? SQLite::OPEN_URI : 0);
  try {
    auto db = std::make_unique<SQLite::Database>(path.string(), flags, busy_ms);
    (void)db->execAndGet("SELECT count(*) FROM sqlite_master").getInt();
    return db;
  } catch (const std::exception& ex) {
    const int code = primary_code(ex);
    if (uri || (code != SQLITE_CANTOPEN && code != SQLITE_READONLY)) throw_store_error(path, ex, "opening");
  }
  // A store in WAL mode is read through its write-ahead log and the log's index (PATH-wal,
  // PATH-shm), which SQLite creates beside it: in a folder the user cannot write, it cannot.
  // A store at rest has no log (the last connection to close folds it into the file), or an
  // empty one: the file alone is then the whole store, and reading it as immutable is exact.
  // (A writer that starts meanwhile must be able to write the folder: not this user.)
  const fs::path wal = path.string() + "-wal";
  std::error_code ec;
  if (fs::exists(wal, ec) && fs::file_size(wal, ec) > 0)
    throw StoreError(fmt::format(
        "{}: cannot read the store: its write-ahead log {} holds changes not yet in the store file, and reading it "
        "needs write permission on the folder {} (for {}-shm). Give that permission, or have the store's owner fold "
        "the log into the file first (any ecoaudit command that writes, or `sqlite3 {} 'PRAGMA "
        "wal_checkpoint(TRUNCATE)'`)",
        path.string(), wal.string(), fs::absolute(path).parent_path().string(), path.string(), path.string()));
  try {
    auto db = std::make_unique<SQLite::Database>(file_uri(path) + "?immutable=1", flags | SQLite::OPEN_URI, busy_ms);
    (void)db->execAndGet("SELECT count(*) FROM sqlite_master").getInt();
    logger().info("{}: read as an immutable file (its folder is not writable and it has no write-ahead log)",
                  path.string());
    return db;
  } catch (const std::exception& ex) {
    throw_store_error(path, ex, "opening");
  }
}

std::unique_ptr<SQLite::Database> connect(const fs::path& path, bool create, bool read_only, int busy_ms,
                                          bool scratch = false) {
  bool uri = path.string().rfind("file:", 0) == 0;
  if (!uri && !create && !fs::exists(path))
    throw StoreError(fmt::format("{}: no such store; create it with `ecoaudit init --db {} --ruleset DIR`",
                                 path.string(), path.string()));
  std::unique_ptr<SQLite::Database> db;
  if (read_only || scratch) {
    db = open_read_only(path, uri, busy_ms);
    if (scratch) {
      // The copy: SQLite's online backup of the file into an in-memory database, whose page
      // size must be the file's for the backup to proceed.
      try {
        auto mem = std::make_unique<SQLite::Database>(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE |
                                                                       SQLite::OPEN_NOMUTEX);
        mem->exec(fmt::format("PRAGMA page_size = {}", db->execAndGet("PRAGMA page_size").getInt()));
        sqlite3_backup* b = sqlite3_backup_init(mem->getHandle(), "main", db->getHandle(), "main");
        if (!b) throw StoreError(fmt::format("{}: cannot copy the store: {}", path.string(), sqlite3_errmsg(mem->getHandle())));
        const int rc = sqlite3_backup_step(b, -1);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE)
          throw StoreError(fmt::format("{}: cannot copy the store: {}", path.string(), sqlite3_errstr(rc)));
        db = std::move(mem);
      } catch (const StoreError&) {
        throw;
      } catch (const std::exception& ex) {
        throw_store_error(path, ex, "copying");
      }
    }
  } else {
    // One connection per Store, used by one thread at a time: no per-call mutex needed.
    int flags = SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX;
    if (create) flags |= SQLite::OPEN_CREATE;
    if (uri) flags |= SQLite::OPEN_URI;
    try {
      db = std::make_unique<SQLite::Database>(path.string(), flags, busy_ms);
    } catch (const std::exception& ex) {
      throw_store_error(path, ex, "opening");
    }
    // SQLite silently falls back to read-only when the file is not writable; say so up front
    // rather than failing on the first write.
    if (sqlite3_db_readonly(db->getHandle(), "main") == 1)
      throw StoreError(fmt::format("{}: the store is read-only (no write permission on the file or its folder); "
                                   "nothing was written",
                                   path.string()));
  }
  try {
    db->exec("PRAGMA foreign_keys = ON");
    (void)db->execAndGet("SELECT count(*) FROM sqlite_master").getInt();
  } catch (const std::exception& ex) {
    throw_store_error(path, ex, "opening");
  }
  return db;
}

bool has_table(SQLite::Database& db, const std::string& name) {
  SQLite::Statement q(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  q.bind(1, name);
  return q.executeStep();
}

std::string meta(SQLite::Database& db, const std::string& key) {
  SQLite::Statement q(db, "SELECT value FROM _meta WHERE key = ?");
  q.bind(1, key);
  return q.executeStep() ? q.getColumn(0).getString() : std::string();
}

void set_meta(SQLite::Database& db, const std::string& key, const std::string& value) {
  SQLite::Statement q(db, "INSERT INTO _meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = "
                          "excluded.value");
  q.bind(1, key);
  q.bind(2, value);
  q.exec();
}

}  // namespace

std::unique_ptr<Store> Store::open(const fs::path& path, const dsl::model::Schema& schema,
                                   const OpenOptions& options) {
  if (auto problems = storability_problems(schema); !problems.empty())
    throw StoreError(fmt::format("the ruleset's schema cannot be stored:\n  {}", fmt::join(problems, "\n  ")));
  auto db = connect(path, options.create, options.read_only, options.busy_timeout_ms, options.scratch);
  std::unique_ptr<Store> store(new Store(path, schema, std::move(db)));
  store->busy_ = std::make_unique<BusyWait>();
  store->busy_->path = path.string();
  store->busy_->limit_ms = options.busy_timeout_ms;
  sqlite3_busy_handler(store->db_->getHandle(), &BusyWait::on_busy, store->busy_.get());
  // A scratch copy may be migrated: the migration goes to the copy.
  store->initialise_or_migrate(options.read_only && !options.scratch, options.unchecked_schema, options.schema_version);
  return store;
}

void Store::initialise_or_migrate(bool read_only, bool unchecked_schema, const std::string& known_version) {
  SQLite::Database& db = *db_;
  const std::string version = known_version.empty() ? schema_version(schema_) : known_version;
  try {
    if (!has_table(db, "_meta")) {
      bool empty = db.execAndGet("SELECT count(*) FROM sqlite_master").getInt() == 0;
      if (!empty) throw StoreError(fmt::format("{}: not an EcoAudit store (it has tables but no _meta)", path_.string()));
      if (unchecked_schema) throw StoreError(fmt::format("{}: the store is empty; run `ecoaudit init`", path_.string()));
      if (read_only) throw StoreError(fmt::format("{}: the store is empty; run `ecoaudit init`", path_.string()));
      // WAL lets sweeps read while an import writes; NORMAL sync is durable at checkpoints
      // and is what WAL is designed for.
      // 16 KiB pages: a quarter of the WAL frames and system calls of the 4 KiB default for
      // bulk imports, shallower B-trees for the snapshot's table scans.
      db.exec("PRAGMA page_size = 16384");
      db.exec("PRAGMA journal_mode = WAL");
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      for (const auto& sql : create_meta_sql()) db.exec(sql);
      for (const auto& r : schema_.records)
        for (const auto& sql : create_record_sql(schema_, r)) db.exec(sql);
      set_meta(db, "store_format", "1");
      set_meta(db, "schema_version", version);
      set_meta(db, "schema", describe_schema(schema_));
      set_meta(db, "created_at", utc_now());
      tx.commit();
      created_ = true;
    } else if (!unchecked_schema && meta(db, "schema_version") != version) {
      SchemaDiff diff = diff_schema(meta(db, "schema"), schema_);
      if (!diff.incompatible.empty())
        throw StoreError(fmt::format("{}: the store's schema differs from the ruleset's in ways that are not additive; "
                                     "run `ecoaudit migrate --db {} --ruleset DIR` (it applies the ruleset's declared "
                                     "migrations, or lists the changes that have none):\n  {}",
                                     path_.string(), path_.string(), fmt::join(diff.incompatible, "\n  ")));
      if (read_only)
        throw StoreError(fmt::format("{}: the ruleset's schema has additive changes; run `ecoaudit init` to "
                                     "migrate the store:\n  {}",
                                     path_.string(), fmt::join(diff.additive, "\n  ")));
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      for (const auto& sql : diff.migration_sql) db.exec(sql);
      set_meta(db, "schema_version", version);
      set_meta(db, "schema", describe_schema(schema_));
      tx.commit();
      migrations_ = std::move(diff.additive);
    }
    if (!read_only) db.exec("PRAGMA synchronous = NORMAL");
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& ex) {
    throw_store_error(path_, ex, created_ ? "migrating" : "initialising");
  }
}

std::string Store::version() const { return meta(*db_, "schema_version"); }

std::string Store::recorded_schema() const { return meta(*db_, "schema"); }

std::int64_t Store::count(const std::string& record) {
  return db_->execAndGet("SELECT count(*) FROM " + quote_ident(record)).getInt64();
}

namespace {
std::vector<BatchInfo> read_batches(SQLite::Database& db) {
  std::vector<BatchInfo> out;
  SQLite::Statement q(db,
                      "SELECT id, started_at, coalesce(finished_at, ''), coalesce(ruleset, ''), "
                      "coalesce(ruleset_sha256, ''), rows_read, rows_new, rows_updated, rows_unchanged "
                      "FROM _batch ORDER BY id");
  while (q.executeStep()) {
    BatchInfo b;
    b.id = q.getColumn(0).getInt64();
    b.started_at = q.getColumn(1).getString();
    b.finished_at = q.getColumn(2).getString();
    b.ruleset = q.getColumn(3).getString();
    b.ruleset_sha256 = q.getColumn(4).getString();
    b.rows_read = q.getColumn(5).getInt64();
    b.rows_new = q.getColumn(6).getInt64();
    b.rows_updated = q.getColumn(7).getInt64();
    b.rows_unchanged = q.getColumn(8).getInt64();
    out.push_back(std::move(b));
  }
  SQLite::Statement f(db,
                      "SELECT id, batch, path, format, encoding, sha256, bytes, rows_read, rows_new, "
                      "rows_updated, rows_unchanged FROM _batch_file ORDER BY batch, id");
  std::size_t bi = 0;
  while (f.executeStep()) {
    BatchFile bf;
    bf.id = f.getColumn(0).getInt64();
    std::int64_t batch = f.getColumn(1).getInt64();
    bf.path = f.getColumn(2).getString();
    bf.format = f.getColumn(3).getString();
    bf.encoding = f.getColumn(4).getString();
    bf.sha256 = f.getColumn(5).getString();
    bf.bytes = f.getColumn(6).getInt64();
    bf.rows_read = f.getColumn(7).getInt64();
    bf.rows_new = f.getColumn(8).getInt64();
    bf.rows_updated = f.getColumn(9).getInt64();
    bf.rows_unchanged = f.getColumn(10).getInt64();
    while (bi < out.size() && out[bi].id < batch) ++bi;
    if (bi < out.size() && out[bi].id == batch) out[bi].files.push_back(std::move(bf));
  }
  return out;
}
}  // namespace

std::vector<BatchInfo> Store::batches() { return read_batches(*db_); }

std::vector<BatchInfo> Store::list_batches(const fs::path& path) {
  auto db = connect(path, false, true, 5000);
  try {
    if (!has_table(*db, "_batch")) throw StoreError(fmt::format("{}: not an EcoAudit store", path.string()));
    return read_batches(*db);
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& ex) {
    throw_store_error(path, ex, "reading batches");
  }
}

}  // namespace eco::engine::store
