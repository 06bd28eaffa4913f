// app/draws: the random inspection draw's runs on the fixture tests/draw, without the command
// line: the plan's conditions as rule-language expressions (checked against the schema when the
// plan is read, diagnostics naming the plan, the field and the column; the ruleset's parameters
// and as_of in scope; a row a condition cannot decide stops the draw), the earlier field-equality
// form refused, the expressions recorded and named by --verify, the inspections opened in
// EcoAudit excluding like the ruleset's own records, the period's validation; and on the fixture
// tests/enforcement, weights from the latest sweep's open violations.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "app/draws.hpp"
#include "app/inspections.hpp"
#include "app/ruleset.hpp"
#include "app/store_runs.hpp"
#include "app/sweep.hpp"
#include "engine/enforcement/records.hpp"
#include "engine/store/store.hpp"
#include "tests/support/store_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using eco::app::RunStatus;
using eco::testing::TempDir;
using json = nlohmann::json;

const fs::path kFixture = fs::path(ECOAUDIT_SOURCE_DIR) / "tests/draw";
const fs::path kRuleset = kFixture / "ruleset";
const std::string kK01 = "91140702MA0K010007", kK02 = "91140702MA0K02000E", kK03 = "91140702MA0K03000M";

class Draws : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path() / "store.db";
    ASSERT_EQ(eco::app::run_init({db_, kRuleset}).status, RunStatus::done);
    eco::app::ImportRequest import;
    import.db = db_;
    import.ruleset = kRuleset;
    for (const char* f : {"enterprise.csv", "inspection.csv", "inspector.csv", "inspector_recusal.csv"})
      import.paths.push_back(kFixture / "data" / f);
    const auto imported = eco::app::run_import(import);
    ASSERT_EQ(imported.status, RunStatus::done) << imported.errors;
  }
  // The fixture's plan changed by `change`, written beside the store; its path.
  template <class Change>
  fs::path plan(Change change, const std::string& name = "draw.json") {
    json p = json::parse(std::ifstream(kRuleset / "draw.json"));
    change(p);
    const auto path = dir_.path() / name;
    std::ofstream(path) << p.dump(2);
    return path;
  }
  eco::app::DrawOutcome draw(const fs::path& plan_file = {}, const std::string& period = "2026Q4",
                             const std::string& as_of = "2026-12-01") {
    return eco::app::make_draw(
        {.db = db_, .ruleset = kRuleset, .plan = plan_file, .period = period, .seed = 7, .as_of = as_of, .format = "json"});
  }
  eco::app::DrawVerifyOutcome verify(std::int64_t id, const fs::path& plan_file = {}) {
    return eco::app::verify_draw({.db = db_, .ruleset = kRuleset, .plan = plan_file, .id = id});
  }
  // The recorded inputs of draw `id` (the store's _draw row).
  json inputs(std::int64_t id) {
    SQLite::Database db(db_.string());
    return json::parse(db.execAndGet("SELECT inputs FROM _draw WHERE id = " + std::to_string(id)).getString());
  }
  // An inspection opened in EcoAudit (as `ecoaudit inspection open` records it).
  void inspect(const std::string& key, const std::string& day) {
    eco::dsl::SourceManager sm;
    auto rs = eco::app::load_checked_ruleset(kRuleset, sm);
    ASSERT_TRUE(rs.ruleset) << rs.errors;
    auto st = eco::engine::store::Store::open(db_, rs.ruleset->schema, {});
    eco::engine::enforcement::Inspection in;
    in.ruleset = rs.ruleset->id;
    in.owner_record = "enterprise";
    in.owner_key = key;
    in.planned_on = day;
    in.inspectors = {"ZF001", "ZF002"};
    eco::engine::enforcement::record_inspection(*st, in, {"张伟", "test"});
  }
  TempDir dir_;
  fs::path db_;
};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(Draws, TheRosterIsThePlansInspectorRecordsInTheStore) {
  // ZF004 is inactive (the plan's "where" leaves it out of draws) and still on the roster.
  auto r = eco::app::roster_ids({.db = db_, .ruleset = kRuleset, .ids = {"ZF001", "ZF004", "ZF999", ""}});
  ASSERT_EQ(r.status, RunStatus::done) << r.errors;
  EXPECT_TRUE(r.declared());
  EXPECT_EQ(r.record, "inspector");
  EXPECT_EQ(r.known, (std::set<std::string>{"ZF001", "ZF004"}));
  // No plan: no roster, nothing checked.
  r = eco::app::roster_ids({.db = db_, .ruleset = kRuleset, .plan = dir_.path() / "none.json", .ids = {"ZF001"}});
  ASSERT_EQ(r.status, RunStatus::done) << r.errors;
  EXPECT_FALSE(r.declared());
  EXPECT_TRUE(r.known.empty());
  // A plan whose roster is no record: refused, naming the plan's key.
  r = eco::app::roster_ids({.db = db_, .ruleset = kRuleset,
                            .plan = plan([](json& p) { p["inspectors"]["for"] = "i in officer"; }), .ids = {"ZF001"}});
  EXPECT_EQ(r.status, RunStatus::bad_request);
  EXPECT_FALSE(r.declared());
  EXPECT_TRUE(has(r.errors, "inspectors.for: the ruleset's schema has no record \"officer\"")) << r.errors;
}

