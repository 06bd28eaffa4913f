#pragma once
// Expression AST: CEL's expression kinds, after cel-spec's syntax.proto.
//
// Every node carries an id unique within its parse (passes keep their results in side
// tables keyed by it, so no pass mutates the tree) and the source range of its text.
// Operators are Calls with CEL's function names (`_+_`, `_&&_`, `_[_]`, `@in`, `!_`, ...).
// The macros `has all exists exists_one filter map` are expanded by the parser, as CEL
// specifies: `has(a.b)` becomes a test-only Select, the others a Comprehension whose
// `macro` field remembers which macro it was (for dumps, traces and explanations).
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "dsl/common/date.hpp"
#include "dsl/common/source.hpp"

namespace eco::dsl::ast {

using ExprId = std::uint32_t;
struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct NullValue {
  friend bool operator==(NullValue, NullValue) { return true; }
};
struct Bytes {
  std::string data;
  friend bool operator==(const Bytes&, const Bytes&) = default;
};

// A literal. `Date` is EcoAudit's extension: `2022-10-31` written in a rule file.
struct Constant {
  std::variant<NullValue, bool, std::int64_t, std::uint64_t, double, std::string, Bytes, Date> value;
};

// A plain name: a variable, a parameter, or the first part of a qualified name.
// `leading_dot` records CEL's `.name` (resolve in the root scope only).
struct Ident {
  std::string name;
  bool leading_dot = false;
};

// operand.field, or has(operand.field) when test_only.
struct Select {
  ExprPtr operand;
  std::string field;
  bool test_only = false;
};

// function(args...) or target.function(args...). target is null for a global call.
struct Call {
  ExprPtr target;
  std::string function;
  std::vector<Expr> args;
};

struct CreateList {
  std::vector<Expr> elements;
};

struct MapEntry {
  ExprPtr key;
  ExprPtr value;
};
struct CreateMap {
  std::vector<MapEntry> entries;
};

// Message construction `Type{field: value}` (parsed for CEL conformance; rule files use it
// for nothing yet).
struct FieldInit {
  std::string field;
  ExprPtr value;
  SourceRange range{};
};
struct CreateStruct {
  std::string type_name;
  std::vector<FieldInit> fields;
};

// CEL's comprehension: the expansion of all/exists/exists_one/filter/map.
struct Comprehension {
  std::string iter_var;
  ExprPtr iter_range;
  std::string accu_var;
  ExprPtr accu_init;
  ExprPtr loop_condition;
  ExprPtr loop_step;
  ExprPtr result;
  std::string macro;  // "all", "exists", "exists_one", "filter", "map" ("" if written out)
};

struct Expr {
  ExprId id = 0;
  SourceRange range{};
  std::variant<Constant, Ident, Select, Call, CreateList, CreateMap, CreateStruct, Comprehension> kind;

  template <class T>
  const T* as() const { return std::get_if<T>(&kind); }
  template <class T>
  T* as() { return std::get_if<T>(&kind); }
};

// Deep copy with the same ids and ranges.
Expr clone(const Expr& e);
ExprPtr clone(const ExprPtr& e);

// S-expression dump used by the parser tests, e.g.
//   (call _&&_ (call _==_ (select (ident f) kind) "coke_oven") true)
// Ranges are not printed; constants print in CEL syntax (1u, 1.0, b"..", (date 2022-10-31));
// a method call prints as (call f (target X) args...), has(x.f) as (has (ident x) f).
std::string dump(const Expr& e);

// The expression written back as CEL source text, for explanations shown to people
// (`f.enterprise.annual_freight_t >= freight_threshold`). Operators are written infix with
// parentheses around nested operations; macros are written as the macro call.
std::string to_cel(const Expr& e);

}  // namespace eco::dsl::ast
