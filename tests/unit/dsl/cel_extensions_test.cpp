// EcoAudit's CEL extensions (docs/cel-extensions.md): dates, day arithmetic, dated
// parameters, enum values compared with their names, and schema records selected by index.
#include <gtest/gtest.h>

#include "tests/unit/dsl/cel_test_util.hpp"

using namespace eco::dsl::celtest;
namespace ast = eco::dsl::ast;
namespace cel = eco::dsl::cel;
using cel::Value;
using cel::ValueKind;
namespace model = eco::dsl::model;
using eco::dsl::Date;
using eco::dsl::parse_date;

namespace {

Date D(const char* s) { return *parse_date(s); }

bool B(const Value& v) {
  EXPECT_EQ(v.kind(), ValueKind::bool_) << cel::debug_string(v);
  return v.kind() == ValueKind::bool_ && v.as_bool();
}

// enterprise { id key, industry: industry, permit_expiry?: date }
// vehicle    { plate key, enterprise_id: ref enterprise as enterprise reverse vehicles, standard: int, fuel: string }
model::Schema make_schema() {
  model::Schema s;
  model::EnumType industry;
  industry.name = "industry";
  industry.values = {{"coking", "焦化"}, {"steel", "钢铁"}};
  s.enums.push_back(industry);

  model::RecordType ent;
  ent.index = 0;
  ent.name = "enterprise";
  ent.fields.push_back({"id", model::Type::of(model::Kind::string), false, true, std::nullopt, "", {}});
  ent.fields.push_back({"industry", model::Type::enumeration(&s.enums[0]), false, false, std::nullopt, "", {}});
  ent.fields.push_back({"permit_expiry", model::Type::of(model::Kind::date), true, false, std::nullopt, "", {}});
  ent.key_fields = {0};
  ent.reverse_lists.push_back({"vehicles", 1, 1});
  s.records.push_back(ent);

  model::RecordType veh;
  veh.index = 1;
  veh.name = "vehicle";
  veh.fields.push_back({"plate", model::Type::of(model::Kind::string), false, true, std::nullopt, "", {}});
  veh.fields.push_back({"enterprise_id", model::Type::of(model::Kind::string), false, false,
                        model::Reference{0, "enterprise", "vehicles"}, "", {}});
  veh.fields.push_back({"standard", model::Type::of(model::Kind::int_), false, false, std::nullopt, "", {}});
  veh.fields.push_back({"fuel", model::Type::of(model::Kind::string), false, false, std::nullopt, "", {}});
  veh.key_fields = {0};
  s.records.push_back(veh);
  return s;
}

}  // namespace

TEST(CelDates, LiteralsFunctionsAndArithmetic) {
  auto d = [](const char* s) { return lit(*parse_date(s)); };
  EXPECT_TRUE(B(eval(call("_==_", call("_+_", d("2022-10-31"), call("days", lit<std::int64_t>(30))), d("2022-11-30")))));
  EXPECT_TRUE(B(eval(call("_==_", call("_-_", d("2022-03-01"), call("days", lit<std::int64_t>(1))), d("2022-02-28")))));
  EXPECT_TRUE(B(eval(call("_==_", call("date", str("2022-10-31")), d("2022-10-31")))));
  Value between = eval(call("days_between", d("2022-10-31"), d("2022-11-15")));
  ASSERT_EQ(between.kind(), ValueKind::int_);
  EXPECT_EQ(between.as_int(), 15);
  EXPECT_EQ(eval(call("days_between", d("2022-11-15"), d("2022-10-31"))).as_int(), -15);
  EXPECT_TRUE(B(eval(call("_<=_", d("2022-11-15"), d("2022-11-15")))));
  EXPECT_TRUE(B(eval(call("_<_", d("2022-10-31"), d("2022-11-15")))));
  EXPECT_FALSE(B(eval(call("_>_", d("2022-10-31"), d("2022-11-15")))));
  EXPECT_TRUE(eval(call("date", str("2023-02-29"))).is_error());
  EXPECT_TRUE(eval(call("_<_", d("2022-10-31"), lit<std::int64_t>(3))).is_error());
  Value s = eval(call("string", d("2022-10-31")));
  EXPECT_EQ(s.text(), "2022-10-31");
  // Part days do not move a date.
  EXPECT_TRUE(eval(call("_+_", d("2022-10-31"), call("duration", str("1h")))).is_error());
  EXPECT_EQ(eval(member(d("2022-10-31"), "getFullYear")).as_int(), 2022);
  EXPECT_EQ(eval(member(d("2022-10-31"), "getMonth")).as_int(), 9);
}

