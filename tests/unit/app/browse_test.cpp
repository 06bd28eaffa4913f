// app/browse: the workbench's enterprise search, findings list, export, dashboard and live
// audit over the browse fixture (tests/unit/app/browse_fixture: four enterprises in three
// counties, the county declared `role jurisdiction`), swept twice: the second sweep after one
// facility was retrofitted. Every query is also asked as an inspector would be (limit_to).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include "app/browse.hpp"
#include "app/ruleset.hpp"
#include "app/store_runs.hpp"
#include "app/sweep.hpp"
#include "engine/store/schema_sql.hpp"
#include "tests/support/store_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using eco::app::BrowseError;
using eco::app::RunStatus;
using eco::dsl::model::Severity;
using eco::dsl::model::Verdict;
using eco::testing::TempDir;

const fs::path kSource = ECOAUDIT_SOURCE_DIR;
const fs::path kFixture = kSource / "tests/unit/app/browse_fixture";

eco::dsl::Date date(const char* text) { return *eco::dsl::parse_date(text); }

void import(const fs::path& db, const fs::path& ruleset, const fs::path& data) {
  eco::app::ImportRequest r;
  r.db = db;
  r.ruleset = ruleset;
  r.paths = {data};
  const auto out = eco::app::run_import(r);
  ASSERT_EQ(out.status, RunStatus::done) << out.errors;
}

void sweep(const fs::path& db, const fs::path& ruleset, const fs::path& report) {
  eco::app::SweepRequest r;
  r.db = db;
  r.ruleset = ruleset;
  r.as_of = date("2024-12-31");
  r.reports.formats = {eco::reports::Format::json};
  r.reports.out = report.string();
  const auto out = eco::app::run_sweep(r);
  ASSERT_EQ(out.status, RunStatus::done) << out.errors;
  ASSERT_TRUE(out.run.sweep_id);
}

std::vector<std::string> keys(const eco::app::OwnerPage& page) {
  std::vector<std::string> out;
  for (const auto& r : page.rows) out.push_back(r.key);
  return out;
}

// (rule, subject key) of each row, in the list's order.
std::vector<std::string> ids(const eco::app::FindingPage& page) {
  std::vector<std::string> out;
  for (const auto& r : page.rows) out.push_back(r.rule + ":" + r.subject_key);
  return out;
}

class Browse : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    db_ = dir_->path() / "store.db";
    const fs::path ruleset = kFixture;
    ASSERT_EQ(eco::app::run_init({db_, ruleset}).status, RunStatus::done);
    import(db_, ruleset, kFixture / "store");
    sweep(db_, ruleset, dir_->path() / "sweep1.json");
    // F4 (E3, 介休市) is retrofitted: its violation is gone from the second sweep.
    const fs::path update = dir_->path() / "update";
    fs::create_directories(update);
    std::ofstream(update / "facility.csv") << "id,enterprise_id,retrofit_done\nF4,E3,true\n";
    import(db_, ruleset, update);
    sweep(db_, ruleset, dir_->path() / "sweep2.json");
    sm_ = new eco::dsl::SourceManager;
    auto checked = eco::app::load_checked_ruleset(ruleset, *sm_);
    ASSERT_TRUE(checked.ruleset) << checked.errors;
    rs_ = checked.ruleset.release();
  }
  static void TearDownTestSuite() {
    delete rs_;
    delete sm_;
    delete dir_;
  }
  void SetUp() override { store_ = eco::app::open_for_browsing(db_, *rs_); }

  static TempDir* dir_;
  static fs::path db_;
  static eco::dsl::SourceManager* sm_;
  static eco::dsl::model::Ruleset* rs_;
  std::unique_ptr<eco::engine::store::Store> store_;
};
TempDir* Browse::dir_ = nullptr;
fs::path Browse::db_;
eco::dsl::SourceManager* Browse::sm_ = nullptr;
eco::dsl::model::Ruleset* Browse::rs_ = nullptr;

