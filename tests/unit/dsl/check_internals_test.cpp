// Internals of the checker that need no parser: "did you mean" distances and the overload
// table (CEL's standard overloads plus the date extension).
#include <gtest/gtest.h>

#include "dsl/check/overloads.hpp"
#include "dsl/check/suggest.hpp"
#include "dsl/check/typecheck.hpp"

namespace eco::dsl::check {
namespace {

using model::Kind;
using model::Type;
using S = CallResolution::Status;

TEST(CheckSuggest, EditDistanceCountsCharactersAndTranspositions) {
  EXPECT_EQ(edit_distance("kind", "kind"), 0u);
  EXPECT_EQ(edit_distance("kidn", "kind"), 1u);       // adjacent transposition is one edit
  EXPECT_EQ(edit_distance("industy", "industry"), 1u);
  EXPECT_EQ(edit_distance("太古区", "太谷区"), 1u);    // one character, not three bytes
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

TEST(CheckSuggest, ClosestOnlySuggestsPlausibleTypos) {
  std::vector<std::string> fields = {"id", "kind", "capacity_t", "status"};
  EXPECT_EQ(closest("kidn", fields), "kind");
  EXPECT_EQ(closest("capcity_t", fields), "capacity_t");
  EXPECT_FALSE(closest("sulphur_content", fields).has_value());
  EXPECT_FALSE(closest("kind", fields).has_value());   // the name itself is no suggestion
  EXPECT_EQ(closest("太古区", {"榆次区", "太谷区", "介休市"}), "太谷区");
}

TEST(CheckSuggest, ListNamesCapsTheList) {
  EXPECT_EQ(list_names({"a", "b"}), "'a', 'b'");
  EXPECT_EQ(list_names({"a", "b", "c"}, 2), "'a', 'b', ...");
}

TEST(CheckOverloads, DateArithmeticUsesDays) {
  auto r = resolve_call("_+_", false, {Type::of(Kind::date), Type::of(Kind::duration)});
  ASSERT_EQ(r.status, S::ok);
  EXPECT_EQ(r.result, Type::of(Kind::date));
  EXPECT_EQ(r.overload, "add_date_duration");
  EXPECT_EQ(resolve_call("_+_", false, {Type::of(Kind::date), Type::of(Kind::int_)}).status, S::no_match);
  auto d = resolve_call("days_between", false, {Type::of(Kind::date), Type::of(Kind::date)});
  ASSERT_EQ(d.status, S::ok);
  EXPECT_EQ(d.result, Type::of(Kind::int_));
  EXPECT_EQ(resolve_call("days", false, {Type::of(Kind::int_)}).result, Type::of(Kind::duration));
  EXPECT_EQ(resolve_call("_<=_", false, {Type::of(Kind::date), Type::of(Kind::date)}).overload, "less_equals_date");
}

TEST(CheckOverloads, ArithmeticDoesNotMixNumericKindsButComparisonDoes) {
  EXPECT_EQ(resolve_call("_*_", false, {Type::of(Kind::int_), Type::of(Kind::double_)}).status, S::no_match);
  auto lt = resolve_call("_<_", false, {Type::of(Kind::int_), Type::of(Kind::double_)});
  ASSERT_EQ(lt.status, S::ok);
  EXPECT_EQ(lt.overload, "less_int64_double");
}

TEST(CheckOverloads, TypeParametersBindListElements) {
  auto r = resolve_call("_+_", false, {Type::list(Type::of(Kind::string)), Type::list(Type::of(Kind::string))});
  ASSERT_EQ(r.status, S::ok);
  EXPECT_EQ(r.result, Type::list(Type::of(Kind::string)));
  EXPECT_EQ(resolve_call("_+_", false, {Type::list(Type::of(Kind::string)), Type::list(Type::of(Kind::int_))}).status,
            S::no_match);
  // An empty list literal is list(dyn): it joins any list.
  auto e = resolve_call("_+_", false, {Type::list(Type{}), Type::list(Type::of(Kind::int_))});
  ASSERT_EQ(e.status, S::ok);
  EXPECT_EQ(e.result, Type::list(Type::of(Kind::int_)));
}

TEST(CheckOverloads, MethodsFunctionsAndUnknowns) {
  EXPECT_EQ(resolve_call("startsWith", true, {Type::of(Kind::string), Type::of(Kind::string)}).status, S::ok);
  EXPECT_EQ(resolve_call("startsWith", false, {Type::of(Kind::string), Type::of(Kind::string)}).status,
            S::wrong_style);
  EXPECT_EQ(resolve_call("lenght", false, {Type::of(Kind::string)}).status, S::unknown_function);
  EXPECT_EQ(resolve_call("size", true, {Type::map(Type::of(Kind::string), Type::of(Kind::int_))}).result,
            Type::of(Kind::int_));
}

TEST(CheckOverloads, DynAndErrorOperands) {
  // dyn matches every overload: several results collapse to dyn, the call keeps its name.
  auto r = resolve_call("_+_", false, {Type{}, Type{}});
  ASSERT_EQ(r.status, S::ok);
  EXPECT_EQ(r.result, Type{});
  EXPECT_EQ(r.overload, "_+_");
  // An operand already reported stays silent.
  EXPECT_EQ(resolve_call("_+_", false, {Type::of(Kind::error), Type::of(Kind::int_)}).status, S::error_operand);
}

TEST(CheckTypes, AssignableComparesElementTypes) {
  EXPECT_TRUE(assignable(Type::list(Type{}), Type::list(Type::of(Kind::int_))));
  EXPECT_FALSE(assignable(Type::list(Type::of(Kind::string)), Type::list(Type::of(Kind::int_))));
  EXPECT_FALSE(assignable(Type::of(Kind::int_), Type::of(Kind::double_)));
  EXPECT_TRUE(assignable(Type::of(Kind::error), Type::of(Kind::date)));
}

}  // namespace
}  // namespace eco::dsl::check
