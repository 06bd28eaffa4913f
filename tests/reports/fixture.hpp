#pragma once
// Hand-made findings for the report tests: an enterprise whose name and data carry HTML,
// attribute-breaking quotes and spreadsheet formulas, and screening decisions of each kind
// (the `screen` command is not needed to render them). Shared by tests/unit/reports and the
// report_fixture program that feeds the browser and XLSX tests.
#include <string>
#include <vector>

#include "reports/report.hpp"

namespace eco::test_fixture {

inline const std::string kHostileName =
    "<script>alert(1)</script>\"><img src=x onerror=alert(2)> "
    "=HYPERLINK(\"http://evil.example/\",\"x\")";
inline const std::string kHostileKey = "911401\"><b>X</b>";
inline const std::string kFormula = "=1+2";
inline const std::string kPlus = "+SUM(A1)";
inline const std::string kAt = "@cmd";
inline const std::string kMinus = "-2+3";

inline engine::Finding make_finding(const std::string& rule, dsl::model::Verdict v,
                                    dsl::model::Severity s, const std::string& enterprise) {
  engine::Finding f;
  f.rule = rule;
  f.title_zh = "测试规则 " + rule;
  f.title_en = "Test rule " + rule;
  f.citations = {{"三(三)1", "2022年10月底前完成 <b>超低排放</b> 改造"}};
  f.requirements = {"AIR-03"};
  f.severity = s;
  f.verdict = v;
  f.subject_record = "enterprise";
  f.subject_key = enterprise;
  f.owner = {"enterprise", enterprise};
  f.message_zh = kHostileName + " 应整改";
  f.message_en = kHostileName + " must comply";
  return f;
}

struct Fixture {
  std::vector<engine::Finding> findings;
  reports::ReportData data;
};

// An audit (kind audit), a sweep (kind sweep) or a screening (kind screening) of the hostile
// enterprise; `findings` must outlive `data` (data points at it): keep the Fixture whole.
inline void build(Fixture& fx, reports::ReportKind kind, const std::string& lang = "zh") {
  using dsl::model::Severity;
  using dsl::model::Verdict;
  auto& fs = fx.findings;
  fs.clear();
  auto v = make_finding("air.test-violation", Verdict::violation, Severity::high, kHostileKey);
  v.deadline = dsl::parse_date("2022-10-31");
  v.days_overdue = 1489;
  v.evidence = {
      {"enterprise", kHostileKey, "name", kHostileName, false, 1, "/data/\"evil\".csv", 7},
      {"enterprise", kHostileKey, "county", kFormula, false, 1, "/data/e.csv", 7},
      {"enterprise", kHostileKey, "rail_spur", "", true, 1, "/data/e.csv", 7}};
  v.conditions = {
      {"e.rail_spur == \"built\"", "e.rail_spur", "==", "\"built\"", "<none>", "built", false}};
  v.params = {{"threshold_t", "1500000", "规划 <表1>", dsl::model::Confidence::unverified}};
  v.rests_on_unverified = true;
  v.waiver = engine::WaiverInfo{"W-1",
                                "环评批复 \"<i>\"",
                                kAt,
                                *dsl::parse_date("2020-01-01"),
                                *dsl::parse_date("2022-01-01"),
                                true};
  v.change = engine::Change::new_;
  v.first_seen = dsl::parse_date("2026-11-28");
  fs.push_back(v);
  auto u = make_finding("air.test-unknown", Verdict::unknown, Severity::medium, kHostileKey);
  u.missing = {"enterprise.annual_freight_t", "enterprise.rail_spur"};
  u.change = engine::Change::new_;
  fs.push_back(u);
  auto up = make_finding("air.test-upcoming", Verdict::upcoming, Severity::low, kHostileKey);
  up.deadline = dsl::parse_date("2027-03-31");
  up.days_left = 123;
  up.change = engine::Change::repeat;
  fs.push_back(up);
  auto adv = make_finding("air.test-advice", Verdict::violation, Severity::advice, kHostileKey);
  fs.push_back(adv);

  auto& d = fx.data;
  d = reports::ReportData{};
  d.kind = kind;
  d.lang = lang;
  d.findings = &fs;
  d.run.command = kind == reports::ReportKind::audit   ? "audit"
                  : kind == reports::ReportKind::sweep ? "sweep"
                                                       : "screen";
  d.run.generated_at = "2026-11-29T00:00:00Z";
  d.run.as_of = *dsl::parse_date("2026-11-28");
  d.run.ruleset = "fixture";
  d.run.ruleset_title = "测试规则集 </style><script>alert(3)</script>";
  d.run.batches = {1};
  reports::EnterpriseInfo e;
  e.key = kHostileKey;
  e.name = kHostileName;
  e.fields = {{"id", "统一社会信用代码", kHostileKey},
              {"name", "企业名称", kHostileName},
              {"county", "所在区县", kFormula}};
  e.dimensions = {{"county", kFormula}, {"industry", kPlus}};
  if (kind == reports::ReportKind::audit)
    e.related = {{"permit",
                  "排污许可证",
                  {{"permit_no", "许可证编号", ""}, {"category", "管理类别", ""}},
                  {{kMinus, "重点管理 (key)"}},
                  3}};
  d.enterprises = {e};
  d.enterprise = kind == reports::ReportKind::audit ? kHostileKey : "";
  d.enterprises_checked = 5;
  d.dimensions = {{"county", "所在区县"}, {"industry", "行业"}};
  d.field_descriptions = {{"enterprise.annual_freight_t", "年货运量 <t/a>"},
                          {"enterprise.rail_spur", "铁路专用线"}};
  d.history = {{1, "2026-10-28T00:00:00Z", "2026-10-28", 5, 3, 2, 0, 1},
               {2, "2026-11-28T00:00:00Z", "2026-11-28", 4, 2, 1, 1, 1}};
  if (kind == reports::ReportKind::sweep) {
    // A finding that belongs to no enterprise (a stored application).
    auto app = make_finding("scr.test-app", Verdict::violation, Severity::high, "");
    app.subject_record = "application";
    app.subject_key = "APP-9";
    fs.push_back(app);
    d.run.sweep_id = 2;
    d.run.previous_sweep_id = 1;
    d.resolved = {
        {"air.test-gone", "enterprise", kHostileKey, kHostileKey, "violation", "2026-10-28"}};
  }
  if (kind == reports::ReportKind::screening) {
    for (auto& f : fs) {
      f.subject_record = "application";
      f.screened = {"application", "APP-" + f.rule};
    }
    engine::ApplicationDecision reject;
    reject.application_id = "APP-1";
    reject.project_name = kHostileName;
    reject.decision = engine::Decision::reject;
    reject.reasons = {0};
    reject.unknowns = {1};
    reject.documents = {
        {"application.replaced_capacity_t", "等量或减量置换的产能 <t>", {"air.test-unknown"}}};
    engine::ApplicationDecision conditional;
    conditional.application_id = "APP-2";
    conditional.project_name = "焦化项目";
    conditional.decision = engine::Decision::conditional;
    conditional.conditions = {3};
    conditional.unknowns = {1};
    conditional.documents = {{"application.rail_spur_plan", "", {"air.test-unknown"}}};
    engine::ApplicationDecision approve;
    approve.application_id = "APP-3";
    approve.project_name = "光伏项目";
    approve.decision = engine::Decision::approve;
    d.decisions = {reject, conditional, approve};
  }
}

}  // namespace eco::test_fixture
