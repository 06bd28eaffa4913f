#pragma once
// Internal to dsl/check: the expression type checker. It types a CEL expression against the
// schema and the names in scope, resolves every name and selection, and records its results
// in the side tables of a model::CheckedExpr (types, refs, optional_reads).
#include <cstdint>
#include <string>
#include <vector>

#include "dsl/check/context.hpp"
#include "dsl/common/codes.hpp"

namespace eco::dsl::check {

// A variable an expression may name: a rule's `for` binding.
struct Variable {
  std::string name;
  model::Type type;
  std::uint32_t slot = 0;  // Ref::index of the variable (the binding's position)
};

struct ExprOptions {
  // Parameter values and test data: no names at all (D010), only literals, lists, maps and
  // calls such as date("...") or days(30).
  bool constant = false;
  // Report W001 for an optional field read without a has() guard (rule conditions only:
  // there a missing value turns the verdict into unknown).
  bool warn_optional = false;
  // What the expression is, for messages: "a parameter value", "a test value", ...
  std::string what = "an expression";
  // The code of "value of the wrong type" against an expected type.
  const char* mismatch_code = code::kTypeMismatch;
  // Outside the rule files (a draw plan's condition): what a missing optional value does there,
  // for W001's message ("" = a rule's: the verdict is unknown, unless the field says what to
  // verify). There a field's `verify` text does not make the read intended.
  std::string if_missing;
  // Paths the context already proves present: a rule's `when` that holds with
  // `has(e.park) && ...` guards `e.park` in its `deadline` and `require` (no W001 there).
  std::vector<std::string> guards;
};

// Types expressions in one scope (the variables given, plus every parameter unless
// options.constant). One checker may check several expressions.
class ExprChecker {
 public:
  ExprChecker(Context& ctx, std::vector<Variable> vars, ExprOptions options);

  // Copies `e` and checks it. With `expected`, string literals in the expression become
  // values of an expected enum (N006 when they are not), int literals widen to an expected
  // double, and a value of any other type is T001 (callers wanting their own message pass
  // nullptr and compare the result's type themselves).
  model::CheckedExpr check(const ast::Expr& e, const model::Type* expected = nullptr);

 private:
  Context& ctx_;
  std::vector<Variable> vars_;
  ExprOptions options_;
};

// The paths (`e.park`, `f.enterprise.lon`) a condition proves present when it is true: the
// has() tests of its top-level conjunction.
std::vector<std::string> proven_present(const ast::Expr& condition);

// The type the checker gave the root of a checked expression (dyn when it has none).
model::Type root_type(const model::CheckedExpr& c);

// True when a value of type `from` may be used where `to` is expected (dyn and error match
// anything; lists and maps compare element-wise).
bool assignable(const model::Type& from, const model::Type& to);

// The source text of a range (for messages that quote the author's expression).
std::string source_text(const SourceManager& sm, SourceRange r);

}  // namespace eco::dsl::check
