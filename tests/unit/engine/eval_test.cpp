// The evaluator's verdict model over small rulesets written in the rule language: one
// verdict per (rule, subject), deadlines, met_on, waivers, nested bindings, evidence and
// dated parameters.
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "dsl/check/check.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/eval/rule_tests.hpp"
#include "engine/snapshot/snapshot.hpp"

namespace eco::engine {
namespace {

namespace fs = std::filesystem;
using dsl::model::Verdict;
using V = dsl::cel::Value;

const char* kSchema = R"(
ruleset t "测试"
enum industry { coking "焦化", steel "钢铁" }
record enterprise "企业" role owner {
  id: string key "代码"
  industry: industry "行业"
  freight_t?: double "货运量"
}
record facility "设施" {
  id: string key "编号"
  enterprise_id: ref enterprise as enterprise reverse facilities "企业"
  done?: bool "完成"
  done_on?: date "完成日期"
}
record vehicle "车辆" {
  plate: string key "号牌"
  enterprise_id: ref enterprise as enterprise reverse vehicles "企业"
  standard: int "排放阶段"
}
record waiver "豁免" role waiver {
  id: string key "编号"
  rule_or_requirement: string "规则" role rule
  subject_key: string "对象" role subject
  legal_basis: string "依据" role basis
  approver: string "批准" role approver
  valid_from: date "起" role from
  valid_until: date "止" role until
}
param deadline_day: date = 2022-10-31 source "plan" confidence high
param min_standard: int by date {
  2021-01-01: 5 source "plan 2021" confidence high
  2022-01-01: 6 source "plan 2022" confidence unverified
}
rule ule "改造" {
  en "retrofit"
  requirement AIR-03
  severity high
  for f in facility
  when f.enterprise.industry == "coking"
  deadline deadline_day
  require has(f.done) ? f.done : f.done
  met_on f.done_on
  message "设施 {f.id} 未完成" 
  message en "Facility {f.id} not done"
}
rule trucks "车辆" {
  severity medium
  for e in enterprise
  for v in e.vehicles
  require v.standard >= min_standard
  message "车辆 {v.plate} 排放阶段 {v.standard} 低于 {min_standard}"
}
)";

struct Fixture {
  dsl::SourceManager sm;
  dsl::Diagnostics diags;
  std::unique_ptr<dsl::model::Ruleset> rs;

  explicit Fixture(const std::string& text) {
    fs::path dir = fs::temp_directory_path() / ("eco_eval_" + std::to_string(::getpid()) + "_" +
                                                std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(dir);
    std::ofstream(dir / "ruleset.rules") << text;
    rs = dsl::load_ruleset(dir, sm, diags);
    fs::remove_all(dir);
  }
  std::uint32_t rec(const char* name) const { return rs->schema.find_record(name)->index; }
};

std::vector<std::optional<V>> row(const dsl::model::Schema& s, const char* record,
                                  std::initializer_list<std::pair<const char*, V>> values) {
  const auto* rt = s.find_record(record);
  std::vector<std::optional<V>> out(rt->fields.size());
  for (const auto& [name, v] : values) out[static_cast<std::size_t>(rt->find_field(name))] = v;
  return out;
}

dsl::Date d(const char* s) { return *dsl::parse_date(s); }

class EvalTest : public ::testing::Test {
 protected:
  Fixture fx{kSchema};
  void SetUp() override { ASSERT_TRUE(fx.rs) << "ruleset does not check"; }

  // Builds enterprises E1 (coking) and E2 (steel) with facilities and vehicles.
  Snapshot data(bool with_waiver = false, const char* waiver_until = "2023-06-30") {
    const auto& s = fx.rs->schema;
    SnapshotBuilder b(s);
    auto file = b.file_index("enterprise.csv");
    b.add_row(fx.rec("enterprise"), row(s, "enterprise", {{"id", V::string("E1")}, {"industry", V::string("coking")}}), {7, file, 2});
    b.add_row(fx.rec("enterprise"), row(s, "enterprise", {{"id", V::string("E2")}, {"industry", V::string("steel")}}), {7, file, 3});
    auto fac = [&](const char* id, const char* ent, std::optional<bool> done, const char* on) {
      auto r = row(s, "facility", {});
      r[0] = V::string(id);
      r[1] = V::string(ent);
      if (done) r[2] = V::boolean(*done);
      if (on) r[3] = V::date(d(on));
      b.add_row(fx.rec("facility"), r);
    };
    fac("F-pass", "E1", true, "2022-10-31");
    fac("F-late", "E1", true, "2022-11-15");
    fac("F-open", "E1", false, nullptr);
    fac("F-unknown", "E1", std::nullopt, nullptr);
    fac("F-steel", "E2", false, nullptr);
    b.add_row(fx.rec("vehicle"), row(s, "vehicle", {{"plate", V::string("晋K1")}, {"enterprise_id", V::string("E1")}, {"standard", V::integer(5)}}));
    b.add_row(fx.rec("vehicle"), row(s, "vehicle", {{"plate", V::string("晋K2")}, {"enterprise_id", V::string("E1")}, {"standard", V::integer(6)}}));
    b.add_row(fx.rec("vehicle"), row(s, "vehicle", {{"plate", V::string("晋K3")}, {"enterprise_id", V::string("E2")}, {"standard", V::integer(4)}}));
    if (with_waiver)
      b.add_row(fx.rec("waiver"), row(s, "waiver", {{"id", V::string("W1")}, {"rule_or_requirement", V::string("AIR-03")},
                                                   {"subject_key", V::string("F-open")}, {"legal_basis", V::string("晋环函〔2022〕1号")},
                                                   {"approver", V::string("市局")}, {"valid_from", V::date(d("2022-01-01"))},
                                                   {"valid_until", V::date(d(waiver_until))}}));
    return b.finish();
  }

