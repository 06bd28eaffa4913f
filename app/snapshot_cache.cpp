#include "app/snapshot_cache.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

namespace eco::app {

std::int64_t SnapshotCache::newest_batch(engine::store::Store& store) {
  SQLite::Statement q(store.db(), "SELECT coalesce(max(id), 0) FROM _batch");
  return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

std::shared_ptr<const SnapshotCache::Entry> SnapshotCache::get(const std::filesystem::path& db,
                                                               engine::store::Store& store,
                                                               std::shared_ptr<dsl::SourceManager> sources,
                                                               std::shared_ptr<const dsl::model::Ruleset> ruleset) {
  const std::string file = std::filesystem::absolute(db).lexically_normal().string();
  std::lock_guard lock(mutex_);
  // Read before the snapshot is: a batch committed in between makes the entry look older than
  // its data, so the next run loads again (never the other way round).
  const std::int64_t newest = newest_batch(store);
  if (entry_ && db_ == file && entry_->ruleset->sha256 == ruleset->sha256 && entry_->newest_batch == newest)
    return entry_;
  auto fresh = std::make_shared<Entry>();
  fresh->snapshot = std::make_shared<engine::LoadedSnapshot>(engine::load_snapshot(store));
  fresh->sources = std::move(sources);
  fresh->ruleset = std::move(ruleset);
  fresh->newest_batch = newest;
  ++loads_;
  db_ = file;
  entry_ = fresh;
  return fresh;
}

std::uint64_t SnapshotCache::loads() const {
  std::lock_guard lock(mutex_);
  return loads_;
}

}  // namespace eco::app