TEST_F(Draws, TheExpressionPlanDrawsItsStrataAndRecordsItsTexts) {
  const auto d = draw();
  ASSERT_EQ(d.status, RunStatus::done) << d.errors;
  EXPECT_EQ(d.warnings, "");
  const json pub = json::parse(d.published);
  std::map<std::string, std::vector<int>> strata;
  for (const auto& s : pub["strata"])
    strata[s["name"]] = {s["population"].get<int>(), s["excluded"].get<int>(), s["eligible"].get<int>(), s["quota"].get<int>()};
  EXPECT_EQ(strata["key"], (std::vector<int>{6, 2, 4, 4}));  // K02 inspected 30 days before, K03 on the positive list
  EXPECT_EQ(strata["special"], (std::vector<int>{4, 0, 4, 2}));
  EXPECT_EQ(strata["general"], (std::vector<int>{12, 0, 12, 3}));  // the closed enterprise is not in the population
  // The criteria are published with the rates, the interval with its source.
  EXPECT_EQ(pub["population"]["where"], "e.status == 'operating'");
  EXPECT_EQ(pub["strata"][0]["when"], "has(e.key_discharge_unit) && e.key_discharge_unit");
  EXPECT_EQ(pub["exclusions"]["inspected_within_days"], 90);
  EXPECT_EQ(pub["exclusions"]["inspected_within_days_source"], "fixture: 一个季度内已现场检查的企业不再抽取");
  EXPECT_EQ(pub["exclusions"]["positive_list"], "has(e.positive_list) && e.positive_list");
  const json in = inputs(d.id);
  EXPECT_EQ(in["population_record"], "enterprise");
  EXPECT_EQ(in["population_where"], "e.status == 'operating'");
  EXPECT_EQ(in["roster_where"], "has(i.active) && i.active");
  EXPECT_EQ(in["strata"][1]["when"], "has(e.special_unit) && e.special_unit");
  EXPECT_EQ(in["strata"][2]["when"], "");
  EXPECT_EQ(in["inspected_within_days_source"], "fixture: 一个季度内已现场检查的企业不再抽取");
  // ZF004 is not active: not on the roster the draw recorded.
  std::set<std::string> roster;
  for (const auto& i : in["roster"]) roster.insert(i["id"]);
  EXPECT_EQ(roster, (std::set<std::string>{"ZF001", "ZF002", "ZF003", "ZF005", "ZF006", "ZF007"}));
  for (const auto& c : in["population"])
    if (c["key"] == kK02) {
      EXPECT_EQ(c["last_inspected"], "2026-11-01");
      EXPECT_EQ(c["last_inspection"], "inspection JC-1");
    }
  EXPECT_TRUE(verify(d.id).verified());
}

