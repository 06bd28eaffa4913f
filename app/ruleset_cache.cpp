#include "app/ruleset_cache.hpp"

#include <algorithm>
#include <chrono>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "app/ruleset.hpp"
#include "dsl/common/source.hpp"
#include "engine/eval/evaluator.hpp"

namespace eco::app {

namespace {

namespace fs = std::filesystem;

// Every file under the ruleset's folder with its size and modification time, sorted: what a
// change of the ruleset changes. The folder holding the entry file when given a file (includes
// stay inside it). An unreadable folder gives a stamp of its own, so the load reports why.
std::string folder_stamp(const fs::path& dir) {
  std::error_code ec;
  const fs::path root = fs::is_directory(dir, ec) ? dir : dir.parent_path();
  std::vector<std::string> lines;
  for (fs::recursive_directory_iterator it(root, fs::directory_options::follow_directory_symlink, ec), end;
       !ec && it != end; it.increment(ec)) {
    std::error_code fe;
    if (!it->is_regular_file(fe) || fe) continue;
    const auto size = it->file_size(fe);
    const auto time = it->last_write_time(fe);
    lines.push_back(fmt::format("{}\t{}\t{}", it->path().string(), fe ? 0 : size,
                                fe ? 0 : time.time_since_epoch().count()));
  }
  if (ec) lines.push_back("unreadable: " + ec.message());
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace

RulesetCache::RulesetCache() = default;
RulesetCache::~RulesetCache() = default;

std::shared_ptr<const RulesetCache::Entry> RulesetCache::get(const fs::path& dir, RunResult& out) {
  const std::string key = fs::absolute(dir).lexically_normal().string();
  std::lock_guard lock(mutex_);
  std::string stamp = folder_stamp(dir);
  if (entry_ && dir_ == key && stamp_ == stamp) return entry_;
  auto sm = std::make_shared<dsl::SourceManager>();
  std::shared_ptr<const dsl::model::Ruleset> rs = ruleset_for_run(dir, *sm, out);
  ++loads_;
  if (!rs) {
    entry_.reset();
    return nullptr;
  }
  if (entry_ && dir_ == key && entry_->ruleset->sha256 == rs->sha256) {
    // Touched, not changed: the runs go on sharing the one Ruleset (and its snapshot).
    stamp_ = std::move(stamp);
    return entry_;
  }
  auto fresh = std::make_shared<Entry>();
  fresh->compiled = std::make_shared<const engine::CompiledRuleset>(*rs);
  fresh->sources = std::move(sm);
  fresh->ruleset = std::move(rs);
  dir_ = key;
  stamp_ = std::move(stamp);
  entry_ = fresh;
  return fresh;
}

std::uint64_t RulesetCache::loads() const {
  std::lock_guard lock(mutex_);
  return loads_;
}

}  // namespace eco::app