  // Findings of one rule by subject key; owns its findings so that callers may pass the
  // temporary result of evaluate().
  std::map<std::string, std::shared_ptr<const Finding>> by_subject(std::vector<Finding> fs, const std::string& rule) {
    std::map<std::string, std::shared_ptr<const Finding>> m;
    for (auto& f : fs)
      if (f.rule == rule) {
        std::string key = f.subject_key;
        m[key] = std::make_shared<const Finding>(std::move(f));
      }
    return m;
  }
};

TEST_F(EvalTest, OneVerdictPerSubjectAfterTheDeadline) {
  CompiledRuleset c(*fx.rs);
  Snapshot snap = data();
  EvalOptions opt;
  opt.as_of = d("2023-01-01");
  opt.keep_all = true;
  auto fs = c.evaluate(snap, opt);
  auto m = by_subject(fs, "ule");
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(m["F-pass"]->verdict, Verdict::pass);
  EXPECT_EQ(m["F-late"]->verdict, Verdict::late);
  EXPECT_EQ(m["F-late"]->days_overdue, 15);
  EXPECT_EQ(m["F-open"]->verdict, Verdict::violation);
  EXPECT_EQ(m["F-open"]->days_overdue, 62);
  EXPECT_EQ(m["F-unknown"]->verdict, Verdict::unknown);
  EXPECT_EQ(m["F-unknown"]->missing, std::vector<std::string>{"facility.done"});
  // An unknown says what could not be decided and what is missing, not the breach message.
  EXPECT_EQ(m["F-unknown"]->message_zh, "无法判定“改造”: 缺少 完成 (facility.done)");
  EXPECT_EQ(m["F-unknown"]->message_en, "Cannot decide \"retrofit\": missing facility.done");
  EXPECT_EQ(m["F-steel"]->verdict, Verdict::not_applicable);
  EXPECT_EQ(m["F-open"]->owner, (engine::OwnerRef{"enterprise", "E1"}));
  EXPECT_EQ(m["F-open"]->message_zh, "设施 F-open 未完成");
  EXPECT_EQ(m["F-open"]->message_en, "Facility F-open not done");
}

TEST_F(EvalTest, UpcomingUntilTheDeadlineDayInclusive) {
  CompiledRuleset c(*fx.rs);
  Snapshot snap = data();
  for (auto [day, verdict] : {std::pair{"2022-10-30", Verdict::upcoming}, {"2022-10-31", Verdict::upcoming},
                              {"2022-11-01", Verdict::violation}}) {
    EvalOptions opt;
    opt.as_of = d(day);
    auto m = by_subject(c.evaluate(snap, opt), "ule");
    ASSERT_TRUE(m.count("F-open")) << day;
    EXPECT_EQ(m["F-open"]->verdict, verdict) << day;
    if (verdict == Verdict::upcoming) {
      EXPECT_EQ(m["F-open"]->days_left, d("2022-10-31").days - d(day).days);
    }
  }
}

TEST_F(EvalTest, PassesAreLeftOutByDefault) {
  CompiledRuleset c(*fx.rs);
  Snapshot snap = data();
  EvalOptions opt;
  opt.as_of = d("2023-01-01");
  auto m = by_subject(c.evaluate(snap, opt), "ule");
  EXPECT_FALSE(m.count("F-pass"));
  EXPECT_FALSE(m.count("F-steel"));
  EXPECT_TRUE(m.count("F-late"));
}

TEST_F(EvalTest, EvidenceNamesEveryValueReadWithProvenance) {
  CompiledRuleset c(*fx.rs);
  Snapshot snap = data();
  EvalOptions opt;
  opt.as_of = d("2023-01-01");
  auto m = by_subject(c.evaluate(snap, opt), "ule");
  const Finding& f = *m["F-open"];
  bool saw_industry = false, saw_done = false;
  for (const auto& e : f.evidence) {
    if (e.record == "enterprise" && e.field == "industry") {
      saw_industry = true;
      EXPECT_EQ(e.value, "coking");
      EXPECT_EQ(e.key, "E1");
      EXPECT_EQ(e.file, "enterprise.csv");
      EXPECT_EQ(e.line, 2u);
      EXPECT_EQ(e.batch, 7);
    }
    if (e.record == "facility" && e.field == "done") {
      saw_done = true;
      EXPECT_EQ(e.value, "false");
    }
  }
  EXPECT_TRUE(saw_industry);
  EXPECT_TRUE(saw_done);
  ASSERT_EQ(f.params.size(), 1u);
  EXPECT_EQ(f.params[0].name, "deadline_day");
  EXPECT_EQ(f.params[0].value, "2022-10-31");
}

TEST_F(EvalTest, WaiverAppliesWhileValidAndExpires) {
  CompiledRuleset c(*fx.rs);
  EvalOptions opt;
  opt.as_of = d("2023-01-01");
  {
    Snapshot snap = data(true, "2023-06-30");
    auto m = by_subject(c.evaluate(snap, opt), "ule");
    EXPECT_EQ(m["F-open"]->verdict, Verdict::waived);
    ASSERT_TRUE(m["F-open"]->waiver);
    EXPECT_EQ(m["F-open"]->waiver->legal_basis, "晋环函〔2022〕1号");
  }
  {
    Snapshot snap = data(true, "2022-12-31");
    auto m = by_subject(c.evaluate(snap, opt), "ule");
    EXPECT_EQ(m["F-open"]->verdict, Verdict::violation);
    ASSERT_TRUE(m["F-open"]->waiver);
    EXPECT_TRUE(m["F-open"]->waiver->expired);
    EXPECT_EQ(dsl::format_date(m["F-open"]->waiver->valid_until), "2022-12-31");
  }
}

TEST_F(EvalTest, NestedBindingsAndDatedParameters) {
  CompiledRuleset c(*fx.rs);
  Snapshot snap = data();
  auto verdicts_on = [&](const char* day) {
    EvalOptions opt;
    opt.as_of = d(day);
    opt.keep_all = true;
    std::map<std::string, Verdict> out;
    for (const auto& f : c.evaluate(snap, opt))
      if (f.rule == "trucks") out[f.subject_key] = f.verdict;
    return out;
  };
  auto before = verdicts_on("2021-12-31");  // minimum 5
  EXPECT_EQ(before["晋K1"], Verdict::pass);
  EXPECT_EQ(before["晋K2"], Verdict::pass);
  EXPECT_EQ(before["晋K3"], Verdict::violation);
  auto on = verdicts_on("2022-01-01");      // minimum 6 from this day
  EXPECT_EQ(on["晋K1"], Verdict::violation);
  EXPECT_EQ(on["晋K2"], Verdict::pass);
  auto after = verdicts_on("2022-01-02");
  EXPECT_EQ(after["晋K1"], Verdict::violation);
  auto early = verdicts_on("2020-12-31");   // before the first entry: no value -> unknown
  EXPECT_EQ(early["晋K1"], Verdict::unknown);
}

TEST_F(EvalTest, UnverifiedParameterIsFlagged) {
  CompiledRuleset c(*fx.rs);
  Snapshot snap = data();
  EvalOptions opt;
  opt.as_of = d("2022-06-01");
  std::size_t n = 0;
  for (const auto& f : c.evaluate(snap, opt)) {
    if (f.rule != "trucks") continue;
    ++n;
    EXPECT_TRUE(f.rests_on_unverified) << f.subject_key;
  }
  EXPECT_GT(n, 0u);
}

TEST_F(EvalTest, ParallelEvaluationGivesTheSameFindingsInTheSameOrder) {
  const auto& s = fx.rs->schema;
  SnapshotBuilder b(s);
  for (int i = 0; i < 10000; ++i) {
    std::string id = "E" + std::to_string(i);
    b.add_row(fx.rec("enterprise"), row(s, "enterprise", {{"id", V::string(id)}, {"industry", V::string(i % 3 ? "coking" : "steel")}}));
    auto r = row(s, "facility", {{"id", V::string("F" + std::to_string(i))}, {"enterprise_id", V::string(id)}});
    if (i % 5) r[2] = V::boolean(i % 7 == 0);
    b.add_row(fx.rec("facility"), r);
  }
  Snapshot snap = b.finish();
  CompiledRuleset c(*fx.rs);
  EvalOptions one, two;
  one.as_of = two.as_of = d("2023-01-01");
  one.threads = 1;
  two.threads = 2;
  auto a = c.evaluate(snap, one), bb = c.evaluate(snap, two);
  ASSERT_EQ(a.size(), bb.size());
  ASSERT_GT(a.size(), 1000u);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].subject_key, bb[i].subject_key);
    EXPECT_EQ(a[i].verdict, bb[i].verdict);
  }
}

}  // namespace
}  // namespace eco::engine