TEST_F(Browse, DimensionsPutTheDeclaredJurisdictionFirst) {
  const auto dims = eco::app::browse_dimensions(*rs_);
  ASSERT_EQ(dims.size(), 2u);
  EXPECT_EQ(dims[0].field, "county");
  EXPECT_EQ(dims[1].field, "industry");
  const auto values = eco::app::dimension_values(*store_, *rs_, "industry");
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0], (eco::app::ShownValue{"coking", "焦化"}));
  EXPECT_EQ(eco::app::dimension_values(*store_, *rs_, "name").size(), 4u);  // a string field: stored values
  EXPECT_THROW(eco::app::dimension_values(*store_, *rs_, "id"), BrowseError);  // the key
  EXPECT_THROW(eco::app::dimension_values(*store_, *rs_, "insured"), BrowseError);  // not text
}

TEST_F(Browse, SearchFindsByNameOrKeyAndFilters) {
  eco::app::OwnerQuery q;
  q.text = "焦化";
  auto page = eco::app::search_owners(*store_, *rs_, q);
  EXPECT_EQ(page.total, 2u);
  EXPECT_EQ(keys(page), (std::vector<std::string>{"E3", "E1"}));  // by name: 丙焦化, 甲焦化
  const auto& e1 = page.rows[1];
  EXPECT_EQ(e1.name, "甲焦化");
  EXPECT_EQ(e1.jurisdiction, "榆次区");
  EXPECT_EQ(e1.values.at("industry"), (eco::app::ShownValue{"coking", "焦化"}));

  q.where = {{"county", "榆次区"}};
  EXPECT_EQ(keys(eco::app::search_owners(*store_, *rs_, q)), (std::vector<std::string>{"E1"}));

  eco::app::OwnerQuery by_key;
  by_key.text = "E2";
  EXPECT_EQ(keys(eco::app::search_owners(*store_, *rs_, by_key)), (std::vector<std::string>{"E2"}));
  // LIKE's wildcards in the text match themselves.
  for (const char* t : {"%", "_", "0%_"}) {
    eco::app::OwnerQuery wild;
    wild.text = t;
    EXPECT_EQ(keys(eco::app::search_owners(*store_, *rs_, wild)), (std::vector<std::string>{"E4"})) << t;
  }
}

// The text matches as SQLite's LIKE did: ASCII letters without case, a part of a Chinese name
// (one character or several), anywhere in the name or the key; a filter on a field that is not
// a dimension (the name) still selects.
TEST_F(Browse, SearchMatchesAsLikeDid) {
  const auto found = [&](const std::string& text, eco::app::OwnerFilter where = {}) {
    eco::app::OwnerQuery q;
    q.text = text;
    q.where = std::move(where);
    return keys(eco::app::search_owners(*store_, *rs_, q));
  };
  EXPECT_EQ(found("e2"), (std::vector<std::string>{"E2"}));
  EXPECT_EQ(found("钢"), (std::vector<std::string>{"E4", "E2"}));  // 100%_纯钢 sorts before 乙钢铁
  EXPECT_EQ(found("焦"), (std::vector<std::string>{"E3", "E1"}));
  EXPECT_EQ(found("化"), (std::vector<std::string>{"E3", "E1"}));
  EXPECT_EQ(found("甲焦化"), (std::vector<std::string>{"E1"}));
  EXPECT_EQ(found("焦钢"), (std::vector<std::string>{}));
  EXPECT_EQ(found("E"), (std::vector<std::string>{"E4", "E3", "E2", "E1"}));  // every key, by name (UTF-8 bytes)
  EXPECT_EQ(found("", {{"industry", "steel"}}), (std::vector<std::string>{"E4", "E2"}));
  EXPECT_EQ(found("钢", {{"county", "太谷区"}, {"industry", "steel"}}), (std::vector<std::string>{"E2"}));
  EXPECT_EQ(found("", {{"name", "甲焦化"}}), (std::vector<std::string>{"E1"}));  // not a dimension: the store's query
  EXPECT_EQ(found("焦", {{"name", "甲焦化"}}), (std::vector<std::string>{"E1"}));
}

