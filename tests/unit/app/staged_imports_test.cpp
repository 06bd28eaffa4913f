// app/staged_imports: an upload kept beside the store, validated by the import run dry (the
// importer's messages, by file as uploaded, line and field), committed as one batch or
// discarded. A batch with one bad file is rejected and the store's data stays as it was; a good
// one commits; names that are paths are refused and never reach the disk.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/accounts.hpp"
#include "app/staged_imports.hpp"
#include "tests/support/store_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using eco::app::ImportStaging;
using eco::app::RunStatus;
using eco::app::StagedState;
using eco::app::StagingError;
using eco::app::UploadedFile;
using eco::testing::read_file;
using eco::testing::TempDir;

const fs::path kFixture = fs::path(ECOAUDIT_SOURCE_DIR) / "tests/sweep/fixture";

// The store's dump without the workbench's own tables (the trail records each step).
std::string data_dump(const fs::path& db) {
  const std::string all = eco::testing::dump(db);
  std::string out;
  bool keep = true;
  std::istringstream in(all);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("## ")) keep = !(line == "## _audit" || line.starts_with("## _user") || line == "## _job");
    if (keep) out += line + '\n';
  }
  return out;
}

const char* kBadEnterprises =
    "id,name,industry,insured\n"
    "91140700MA0TWP003D,新企业,coking,true\n"
    "91140700MA0TWP004G,坏企业,banana,true\n";

class Staging : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(eco::app::run_init({db(), kFixture / "ruleset"}).status, RunStatus::done);
  }
  fs::path db() const { return dir_.path() / "store.db"; }
  eco::app::ImportRequest request() const {
    eco::app::ImportRequest r;
    r.db = db();
    r.ruleset = kFixture / "ruleset";
    return r;
  }
  std::vector<UploadedFile> fixture_files() const {
    std::vector<UploadedFile> out;
    for (const char* name : {"enterprise.csv", "facility.csv", "waiver.csv"})
      out.push_back({name, read_file(kFixture / "store" / name)});
    return out;
  }
  TempDir dir_;
};

TEST(UploadNames, PathsAndUnknownFormatsAreRefused) {
  using eco::app::upload_name_problem;
  EXPECT_EQ(upload_name_problem("enterprise.csv"), "");
  EXPECT_EQ(upload_name_problem("Enterprise_2.CSV"), "");
  EXPECT_EQ(upload_name_problem("晋中企业台账.xlsx"), "");
  EXPECT_EQ(upload_name_problem("申报 (第二批).json"), "");
  for (const char* bad : {"../enterprise.csv", "a/enterprise.csv", "..\\enterprise.csv", "/etc/passwd.csv", "..",
                          ".enterprise.csv", "enterprise\n.csv"})
    EXPECT_NE(upload_name_problem(bad), "") << bad;
  EXPECT_EQ(upload_name_problem("data.txt"), "the file is not .csv, .xml, .json, .xlsx or .xls");
  EXPECT_EQ(upload_name_problem("企业.csv"), "a CSV file is named after its record type (<record>.csv: letters, digits, '_')");
  EXPECT_EQ(upload_name_problem(""), "a file has no name");
}

TEST_F(Staging, AGoodBatchIsValidatedWithoutWritingThenCommitted) {
  const std::string empty = data_dump(db());
  ImportStaging staging(db());
  EXPECT_EQ(staging.folder(), dir_.path() / "store.db.staging");
  const auto staged = staging.stage(fixture_files(), "alice");
  EXPECT_EQ(staged.id, "1");
  EXPECT_EQ(staged.state, StagedState::staged);
  EXPECT_EQ(staged.uploaded_by, "alice");
  ASSERT_EQ(staged.files.size(), 3u);
  EXPECT_EQ(staged.files[0].name, "enterprise.csv");
  EXPECT_EQ(staged.files[0].stored, "files/1/enterprise.csv");
  EXPECT_TRUE(fs::is_regular_file(staging.folder() / staged.id / "files/1/enterprise.csv"));

  const auto validated = staging.validate(staged.id, request());
  EXPECT_EQ(validated.status, RunStatus::done) << validated.errors;
  EXPECT_EQ(validated.result.batch, 0);
  EXPECT_EQ(data_dump(db()), empty) << "a validation wrote to the store";
  auto b = *staging.find(staged.id);
  EXPECT_EQ(b.state, StagedState::valid);
  ASSERT_TRUE(b.report);
  EXPECT_TRUE(b.report->ok);
  EXPECT_GT(b.report->rows_new, 0u);
  EXPECT_EQ(b.report->files[0].path, "enterprise.csv");
  EXPECT_EQ(b.files[0].sha256.size(), 64u);

  const auto committed = staging.commit(staged.id, request(), "bob");
  ASSERT_EQ(committed.status, RunStatus::done) << committed.errors;
  EXPECT_EQ(committed.result.batch, 1);
  EXPECT_NE(data_dump(db()).find("晋中焦化"), std::string::npos);
  b = *staging.find(staged.id);
  EXPECT_EQ(b.state, StagedState::committed);
  EXPECT_EQ(b.batch, 1);
  EXPECT_EQ(b.committed_by, "bob");
  EXPECT_EQ(b.uploaded_by, "alice");
  EXPECT_FALSE(fs::exists(staging.folder() / staged.id / "files")) << "committed files stay in staging";
  EXPECT_THROW(staging.commit(staged.id, request(), "bob"), StagingError) << "committed twice";
  EXPECT_THROW(staging.discard(staged.id, "bob"), StagingError);

  const auto trail = eco::app::Accounts::open(db())->trail();
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[0].action, "import.stage");
  EXPECT_EQ(trail[0].actor, "alice");
  EXPECT_EQ(trail[0].object, "staged_import:" + staged.id);
  EXPECT_EQ(trail[0].detail, "files=enterprise.csv,facility.csv,waiver.csv");
  EXPECT_EQ(trail[1].action, "import.commit");
  EXPECT_EQ(trail[1].actor, "bob");
  EXPECT_EQ(trail[1].object, "batch:1");
  EXPECT_NE(trail[1].detail.find("uploaded_by=alice"), std::string::npos) << trail[1].detail;
}

