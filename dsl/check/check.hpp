#pragma once
// Loading and checking a ruleset: the one entry point every command uses.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/common/diagnostic.hpp"
#include "dsl/model/ruleset.hpp"

namespace eco::dsl {

// Loads PATH (a ruleset folder holding ruleset.rules, or a single .rules file) with all its
// includes, parses and checks it. Sources are added to `sm` so diagnostics can be rendered.
// Returns the checked ruleset, or nullptr when there are errors (all of them in `diags`).
// Never throws on bad input.
std::unique_ptr<model::Ruleset> load_ruleset(const std::filesystem::path& path, SourceManager& sm,
                                             Diagnostics& diags);

// A variable an expression written outside the rule files may name, with its type (a record
// type: `model::Type::record(&schema.records[i])`).
struct ExpressionVariable {
  std::string name;
  model::Type type;
};

// What such an expression is and what it must give.
struct ExpressionSpec {
  std::string what;                 // for messages: "the draw's population filter"
  model::Type expected;             // bool for a condition, int for a weight
  std::vector<ExpressionVariable> variables;
  // Paths an earlier condition proves present for every value this one sees (its has()
  // tests, as proven_present() gives them): no W001 for reading them unguarded.
  std::vector<std::string> guards;
  // What a missing optional value does where the expression is used (W001's words).
  std::string if_missing = "the expression cannot be decided";
};

// Parses and checks one rule-language expression written outside the rule files (a draw
// plan's filter, a stratum's condition, a weight), against the checked ruleset `rs`: its schema,
// its parameters (in scope by name), the evaluation date `as_of` (unless a parameter has that
// name) and `spec.variables`. `source` is a source of `sm` holding the expression's text alone,
// named for messages as its file and place ("draw.json strata[0].when"), so that diagnostics
// name them with the column. Unguarded reads of optional fields are W001 warnings (saying
// `spec.if_missing`; a field's `verify` text does not silence them here). Returns
// nullopt when there is an error (in `diags`): a syntax error, an unknown name, a value not of
// type `spec.expected`. Never throws on bad input.
std::optional<model::CheckedExpr> check_expression(const model::Ruleset& rs, SourceManager& sm, std::uint32_t source,
                                                   const ExpressionSpec& spec, Diagnostics& diags);

// The paths (`e.park`) a checked condition proves present when it holds: the has() tests of its
// top-level conjunction.
std::vector<std::string> proven_present(const model::CheckedExpr& condition);

}  // namespace eco::dsl
