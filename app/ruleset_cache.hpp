#pragma once
// One checked and compiled ruleset, shared by the runs of a process that evaluate with it (the
// workbench's live audits): parsing, checking and compiling the Jinzhong ruleset again for
// every audit was about a third of an audit's CPU (docs/performance.md, "The workbench under
// load"), while the ruleset changes only when someone edits its folder.
//
// Freshness: before each use the folder is listed again (every file under it, recursively:
// path, size, modification time; a millisecond for the Jinzhong ruleset's 141 files). Any
// difference (a file edited, added, removed) loads and checks the ruleset again; if its
// sources' sha256 is still the cached one, the cached entry is kept (the runs and the snapshot
// cache keep sharing one Ruleset object). A ruleset that no longer checks is not cached: the run
// fails with its diagnostics, as a run that loads its own does, and the next run tries again.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "app/run.hpp"
#include "dsl/common/source.hpp"
#include "dsl/model/ruleset.hpp"

namespace eco::engine {
class CompiledRuleset;
}

namespace eco::app {

class RulesetCache {
 public:
  // The ruleset with the sources it was parsed from and its compiled rules. Shared: a run keeps
  // its entry alive while it evaluates.
  struct Entry {
    std::shared_ptr<dsl::SourceManager> sources;
    std::shared_ptr<const dsl::model::Ruleset> ruleset;
    std::shared_ptr<const engine::CompiledRuleset> compiled;
  };

  RulesetCache();
  ~RulesetCache();

  // The entry for the ruleset at `dir` (a folder, or its entry file) as it is on disk now;
  // nullptr when it does not check, with `out` failed as ruleset_for_run fails it. Concurrent
  // callers wait for one load. Throws std::bad_alloc only.
  std::shared_ptr<const Entry> get(const std::filesystem::path& dir, RunResult& out);

  // How many times get() loaded and checked the ruleset (for tests and the benchmark's notes).
  std::uint64_t loads() const;

 private:
  mutable std::mutex mutex_;  // held while loading: concurrent runs wait for the one load
  std::string dir_;
  std::string stamp_;  // the folder's files, sizes and times when the entry was loaded
  std::shared_ptr<const Entry> entry_;
  std::uint64_t loads_ = 0;
};

}  // namespace eco::app