// The search reads the store's data as it stands: an owner imported since the last search is
// found, and a store put in place of another under the same name is searched, not the other.
TEST(BrowseSearch, SeesANewBatchAndAStoreReplacedUnderTheSameName) {
  TempDir dir;
  const fs::path db = dir.path() / "store.db";
  const fs::path ruleset = kFixture;
  eco::dsl::SourceManager sm;
  auto checked = eco::app::load_checked_ruleset(ruleset, sm);
  ASSERT_TRUE(checked.ruleset) << checked.errors;
  const auto& rs = *checked.ruleset;
  const auto search = [&](const std::string& text) {
    auto store = eco::app::open_for_browsing(db, rs);
    eco::app::OwnerQuery q;
    q.text = text;
    return keys(eco::app::search_owners(*store, rs, q));
  };
  ASSERT_EQ(eco::app::run_init({db, ruleset}).status, RunStatus::done);
  import(db, ruleset, kFixture / "store");
  EXPECT_EQ(search("焦化"), (std::vector<std::string>{"E3", "E1"}));
  const fs::path more = dir.path() / "more";
  fs::create_directories(more);
  std::ofstream(more / "enterprise.csv") << "id,name,county,industry,insured\nE5,丁焦化,太谷区,coking,true\n";
  import(db, ruleset, more);
  EXPECT_EQ(search("焦化"), (std::vector<std::string>{"E5", "E3", "E1"}));  // 丁 < 丙 < 甲 in UTF-8
  // Another store moved over the first's name: its newest batch has the same number, counts and
  // (within the second) times as the first's.
  const fs::path other = dir.path() / "other.db";
  ASSERT_EQ(eco::app::run_init({other, ruleset}).status, RunStatus::done);
  const fs::path data = dir.path() / "data";
  fs::create_directories(data);
  std::ofstream(data / "enterprise.csv") << "id,name,county,industry,insured\nE9,戊焦化,介休市,coking,false\n";
  import(other, ruleset, data);
  import(other, ruleset, more);
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(db.string() + suffix);
  fs::rename(other, db);
  EXPECT_EQ(search("焦化"), (std::vector<std::string>{"E5", "E9"}));
}

TEST_F(Browse, SearchPages) {
  eco::app::OwnerQuery q;
  q.limit = 3;
  auto first = eco::app::search_owners(*store_, *rs_, q);
  EXPECT_EQ(first.total, 4u);
  EXPECT_EQ(first.rows.size(), 3u);
  q.offset = 3;
  auto second = eco::app::search_owners(*store_, *rs_, q);
  EXPECT_EQ(second.total, 4u);
  ASSERT_EQ(second.rows.size(), 1u);
  for (const auto& r : first.rows) EXPECT_NE(r.key, second.rows[0].key);
  q.limit = 0;
  EXPECT_THROW(eco::app::search_owners(*store_, *rs_, q), BrowseError);
  q.limit = eco::app::kMaxPage + 1;
  EXPECT_THROW(eco::app::search_owners(*store_, *rs_, q), BrowseError);
}

TEST_F(Browse, SearchRefusesFieldsAndValuesThatAreNotThere) {
  eco::app::OwnerQuery q;
  q.where = {{"region", "榆次区"}};
  EXPECT_THROW(eco::app::search_owners(*store_, *rs_, q), BrowseError);
  q.where = {{"county", "北京"}};  // not a value of the enum: a typo, not an empty list
  EXPECT_THROW(eco::app::search_owners(*store_, *rs_, q), BrowseError);
  q.where = {{"id", "E1"}};  // the key is searched by text
  EXPECT_THROW(eco::app::search_owners(*store_, *rs_, q), BrowseError);
}

TEST_F(Browse, AnInspectorsSearchIsLimitedToTheirJurisdictions) {
  eco::app::OwnerQuery q;
  q.limit_to = std::vector<std::string>{"太谷区", "介休市"};
  EXPECT_EQ(keys(eco::app::search_owners(*store_, *rs_, q)), (std::vector<std::string>{"E3", "E2"}));
  q.text = "甲";  // E1 exists, in 榆次区
  EXPECT_EQ(eco::app::search_owners(*store_, *rs_, q).total, 0u);
  q.text.clear();
  q.limit_to = std::vector<std::string>{};  // no jurisdictions: nothing, never everything
  EXPECT_EQ(eco::app::search_owners(*store_, *rs_, q).total, 0u);
}

TEST_F(Browse, FindOwnerGivesItsJurisdiction) {
  auto e3 = eco::app::find_owner(*store_, *rs_, "E3");
  ASSERT_TRUE(e3);
  EXPECT_EQ(e3->jurisdiction, "介休市");
  EXPECT_EQ(e3->name, "丙焦化");
  EXPECT_FALSE(eco::app::find_owner(*store_, *rs_, "E9"));
  EXPECT_FALSE(eco::app::find_owner(*store_, *rs_, "E1' OR '1'='1"));
}