TEST_F(Draws, ParametersAndTheAsOfDayAreInScope) {
  // draw_rate_general is 0.25 in the fixture's ruleset.
  auto d = draw(plan([](json& p) { p["population"]["where"] = "e.status == 'operating' && draw_rate_general > 0.3"; }));
  ASSERT_EQ(d.status, RunStatus::done) << d.errors;
  EXPECT_EQ(json::parse(d.published)["selections"].size(), 0u);
  d = draw(plan([](json& p) {
    p["strata"][0]["when"] = "has(e.key_discharge_unit) && e.key_discharge_unit && as_of >= date('2026-12-01')";
  }));
  ASSERT_EQ(d.status, RunStatus::done) << d.errors;
  EXPECT_EQ(json::parse(d.published)["strata"][0]["population"], 6);
  d = draw(plan([](json& p) {
    p["strata"][0]["when"] = "has(e.key_discharge_unit) && e.key_discharge_unit && as_of > date('2026-12-01')";
  }));
  ASSERT_EQ(d.status, RunStatus::done) << d.errors;
  EXPECT_EQ(json::parse(d.published)["strata"][0]["population"], 0);
}

TEST_F(Draws, PlanErrorsNameThePlanTheFieldAndTheColumn) {
  const auto d = draw(plan([](json& p) {
    p["strata"][0]["when"] = "has(e.key_dischage_unit) && e.key_discharge_unit";
    p["population"]["where"] = "e.status";
    p["exclusions"]["positive_list"] = "e.positive_list == 'yes'";
  }));
  ASSERT_EQ(d.status, RunStatus::bad_request);
  EXPECT_TRUE(has(d.errors, "the draw plan " + (dir_.path() / "draw.json").string() + " has errors:")) << d.errors;
  EXPECT_TRUE(has(d.errors, "draw.json population.where:1:1: error[T002]: the population's condition must be of type bool"))
      << d.errors;
  EXPECT_TRUE(has(d.errors, "draw.json strata[0].when:1:1: error[N002]: record 'enterprise' has no field 'key_dischage_unit'"))
      << d.errors;
  EXPECT_TRUE(has(d.errors, "did you mean 'key_discharge_unit'?")) << d.errors;
  EXPECT_TRUE(has(d.errors, "draw.json exclusions.positive_list:1:")) << d.errors;
  EXPECT_TRUE(has(d.errors, "3 errors")) << d.errors;
  // Nothing was recorded.
  SQLite::Database db(db_.string());
  EXPECT_FALSE(db.tableExists("_draw"));
}

TEST_F(Draws, TheFieldEqualityFormIsRefusedSayingWhatToWrite) {
  auto d = draw(plan([](json& p) { p["population"]["where"] = {{"status", {"operating"}}}; }));
  ASSERT_EQ(d.status, RunStatus::bad_request);
  EXPECT_TRUE(has(d.errors, "population.where: write the condition as a rule expression over e (here: \"e.status == "
                            "'operating'\"); the field-equality form"))
      << d.errors;
  d = draw(plan([](json& p) { p["strata"][0]["when"] = {{"key_discharge_unit", {true}}, {"county", {"榆次区", "太谷区"}}}; }));
  EXPECT_TRUE(has(d.errors, "(here: \"e.county in ['榆次区', '太谷区'] && has(e.key_discharge_unit) && e.key_discharge_unit == "
                            "true\")"))
      << d.errors;
  d = draw(plan([](json& p) { p["inspectors"]["where"] = {{"active", {true}}}; }));
  EXPECT_TRUE(has(d.errors, "inspectors.where: write the condition as a rule expression over i (here: \"has(i.active) && "
                            "i.active == true\")"))
      << d.errors;
  d = draw(plan([](json& p) {
    p["population"].erase("for");
    p["population"]["record"] = "enterprise";
  }));
  EXPECT_TRUE(has(d.errors, "\"for\": \"e in enterprise\"")) << d.errors;
  d = draw(plan([](json& p) {
    p["exclusions"].erase("positive_list");
    p["exclusions"]["positive_list_field"] = "positive_list";
  }));
  EXPECT_TRUE(has(d.errors, "\"positive_list\": \"has(e.positive_list) && e.positive_list\"")) << d.errors;
  d = draw(plan([](json& p) { p["population"]["for"] = "e of enterprise"; }));
  EXPECT_TRUE(has(d.errors, "population.for: write \"VARIABLE in RECORD\"")) << d.errors;
  d = draw(plan([](json& p) { p["population"]["for"] = "open_high in enterprise"; }));
  EXPECT_TRUE(has(d.errors, "population.for: the variable \"open_high\" is the name of a parameter or of a value")) << d.errors;
  d = draw(plan([](json& p) { p["population"]["for"] = "draw_rate_general in enterprise"; }));
  EXPECT_TRUE(has(d.errors, "the variable \"draw_rate_general\" is the name of a parameter")) << d.errors;
  d = draw(plan([](json& p) { p["population"]["for"] = "e in enterprises"; }));
  EXPECT_TRUE(has(d.errors, "population.for: the ruleset's schema has no record \"enterprises\"")) << d.errors;
  d = draw(plan([](json& p) { p["exclusions"].erase("inspected_within_days_source"); }));
  EXPECT_TRUE(has(d.errors, "exclusions: \"inspected_within_days_source\" must be a non-empty string")) << d.errors;
}

