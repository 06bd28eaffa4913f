#pragma once
// Loading a Snapshot from the record store.
//
// Every record type of the schema is read inside one read transaction, so an import running
// at the same time is either wholly seen or not at all (SQLite WAL snapshot isolation).
// With `as_of_batch`, the store is read as it stood right after that batch: current rows
// written by that batch or an earlier one, plus the history versions that were current then
// (written at or before it, replaced by a later batch). Rows keep their provenance (batch,
// file path, line) for evidence.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

#include "engine/snapshot/snapshot.hpp"
#include "engine/store/store.hpp"

namespace eco::engine {

struct LoadedSnapshot {
  Snapshot snapshot;
  std::vector<std::int64_t> batches;  // the batches whose rows the snapshot holds, ascending
  std::uint64_t rows = 0;             // rows loaded, all record types
};

// Throws store::StoreError when `as_of_batch` names no batch of the store, or on a read error.
LoadedSnapshot load_snapshot(store::Store& store, std::optional<std::int64_t> as_of_batch = std::nullopt);

}  // namespace eco::engine