TEST_F(Browse, FindingsOfTheLatestSweepBySeverity) {
  eco::app::FindingQuery q;
  auto page = eco::app::list_findings(*store_, *rs_, q);
  EXPECT_EQ(page.sweep.id, 2);
  EXPECT_EQ(page.sweep.as_of, "2024-12-31");
  EXPECT_EQ(page.total, 5u);
  EXPECT_EQ(ids(page), (std::vector<std::string>{"bx.retrofit:F1", "bx.retrofit:F3", "bx.insurance:E1",
                                                 "bx.insurance:E3", "bx.insurance:E4"}));
  const auto& f1 = page.rows[0];
  EXPECT_EQ(f1.severity, Severity::high);
  EXPECT_EQ(f1.verdict, Verdict::violation);
  EXPECT_EQ(f1.title_en, "Facility retrofit");
  EXPECT_EQ(f1.requirements, (std::vector<std::string>{"AIR-03"}));
  EXPECT_EQ(f1.subject_record, "facility");
  ASSERT_TRUE(f1.owner);
  EXPECT_EQ(f1.owner->key, "E1");
  EXPECT_EQ(f1.owner->values.at("county").label, "榆次区");
  EXPECT_EQ(f1.first_seen, "2024-12-31");

  q.sweep = 1;  // the first sweep still has F4's violation
  page = eco::app::list_findings(*store_, *rs_, q);
  EXPECT_EQ(page.total, 6u);
  const auto all = ids(page);
  EXPECT_NE(std::find(all.begin(), all.end(), "bx.retrofit:F4"), all.end());
  q.sweep = 99;
  EXPECT_THROW(eco::app::list_findings(*store_, *rs_, q), BrowseError);
}

TEST_F(Browse, FindingAreasAreThoseTheRulesImplement) {
  EXPECT_EQ(eco::app::finding_areas(*rs_), (std::vector<std::string>{"AIR", "HW"}));
}

TEST_F(Browse, FindingFilters) {
  auto count = [&](auto set) {
    eco::app::FindingQuery q;
    set(q);
    return eco::app::list_findings(*store_, *rs_, q).total;
  };
  EXPECT_EQ(count([](auto& q) { q.verdict = "violation"; }), 3u);
  EXPECT_EQ(count([](auto& q) { q.verdict = "unknown"; }), 2u);
  // Several verdicts: any of them (the dashboard's violations link "violation,late").
  EXPECT_EQ(count([](auto& q) { q.verdict = "violation,unknown"; }), 5u);
  EXPECT_EQ(count([](auto& q) { q.verdict = "violation,late"; }), 3u);
  EXPECT_EQ(count([](auto& q) { q.severity = "high"; }), 2u);
  EXPECT_EQ(count([](auto& q) { q.area = "AIR"; }), 2u);
  EXPECT_EQ(count([](auto& q) { q.area = "HW"; }), 3u);
  EXPECT_EQ(count([](auto& q) { q.rule = "bx.insurance"; }), 3u);
  EXPECT_EQ(count([](auto& q) { q.owner = "E1"; }), 2u);
  EXPECT_EQ(count([](auto& q) { q.where = {{"industry", "steel"}}; }), 2u);  // F3 (E2), E4
  EXPECT_EQ(count([](auto& q) {
              q.where = {{"county", "榆次区"}};
              q.verdict = "violation";
              q.area = "HW";
            }),
            2u);  // E1, E4
  for (auto bad : std::vector<std::function<void(eco::app::FindingQuery&)>>{
           [](auto& q) { q.verdict = "bad"; }, [](auto& q) { q.verdict = "violation,"; },
           [](auto& q) { q.verdict = "violation,bad"; }, [](auto& q) { q.severity = "urgent"; },
           [](auto& q) { q.area = "XYZ"; }, [](auto& q) { q.rule = "bx.none"; },
           [](auto& q) { q.where = {{"nope", "x"}}; }}) {
    eco::app::FindingQuery q;
    bad(q);
    EXPECT_THROW(eco::app::list_findings(*store_, *rs_, q), BrowseError);
  }
}