namespace eco::engine {
namespace {

// Counting mode builds no findings, and its counts per rule and verdict are those of the
// findings a full evaluation builds (before waivers).
TEST_F(EvalTest, VerdictCountsMatchTheFindings) {
  CompiledRuleset c(*fx.rs);
  Snapshot snap = data();
  EvalOptions opt;
  opt.as_of = d("2023-01-01");
  opt.keep_all = true;
  auto fs = c.evaluate(snap, opt);
  std::vector<std::array<std::uint64_t, dsl::model::kVerdictCount>> want(fx.rs->rules.size(), std::array<std::uint64_t, dsl::model::kVerdictCount>{});
  for (const auto& f : fs) {
    const auto* rule = fx.rs->find_rule(f.rule);
    ASSERT_TRUE(rule);
    ++want[static_cast<std::size_t>(rule - fx.rs->rules.data())][static_cast<std::size_t>(f.verdict)];
  }
  std::vector<std::array<std::uint64_t, dsl::model::kVerdictCount>> counts;
  opt.verdict_counts = &counts;
  EXPECT_TRUE(c.evaluate(snap, opt).empty());
  EXPECT_EQ(counts, want);
  std::uint64_t ule_subjects = 0;  // rule 0 is `ule`: five facilities, one verdict each
  for (auto n : counts[0]) ule_subjects += n;
  EXPECT_EQ(ule_subjects, 5u);
  EXPECT_EQ(counts[0][static_cast<std::size_t>(Verdict::late)], 1u);
}

}  // namespace
}  // namespace eco::engine

