#pragma once
// The function registry: every built-in function and operator overload of the rule language,
// declared once (after cel-cpp's standard definitions and OPA's builtins table).
//
// One entry is one overload: its id (cel-spec's name where cel-spec has one: add_int64,
// less_double, size_string; EcoAudit's own otherwise: days_between_date_date), the function
// it overloads, whether it is called as a method, its signature, how the runtime runs it and
// whether the columnar plans compute it. Three readers and nothing else:
//   - the checker (dsl/check/overloads.cpp) resolves calls against the signatures and records
//     the one overload that fits in CheckedExpr::refs (the function's name when several fit
//     dyn operands);
//   - the CEL compiler (dsl/cel/compile.cpp) binds a call to the implementation of the
//     overload the checker recorded; a call the checker left open (dyn operands, unchecked
//     expressions) binds to dynamic(): the implementations decide by the values' kinds;
//   - the columnar compiler (engine/eval/columnar.cpp) plans a call only when the recorded
//     overload says `columnar`, over the domain it names.
// Adding a built-in is one entry in the table (dsl/cel/builtins.cpp, `build_table`) plus its
// tests; tests/unit/dsl/functions_test.cpp runs every entry's implementation with arguments
// of its signature, and fails for an entry without one.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace eco::dsl::cel {

class Value;
struct Activation;

// A strict implementation: arguments evaluated (args[0] is the receiver of a method call),
// none an error or unknown (the caller propagates those); returns a value or an error value.
using Builtin = Value (*)(const Value* args, std::size_t n, const Activation& a);

// How the runtime runs an overload.
enum class Lowering : std::uint8_t {
  call,      // a call node over `impl`
  operator_, // strict, `impl` is its semantics; the compiler builds the operator's own node
             // (arithmetic, relations, negation, not, index, in, ==) calling the same code
  special,   // not strict or needs what only the compiler has (&&, ||, ?:, the dated
             // parameters of param_at, the calendar of the working-day functions): the
             // compiler's own node; `impl` is null
};

// Whether, and over which column domain, the columnar plans compute an overload (rows they
// cannot decide still go to the tree evaluator; `none` = never planned).
enum class Columnar : std::uint8_t {
  none,
  integers,  // int64 columns (arithmetic, days_between over dates, size of a reverse list)
  reals,     // double columns
  any,       // the plan takes the operands' domains (comparisons, logic, conditional, in)
};

struct Overload {
  std::string id;
  std::string function;  // "_+_", "size", "getFullYear", ...
  bool member = false;   // called as x.f(...): the receiver is the first parameter
  // Parameter and result patterns, space-separated: a kind (int, uint, double, bool, string,
  // bytes, date, timestamp, duration, null, type, enum, dyn), a type variable (A, B), list(P)
  // or map(A,B). The checker types `special` overloads by its own rules (typecheck.cpp); their
  // signature here says what those rules accept.
  std::string params;
  std::string result;
  Lowering lowering = Lowering::call;
  Builtin impl = nullptr;
  Columnar columnar = Columnar::none;

  std::size_t arity() const;  // number of parameters, the receiver included
};

// Every overload, in declaration order (ids unique).
std::span<const Overload> overloads();

// The overload with id `id`, or nullptr (a function's name, or an unknown id).
const Overload* find_overload(std::string_view id);

// The implementation of `function` called with `n` arguments (receiver included) whose
// overload is not known before the values are: the first `call` overload of that name and
// arity, method or not; nullptr when there is none (an unbound function).
Builtin dynamic(std::string_view function, std::size_t n);

}  // namespace eco::dsl::cel