TEST_F(Browse, FindingsArePagedAndLimitedToJurisdictions) {
  eco::app::FindingQuery q;
  q.limit = 2;
  q.offset = 4;
  auto page = eco::app::list_findings(*store_, *rs_, q);
  EXPECT_EQ(page.total, 5u);
  EXPECT_EQ(ids(page), (std::vector<std::string>{"bx.insurance:E4"}));

  eco::app::FindingQuery mine;
  mine.limit_to = std::vector<std::string>{"榆次区"};
  page = eco::app::list_findings(*store_, *rs_, mine);
  EXPECT_EQ(ids(page), (std::vector<std::string>{"bx.retrofit:F1", "bx.insurance:E1", "bx.insurance:E4"}));
  mine.owner = "E2";  // another county's enterprise named outright: nothing
  EXPECT_EQ(eco::app::list_findings(*store_, *rs_, mine).total, 0u);
  mine.owner.clear();
  mine.limit_to = std::vector<std::string>{};
  EXPECT_EQ(eco::app::list_findings(*store_, *rs_, mine).total, 0u);
}

TEST_F(Browse, ExportWritesExactlyWhatTheFiltersSelect) {
  eco::app::FindingQuery q;
  q.limit_to = std::vector<std::string>{"榆次区"};
  q.limit = 1;  // paging does not cut an export
  const auto csv = eco::app::export_findings(*store_, *rs_, q, eco::reports::Format::csv, "zh");
  ASSERT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u);  // the reports' csv: a byte order mark first
  const auto lines = std::count(csv.begin(), csv.end(), '\n');
  EXPECT_EQ(lines, 4);  // the header and three findings
  EXPECT_NE(csv.find("甲焦化"), std::string::npos);
  EXPECT_NE(csv.find("100%_纯钢"), std::string::npos);
  EXPECT_EQ(csv.find("丙焦化"), std::string::npos);  // 介休市
  EXPECT_EQ(csv.find("乙钢铁"), std::string::npos);  // 太谷区
  EXPECT_NE(csv.find("bx.retrofit"), std::string::npos);

  q.area = "AIR";
  const auto xlsx = eco::app::export_findings(*store_, *rs_, q, eco::reports::Format::xlsx, "en");
  EXPECT_EQ(xlsx.rfind("PK", 0), 0u);  // a zip: the workbook
  EXPECT_THROW(eco::app::export_findings(*store_, *rs_, q, eco::reports::Format::html, "zh"), BrowseError);
}

TEST_F(Browse, DashboardCountsTheLatestSweepAndTheTrend) {
  const auto d = eco::app::dashboard(*store_, *rs_, {});
  EXPECT_EQ(d.sweep.id, 2);
  EXPECT_EQ(d.findings, 5u);
  EXPECT_EQ(d.violations, 3u);
  EXPECT_EQ(d.unknown, 2u);
  EXPECT_EQ(d.owners_with_violations, 2u);  // E1, E4
  EXPECT_EQ(d.by_verdict, (std::vector<eco::app::Tally>{{"violation", "violation", 3, 3}, {"unknown", "unknown", 2, 0}}));
  EXPECT_EQ(d.by_severity, (std::vector<eco::app::Tally>{{"high", "high", 2, 1}, {"low", "low", 3, 2}}));
  EXPECT_EQ(d.by_area, (std::vector<eco::app::Tally>{{"AIR", "AIR", 2, 1}, {"HW", "HW", 3, 2}}));
  EXPECT_EQ(d.by_dimension.at("county"),
            (std::vector<eco::app::Tally>{{"榆次区", "榆次区", 3, 3}, {"介休市", "介休市", 1, 0}, {"太谷区", "太谷区", 1, 0}}));
  EXPECT_EQ(d.by_dimension.at("industry"),
            (std::vector<eco::app::Tally>{{"coking", "焦化", 3, 2}, {"steel", "钢铁", 2, 1}}));
  ASSERT_EQ(d.trend.size(), 2u);
  EXPECT_EQ(d.trend[0].sweep, 1);
  EXPECT_EQ(d.trend[0].findings, 6u);
  EXPECT_EQ(d.trend[0].violations, 4u);
  EXPECT_EQ(d.trend[0].owners_with_violations, 3u);  // E1, E3, E4
  EXPECT_EQ(d.trend[1].findings, 5u);
  EXPECT_EQ(d.trend[1].violations, 3u);
  // Per verdict per sweep: the latest sweep's point counts as the dashboard does, and every
  // point's verdicts add up to its findings and violations.
  EXPECT_EQ(d.trend[1].by_verdict, d.by_verdict);
  for (const auto& p : d.trend) {
    std::size_t all = 0, violations = 0;
    for (const auto& t : p.by_verdict) {
      all += t.findings;
      violations += t.violations;
    }
    EXPECT_EQ(all, p.findings) << "sweep " << p.sweep;
    EXPECT_EQ(violations, p.violations) << "sweep " << p.sweep;
  }
}