namespace eco::engine {
namespace {

// The snapshot's text storage: values large enough to get a block of their own, between small
// ones that share blocks (over several blocks), all read back intact, and keys still resolve
// references.
TEST_F(EvalTest, SnapshotKeepsLargeAndSmallTextIntact) {
  const auto& s = fx.rs->schema;
  SnapshotBuilder b(s);
  std::vector<std::string> basis;
  for (int i = 0; i < 40; ++i) {
    std::string text = i % 3 == 0 ? std::string(300000 + i, static_cast<char>('a' + i % 26)) : "依据" + std::to_string(i);
    basis.push_back(text);
    b.add_row(fx.rec("waiver"), row(s, "waiver", {{"id", V::string("W" + std::to_string(i))},
                                                 {"rule_or_requirement", V::string("AIR-03")},
                                                 {"subject_key", V::string("F" + std::to_string(i))},
                                                 {"legal_basis", V::string(text)},
                                                 {"approver", V::string("市局")},
                                                 {"valid_from", V::date(d("2022-01-01"))},
                                                 {"valid_until", V::date(d("2023-01-01"))}}));
  }
  b.add_row(fx.rec("enterprise"), row(s, "enterprise", {{"id", V::string("E1")}, {"industry", V::string("coking")}}));
  b.add_row(fx.rec("facility"), row(s, "facility", {{"id", V::string("F1")}, {"enterprise_id", V::string("E1")}}));
  Snapshot snap = b.finish();
  const auto* w = s.find_record("waiver");
  const auto basis_field = static_cast<std::uint32_t>(w->find_field("legal_basis"));
  for (std::uint32_t i = 0; i < basis.size(); ++i) {
    EXPECT_EQ(snap.display(w->index, i, basis_field), basis[i]) << "row " << i;
    EXPECT_EQ(snap.find(w->index, "W" + std::to_string(i)), i);
  }
  EXPECT_EQ(snap.table(fx.rec("facility")).nav[1][0], 0);  // F1 -> E1
}


// An aggregate over no records is an unknown whose message says there was nothing to decide on,
// not an engine fault.
TEST(EvalMessages, EmptyAggregateIsUnknownWithNothingToDecideOn) {
  Fixture fx{std::string(kSchema) + R"(
rule latest "最近完成日期" {
  en "Latest completion"
  severity low
  for e in enterprise
  require e.facilities.map(f, f.done_on).max() >= 2020-01-01
  message "{e.id}"
  message en "{e.id}"
}
)"};
  ASSERT_TRUE(fx.rs);
  const auto& s = fx.rs->schema;
  SnapshotBuilder b(s);
  b.add_row(fx.rec("enterprise"), row(s, "enterprise", {{"id", V::string("E-none")}, {"industry", V::string("coking")}}));
  Snapshot snap = b.finish();
  CompiledRuleset compiled(*fx.rs);
  EvalOptions o;
  o.as_of = d("2024-01-01");
  o.rules = {"latest"};
  auto fs = compiled.evaluate(snap, o);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].verdict, Verdict::unknown);
  // What failed, why in plain words, and what to verify on site (issue 12: never the engine's
  // message alone); the engine's message stays in `error`.
  EXPECT_EQ(fs[0].error, "max() of an empty list");
  EXPECT_EQ(fs[0].message_zh,
            "无法判定“最近完成日期”: 没有可供判定的记录（require 中的 e.facilities.map(f, ...).max()），"
            "请现场核实是否确无符合条件的设施记录 (enterprise.facilities)，如有请补录后重新判定 "
            "(max() of an empty list)");
  EXPECT_EQ(fs[0].message_en,
            "Cannot decide \"Latest completion\": no records to decide on (e.facilities.map(f, ...).max() in `require`); "
            "verify on site whether such records exist; record them and run again (max() of an empty list)");
}