TEST_F(Draws, AnUnguardedOptionalFieldWarnsAndARowWithoutItStopsTheDraw) {
  const auto d = draw(plan([](json& p) { p["strata"][0]["when"] = "e.key_discharge_unit"; }));
  ASSERT_EQ(d.status, RunStatus::bad_request);
  // 特殊企业1 has key_discharge_unit false; 一般企业1 has none.
  EXPECT_TRUE(has(d.errors, "strata[0].when `e.key_discharge_unit` cannot be decided for enterprise 91140702MA0G01000F: "
                            "enterprise.key_discharge_unit has no value"))
      << d.errors;
  SQLite::Database db(db_.string());
  EXPECT_FALSE(db.tableExists("_draw"));
  // A condition that decides without the value does not stop it; the warning is given when the
  // draw can go on.
  const auto stops = draw(plan([](json& p) { p["exclusions"]["positive_list"] = "has(e.key_discharge_unit) && e.positive_list"; }));
  ASSERT_EQ(stops.status, RunStatus::bad_request);
  EXPECT_TRUE(has(stops.errors, "cannot be decided for enterprise " + kK01 + ": enterprise.positive_list has no value"))
      << stops.errors;
  const auto warned = draw(plan([](json& p) {
    p["population"]["where"] = "e.status == 'operating' && has(e.positive_list)";
    p["exclusions"]["positive_list"] = "e.positive_list";
  }));
  ASSERT_EQ(warned.status, RunStatus::done) << warned.errors;
  EXPECT_EQ(warned.warnings, "");  // guarded by the population's condition
  const auto warns = draw(plan([](json& p) {
    p["population"]["where"] = "e.status == 'operating' && has(e.positive_list)";
    p["strata"][1]["when"] = "has(e.special_unit) && e.special_unit";
    p["strata"][0]["when"] = "e.key_discharge_unit";
  }));
  ASSERT_EQ(warns.status, RunStatus::done) << warns.errors;  // only K03 is in the population
  EXPECT_TRUE(has(warns.warnings, "strata[0].when:1:1: warning[W001]")) << warns.warnings;
}

TEST_F(Draws, VerifyNamesAChangedExpression) {
  const auto d = draw();
  ASSERT_EQ(d.status, RunStatus::done) << d.errors;
  // Every special unit is in 榆次区: the same members, another text.
  const auto changed = plan([](json& p) { p["strata"][1]["when"] = "has(e.special_unit) && e.special_unit && e.county == '榆次区'"; });
  const auto v = verify(d.id, changed);
  ASSERT_EQ(v.status, RunStatus::done) << v.errors;
  ASSERT_EQ(v.problems.size(), 1u) << testing::PrintToString(v.problems);
  EXPECT_EQ(v.problems[0],
            "strata special.when: `has(e.special_unit) && e.special_unit` at the draw, now `has(e.special_unit) && "
            "e.special_unit && e.county == '榆次区'`");
  const auto w = verify(d.id, plan([](json& p) { p["inspectors"]["where"] = "!has(i.active) || i.active"; }));
  ASSERT_EQ(w.problems.size(), 1u);
  EXPECT_EQ(w.problems[0], "inspectors.where: `has(i.active) && i.active` at the draw, now `!has(i.active) || i.active`");
}

