// app/export_run: the export run without the command line: the sweep fixture's store exported
// and imported into a new store gives the same records, the store itself is not touched, and
// each failure has its status with nothing written.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/export_run.hpp"
#include "app/store_runs.hpp"

namespace {

namespace fs = std::filesystem;
using eco::app::RunStatus;
using eco::engine::exporting::Format;

const fs::path kFixture = fs::path(ECOAUDIT_SOURCE_DIR) / "tests/sweep/fixture";

class ExportRun : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ecoaudit-export-run-XXXXXX";
    dir_ = mkdtemp(tmpl);
    ASSERT_EQ(eco::app::run_init({db("a.db"), kFixture / "ruleset"}).status, RunStatus::done);
    eco::app::ImportRequest r;
    r.db = db("a.db");
    r.ruleset = kFixture / "ruleset";
    r.paths = {kFixture / "store"};
    ASSERT_EQ(eco::app::run_import(r).status, RunStatus::done);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path db(const std::string& name) const { return dir_ / name; }
  eco::app::ExportRequest request(const std::string& out) const {
    eco::app::ExportRequest r;
    r.db = db("a.db");
    r.ruleset = kFixture / "ruleset";
    r.out = dir_ / out;
    return r;
  }
  static std::string bytes(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  // The records of the fixture's record types, without provenance.
  static std::string records(const fs::path& p) {
    SQLite::Database d(p.string(), SQLite::OPEN_READONLY);
    std::string out;
    for (const char* t : {"enterprise", "facility", "waiver"}) {
      SQLite::Statement cols(d, std::string("SELECT name FROM pragma_table_info('") + t + "') WHERE name NOT LIKE '\\_%' ESCAPE '\\'");
      std::string list;
      while (cols.executeStep()) list += (list.empty() ? "\"" : ", \"") + cols.getColumn(0).getString() + "\"";
      SQLite::Statement q(d, "SELECT " + list + " FROM " + t + " ORDER BY _row");
      out += std::string("## ") + t + "\n";
      while (q.executeStep()) {
        for (int i = 0; i < q.getColumnCount(); ++i) out += (q.getColumn(i).isNull() ? "NULL" : q.getColumn(i).getString()) + "|";
        out += '\n';
      }
    }
    return out;
  }
  fs::path dir_;
};

TEST_F(ExportRun, ExportsWhatImportsBackAndLeavesTheStoreAlone) {
  const std::string store_before = bytes(db("a.db"));
  for (Format format : {Format::csv, Format::xlsx}) {
    const std::string name = format == Format::csv ? "csv" : "xlsx";
    auto r = request("out-" + name);
    r.format = format;
    const auto out = eco::app::run_export(r);
    ASSERT_EQ(out.status, RunStatus::done) << out.errors;
    EXPECT_EQ(out.result.batch, 1);
    EXPECT_EQ(out.result.files.size(), format == Format::csv ? 3u : 1u);
    ASSERT_EQ(eco::app::run_init({db(name + ".db"), kFixture / "ruleset"}).status, RunStatus::done);
    eco::app::ImportRequest back;
    back.db = db(name + ".db");
    back.ruleset = kFixture / "ruleset";
    back.paths = {r.out};
    const auto imported = eco::app::run_import(back);
    ASSERT_EQ(imported.status, RunStatus::done) << imported.errors;
    EXPECT_EQ(imported.result.rows_new, out.result.rows);
    EXPECT_EQ(records(db(name + ".db")), records(db("a.db")));
  }
  EXPECT_NE(records(db("a.db")).find("晋中焦化"), std::string::npos);
  EXPECT_EQ(bytes(db("a.db")), store_before);
}

TEST_F(ExportRun, EachFailureHasItsStatusAndWritesNothing) {
  auto r = request("out");
  r.data_as_of = 2;
  auto out = eco::app::run_export(r);
  EXPECT_EQ(out.status, RunStatus::bad_request);
  EXPECT_NE(out.errors.find("--data-as-of 2: the store has no batch 2"), std::string::npos) << out.errors;

  r = request("out");
  fs::create_directory(r.out);
  std::ofstream(r.out / "keep.csv") << "x\n";
  out = eco::app::run_export(r);
  EXPECT_EQ(out.status, RunStatus::bad_request);
  EXPECT_NE(out.errors.find("the folder is not empty"), std::string::npos) << out.errors;
  EXPECT_EQ(bytes(r.out / "keep.csv"), "x\n");

  r = request("out2");
  r.db = db("missing.db");
  out = eco::app::run_export(r);
  EXPECT_EQ(out.status, RunStatus::store_error) << out.errors;
  EXPECT_FALSE(fs::exists(db("missing.db")));

  r = request("out3");
  r.ruleset = kFixture / "store";  // no ruleset there
  out = eco::app::run_export(r);
  EXPECT_EQ(out.status, RunStatus::ruleset_errors);
  EXPECT_FALSE(out.errors.empty());

  std::vector<std::string> left;
  // (a.db-wal and a.db-shm: SQLite's, beside a WAL store a reader opened; docs/store.md)
  for (const auto& e : fs::directory_iterator(dir_))
    if (auto n = e.path().filename().string(); !n.starts_with("a.db-")) left.push_back(n);
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"a.db", "out"})) << "no output folder, no .part folder";
}

}  // namespace