// A value inside a message is read aloud in the message's language: a boolean by the words of
// the catalog (engine/findings/words.json: 是 / 否, true / false), an enum value by its label in
// Chinese and its name in English. As data (the requirement's comparisons) it keeps CEL's spelling.
TEST(EvalMessages, ValuesReadAloudInTheirLanguageAndAsDataInComparisons) {
  Fixture fx{std::string(kSchema) + R"(
rule done "完成" {
  en "Done"
  for f in facility
  require f.done == true
  message "设施 {f.id} 完成: {f.done}, 行业 {f.enterprise.industry}"
  message en "Facility {f.id} done: {f.done}, industry {f.enterprise.industry}"
}
)"};
  ASSERT_TRUE(fx.rs);
  const auto& s = fx.rs->schema;
  SnapshotBuilder b(s);
  b.add_row(fx.rec("enterprise"), row(s, "enterprise", {{"id", V::string("E1")}, {"industry", V::string("coking")}}));
  b.add_row(fx.rec("facility"), row(s, "facility", {{"id", V::string("F1")}, {"enterprise_id", V::string("E1")},
                                                    {"done", V::boolean(false)}}));
  Snapshot snap = b.finish();
  CompiledRuleset compiled(*fx.rs);
  EvalOptions o;
  o.as_of = d("2024-01-01");
  o.rules = {"done"};
  o.evidence = true;
  auto fs = compiled.evaluate(snap, o);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].verdict, Verdict::violation);
  EXPECT_EQ(fs[0].message_zh, "设施 F1 完成: 否, 行业 焦化");
  EXPECT_EQ(fs[0].message_en, "Facility F1 done: false, industry coking");
  ASSERT_EQ(fs[0].conditions.size(), 1u);
  EXPECT_EQ(fs[0].conditions[0].left_value, "false");
  EXPECT_EQ(fs[0].conditions[0].right_value, "true");
}

// unknown_when: where `when` holds, the first condition that holds makes the verdict unknown and
// its reason the message (English given or derived); a condition that cannot be evaluated is
// unknown naming the field; where none holds the requirement decides. `message VERDICT` words
// each verdict; the reason of an unknown_when outranks `message unknown`. Columnar plans on and
// off give the same findings.
TEST(EvalUnknownWhen, ReasonsAndPerVerdictMessages) {
  Fixture fx{std::string(kSchema) + R"(
rule freight "货运量" {
  en "Freight"
  for e in enterprise
  when e.industry == "coking"
  unknown_when e.id.startsWith("X") "企业 {e.id} 待现场核实" "Enterprise {e.id}: verify on site"
  unknown_when e.freight_t > 1000.0 "货运量 {e.freight_t} 吨需核对"
  require size(e.facilities) > 0
  message "企业 {e.id} 没有设施"
  message pass "企业 {e.id} 有设施"
  message pass en "Enterprise {e.id} has facilities"
  message unknown "企业 {e.id} 的货运量未登记"
  message not_applicable en "{e.id} is not a coking plant"
}
)"};
  ASSERT_TRUE(fx.rs) << fx.diags.items().size();
  const auto& s = fx.rs->schema;
  SnapshotBuilder b(s);
  auto ent = [&](const char* id, const char* industry, std::optional<double> freight) {
    auto r = row(s, "enterprise", {{"id", V::string(id)}, {"industry", V::string(industry)}});
    if (freight) r[2] = V::dbl(*freight);
    b.add_row(fx.rec("enterprise"), r);
  };
  ent("X1", "coking", 10.0);      // first unknown_when holds
  ent("E-big", "coking", 5000.0); // second holds
  ent("E-none", "coking", std::nullopt);  // second cannot be evaluated: unknown, missing freight
  ent("E-ok", "coking", 10.0);    // none holds, has a facility: pass
  ent("E-bad", "coking", 10.0);   // none holds, no facility: violation
  ent("E-steel", "steel", 5000.0);  // `when` false: not applicable, unknown_when never asked
  b.add_row(fx.rec("facility"), row(s, "facility", {{"id", V::string("F1")}, {"enterprise_id", V::string("E-ok")}}));
  Snapshot snap = b.finish();
  CompiledRuleset compiled(*fx.rs);
  for (bool columnar : {true, false}) {
    EvalOptions o;
    o.as_of = d("2024-01-01");
    o.rules = {"freight"};
    o.keep_all = true;
    o.columnar = columnar;
    std::map<std::string, Finding> by;
    for (auto& f : compiled.evaluate(snap, o)) by[f.subject_key] = f;
    ASSERT_EQ(by.size(), 6u);
    EXPECT_EQ(by["X1"].verdict, Verdict::unknown);
    EXPECT_EQ(by["X1"].message_zh, "企业 X1 待现场核实");
    EXPECT_EQ(by["X1"].message_en, "Enterprise X1: verify on site");
    EXPECT_TRUE(by["X1"].missing.empty());
    EXPECT_EQ(by["E-big"].verdict, Verdict::unknown);
    EXPECT_EQ(by["E-big"].message_zh, "货运量 5000 吨需核对");
    EXPECT_EQ(by["E-big"].message_en, "Cannot decide \"Freight\": 货运量 5000 吨需核对");
    EXPECT_EQ(by["E-none"].verdict, Verdict::unknown);
    EXPECT_EQ(by["E-none"].missing, std::vector<std::string>{"enterprise.freight_t"});
    EXPECT_EQ(by["E-none"].message_zh, "企业 E-none 的货运量未登记");
    EXPECT_EQ(by["E-none"].message_en, "Cannot decide \"Freight\": missing enterprise.freight_t");
    EXPECT_EQ(by["E-ok"].verdict, Verdict::pass);
    EXPECT_EQ(by["E-ok"].message_zh, "企业 E-ok 有设施");
    EXPECT_EQ(by["E-ok"].message_en, "Enterprise E-ok has facilities");
    EXPECT_EQ(by["E-bad"].verdict, Verdict::violation);
    EXPECT_EQ(by["E-bad"].message_zh, "企业 E-bad 没有设施");
    EXPECT_EQ(by["E-steel"].verdict, Verdict::not_applicable);
    EXPECT_EQ(by["E-steel"].message_zh, "不适用“货运量”");
    EXPECT_EQ(by["E-steel"].message_en, "E-steel is not a coking plant");
  }
}