TEST_F(Draws, AnInspectionOpenedInEcoAuditExcludesLikeAnImportedOne) {
  const auto d1 = draw();
  ASSERT_EQ(d1.status, RunStatus::done) << d1.errors;
  ASSERT_TRUE(has(d1.published, kK01));
  // Inspections opened after the draw's day (those of this draw) leave it as it was.
  inspect(kK01, "2026-12-03");
  EXPECT_TRUE(verify(d1.id).verified()) << verify(d1.id).problems.at(0);
  // One within 90 days before the as-of day excludes K01 from the next draw, and verify of the
  // first names the enterprise whose inputs changed.
  inspect(kK01, "2026-11-20");
  const auto v = verify(d1.id);
  ASSERT_EQ(v.problems.size(), 1u);
  EXPECT_EQ(v.problems[0], "population: changed since the draw: " + kK01);
  const auto d2 = draw();
  ASSERT_EQ(d2.status, RunStatus::done) << d2.errors;
  EXPECT_FALSE(has(d2.published, kK01));
  const json pub = json::parse(d2.published);
  EXPECT_EQ(pub["strata"][0]["excluded"], 3);
  const json in2 = inputs(d2.id);  // named: a range-for over a temporary's member outlives it
  for (const auto& c : in2["population"])
    if (c["key"] == kK01) {
      EXPECT_EQ(c["last_inspected"], "2026-11-20");
      EXPECT_EQ(c["last_inspection"], "EcoAudit inspection 2");
    }
  // The later of the two sources: K02's imported inspection of 2026-11-01 gives way to one opened
  // in EcoAudit on 2026-11-15.
  inspect(kK02, "2026-11-15");
  const auto d3 = draw();
  const json in3 = inputs(d3.id);
  for (const auto& c : in3["population"])
    if (c["key"] == kK02) {
      EXPECT_EQ(c["last_inspection"], "EcoAudit inspection 3");
    }
  // As of 2027-03-03, 90 days after K01's inspection of 2026-12-03: both are eligible again.
  const auto d4 = draw({}, "2027Q1", "2027-03-03");
  ASSERT_EQ(d4.status, RunStatus::done) << d4.errors;
  EXPECT_EQ(json::parse(d4.published)["strata"][0]["excluded"], 1);  // K03: the positive list
}

TEST_F(Draws, ThePeriodIsValidatedAndHoldsTheAsOfDay) {
  for (const char* p : {"2026", "2026-H2", "2026-Q4", "2026Q4", "2026-12"})
    EXPECT_EQ(draw({}, p).status, RunStatus::done) << p;
  for (const char* p : {"Q4", "2026Q5", "2026-13", "2026-Q", "26Q4", "2026Q4 ", "<img>", "2026-1"}) {
    const auto d = draw({}, p);
    EXPECT_EQ(d.status, RunStatus::bad_request) << p;
    EXPECT_TRUE(has(d.errors, "is not a year (2027), a half year (2027-H1), a quarter (2027-Q1 or 2027Q1) or a month (2027-03)"))
        << d.errors;
  }
  const auto outside = draw({}, "2027Q1", "2026-12-01");
  EXPECT_EQ(outside.status, RunStatus::bad_request);
  EXPECT_EQ(outside.errors,
            "--as-of 2026-12-01 is not a day of the period 2027Q1 (2027-01-01 to 2027-03-31): give --as-of a day of the "
            "period (to draw ahead of it, its first day 2027-01-01)");
  EXPECT_EQ(draw({}, "2026-11", "2026-12-01").status, RunStatus::bad_request);
  EXPECT_EQ(draw({}, "2026-H1", "2026-06-30").status, RunStatus::done);
  EXPECT_EQ(draw({}, "2024-02", "2024-02-29").status, RunStatus::done);
}