TEST_F(Browse, DashboardFiltersApplyToTheTrendToo) {
  eco::app::DashboardQuery q;
  q.limit_to = std::vector<std::string>{"介休市"};
  auto d = eco::app::dashboard(*store_, *rs_, q);
  EXPECT_EQ(d.findings, 1u);  // E3's unknown insurance
  EXPECT_EQ(d.violations, 0u);
  EXPECT_EQ(d.owners_with_violations, 0u);
  ASSERT_EQ(d.trend.size(), 2u);
  EXPECT_EQ(d.trend[0].findings, 2u);  // F4's violation, E3's unknown
  EXPECT_EQ(d.trend[0].violations, 1u);
  EXPECT_EQ(d.trend[0].owners_with_violations, 1u);
  EXPECT_EQ(d.trend[1].findings, 1u);

  q = {};
  q.severity = "high";
  q.where = {{"industry", "coking"}};
  d = eco::app::dashboard(*store_, *rs_, q);
  EXPECT_EQ(d.findings, 1u);  // F1
  EXPECT_EQ(d.trend[0].findings, 2u);  // F1, F4
  q.history = 0;
  d = eco::app::dashboard(*store_, *rs_, q);
  EXPECT_TRUE(d.trend.empty());
  EXPECT_EQ(d.owners_with_violations, 1u);
  q.area = "NOPE";
  EXPECT_THROW(eco::app::dashboard(*store_, *rs_, q), BrowseError);
}

TEST_F(Browse, LiveAuditGivesTheAuditReports) {
  eco::app::LiveAuditRequest r;
  r.db = db_;
  r.ruleset = kFixture;
  r.owner = "E1";
  r.as_of = date("2024-12-31");
  auto out = eco::app::live_audit(r);
  ASSERT_EQ(out.status, RunStatus::done) << out.errors;
  EXPECT_EQ(out.findings, 2u);  // F1's retrofit, E1's insurance
  EXPECT_NE(out.html.find("甲焦化"), std::string::npos);
  EXPECT_NE(out.html.find("F1"), std::string::npos);
  const auto json = nlohmann::json::parse(out.json);
  ASSERT_TRUE(json.contains("findings"));
  EXPECT_EQ(json["findings"].size(), 2u);

  r.owner = "E9";
  out = eco::app::live_audit(r);
  EXPECT_EQ(out.status, RunStatus::bad_request);
  EXPECT_TRUE(out.html.empty());
}