// An unknown decided by an evaluation failure says what failed, why in plain words and what to
// do, naming the fields read (issue 12): never the engine's message alone.
TEST(EvalMessages, EvaluationFailureNamesTheExpressionAndWhatToCheck) {
  Fixture fx{std::string(kSchema) + R"(
rule ratio "比例" {
  en "Ratio"
  for f in facility
  when has(f.done_on)
  let share = 100 / (f.done_on.getFullYear() - 2022)
  require share < 50
  message "{f.id}"
}
rule wrong "规则错误" {
  for e in enterprise
  require e.id.matches(e.id + "[")
  message "{e.id}"
}
)"};
  ASSERT_TRUE(fx.rs);
  const auto& s = fx.rs->schema;
  SnapshotBuilder b(s);
  b.add_row(fx.rec("enterprise"), row(s, "enterprise", {{"id", V::string("E1")}, {"industry", V::string("coking")}}));
  b.add_row(fx.rec("facility"), row(s, "facility", {{"id", V::string("F1")}, {"enterprise_id", V::string("E1")},
                                                    {"done_on", V::date(d("2022-03-01"))}}));
  Snapshot snap = b.finish();
  CompiledRuleset compiled(*fx.rs);
  EvalOptions o;
  o.as_of = d("2024-01-01");
  o.rules = {"ratio", "wrong"};
  auto fs = compiled.evaluate(snap, o);
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_EQ(fs[0].verdict, Verdict::unknown);
  EXPECT_EQ(fs[0].error, "divide by zero");
  EXPECT_EQ(fs[0].message_zh, "无法判定“比例”: 除数为零（require 中的 100 / (f.done_on.getFullYear() - 2022)），请核对完成日期 (facility.done_on)的取值 (divide by zero)");
  EXPECT_EQ(fs[0].message_en, "Cannot decide \"Ratio\": a divisor is zero (100 / (f.done_on.getFullYear() - 2022) in `require`); check the recorded values of facility.done_on (divide by zero)");
  EXPECT_EQ(fs[1].verdict, Verdict::unknown);
  EXPECT_NE(fs[1].message_zh.find("这不是数据问题，请规则维护人员检查此规则"), std::string::npos) << fs[1].message_zh;
}

