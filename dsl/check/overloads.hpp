#pragma once
// Internal to dsl/check: overload resolution against the signatures of the function registry
// (dsl/cel/functions.hpp: cel-spec's standard definitions, ids as cel-spec names them, plus
// EcoAudit's extensions). The checker records the id resolved here; the runtime dispatches on it.
#include <string>
#include <string_view>
#include <vector>

#include "dsl/model/type.hpp"

namespace eco::dsl::check {

struct CallResolution {
  enum class Status { ok, unknown_function, wrong_style, no_match, error_operand } status = Status::ok;
  model::Type result;      // ok: the result type (dyn when several overloads fit dyn operands)
  std::string overload;    // ok: the overload id when exactly one matched, else the function
};

// Resolves `function` applied to `args` (the receiver first when `member`).
CallResolution resolve_call(std::string_view function, bool member, const std::vector<model::Type>& args);

// Every function name with at least one overload (for "did you mean").
std::vector<std::string> function_names();

// How an operator is shown to authors: "_+_" -> "operator '+'", "size" -> "'size'".
std::string display_function(std::string_view function);

}  // namespace eco::dsl::check
