// The checker end to end on small rule files: what it resolves (refs), the types it records,
// the optional reads it lists, and the loader's handling of includes, BOMs and digests.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "dsl/check/check.hpp"
#include "dsl/common/codes.hpp"

namespace eco::dsl {
namespace {

namespace fs = std::filesystem;
using model::Kind;
using model::Ref;

const char* kSchema = R"(
enum industry "行业" { coking "焦化", steel "钢铁" }
enum county { "介休市", "太谷区" }
record enterprise "企业" {
  id: string key
  industry: industry
  county: county
  park?: string
}
record facility "设施" {
  id: string key
  enterprise_id: ref enterprise as enterprise reverse facilities
  capacity_t?: double
  built_on: date
}
record vehicle {
  plate: string key
  enterprise_id: ref enterprise as owner reverse vehicles
  emission_standard?: int
}
param deadline_day: date = 2022-10-31 source "s"
param min_standard: int by date {
  2021-01-01: 5 source "s"
  2022-01-01: 6 source "s"
}
param ratio: double = 2 source "s"
param counties: list<county> = ["介休市"] source "s"
)";

class CheckRuleset : public ::testing::Test {
 protected:
  fs::path dir;
  SourceManager sm;
  Diagnostics diags;

  void SetUp() override {
    std::random_device rd;
    dir = fs::temp_directory_path() / ("eco_check_test_" + std::to_string(rd()));
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  void write(const std::string& name, const std::string& text) {
    fs::create_directories((dir / name).parent_path());
    std::ofstream(dir / name, std::ios::binary) << text;
  }

  std::unique_ptr<model::Ruleset> load(const std::string& rules) {
    write("ruleset.rules", std::string("ruleset t \"测试\"\n") + kSchema + rules);
    return load_ruleset(dir, sm, diags);
  }

  std::string codes() const {
    std::string out;
    for (const auto& d : diags.items()) out += d.code + " ";
    return out;
  }

  // The node of `c` whose ref names `name` with the given kind.
  static const Ref* find_ref(const model::CheckedExpr& c, Ref::Kind kind, const std::string& name) {
    for (const auto& [id, r] : c.refs)
      if (r.kind == kind && r.name == name) return &r;
    return nullptr;
  }
};

TEST_F(CheckRuleset, ResolvesNavigationFieldsAndEnumValues) {
  auto rs = load(R"(
rule r1 "t" {
  for f in facility
  when f.enterprise.industry == "coking" && f.enterprise.county in counties
  require f.built_on <= deadline_day
}
)");
  ASSERT_TRUE(rs) << codes();
  const auto& rule = rs->rules.at(0);
  ASSERT_TRUE(rule.when);
  const auto& when = *rule.when;
  EXPECT_EQ(when.types.at(when.expr.id).kind, Kind::bool_);

  const auto& schema = rs->schema;
  auto facility = schema.find_record("facility")->index;
  auto enterprise = schema.find_record("enterprise");
  const Ref* nav = find_ref(when, Ref::Kind::nav, "enterprise");
  ASSERT_TRUE(nav);
  EXPECT_EQ(nav->record, facility);
  EXPECT_EQ(nav->index, static_cast<std::uint32_t>(schema.records[facility].find_field("enterprise_id")));
  const Ref* industry = find_ref(when, Ref::Kind::field, "industry");
  ASSERT_TRUE(industry);
  EXPECT_EQ(industry->record, enterprise->index);
  // "coking" compared with an enum field takes the enum's type (a value of it: N006 otherwise).
  const auto* conj = when.expr.as<ast::Call>();
  ASSERT_TRUE(conj);
  const auto* eq = conj->args.at(0).as<ast::Call>();
  ASSERT_TRUE(eq);
  const ast::Expr& coking = eq->args.at(1);
  ASSERT_TRUE(coking.as<ast::Constant>());
  const model::Type& coking_type = when.types.at(coking.id);
  EXPECT_EQ(coking_type.kind, Kind::enum_);
  ASSERT_TRUE(coking_type.enum_type);
  EXPECT_EQ(coking_type.enum_type->name, "industry");
  EXPECT_EQ(coking_type.enum_type->find("coking"), 0);
  const Ref* var = find_ref(when, Ref::Kind::variable, "f");
  ASSERT_TRUE(var);
  EXPECT_EQ(var->index, 0u);
  const Ref* param = find_ref(when, Ref::Kind::param, "counties");
  ASSERT_TRUE(param);
  EXPECT_EQ(rs->params.at(param->index).name, "counties");
  // The parameters the rule reads, for the evaluator to bind.
  ASSERT_EQ(rule.params_used.size(), 2u);
  EXPECT_TRUE(find_ref(rule.require, Ref::Kind::function, "less_equals_date"));
}

// Roles and validators land in the model by record and field index; undeclared ones are absent.
TEST_F(CheckRuleset, RolesAndValidatorsInTheModel) {
  auto none = load("");
  ASSERT_TRUE(none) << codes();
  EXPECT_FALSE(none->schema.roles.owner || none->schema.roles.screened || none->schema.roles.waiver);
  EXPECT_EQ(none->schema.owner(), nullptr);
  EXPECT_EQ(none->schema.roles.owner_name, -1);

  write("ruleset.rules", std::string("ruleset t \"测试\"\n") + R"(
record firm "单位" role owner {
  code: string key "代码" validate uscc
  label: string "名称" role name
}
record request "申请" role screened {
  no: string key "编号"
  category?: string "类别" validate hw_category
}
record grant "豁免" role waiver {
  no: string key "编号"
  what: string "规则" role rule
  whose: string "对象" role subject
  since: date "起" role from
  till: date "止" role until
  by?: string "批准" role approver
}
)");
  auto rs = load_ruleset(dir, sm, diags);
  ASSERT_TRUE(rs) << codes();
  const auto& s = rs->schema;
  ASSERT_TRUE(s.owner() && s.screened() && s.waiver());
  EXPECT_EQ(s.owner()->name, "firm");
  EXPECT_EQ(s.screened()->name, "request");
  EXPECT_EQ(s.waiver()->name, "grant");
  EXPECT_EQ(s.roles.owner_name, s.owner()->find_field("label"));
  EXPECT_EQ(s.roles.screened_name, -1);
  const auto& w = s.roles.waiver_fields;
  EXPECT_EQ(w.rule, s.waiver()->find_field("what"));
  EXPECT_EQ(w.subject, s.waiver()->find_field("whose"));
  EXPECT_EQ(w.from, s.waiver()->find_field("since"));
  EXPECT_EQ(w.until, s.waiver()->find_field("till"));
  EXPECT_EQ(w.approver, s.waiver()->find_field("by"));
  EXPECT_EQ(w.basis, -1);
  EXPECT_EQ(w.subject_type, -1);
  EXPECT_EQ(s.owner()->fields[0].validator, model::Validator::uscc);
  EXPECT_EQ(s.owner()->fields[1].validator, model::Validator::none);
  EXPECT_EQ(s.screened()->fields[1].validator, model::Validator::hw_category);
  EXPECT_EQ(model::parse_validator("uscc"), model::Validator::uscc);
  EXPECT_FALSE(model::parse_validator("waste_code"));
}

TEST_F(CheckRuleset, BindingsOverReverseListsAndComprehensionSlots) {
  auto rs = load(R"(
rule r2 "t" {
  for e in enterprise
  for v in e.vehicles
  require has(v.emission_standard) && v.emission_standard >= min_standard
          && e.facilities.all(x, x.built_on <= deadline_day)
}
)");
  ASSERT_TRUE(rs) << codes();
  const auto& rule = rs->rules.at(0);
  ASSERT_EQ(rule.bindings.size(), 2u);
  EXPECT_FALSE(rule.bindings[0].source.has_value());
  ASSERT_TRUE(rule.bindings[1].source.has_value());
  EXPECT_EQ(rule.bindings[1].record, rs->schema.find_record("vehicle")->index);
  const auto& src = *rule.bindings[1].source;
  auto t = src.types.at(src.expr.id);
  ASSERT_EQ(t.kind, Kind::list);
  EXPECT_EQ(t.params.at(0).record_type, rs->schema.find_record("vehicle"));
  EXPECT_TRUE(find_ref(src, Ref::Kind::reverse, "vehicles"));
  // v is the second binding; x, the first comprehension variable, takes the next slot.
  EXPECT_EQ(find_ref(rule.require, Ref::Kind::variable, "v")->index, 1u);
  EXPECT_EQ(find_ref(rule.require, Ref::Kind::variable, "x")->index, 2u);
  EXPECT_TRUE(rule.require.optional_reads.empty());
  EXPECT_EQ(diags.warning_count(), 0u);
}

TEST_F(CheckRuleset, ListsUnguardedOptionalReadsAndWarns) {
  auto rs = load(R"(
rule r3 "t" {
  for f in facility
  when f.capacity_t > 10.0
  require has(f.enterprise.park) ? f.enterprise.park != "" : true
}
)");
  ASSERT_TRUE(rs) << codes();
  const auto& rule = rs->rules.at(0);
  auto facility = rs->schema.find_record("facility");
  ASSERT_EQ(rule.when->optional_reads.size(), 1u);
  EXPECT_EQ(rule.when->optional_reads[0].first, facility->index);
  EXPECT_EQ(rule.when->optional_reads[0].second, static_cast<std::uint32_t>(facility->find_field("capacity_t")));
  EXPECT_TRUE(rule.require.optional_reads.empty());
  ASSERT_EQ(diags.warning_count(), 1u);
  EXPECT_EQ(diags.items().at(0).code, code::kUnguardedOptional);
}

TEST_F(CheckRuleset, ParameterValuesAreTypedAndWidened) {
  auto rs = load("");
  ASSERT_TRUE(rs) << codes();
  const auto* ratio = rs->find_param("ratio");
  ASSERT_TRUE(ratio);
  const auto& v = ratio->entries.at(0).value;
  EXPECT_EQ(v.types.at(v.expr.id).kind, Kind::double_);
  const auto* c = v.expr.as<ast::Constant>();
  ASSERT_TRUE(c);
  EXPECT_TRUE(std::holds_alternative<double>(c->value));  // 2 became 2.0
  const auto* dated = rs->find_param("min_standard");
  ASSERT_TRUE(dated && dated->dated);
  ASSERT_EQ(dated->entries.size(), 2u);
  EXPECT_EQ(format_date(*dated->entries[1].from), "2022-01-01");
  EXPECT_EQ(dated->type.kind, Kind::int_);
  const auto* counties = rs->find_param("counties");
  const auto& cv = counties->entries.at(0).value;
  EXPECT_EQ(cv.types.at(cv.expr.id).params.at(0).kind, Kind::enum_);
}

TEST_F(CheckRuleset, ReportsCodesForCommonMistakes) {
  auto rs = load(R"(
rule r4 "t" {
  for f in facility
  when f.enterprise.industry == "cokng"
  deadline 3
  require f.capcity_t == 1.0
}
)");
  EXPECT_FALSE(rs);
  EXPECT_EQ(codes(), "N006 T003 N002 ");
  const auto& n002 = diags.items().at(2);
  ASSERT_EQ(n002.notes.size(), 1u);
  EXPECT_EQ(n002.notes[0].message, "did you mean 'capacity_t'?");
}

TEST_F(CheckRuleset, TestsAreCheckedAgainstRulesAndRecords) {
  auto rs = load(R"(
rule r5 "t" {
  for f in facility
  require f.built_on <= deadline_day
}
test r5 "ok" {
  as_of 2023-01-01
  given facility { id: "F1", enterprise_id: "E1", built_on: 2022-01-01, capacity_t: 5 }
  expect pass on F1
}
)");
  ASSERT_TRUE(rs) << codes();
  ASSERT_EQ(rs->tests.size(), 1u);
  const auto& t = rs->tests[0];
  EXPECT_EQ(format_date(*t.as_of), "2023-01-01");
  ASSERT_EQ(t.given.size(), 1u);
  EXPECT_EQ(t.given[0].fields.size(), 4u);
  EXPECT_EQ(t.expectations.at(0).verdict, model::Verdict::pass);
  EXPECT_EQ(t.expectations.at(0).subject_key, "F1");
}

TEST_F(CheckRuleset, IncludesAreReadOnceAndCyclesReported) {
  write("a.rules", "include \"b.rules\"\n");
  write("b.rules", "include \"a.rules\"\n");
  write("s.rules", kSchema);
  write("ruleset.rules", "ruleset t \"t\"\ninclude \"s.rules\"\ninclude \"s.rules\"\ninclude \"a.rules\"\n");
  auto rs = load_ruleset(dir, sm, diags);
  EXPECT_FALSE(rs);
  EXPECT_EQ(codes(), "P010 ");
  EXPECT_NE(diags.items()[0].message.find("include cycle"), std::string::npos);
  EXPECT_EQ(sm.size(), 4u);  // ruleset, s, a, b: s only once
}

TEST_F(CheckRuleset, AcceptsABomAndDigestsTheFiles) {
  write("ruleset.rules", std::string("\xEF\xBB\xBF") + "ruleset t \"t\"\n" + kSchema);
  auto rs = load_ruleset(dir, sm, diags);
  ASSERT_TRUE(rs) << codes();
  EXPECT_EQ(rs->id, "t");
  EXPECT_EQ(rs->sha256.size(), 64u);
  EXPECT_EQ(rs->files.size(), 1u);
  EXPECT_EQ(rs->schema.records.size(), 3u);
  EXPECT_EQ(rs->schema.find_record("enterprise")->reverse_lists.size(), 2u);
  SourceManager sm2;
  Diagnostics d2;
  write("ruleset.rules", std::string("ruleset t \"t\"\n") + kSchema + "\n");
  auto rs2 = load_ruleset(dir, sm2, d2);
  ASSERT_TRUE(rs2);
  EXPECT_NE(rs->sha256, rs2->sha256);
}

// An expression written outside the rule files (a draw plan's condition): checked by the same
// checker against the loaded ruleset, its diagnostics pointing into its own named source.
TEST_F(CheckRuleset, ChecksAnExpressionWrittenOutsideTheRuleFiles) {
  auto rs = load("");
  ASSERT_TRUE(rs) << codes();
  const auto* enterprise = rs->schema.find_record("enterprise");
  auto check = [&](const std::string& text, Kind expected = Kind::bool_, std::vector<std::string> guards = {}) {
    diags = Diagnostics();
    const auto src = sm.add("plan.json strata[0].when", text);
    ExpressionSpec spec{"a stratum's condition", model::Type::of(expected), {{"e", model::Type::record(enterprise)}},
                        std::move(guards)};
    return check_expression(*rs, sm, src, spec, diags);
  };
  // Fields, enum values and parameters resolve; `as_of` is the evaluation date.
  auto ok = check("e.industry == 'coking' && e.county in counties && as_of > deadline_day");
  ASSERT_TRUE(ok) << codes();
  EXPECT_EQ(codes(), "");
  EXPECT_TRUE(find_ref(*ok, Ref::Kind::param, "counties"));
  EXPECT_TRUE(find_ref(*ok, Ref::Kind::variable, "e"));
  // A misspelt field: N-code at its column, in the named source.
  EXPECT_FALSE(check("e.industri == 'coking'"));
  ASSERT_EQ(diags.items().size(), 1u);
  const std::string shown = render_text(sm, diags.items()[0]);
  EXPECT_EQ(shown.rfind("plan.json strata[0].when:1:3: error[", 0), 0u) << shown;
  EXPECT_NE(shown.find("did you mean 'industry'?"), std::string::npos) << shown;
  // Not a bool: T002; an enum value that is not one: N006; a syntax error: P-code.
  EXPECT_FALSE(check("e.industry"));
  EXPECT_EQ(codes(), std::string(code::kNotBool) + " ");
  EXPECT_FALSE(check("e.industry == 'mining'"));
  EXPECT_EQ(codes(), "N006 ");
  EXPECT_FALSE(check("e.industry == "));
  EXPECT_EQ(codes().substr(0, 1), "P");
  EXPECT_FALSE(check("f.id == 'x'"));
  // An optional field read without has(): a warning, the expression still checks; guarded by an
  // earlier condition's has(), nothing.
  EXPECT_TRUE(check("e.park == 'x'"));
  EXPECT_EQ(codes(), "W001 ");
  EXPECT_TRUE(check("e.park == 'x'", Kind::bool_, {"e.park"}));
  EXPECT_EQ(codes(), "");
  EXPECT_EQ(proven_present(*check("has(e.park) && e.county == '介休市'")), std::vector<std::string>{"e.park"});
  // An int is wanted: a bool is T001.
  EXPECT_TRUE(check("size(e.facilities) + 1", Kind::int_));
  EXPECT_FALSE(check("e.industry == 'coking'", Kind::int_));
  EXPECT_EQ(codes(), std::string(code::kTypeMismatch) + " ");
}

}  // namespace
}  // namespace eco::dsl