// The weight and the latest sweep's open violations, on the enforcement fixture: E1 (榆次区) has
// GL-1 (critical) and GL-2 (high) in violation, E2 (太谷区) GL-4 (critical).
const fs::path kEnfFixture = fs::path(ECOAUDIT_SOURCE_DIR) / "tests/enforcement";
const fs::path kEnfRuleset = kEnfFixture / "ruleset";
const std::string kE1 = "91140702MA0K010007", kE2 = "91140702MA0K02000E";

class WeightedDraws : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path() / "store.db";
    ASSERT_EQ(eco::app::run_init({db_, kEnfRuleset}).status, RunStatus::done);
    eco::app::ImportRequest import;
    import.db = db_;
    import.ruleset = kEnfRuleset;
    import.paths = {kEnfFixture / "data/enterprise.csv", kEnfFixture / "data/facility.csv", kEnfFixture / "data/inspector.csv"};
    const auto imported = eco::app::run_import(import);
    ASSERT_EQ(imported.status, RunStatus::done) << imported.errors;
    weighted_ = dir_.path() / "weighted.json";
    json p = json::parse(std::ifstream(kEnfRuleset / "draw.json"));
    p["weight"] = {{"expr", "1 + 10 * open_critical + open_high"}, {"source", "test: 风险分级"}};
    std::ofstream(weighted_) << p.dump(2);
  }
  void sweep(const char* day) {
    eco::app::SweepRequest r;
    r.db = db_;
    r.ruleset = kEnfRuleset;
    r.as_of = *eco::dsl::parse_date(day);
    r.reports.formats = {*eco::reports::parse_format("json")};
    r.reports.out = (dir_.path() / "sweep.json").string();
    ASSERT_EQ(eco::app::run_sweep(r).status, RunStatus::done);
  }
  eco::app::DrawOutcome draw(const fs::path& plan_file, const std::string& as_of = "2026-11-06") {
    return eco::app::make_draw(
        {.db = db_, .ruleset = kEnfRuleset, .plan = plan_file, .period = "2026Q4", .seed = 1, .as_of = as_of, .format = "json"});
  }
  // Each member's recorded weight in draw `id`.
  std::map<std::string, std::uint64_t> weights(std::int64_t id) {
    SQLite::Database db(db_.string());
    const json in = json::parse(db.execAndGet("SELECT inputs FROM _draw WHERE id = " + std::to_string(id)).getString());
    std::map<std::string, std::uint64_t> out;
    for (const auto& c : in["population"]) out[c["key"]] = c["weight"];
    return out;
  }
  TempDir dir_;
  fs::path db_, weighted_;
};

