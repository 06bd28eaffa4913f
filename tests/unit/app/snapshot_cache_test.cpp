// app/snapshot_cache: audits given a SnapshotCache load the store once and then share that
// snapshot; they find exactly what an audit that loads its own finds; a new batch (an import)
// makes the next audit load again and see it; a recorded sweep never takes the cache's
// snapshot. On the browse fixture (tests/unit/app/browse_fixture).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "app/snapshot_cache.hpp"
#include "app/store_runs.hpp"
#include "app/sweep.hpp"
#include "tests/support/store_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using eco::app::RunStatus;
using eco::testing::TempDir;

const fs::path kFixture = fs::path(ECOAUDIT_SOURCE_DIR) / "tests/unit/app/browse_fixture";

void import(const fs::path& db, const fs::path& data) {
  eco::app::ImportRequest r;
  r.db = db;
  r.ruleset = kFixture;
  r.paths = {data};
  const auto out = eco::app::run_import(r);
  ASSERT_EQ(out.status, RunStatus::done) << out.errors;
}

// The audit of `owner` as its JSON report (without its generation time) and finding count.
struct Audited {
  std::string json;
  std::size_t findings = 0;
};

Audited audit(const fs::path& db, const fs::path& out, const std::string& owner, eco::app::SnapshotCache* cache) {
  eco::app::AuditRequest a;
  a.db = db;
  a.ruleset = kFixture;
  a.owner = owner;
  a.as_of = *eco::dsl::parse_date("2024-12-31");
  a.reports.formats = {eco::reports::Format::json};
  a.reports.out = out.string();
  a.snapshots = cache;
  const auto r = eco::app::run_audit(a);
  EXPECT_EQ(r.status, RunStatus::done) << r.errors;
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The one line that differs between two runs: when the report was made.
  std::string kept;
  std::size_t from = 0;
  while (from < text.size()) {
    auto end = text.find('\n', from);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(from, end - from);
    if (line.find("\"generated_at\"") == std::string::npos) kept += line + "\n";
    from = end + 1;
  }
  return {kept, r.findings};
}

TEST(SnapshotCache, AuditsShareOneLoadAndFindWhatTheirOwnLoadFinds) {
  TempDir dir;
  const fs::path db = dir.path() / "store.db";
  ASSERT_EQ(eco::app::run_init({db, kFixture}).status, RunStatus::done);
  import(db, kFixture / "store");
  eco::app::SnapshotCache cache;
  for (const std::string owner : {"E1", "E2", "E3", "E4"}) {
    const auto own = audit(db, dir.path() / "own.json", owner, nullptr);
    const auto shared = audit(db, dir.path() / "shared.json", owner, &cache);
    EXPECT_EQ(shared.json, own.json) << owner;
    EXPECT_EQ(shared.findings, own.findings) << owner;
  }
  EXPECT_EQ(cache.loads(), 1u);
  const auto e1 = audit(db, dir.path() / "e1.json", "E1", &cache);
  EXPECT_NE(e1.json.find("\"F1\""), std::string::npos);
  EXPECT_EQ(e1.json.find("\"F9\""), std::string::npos);

  // A new batch: the next audit loads again and sees it.
  const fs::path update = dir.path() / "update";
  fs::create_directories(update);
  std::ofstream(update / "facility.csv") << "id,enterprise_id,retrofit_done\nF9,E1,false\n";
  import(db, update);
  const auto after = audit(db, dir.path() / "after.json", "E1", &cache);
  EXPECT_EQ(cache.loads(), 2u);
  EXPECT_NE(after.json.find("\"F9\""), std::string::npos) << "the cached snapshot hid the new batch";
  EXPECT_EQ(after.json, audit(db, dir.path() / "own2.json", "E1", nullptr).json);
  EXPECT_GT(after.findings, e1.findings);

  // Concurrent audits on one cache: one load between them (the store is unchanged), the
  // same findings as alone.
  std::vector<std::thread> threads;
  std::vector<Audited> got(4);
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] { got[i] = audit(db, dir.path() / ("t" + std::to_string(i) + ".json"), "E1", &cache); });
  for (auto& t : threads) t.join();
  for (const auto& g : got) EXPECT_EQ(g.json, after.json);
  EXPECT_EQ(cache.loads(), 2u);

  // A recorded sweep reads the store itself, never the cache's snapshot.
  eco::app::SweepRequest s;
  s.db = db;
  s.ruleset = kFixture;
  s.as_of = *eco::dsl::parse_date("2024-12-31");
  s.reports.formats = {eco::reports::Format::json};
  s.reports.out = (dir.path() / "sweep.json").string();
  s.snapshots = &cache;
  const auto swept = eco::app::run_sweep(s);
  ASSERT_EQ(swept.status, RunStatus::done) << swept.errors;
  EXPECT_TRUE(swept.run.sweep_id);
  EXPECT_EQ(cache.loads(), 2u);
}

}  // namespace
