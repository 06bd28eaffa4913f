#include "engine/store/backup.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Database.h>
#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "engine/store/sqlite_error.hpp"
#include "engine/store/store.hpp"

namespace eco::engine::store {

namespace fs = std::filesystem;

namespace {

// Pages per step: between steps the source is unlocked, so a writer waits at most one step's
// copying (1024 pages of 16 KiB, 16 MiB) and readers never wait.
constexpr int kPagesPerStep = 1024;

// Removes the partial copy (and the log files SQLite may have left beside it) on failure.
struct PartialFile {
  fs::path path;
  bool keep = false;
  ~PartialFile() {
    if (keep) return;
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path.string() + suffix, ec);
  }
};

}  // namespace

BackupResult backup_store(const fs::path& from, const fs::path& to, int busy_timeout_ms) {
  std::error_code ec;
  if (fs::exists(to, ec))
    throw StoreError(fmt::format("{}: already exists; a backup never overwrites a file: remove it or choose another "
                                 "name",
                                 to.string()));
  if (!fs::exists(from, ec)) throw StoreError(fmt::format("{}: no such store", from.string()));
  BackupResult result;
  PartialFile part{fs::path(to).concat(".part")};
  try {
    SQLite::Database src(from.string(), SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX, busy_timeout_ms);
    if (src.execAndGet("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('_meta', '_batch')")
            .getInt() != 2)
      throw StoreError(fmt::format("{}: not an EcoAudit store", from.string()));
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(part.path.string() + suffix, ec);
    {
      SQLite::Database dst(part.path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
                           busy_timeout_ms);
      SQLite::Backup backup(dst, src);
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
      for (;;) {
        const int rc = backup.executeStep(kPagesPerStep);
        if (rc == SQLITE_DONE) break;
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
          // A writer holds the store: wait for it (a few ms at a time) up to the timeout.
          if (std::chrono::steady_clock::now() > give_up)
            throw StoreError(fmt::format("{}: the store stayed locked by another writer for {} ms; try again later",
                                         from.string(), busy_timeout_ms));
          sqlite3_sleep(20);
        }
      }
      result.pages = backup.getTotalPageCount();
      // The copy must be a sound database before it takes the name the user asked for.
      const std::string check = dst.execAndGet("PRAGMA quick_check").getString();
      if (check != "ok") throw StoreError(fmt::format("{}: the copy failed its check: {}", to.string(), check));
      result.page_size = dst.execAndGet("PRAGMA page_size").getInt64();
      result.batches = dst.execAndGet("SELECT count(*) FROM _batch").getInt64();
    }  // closing the copy folds its write-ahead log into the file
    fs::rename(part.path, to);
    part.keep = true;
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& ex) {
    throw_store_error(from, ex, fmt::format("backing up to {}", to.string()));
  }
  return result;
}

}  // namespace eco::engine::store
