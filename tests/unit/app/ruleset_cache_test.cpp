// app/ruleset_cache: audits given a RulesetCache check and compile the ruleset once and then
// share it; they find exactly what an audit that loads its own finds; an edit of the ruleset's
// folder makes the next audit load it again and use the edit; a folder only touched keeps the
// cached ruleset; a ruleset that no longer checks fails the audit as without the cache. On the
// browse fixture (tests/unit/app/browse_fixture), its ruleset copied to be edited.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "app/ruleset_cache.hpp"
#include "app/snapshot_cache.hpp"
#include "app/store_runs.hpp"
#include "app/sweep.hpp"
#include "tests/support/store_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using eco::app::RunStatus;
using eco::testing::TempDir;

const fs::path kFixture = fs::path(ECOAUDIT_SOURCE_DIR) / "tests/unit/app/browse_fixture";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The audit of E1 as its JSON report without its generation time; the run's status and errors.
struct Audited {
  std::string json;
  eco::app::SweepOutcome run;
};

Audited audit(const fs::path& db, const fs::path& ruleset, const fs::path& out, eco::app::RulesetCache* rulesets,
              eco::app::SnapshotCache* snapshots) {
  eco::app::AuditRequest a;
  a.db = db;
  a.ruleset = ruleset;
  a.owner = "E1";
  a.as_of = *eco::dsl::parse_date("2024-12-31");
  a.reports.formats = {eco::reports::Format::json};
  a.reports.out = out.string();
  a.rulesets = rulesets;
  a.snapshots = snapshots;
  Audited r;
  r.run = eco::app::run_audit(a);
  if (r.run.status != RunStatus::done) return r;
  const std::string text = read(out);
  std::size_t from = 0;
  while (from < text.size()) {
    auto end = text.find('\n', from);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(from, end - from);
    if (line.find("\"generated_at\"") == std::string::npos) r.json += line + "\n";
    from = end + 1;
  }
  return r;
}

TEST(RulesetCache, AuditsShareOneCheckedRulesetAndSeeItsEdits) {
  TempDir dir;
  const fs::path rs = dir.path() / "rs", db = dir.path() / "store.db";
  fs::create_directories(rs);
  fs::copy_file(kFixture / "ruleset.rules", rs / "ruleset.rules");
  ASSERT_EQ(eco::app::run_init({db, rs}).status, RunStatus::done);
  eco::app::ImportRequest imp;
  imp.db = db;
  imp.ruleset = rs;
  imp.paths = {kFixture / "store"};
  ASSERT_EQ(eco::app::run_import(imp).status, RunStatus::done);

  eco::app::RulesetCache rulesets;
  eco::app::SnapshotCache snapshots;
  const auto own = audit(db, rs, dir.path() / "own.json", nullptr, nullptr);
  ASSERT_EQ(own.run.status, RunStatus::done) << own.run.errors;
  for (int i = 0; i < 3; ++i) {
    const auto shared = audit(db, rs, dir.path() / "shared.json", &rulesets, i == 1 ? nullptr : &snapshots);
    ASSERT_EQ(shared.run.status, RunStatus::done) << shared.run.errors;
    EXPECT_EQ(shared.json, own.json) << i;
    EXPECT_EQ(shared.run.findings, own.run.findings) << i;
  }
  EXPECT_EQ(rulesets.loads(), 1u);
  EXPECT_NE(own.json.find("未完成改造"), std::string::npos);

  // Rewritten with the same text: loaded and checked again, but the same entry is kept (the
  // snapshot cache's ruleset stays the one the audits compile with).
  eco::app::RunResult status;
  const auto before = rulesets.get(rs, status);
  const std::string text = read(rs / "ruleset.rules");
  fs::last_write_time(rs / "ruleset.rules", fs::last_write_time(rs / "ruleset.rules") + std::chrono::seconds(2));
  const auto touched = rulesets.get(rs, status);
  EXPECT_EQ(rulesets.loads(), 2u);
  EXPECT_EQ(touched.get(), before.get());

  // An edit (a message; the schema unchanged): the next audit has it, as its own load does.
  std::string edited = text;
  edited.replace(edited.find("未完成改造"), std::string("未完成改造").size(), "尚未完成超低排放改造");
  std::ofstream(rs / "ruleset.rules", std::ios::binary | std::ios::trunc) << edited;
  const auto after = audit(db, rs, dir.path() / "after.json", &rulesets, &snapshots);
  ASSERT_EQ(after.run.status, RunStatus::done) << after.run.errors;
  EXPECT_EQ(rulesets.loads(), 3u);
  EXPECT_NE(after.json.find("尚未完成超低排放改造"), std::string::npos) << "the cached ruleset hid the edit";
  EXPECT_EQ(after.json, audit(db, rs, dir.path() / "own2.json", nullptr, nullptr).json);

  // A ruleset that no longer checks: the audit fails with its diagnostics, as without the cache.
  std::ofstream(rs / "ruleset.rules", std::ios::binary | std::ios::app) << "\nrule broken {\n";
  const auto broken = audit(db, rs, dir.path() / "broken.json", &rulesets, &snapshots);
  const auto broken_own = audit(db, rs, dir.path() / "broken-own.json", nullptr, nullptr);
  EXPECT_EQ(broken.run.status, RunStatus::ruleset_errors);
  EXPECT_EQ(broken.run.errors, broken_own.run.errors);
  EXPECT_FALSE(broken.run.errors.empty());
}

}  // namespace
