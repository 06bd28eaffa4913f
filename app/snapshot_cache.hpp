#pragma once
// One loaded snapshot of a store, shared by the runs that only read it (the workbench's live
// audits): loading a 100k-enterprise store took ~2 s of CPU and ~400 MB for every audit
// (docs/performance.md, "The workbench under load"), while an audit's own evaluation, scoped
// to one enterprise, takes milliseconds. The cache keeps the snapshot with the ruleset its
// schema belongs to, and hands it out while the store's data is what it was loaded from.
//
// Freshness: every change of a store's data is an import batch (imports, approved waivers,
// recorded screenings, migrations), and batches only ever get added; the snapshot is reused
// while the store's newest batch is the one it was loaded after and the ruleset's sha256 is the
// same, and reloaded otherwise (by the first run that sees the change; the runs arriving
// meanwhile wait for that load rather than make their own). A run that is given a cached
// snapshot evaluates the store as of the moment it asked, as a run that loads its own does.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "dsl/model/ruleset.hpp"
#include "engine/snapshot/from_store.hpp"
#include "engine/store/store.hpp"

namespace dsl {
class SourceManager;
}

namespace eco::app {

class SnapshotCache {
 public:
  // A ruleset with the sources it was parsed from (its owner), and a snapshot loaded with its
  // schema: what a run evaluates with. Shared: a run keeps its entry alive while it reads it.
  struct Entry {
    std::shared_ptr<dsl::SourceManager> sources;
    std::shared_ptr<const dsl::model::Ruleset> ruleset;
    std::shared_ptr<engine::LoadedSnapshot> snapshot;
    std::int64_t newest_batch = 0;  // the store's newest batch when the snapshot was loaded
  };

  // The entry for the store at `db` (opened by the caller as `store`) as of now: the cached one
  // when it was loaded from the same file and ruleset (sha256) and the store has no newer batch;
  // otherwise the snapshot is loaded now from `store`, whose schema must be `ruleset`'s, and the
  // entry kept with `sources` and `ruleset` (whose lifetimes it then shares). Throws what
  // engine::load_snapshot throws (the cache then keeps what it had).
  std::shared_ptr<const Entry> get(const std::filesystem::path& db, engine::store::Store& store,
                                   std::shared_ptr<dsl::SourceManager> sources,
                                   std::shared_ptr<const dsl::model::Ruleset> ruleset);

  // How many times get() loaded a snapshot (for tests and the benchmark's notes).
  std::uint64_t loads() const;

  // The newest batch id of an open store (0: none).
  static std::int64_t newest_batch(engine::store::Store& store);

 private:
  mutable std::mutex mutex_;  // held while loading: concurrent runs wait for the one load
  std::string db_;
  std::shared_ptr<const Entry> entry_;
  std::uint64_t loads_ = 0;
};

}  // namespace eco::app