// Unknown findings say why, in words an inspector can act on: a field's `verify` text, a
// `complete` or `valid` declaration's reason, a calendar that lacks the year. Fields missing
// without a verify text are still listed by name.
TEST(EvalMessages, UnknownFindingsCarryTheirReasons) {
  Fixture fx{R"RS(
ruleset t "测试"
enum validity { valid "有效", invalid "无效" }
record holder "单位" {
  id: string key "代码"
  inside: bool "辖区内"
  checked_on?: date "检查日期" verify "现场核实最近一次检查记录" origin "EcoAudit 增补 (测试)"
  note?: string "备注"
}
record licence "许可证" {
  no: string key "编号"
  holder_id: ref holder as holder reverse licences "单位"
}
record reading "监测" {
  id: string key "编号"
  holder_id: ref holder as holder reverse readings "单位"
  value: double "浓度"
  flag?: validity "标记"
}
calendar cn "节假日" {
  year 2021 source "国办发明电〔2020〕27号" holidays 2021-10-01..2021-10-07 "国庆节" workdays 2021-10-09
}
complete h in holder list licences when h.inside reason "辖区外: 请索取许可证" reason en "outside: obtain the licence"
valid m in reading fields value when has(m.flag) && m.flag == "valid" reason "数据无效: 请核查" reason en "invalid data: check it"
rule checked "检查" { en "checked" for h in holder require h.checked_on >= 2021-01-01 message "x" }
rule noted "备注" { en "noted" for h in holder require h.note != "" message "x" }
rule licensed "持证" { en "licensed" for h in holder require h.licences.exists(l, true) message "x" }
rule reading "监测" { en "reading" for m in reading require m.value < 50.0 message "x" }
rule due "期限" { en "due" for h in holder require add_working_days(h.checked_on, 4) > 2021-12-29 message "x" }
)RS"};
  ASSERT_TRUE(fx.rs) << "ruleset does not check";
  const auto& s = fx.rs->schema;
  EXPECT_EQ(s.find_record("holder")->fields[2].verify, "现场核实最近一次检查记录");
  EXPECT_EQ(s.find_record("holder")->fields[2].origin, "EcoAudit 增补 (测试)");
  ASSERT_EQ(fx.rs->calendars.size(), 1u);
  ASSERT_EQ(fx.rs->guards.size(), 2u);
  SnapshotBuilder b(s);
  b.add_row(fx.rec("holder"), row(s, "holder", {{"id", V::string("OUT")}, {"inside", V::boolean(false)}}));
  b.add_row(fx.rec("holder"), row(s, "holder", {{"id", V::string("LATE")}, {"inside", V::boolean(true)},
                                                {"checked_on", V::date(d("2021-12-28"))}, {"note", V::string("x")}}));
  b.add_row(fx.rec("reading"), row(s, "reading", {{"id", V::string("R1")}, {"holder_id", V::string("OUT")},
                                                  {"value", V::dbl(60.0)}, {"flag", V::string("invalid")}}));
  Snapshot snap = b.finish();
  CompiledRuleset compiled(*fx.rs);
  EvalOptions o;
  o.as_of = d("2024-01-01");
  auto fs = compiled.evaluate(snap, o);
  std::map<std::string, const Finding*> f;
  for (const auto& x : fs) f[x.rule + "/" + x.subject_key] = &x;

  // A field with a verify text: named in `missing`, its text the reason; one without: listed.
  ASSERT_TRUE(f.count("checked/OUT"));
  const Finding& c = *f["checked/OUT"];
  EXPECT_EQ(c.verdict, Verdict::unknown);
  EXPECT_EQ(c.missing, (std::vector<std::string>{"holder.checked_on"}));
  ASSERT_EQ(c.reasons.size(), 1u);
  EXPECT_EQ(c.reasons[0].zh, "现场核实最近一次检查记录");
  EXPECT_EQ(c.message_zh, "无法判定“检查”: 现场核实最近一次检查记录");
  EXPECT_EQ(c.message_en, "Cannot decide \"checked\": verify on site: holder.checked_on");
  ASSERT_TRUE(f.count("noted/OUT"));
  EXPECT_TRUE(f["noted/OUT"]->reasons.empty());
  EXPECT_EQ(f["noted/OUT"]->message_zh, "无法判定“备注”: 缺少 备注 (holder.note)");

  ASSERT_TRUE(f.count("licensed/OUT"));
  EXPECT_EQ(f["licensed/OUT"]->verdict, Verdict::unknown);
  EXPECT_EQ(f["licensed/OUT"]->message_zh, "无法判定“持证”: 辖区外: 请索取许可证");
  EXPECT_TRUE(f["licensed/OUT"]->missing.empty());
  ASSERT_TRUE(f.count("licensed/LATE"));
  EXPECT_EQ(f["licensed/LATE"]->verdict, Verdict::violation);

  ASSERT_TRUE(f.count("reading/R1"));
  EXPECT_EQ(f["reading/R1"]->verdict, Verdict::unknown);
  EXPECT_EQ(f["reading/R1"]->message_en, "Cannot decide \"reading\": invalid data: check it");

  // 2021-12-28 + 4 working days reaches 2022, which the calendar does not hold.
  ASSERT_TRUE(f.count("due/LATE"));
  EXPECT_EQ(f["due/LATE"]->verdict, Verdict::unknown);
  EXPECT_EQ(f["due/LATE"]->message_zh,
            "无法判定“期限”: 工作日历“节假日”未收录 2022 年的节假日安排 (收录 2021 年), 无法推算工作日");
  // The runtime records the reason by its kind; the catalog words it in both languages.
  ASSERT_EQ(f["due/LATE"]->reasons.size(), 1u);
  EXPECT_EQ(f["due/LATE"]->reasons[0].en,
            "the working-day calendar cn holds no holiday arrangement for 2022 (it holds 2021): working days "
            "cannot be counted");
  EXPECT_EQ(f["due/LATE"]->message_en, "Cannot decide \"due\": " + f["due/LATE"]->reasons[0].en);
}