TEST(CelDates, DatedParameterBeforeOnAndAfterAChange) {
  // truck_min_standard: 2021-01-01: 5, 2022-01-01: 6
  std::vector<cel::DatedEntry> entries = {{D("2021-01-01"), Value::integer(5)}, {D("2022-01-01"), Value::integer(6)}};
  EXPECT_EQ(cel::value_at(entries, D("2021-12-31"), "truck_min_standard").as_int(), 5);  // day before
  EXPECT_EQ(cel::value_at(entries, D("2022-01-01"), "truck_min_standard").as_int(), 6);  // on
  EXPECT_EQ(cel::value_at(entries, D("2022-01-02"), "truck_min_standard").as_int(), 6);  // after
  Value before = cel::value_at(entries, D("2020-12-31"), "truck_min_standard");
  ASSERT_TRUE(before.is_unknown());
  ASSERT_EQ(before.unknown_info().names.size(), 1u);
  EXPECT_NE(before.unknown_info().names[0].find("truck_min_standard"), std::string::npos);

  // Bound into an expression: v.standard < truck_min_standard, evaluated at three dates.
  cel::Env env;
  auto standard = env.declare("standard");
  auto param = env.declare("truck_min_standard");
  auto p = cel::compile(call("_<_", id("standard"), id("truck_min_standard")), env);
  auto at = [&](const char* day) {
    auto act = p->activation();
    act.bind(standard, Value::integer(5));
    act.bind(param, cel::value_at(entries, D(day), "truck_min_standard"));
    return p->evaluate(act);
  };
  EXPECT_FALSE(B(at("2021-12-31")));
  EXPECT_TRUE(B(at("2022-01-01")));
  EXPECT_TRUE(B(at("2022-06-30")));
  EXPECT_TRUE(at("2020-06-30").is_unknown());
  // An unknown on the side that does not decide is absorbed like an error.
  auto q = cel::compile(call("_||_", call("_<_", id("standard"), id("truck_min_standard")), lit(true)), env);
  auto act = q->activation();
  act.bind(standard, Value::integer(5));
  act.bind(param, cel::value_at(entries, D("2020-06-30"), "truck_min_standard"));
  EXPECT_TRUE(B(q->evaluate(act)));
}

TEST(CelEnums, CompareEqualToTheirNames) {
  model::Schema s = make_schema();
  Value coking = Value::enumeration(0, s.enums[0].values[0].name);
  EXPECT_TRUE(B(eval(call("_==_", id("i"), str("coking")), {{"i", coking}})));
  EXPECT_FALSE(B(eval(call("_==_", id("i"), str("steel")), {{"i", coking}})));
  EXPECT_TRUE(B(eval(call("@in", id("i"), list(str("steel"), str("coking"))), {{"i", coking}})));
  EXPECT_TRUE(B(eval(call("_!=_", id("i"), str("steel")), {{"i", coking}})));
}

TEST(CelRecords, FieldsNavigationReverseListsAndMissingFields) {
  model::Schema s = make_schema();
  MemoryRecords db(s);
  auto e0 = db.add(0, {Value::string("E1"), Value::enumeration(0, s.enums[0].values[0].name), std::nullopt});
  auto v0 = db.add(1, {Value::string("晋K1"), Value::string("E1"), Value::integer(5), Value::string("diesel")});
  auto v1 = db.add(1, {Value::string("晋K2"), Value::string("E1"), Value::integer(6), Value::string("electric")});
  db.set_reverse(0, e0, 0, {static_cast<std::uint32_t>(v0), static_cast<std::uint32_t>(v1)});
  db.set_nav(1, v0, 1, Value::record(0, e0));
  Value e = Value::record(0, e0);
  Value v = Value::record(1, v0);

  auto run = [&](const ast::Expr& x, const char* var, Value val, std::uint32_t rec) {
    cel::Env env(&s);
    auto slot = env.declare_record(var, rec);
    auto p = cel::compile(x, env);
    auto act = p->activation();
    act.records = &db;
    act.bind(slot, val);
    return p->evaluate(act);
  };

  EXPECT_TRUE(B(run(call("_==_", sel(id("e"), "industry"), str("coking")), "e", e, 0)));
  // Navigation: v.enterprise.industry
  EXPECT_TRUE(B(run(call("_==_", sel(sel(id("v"), "enterprise"), "industry"), str("coking")), "v", v, 1)));
  // Reverse list with a macro: e.vehicles.exists(x, x.fuel == "diesel" && x.standard < 6)
  EXPECT_TRUE(B(run(member(sel(id("e"), "vehicles"), "exists", id("x"),
                           call("_&&_", call("_==_", sel(id("x"), "fuel"), str("diesel")),
                                call("_<_", sel(id("x"), "standard"), lit<std::int64_t>(6)))),
                    "e", e, 0)));
  EXPECT_EQ(run(call("size", sel(id("e"), "vehicles")), "e", e, 0).as_int(), 2);
  // A missing optional field: `no such field` naming (record, field); has() is false.
  Value missing = run(sel(id("e"), "permit_expiry"), "e", e, 0);
  ASSERT_TRUE(missing.is_error());
  EXPECT_EQ(missing.error_info().code, cel::ErrorCode::no_such_field);
  ASSERT_TRUE(missing.error_info().has_field);
  EXPECT_EQ(missing.error_info().field, (cel::FieldRef{0, 2}));
  EXPECT_FALSE(B(run(has(id("e"), "permit_expiry"), "e", e, 0)));
  EXPECT_TRUE(B(run(has(id("e"), "industry"), "e", e, 0)));
  // Guarded read: !has(e.permit_expiry) || e.permit_expiry < date
  EXPECT_TRUE(B(run(call("_||_", call("!_", has(id("e"), "permit_expiry")),
                         call("_<_", sel(id("e"), "permit_expiry"), lit(D("2030-01-01")))),
                    "e", e, 0)));
  // Type names come from the schema.
  EXPECT_EQ(run(call("type", id("e")), "e", e, 0).text(), "enterprise");
  EXPECT_EQ(run(call("type", sel(id("e"), "industry")), "e", e, 0).text(), "industry");
  // Selections through an untyped variable are resolved by name at run time.
  Value dyn = eval(call("_==_", sel(id("r"), "plate"), str("晋K2")), {{"r", Value::record(1, v1)}}, &db, &s);
  EXPECT_TRUE(B(dyn));
}
