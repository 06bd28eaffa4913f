// The ruleset a server serves (server/http/services.hpp): one version, the one it started with,
// whatever happens to the folder it was given meanwhile. Every part reads Services::ruleset_dir
// (a private copy): a folder broken or changed under a running server changes nothing until a
// restart, where the live audits used to reload it on their own and the other parts kept the
// old one (answering 500 until a restart).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app/browse.hpp"
#include "app/ruleset.hpp"
#include "app/store_runs.hpp"
#include "app/sweep.hpp"
#include "server/http/services.hpp"
#include "tests/support/store_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using eco::app::RunStatus;
using eco::server::ServerConfig;
using eco::server::Services;

const fs::path kFixture = fs::path(ECOAUDIT_SOURCE_DIR) / "tests/unit/app/browse_fixture";

TEST(ServedRuleset, OneVersionFromStartToRestartWhateverTheFolderDoes) {
  eco::testing::TempDir dir;
  const fs::path rs = dir.path() / "rs", db = dir.path() / "store.db";
  fs::copy(kFixture, rs, fs::copy_options::recursive);
  ASSERT_EQ(eco::app::run_init({db, rs}).status, RunStatus::done);
  eco::app::ImportRequest imp;
  imp.db = db;
  imp.ruleset = rs;
  imp.paths = {rs / "store"};
  ASSERT_EQ(eco::app::run_import(imp).status, RunStatus::done);

  auto services = std::make_unique<Services>(ServerConfig{}, db, rs);
  const std::string sha = services->ruleset().sha256;
  const fs::path served = services->ruleset_dir();
  EXPECT_EQ(services->ruleset_source(), rs);
  EXPECT_NE(served, rs);
  // Changed, then broken, while the server runs.
  std::ofstream(rs / "ruleset.rules", std::ios::app) << "\n# edited\n";
  {
    eco::dsl::SourceManager sm;
    auto edited = eco::app::load_checked_ruleset(rs, sm);
    ASSERT_TRUE(edited.ruleset) << edited.errors;
    EXPECT_NE(edited.ruleset->sha256, sha);
  }
  std::ofstream(rs / "ruleset.rules", std::ios::app) << "\nrule broken {\n";
  // Every part reads the version the server started with: its own checked ruleset, a live
  // audit, a sweep of the jobs.
  eco::dsl::SourceManager sm;
  auto again = eco::app::load_checked_ruleset(served, sm);
  ASSERT_TRUE(again.ruleset) << again.errors;
  EXPECT_EQ(again.ruleset->sha256, sha);
  eco::app::LiveAuditRequest audit;
  audit.db = db;
  audit.ruleset = served;
  audit.owner = "E1";
  audit.as_of = *eco::dsl::parse_date("2024-12-31");
  const auto audited = eco::app::live_audit(audit);
  EXPECT_EQ(audited.status, RunStatus::done) << audited.errors;
  EXPECT_GT(audited.findings, 0u);
  eco::app::SweepRequest sweep;
  sweep.db = db;
  sweep.ruleset = served;
  sweep.as_of = audit.as_of;
  sweep.reports.formats = {};
  const auto swept = eco::app::run_sweep(sweep);
  EXPECT_EQ(swept.status, RunStatus::done) << swept.errors;
  // A restart serves the folder as it is now: here, broken, so the server does not start,
  // naming the file given (not the copy).
  try {
    Services restarted(ServerConfig{}, db, rs);
    ADD_FAILURE() << "a server started on a broken ruleset";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((rs / "ruleset.rules").string()), std::string::npos) << e.what();
  }
  // The copy goes with the server.
  services.reset();
  EXPECT_FALSE(fs::exists(served));
}

}  // namespace