// `let P0 = FIRST` and N lets after it, each the previous one twice (`let P1 = P0 + P0` ...):
// a rule's way to a value 2^N times FIRST's size.
std::string doubling_lets(const std::string& p, const std::string& first, int n) {
  std::string out = "  let " + p + "0 = " + first + "\n";
  for (int i = 1; i <= n; ++i) {
    const std::string prev = p + std::to_string(i - 1);
    out += "  let " + p + std::to_string(i) + " = " + prev + " + " + prev + "\n";
  }
  return out;
}

// Evaluation limits (issue 17, item 9): a rule that doubles a string 40 times, one that doubles a
// list past a million elements, one that takes more than 10 million comprehension steps, and one
// whose message would exceed 64 KiB each give the verdict `error` naming the limit, for that rule
// and subject only: the evaluation goes on (the other rules and subjects are decided), nothing
// ends in std::bad_alloc. An error absorbed by || still counts.
TEST(EvalLimits, ExceedingALimitIsAnErrorNamingIt) {
  Fixture fx{std::string(kSchema) +
             "rule strings \"字符串\" {\n  for e in enterprise\n" + doubling_lets("s", "e.id", 40) +
             "  require size(s40) == 0 || true\n  message \"{e.id}\"\n}\n"
             "rule lists \"列表\" {\n  for e in enterprise\n" + doubling_lets("l", "[e.id]", 21) +
             "  require size(l21) > 0\n  message \"{e.id}\"\n}\n"
             "rule steps \"步骤\" {\n  for e in enterprise\n" + doubling_lets("l", "[e.id]", 12) +
             "  require l12.all(x, l12.all(y, l12.all(z, x == y)))\n  message \"{e.id}\"\n}\n"
             "rule message \"消息\" {\n  for e in enterprise\n" + doubling_lets("s", "e.id", 16) +
             "  require false\n  message \"{s16}\"\n}\n"
             "rule fine \"正常\" {\n  for e in enterprise\n  require false\n  message \"企业 {e.id}\"\n}\n"};
  ASSERT_TRUE(fx.rs) << "ruleset does not check";
  const auto& s = fx.rs->schema;
  SnapshotBuilder b(s);
  b.add_row(fx.rec("enterprise"), row(s, "enterprise", {{"id", V::string("E1")}, {"industry", V::string("coking")}}));
  b.add_row(fx.rec("enterprise"), row(s, "enterprise", {{"id", V::string("E2")}, {"industry", V::string("steel")}}));
  Snapshot snap = b.finish();
  CompiledRuleset compiled(*fx.rs);
  EvalOptions o;
  o.as_of = d("2024-01-01");
  o.rules = {"strings", "lists", "steps", "message", "fine"};
  std::map<std::string, std::vector<const Finding*>> by_rule;
  auto fs = compiled.evaluate(snap, o);
  for (const auto& f : fs) by_rule[f.rule].push_back(&f);
  const std::pair<const char*, const char*> want[] = {{"strings", "a string longer than 1 MiB"},
                                                      {"lists", "a list or map of more than 1,000,000 elements"},
                                                      {"steps", "more than 10,000,000 comprehension steps for one subject"},
                                                      {"message", "a message longer than 64 KiB"}};
  for (const auto& [rule, limit] : want) {
    ASSERT_EQ(by_rule[rule].size(), 2u) << rule;
    for (const Finding* f : by_rule[rule]) {
      EXPECT_EQ(f->verdict, Verdict::error) << rule << " " << f->subject_key;
      EXPECT_EQ(f->error, std::string("evaluation limit exceeded: ") + limit) << rule;
      EXPECT_NE(f->message_zh.find("评估超出限制"), std::string::npos) << f->message_zh;
      EXPECT_NE(f->message_en.find(limit), std::string::npos) << f->message_en;
      EXPECT_LT(f->message_zh.size(), 1024u);
    }
  }
  ASSERT_EQ(by_rule["fine"].size(), 2u);
  EXPECT_EQ(by_rule["fine"][0]->verdict, Verdict::violation);
  EXPECT_EQ(by_rule["fine"][0]->message_zh, "企业 E1");
  // Counting verdicts (no findings built) agrees, but for the message limit, which only a
  // rendered message can meet.
  std::vector<std::array<std::uint64_t, dsl::model::kVerdictCount>> counts;
  o.verdict_counts = &counts;
  compiled.evaluate(snap, o);
  const auto err = static_cast<std::size_t>(Verdict::error);
  for (std::size_t r = 0; r < fx.rs->rules.size(); ++r) {
    const std::string& id = fx.rs->rules[r].id;
    if (id == "strings" || id == "lists" || id == "steps") {
      EXPECT_EQ(counts[r][err], 2u) << id;
    }
  }
}
}  // namespace
}  // namespace eco::engine