TEST_F(WeightedDraws, WeightsComeFromTheLatestSweepsOpenViolations) {
  // Reading the sweep needs one.
  auto d = draw(weighted_);
  ASSERT_EQ(d.status, RunStatus::bad_request);
  EXPECT_TRUE(has(d.errors, "no sweep of enffix is recorded (run `ecoaudit sweep` first)")) << d.errors;
  sweep("2026-11-01");
  d = draw(weighted_);
  ASSERT_EQ(d.status, RunStatus::done) << d.errors;
  EXPECT_EQ(weights(d.id), (std::map<std::string, std::uint64_t>{{kE1, 12}, {kE2, 11}}));
  const json pub = json::parse(d.published);
  EXPECT_EQ(pub["weight"]["expression"], "1 + 10 * open_critical + open_high");
  EXPECT_EQ(pub["weight"]["source"], "test: 风险分级");
  EXPECT_EQ(pub["violations_sweep"], 1);
  EXPECT_EQ(pub["selections"].size(), 2u);  // 100 %: the quota stays exact
  const auto v1 = eco::app::verify_draw({.db = db_, .ruleset = kEnfRuleset, .plan = weighted_, .id = d.id});
  EXPECT_TRUE(v1.verified());
  // A finding dismissed on site no longer counts.
  const auto opened = eco::app::open_inspection({db_, kEnfRuleset, kE1, 0, "2026-11-05", {"ZF001", "ZF002"}, {"张伟", "test"}});
  ASSERT_EQ(opened.status, RunStatus::done) << opened.errors;
  ASSERT_EQ(opened.inspection.items.at(1).finding.subject_key, "GL-2");
  const auto dismissed = eco::app::record_outcome(
      {db_, kEnfRuleset, opened.inspection.id, 2, "not_confirmed", "标定数据", "2026-11-05", {}, {"李娜", "test"}});
  ASSERT_EQ(dismissed.status, RunStatus::done) << dismissed.errors;
  // Nor does one corrected on site (resolved_pending_verification).
  const auto corrected = eco::app::record_outcome(
      {db_, kEnfRuleset, opened.inspection.id, 1, "corrected_on_site", "", "2026-11-05", {}, {"李娜", "test"}});
  ASSERT_EQ(corrected.status, RunStatus::done) << corrected.errors;
  d = draw(weighted_);
  ASSERT_EQ(d.status, RunStatus::done) << d.errors;
  EXPECT_EQ(weights(d.id), (std::map<std::string, std::uint64_t>{{kE1, 1}, {kE2, 11}}));
  // A newer sweep is named by --verify of a draw that read the older one.
  sweep("2026-11-02");
  const auto v2 = eco::app::verify_draw({.db = db_, .ruleset = kEnfRuleset, .plan = weighted_, .id = 1});
  EXPECT_FALSE(v2.verified());
  EXPECT_TRUE(std::find(v2.problems.begin(), v2.problems.end(),
                        "the latest sweep (whose open violations the plan reads): 1 at the draw, now 2") != v2.problems.end())
      << testing::PrintToString(v2.problems);
}

TEST_F(WeightedDraws, AWeightIsAWholeNumberFromOne) {
  sweep("2026-11-01");
  auto plan = [&](json weight) {
    json p = json::parse(std::ifstream(kEnfRuleset / "draw.json"));
    p["weight"] = std::move(weight);
    std::ofstream(dir_.path() / "w.json") << p.dump(2);
    return dir_.path() / "w.json";
  };
  auto d = draw(plan({{"expr", "open_high"}, {"source", "s"}}));  // E2 has no high violation: 0
  ASSERT_EQ(d.status, RunStatus::bad_request);
  EXPECT_TRUE(has(d.errors, "weight.expr `open_high` gives enterprise " + kE2 + " the weight 0: a weight is a whole number from 1 "
                            "to 1000000"))
      << d.errors;
  d = draw(plan({{"expr", "open_high > 0"}, {"source", "s"}}));
  ASSERT_EQ(d.status, RunStatus::bad_request);
  EXPECT_TRUE(has(d.errors, "weight.expr:1:1: error[T001]: the weight must be of type int, not bool")) << d.errors;
  d = draw(plan({{"expr", "1 + open_hihg"}, {"source", "s"}}));
  EXPECT_TRUE(has(d.errors, "weight.expr:1:5: error[")) << d.errors;
  d = draw(plan({{"expr", "2"}}));
  EXPECT_TRUE(has(d.errors, "weight: \"source\" must be a non-empty string")) << d.errors;
  d = draw(plan("2"));
  EXPECT_TRUE(has(d.errors, "weight: write {\"expr\": \"an int expression over e\", \"source\": \"why\"}")) << d.errors;
  // The positive list may read the sweep too: E2 has no open high violation.
  json p = json::parse(std::ifstream(kEnfRuleset / "draw.json"));
  p["exclusions"] = {{"positive_list", "open_high == 0"}};
  std::ofstream(dir_.path() / "pl.json") << p.dump(2);
  d = draw(dir_.path() / "pl.json");
  ASSERT_EQ(d.status, RunStatus::done) << d.errors;
  const json pub = json::parse(d.published);
  ASSERT_EQ(pub["selections"].size(), 1u);
  EXPECT_EQ(pub["selections"][0]["enterprise"], kE1);
  EXPECT_EQ(pub["violations_sweep"], 1);
  EXPECT_FALSE(pub.contains("weight"));
}

}  // namespace
