// The function registry (dsl/cel/functions.hpp): every overload the checker can resolve has an
// implementation the runtime reaches through the overload id the checker records.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "dsl/cel/functions.hpp"
#include "dsl/cel/program.hpp"
#include "dsl/check/overloads.hpp"
#include "tests/unit/dsl/cel_test_util.hpp"

namespace {

namespace cel = eco::dsl::cel;
namespace check = eco::dsl::check;
namespace model = eco::dsl::model;
namespace ast = eco::dsl::ast;

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t depth = 0, start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] == '(') ++depth;
    if (i < s.size() && s[i] == ')') --depth;
    if (i == s.size() || (s[i] == ' ' && depth == 0)) {
      if (i > start) out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

// A value and a type of parameter pattern `p` (type variables and dyn stand for int).
struct Sample {
  cel::Value value;
  model::Type type;
};

Sample sample(const std::string& p) {
  using model::Kind;
  using model::Type;
  if (p == "A" || p == "B" || p == "dyn" || p == "int") return {cel::Value::integer(1), Type::of(Kind::int_)};
  if (p == "uint") return {cel::Value::uinteger(1), Type::of(Kind::uint_)};
  if (p == "double") return {cel::Value::dbl(1.5), Type::of(Kind::double_)};
  if (p == "bool") return {cel::Value::boolean(true), Type::of(Kind::bool_)};
  if (p == "string") return {cel::Value::string("a"), Type::of(Kind::string)};
  if (p == "bytes") return {cel::Value::bytes("a"), Type::of(Kind::bytes)};
  if (p == "date") return {cel::Value::date(eco::dsl::Date{19000}), Type::of(Kind::date)};
  if (p == "timestamp") return {cel::Value::timestamp(1'600'000'000), Type::of(Kind::timestamp)};
  if (p == "duration") return {cel::Value::duration(86400), Type::of(Kind::duration)};
  if (p == "enum") return {cel::Value::enumeration(0, "a"), Type::of(Kind::enum_)};
  if (p.starts_with("list(")) {
    Sample e = sample(p.substr(5, p.size() - 6));
    return {cel::Value::list({e.value}), Type::list(e.type)};
  }
  if (p == "map(A,B)")
    return {cel::Value::map({{cel::Value::integer(1), cel::Value::integer(1)}}),
            Type::map(Type::of(Kind::int_), Type::of(Kind::int_))};
  ADD_FAILURE() << "no sample for pattern " << p;
  return {};
}

bool refused(const cel::Value& v) {
  return v.is_error() && (v.error_info().code == cel::ErrorCode::no_matching_overload ||
                          v.error_info().code == cel::ErrorCode::unbound);
}

TEST(FunctionRegistry, IdsAreUniqueAndEverySignatureParses) {
  std::set<std::string> ids;
  for (const cel::Overload& o : cel::overloads()) {
    EXPECT_TRUE(ids.insert(o.id).second) << "duplicate overload id " << o.id;
    EXPECT_EQ(cel::find_overload(o.id), &o) << o.id;
    EXPECT_EQ(split(o.params).size(), o.arity()) << o.id;
    for (const auto& p : split(o.params)) sample(p);
  }
  EXPECT_EQ(cel::find_overload("_+_"), nullptr);  // a function's name is no overload id
  EXPECT_EQ(cel::find_overload("no_such_overload"), nullptr);
}

// Every strict overload has an implementation, and it accepts arguments of its signature (an
// error of the values, such as a range error, is fine; "no matching overload" is not).
TEST(FunctionRegistry, EveryStrictOverloadHasAnImplementationAcceptingItsSignature) {
  cel::Activation act;
  for (const cel::Overload& o : cel::overloads()) {
    if (o.lowering == cel::Lowering::special) {
      EXPECT_EQ(o.impl, nullptr) << o.id << ": a special form is the compiler's own node";
      continue;
    }
    ASSERT_NE(o.impl, nullptr) << "overload " << o.id << " has no implementation";
    std::vector<cel::Value> args;
    for (const auto& p : split(o.params)) args.push_back(sample(p).value);
    cel::Value r = o.impl(args.data(), args.size(), act);
    EXPECT_FALSE(refused(r)) << o.id << ": " << (r.is_error() ? r.error_info().message : "");
    if (o.lowering == cel::Lowering::call) {
      EXPECT_NE(cel::dynamic(o.function, o.arity()), nullptr) << o.function << " has no implementation for dyn operands";
    }
  }
}

// The checker resolves a call with argument types of an overload's signature to that overload.
TEST(FunctionRegistry, TheCheckerResolvesEverySignatureToItsOverload) {
  for (const cel::Overload& o : cel::overloads()) {
    std::vector<model::Type> types;
    for (const auto& p : split(o.params)) types.push_back(sample(p).type);
    auto r = check::resolve_call(o.function, o.member, types);
    EXPECT_EQ(r.status, check::CallResolution::Status::ok) << o.id;
    EXPECT_EQ(r.overload, o.id) << o.function;
  }
}

// The compiler binds a call to the implementation of the overload the checker recorded: a call
// of every overload, compiled with its id in the side table, runs (the special forms through
// the compiler's own nodes) and never yields "unbound function".
TEST(FunctionRegistry, TheCompilerRunsEveryOverloadByItsId) {
  for (const cel::Overload& o : cel::overloads()) {
    cel::Env env;
    std::vector<ast::Expr> args;
    std::vector<std::uint32_t> slots;
    std::vector<cel::Value> values;
    int i = 0;
    for (const auto& p : split(o.params)) {
      std::string name = "v" + std::to_string(i++);
      slots.push_back(env.declare(name));
      values.push_back(sample(p).value);
      args.push_back(eco::dsl::celtest::id(name));
    }
    ast::Expr call = eco::dsl::celtest::make(ast::Call{nullptr, o.function, {}});
    auto& c = std::get<ast::Call>(call.kind);
    if (o.member && !args.empty()) {
      c.target = std::make_unique<ast::Expr>(std::move(args.front()));
      args.erase(args.begin());
    }
    c.args = std::move(args);
    std::unordered_map<ast::ExprId, model::Ref> refs;
    refs[call.id] = model::Ref{model::Ref::Kind::function, 0, 0, o.id};
    cel::CompileOptions opt;
    opt.refs = &refs;
    auto program = cel::compile(call, env, opt);
    auto act = program->activation();
    for (std::size_t k = 0; k < slots.size(); ++k) act.bind(slots[k], values[k]);
    cel::Value r = program->evaluate(act);
    if (r.is_error()) {
      EXPECT_NE(r.error_info().code, cel::ErrorCode::no_matching_overload) << o.id << ": " << r.error_info().message;
      EXPECT_EQ(r.error_info().message.find("unbound function"), std::string::npos) << o.id;
    }
  }
}

// A call the checker resolved to sum_list_double sums an empty list to 0.0; one it left open
// (dyn operands) sums it to 0, as the values give no element type.
TEST(FunctionRegistry, TheOverloadIdChoosesTheImplementation) {
  for (auto [id, want_double] : {std::pair{"sum_list_double", true}, {"sum_list_int64", false}, {"sum", false}}) {
    cel::Env env;
    auto slot = env.declare("xs");
    ast::Expr call = eco::dsl::celtest::call("sum", eco::dsl::celtest::id("xs"));
    std::unordered_map<ast::ExprId, model::Ref> refs;
    refs[call.id] = model::Ref{model::Ref::Kind::function, 0, 0, id};
    cel::CompileOptions opt;
    opt.refs = &refs;
    auto program = cel::compile(call, env, opt);
    auto act = program->activation();
    act.bind(slot, cel::Value::list({}));
    cel::Value r = program->evaluate(act);
    EXPECT_EQ(r.is(cel::ValueKind::double_), want_double) << id;
  }
}

}  // namespace