// A recorded sweep's counts and the dashboard are counted once per process, per store file: a
// store moved in under the same name (its sweep 1 started in the same second as the first
// store's) is counted again, and a new sweep is counted when recorded.
TEST(BrowseSweeps, AStoreReplacedUnderTheSameNameIsCountedAgain) {
  TempDir dir;
  const fs::path db = dir.path() / "store.db", other = dir.path() / "other.db";
  const fs::path ruleset = kFixture;
  eco::dsl::SourceManager sm;
  auto checked = eco::app::load_checked_ruleset(ruleset, sm);
  ASSERT_TRUE(checked.ruleset) << checked.errors;
  const auto& rs = *checked.ruleset;
  const auto counts = [&] {
    auto store = eco::app::open_for_browsing(db, rs);
    const auto s = eco::app::list_findings(*store, rs, {}).sweep;
    const auto d = eco::app::dashboard(*store, rs, {});
    return std::vector<std::size_t>{static_cast<std::size_t>(s.id), s.violations, s.unknown,
                                    s.enterprises_with_violations, d.violations, d.owners_with_violations};
  };
  ASSERT_EQ(eco::app::run_init({db, ruleset}).status, RunStatus::done);
  import(db, ruleset, kFixture / "store");
  sweep(db, ruleset, dir.path() / "sweep1.json");
  // F1, F4, E1, E4 violations (of E1, E3, E4); F3, E3 unknown.
  EXPECT_EQ(counts(), (std::vector<std::size_t>{1, 4, 2, 3, 4, 3}));
  // The other store: F4 retrofitted before its first sweep.
  ASSERT_EQ(eco::app::run_init({other, ruleset}).status, RunStatus::done);
  import(other, ruleset, kFixture / "store");
  const fs::path update = dir.path() / "update";
  fs::create_directories(update);
  std::ofstream(update / "facility.csv") << "id,enterprise_id,retrofit_done\nF4,E3,true\n";
  import(other, ruleset, update);
  sweep(other, ruleset, dir.path() / "other.json");
  {
    SQLite::Database first(db.string());
    SQLite::Database second(other.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement started(first, "SELECT started_at FROM _sweep WHERE id = 1");
    ASSERT_TRUE(started.executeStep());
    SQLite::Statement set(second, "UPDATE _sweep SET started_at = ? WHERE id = 1");
    set.bind(1, started.getColumn(0).getString());
    set.exec();
  }
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(db.string() + suffix);
  fs::rename(other, db);
  EXPECT_EQ(counts(), (std::vector<std::size_t>{1, 3, 2, 2, 3, 2}));
  // A second sweep of it: counted, not the first one's counts.
  std::ofstream(update / "facility.csv") << "id,enterprise_id,retrofit_done\nF1,E1,true\n";
  import(db, ruleset, update);
  sweep(db, ruleset, dir.path() / "sweep2.json");
  EXPECT_EQ(counts(), (std::vector<std::size_t>{2, 2, 2, 2, 2, 2}));
}

// The schema version the browsing opens pass to Store::open is the schema's own, once per
// ruleset (a store opened with it is checked against the right schema).
TEST_F(Browse, TheStoresSchemaVersionIsTheRulesetsOwn) {
  EXPECT_EQ(eco::app::store_schema_version(*rs_), eco::engine::store::schema_version(rs_->schema));
  EXPECT_EQ(eco::app::store_schema_version(*rs_), eco::engine::store::schema_version(rs_->schema));  // cached
  eco::dsl::SourceManager sm;
  auto other = eco::app::load_checked_ruleset(kSource / "tests/sweep/fixture/ruleset", sm);
  ASSERT_TRUE(other.ruleset) << other.errors;
  EXPECT_EQ(eco::app::store_schema_version(*other.ruleset), eco::engine::store::schema_version(other.ruleset->schema));
  EXPECT_NE(eco::app::store_schema_version(*other.ruleset), eco::app::store_schema_version(*rs_));
  // A store of the other ruleset is refused to this one, as without the version given.
  EXPECT_THROW(eco::app::open_for_browsing(db_, *other.ruleset), eco::engine::store::StoreError);
}

TEST(BrowseWithoutJurisdiction, ALimitedQuerySelectsNothing) {
  // The sweep fixture declares no `role jurisdiction`: an inspector's list is empty.
  const fs::path ruleset = kSource / "tests/sweep/fixture/ruleset";
  TempDir dir;
  const fs::path db = dir.path() / "store.db";
  ASSERT_EQ(eco::app::run_init({db, ruleset}).status, RunStatus::done);
  import(db, ruleset, kSource / "tests/sweep/fixture/store");
  eco::dsl::SourceManager sm;
  auto checked = eco::app::load_checked_ruleset(ruleset, sm);
  ASSERT_TRUE(checked.ruleset) << checked.errors;
  auto store = eco::engine::store::Store::open(db, checked.ruleset->schema);
  eco::app::OwnerQuery q;
  EXPECT_EQ(eco::app::search_owners(*store, *checked.ruleset, q).total, 2u);
  q.limit_to = std::vector<std::string>{"榆次区"};
  EXPECT_EQ(eco::app::search_owners(*store, *checked.ruleset, q).total, 0u);
  EXPECT_EQ(eco::app::dashboard(*store, *checked.ruleset, {}).sweep.id, 0);  // nothing recorded yet
  EXPECT_THROW(eco::app::open_for_browsing(dir.path() / "none.db", *checked.ruleset), eco::engine::store::StoreError);
}

}  // namespace
