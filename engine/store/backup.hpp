#pragma once
// Copying a store while others use it: SQLite's online backup API, page by page, into a new
// file. Readers (sweeps, audits) go on reading meanwhile; a writer that commits during the
// copy makes SQLite restart it from the first page, so the copy is always one consistent
// state of the store, never a mix of two.
#include <cstdint>
#include <filesystem>

namespace eco::engine::store {

struct BackupResult {
  std::int64_t pages = 0;      // pages copied (the store's size in pages)
  std::int64_t page_size = 0;  // bytes per page
  std::int64_t batches = 0;    // import batches the copy holds
};

// Copies the EcoAudit store at `from` to the new file `to`. The copy is written to `to`.part
// (replaced when a failed run left one), checked with SQLite's quick_check, and only then
// renamed to `to`, so `to` either does not exist or is a complete store. Waits for a writer
// holding the store busy at most `busy_timeout_ms` per step. Throws StoreError (message for
// users) when `to` already exists (a backup never overwrites), `from` is missing or not an
// EcoAudit store, or the copy cannot be written or fails its check; `to`.part is then removed.
BackupResult backup_store(const std::filesystem::path& from, const std::filesystem::path& to,
                          int busy_timeout_ms = 60000);

}  // namespace eco::engine::store