TEST_F(Staging, ABatchWithOneBadFileIsRefusedAndTheStoreUnchanged) {
  ImportStaging staging(db());
  const auto first = staging.stage(fixture_files(), "alice");
  ASSERT_EQ(staging.validate(first.id, request()).status, RunStatus::done);
  ASSERT_EQ(staging.commit(first.id, request(), "alice").status, RunStatus::done);
  const std::string before = data_dump(db());

  const auto staged = staging.stage({{"facility.csv", read_file(kFixture / "store/facility.csv")},
                                     {"enterprise.csv", kBadEnterprises}},
                                    "alice");
  const auto out = staging.validate(staged.id, request());
  EXPECT_EQ(out.status, RunStatus::rejected);
  auto b = *staging.find(staged.id);
  EXPECT_EQ(b.state, StagedState::rejected);
  ASSERT_TRUE(b.report);
  EXPECT_FALSE(b.report->ok);
  ASSERT_EQ(b.report->errors.size(), 1u);
  const auto& e = b.report->errors[0];
  EXPECT_EQ(e.file, "enterprise.csv") << "the report names the file as uploaded";
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.column, 3u);
  EXPECT_EQ(e.field, "industry");
  EXPECT_NE(e.message.find("banana"), std::string::npos) << e.message;
  EXPECT_EQ(b.report->files[1].error_count, 1u);
  EXPECT_EQ(b.report->files[0].error_count, 0u);
  EXPECT_THROW(staging.commit(staged.id, request(), "alice"), StagingError) << "a rejected batch was committed";
  EXPECT_EQ(data_dump(db()), before);

  staging.discard(staged.id, "alice");
  b = *staging.find(staged.id);
  EXPECT_EQ(b.state, StagedState::discarded);
  EXPECT_EQ(b.discarded_by, "alice");
  EXPECT_FALSE(fs::exists(staging.folder() / staged.id / "files"));
  EXPECT_THROW(staging.validate(staged.id, request()), StagingError);
  EXPECT_EQ(data_dump(db()), before);

  // The batch list, newest first, with its provenance.
  const auto list = staging.list();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, staged.id);
  EXPECT_EQ(list[0].state, StagedState::discarded);
  EXPECT_EQ(list[1].state, StagedState::committed);
  EXPECT_EQ(list[1].batch, 1);
}

TEST_F(Staging, NamesThatArePathsNeverReachTheDisk) {
  ImportStaging staging(db());
  for (const char* name : {"../../enterprise.csv", "../store.db", "sub/enterprise.csv", "..\\enterprise.csv"}) {
    try {
      staging.stage({{"facility.csv", "id\n"}, {name, "id,name,industry,insured\n"}}, "mallory");
      ADD_FAILURE() << name << " was staged";
    } catch (const StagingError& ex) {
      EXPECT_NE(std::string(ex.what()).find(name), std::string::npos) << ex.what();
    }
  }
  EXPECT_TRUE(staging.list().empty());
  // Nothing was written anywhere under the test's folder but the store (and its log).
  for (const auto& entry : fs::recursive_directory_iterator(dir_.path()))
    EXPECT_TRUE(entry.path().filename().string().starts_with("store.db")) << entry.path();
  std::error_code ec;
  EXPECT_TRUE(!fs::exists(staging.folder()) || fs::is_empty(staging.folder(), ec));

  // Ids given back are looked up only in their own form.
  EXPECT_FALSE(staging.find("../../store.db"));
  EXPECT_THROW(staging.validate("../store.db.staging", request()), StagingError);
  EXPECT_THROW(staging.discard("7", "mallory"), StagingError);
  EXPECT_THROW(staging.discard("01", "mallory"), StagingError);
}

TEST_F(Staging, OtherFormatsAreStoredUnderANameMadeHere) {
  ImportStaging staging(db());
  const auto staged = staging.stage({{"企业名录 (2024).json", R"({"enterprise": []})"}}, "alice");
  EXPECT_EQ(staged.files[0].name, "企业名录 (2024).json");
  EXPECT_EQ(staged.files[0].stored, "files/1/upload.json");
  EXPECT_THROW(staging.stage({}, "alice"), StagingError);
}

}  // namespace
