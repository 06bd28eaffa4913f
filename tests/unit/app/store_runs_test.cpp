// app/: the init and import runs as an API, without the command line: a store created for the
// sweep fixture's ruleset, its data imported as one batch with progress reported, and the runs
// that must leave the store as it was (data errors, a request naming what the schema lacks, a
// ruleset that does not check).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "app/store_runs.hpp"
#include "tests/support/store_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using eco::app::RunStatus;
using eco::testing::dump;
using eco::testing::TempDir;

const fs::path kFixture = fs::path(ECOAUDIT_SOURCE_DIR) / "tests/sweep/fixture";

class StoreRuns : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto init = eco::app::run_init({db(), kFixture / "ruleset"});
    ASSERT_EQ(init.status, RunStatus::done) << init.errors;
    EXPECT_TRUE(init.created);
    EXPECT_EQ(init.ruleset_id, "sweepfix");
    EXPECT_EQ(init.record_types, 3u);
    EXPECT_FALSE(init.schema_version.empty());
  }
  fs::path db() const { return dir_.path() / "store.db"; }
  eco::app::ImportRequest request(std::vector<fs::path> paths) const {
    eco::app::ImportRequest r;
    r.db = db();
    r.ruleset = kFixture / "ruleset";
    r.paths = std::move(paths);
    return r;
  }
  TempDir dir_;
};

TEST_F(StoreRuns, InitTwiceFindsTheStoreUpToDate) {
  const auto again = eco::app::run_init({db(), kFixture / "ruleset"});
  ASSERT_EQ(again.status, RunStatus::done) << again.errors;
  EXPECT_FALSE(again.created);
  EXPECT_TRUE(again.migrations.empty());
}

TEST_F(StoreRuns, ImportReportsProgressAndCommitsOneBatch) {
  std::vector<std::string> rulesets;
  std::set<std::string> started;
  eco::app::ImportProgress progress;
  progress.ruleset_checked = [&](const std::string& id) { rulesets.push_back(id); };
  progress.file_started = [&](const fs::path& f) { EXPECT_TRUE(started.insert(f.filename().string()).second) << f; };
  const auto out = eco::app::run_import(request({kFixture / "store"}), progress);
  ASSERT_EQ(out.status, RunStatus::done) << out.errors;
  EXPECT_TRUE(out.result.ok);
  EXPECT_EQ(out.result.batch, 1);
  EXPECT_EQ(out.result.files.size(), 3u);
  EXPECT_GT(out.result.rows_new, 0u);
  EXPECT_EQ(rulesets, std::vector<std::string>{"sweepfix"});
  EXPECT_EQ(started, (std::set<std::string>{"enterprise.csv", "facility.csv", "waiver.csv"}));
  EXPECT_NE(dump(db()).find("晋中焦化"), std::string::npos);

  // The same files again change nothing: no batch.
  const auto again = eco::app::run_import(request({kFixture / "store"}));
  ASSERT_EQ(again.status, RunStatus::done) << again.errors;
  EXPECT_EQ(again.result.batch, 0);
  EXPECT_EQ(again.result.rows_unchanged, out.result.rows_new);
}

TEST_F(StoreRuns, RejectedImportLeavesTheStoreAsItWas) {
  ASSERT_EQ(eco::app::run_import(request({kFixture / "store"})).status, RunStatus::done);
  const std::string before = dump(db());
  // A good new enterprise beside a row whose industry is no value of the enum: all or nothing.
  const auto bad = dir_.write("bad/enterprise.csv",
                              "id,name,industry,insured\n"
                              "91140700MA0TWP003D,新企业,coking,true\n"
                              "91140700MA0TWP004G,坏企业,banana,true\n");
  const auto out = eco::app::run_import(request({bad}));
  EXPECT_EQ(out.status, RunStatus::rejected);
  EXPECT_FALSE(out.result.ok);
  EXPECT_EQ(out.result.batch, 0);
  ASSERT_FALSE(out.result.errors.empty());
  EXPECT_EQ(out.result.errors[0].line, 3u);
  EXPECT_EQ(out.result.errors[0].field, "industry");
  EXPECT_EQ(dump(db()), before) << "a rejected import changed the store";
}

TEST_F(StoreRuns, RequestNamingWhatTheSchemaLacksTouchesNothing) {
  const std::string before = dump(db());
  auto r = request({kFixture / "store"});
  r.uscc_records = std::vector<std::string>{"company"};
  auto out = eco::app::run_import(r);
  EXPECT_EQ(out.status, RunStatus::bad_request);
  EXPECT_EQ(out.errors, "--uscc-record: the schema has no record type 'company'");
  r.uscc_records.reset();
  r.waste_code_fields = std::vector<std::string>{"hw_code"};
  out = eco::app::run_import(r);
  EXPECT_EQ(out.status, RunStatus::bad_request);
  EXPECT_EQ(out.errors, "--waste-code-field: no record type of the schema has a string field 'hw_code'");
  EXPECT_EQ(dump(db()), before);
}

TEST_F(StoreRuns, RulesetWithErrorsTouchesNothing) {
  const std::string before = dump(db());
  const auto broken = dir_.write("broken/ruleset.rules", "ruleset broken \"x\"\nrecord r { id: strng key }\n");
  auto r = request({kFixture / "store"});
  r.ruleset = broken.parent_path();
  const auto out = eco::app::run_import(r);
  EXPECT_EQ(out.status, RunStatus::ruleset_errors);
  EXPECT_NE(out.errors.find("error"), std::string::npos) << out.errors;
  EXPECT_EQ(dump(db()), before);
}

TEST_F(StoreRuns, StoreThatCannotBeOpenedIsAStoreError) {
  auto r = request({kFixture / "store"});
  r.db = dir_.path() / "no-such-folder" / "store.db";
  const auto out = eco::app::run_import(r);
  EXPECT_EQ(out.status, RunStatus::store_error);
  EXPECT_FALSE(out.errors.empty());
}

}  // namespace
