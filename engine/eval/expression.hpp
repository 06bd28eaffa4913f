#pragma once
// An expression written outside the rules (a draw plan's population filter, a stratum's
// condition, a weight: dsl::check_expression checked it) evaluated value by value: its
// variables bound by the caller, the ruleset's parameters to their values in force on the
// evaluation date, and `as_of` to that date, as in a rule. Missing optional fields give CEL's
// unknown naming them; failures are error values; nothing throws.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dsl/cel/program.hpp"
#include "dsl/common/date.hpp"
#include "dsl/model/ruleset.hpp"

namespace eco::engine {

class BoundExpression {
 public:
  // A variable of the expression: a record variable (`record` set: rows of that schema record
  // type) or a plain value.
  struct Variable {
    std::string name;
    std::optional<std::uint32_t> record;
  };
  // Compiles `expr` (checked against `rs` with these variables, in this order). `rs` and
  // `expr` must outlive this object.
  BoundExpression(const dsl::model::Ruleset& rs, const dsl::model::CheckedExpr& expr, std::vector<Variable> variables,
                  dsl::Date as_of);
  ~BoundExpression();
  BoundExpression(const BoundExpression&) = delete;
  BoundExpression& operator=(const BoundExpression&) = delete;

  // The value with `values` bound to the variables in their order (a row as
  // dsl::cel::Value::record(record, row)), records read through `records`. Owned: it outlives
  // the next evaluation. One evaluation at a time (the object keeps its activation).
  dsl::cel::Value evaluate(const dsl::cel::RecordAccessor& records, std::span<const dsl::cel::Value> values);

 private:
  std::vector<std::vector<dsl::cel::DatedEntry>> history_;  // for param_at()
  dsl::cel::Env env_;
  std::vector<std::uint32_t> slots_;
  std::unique_ptr<dsl::cel::Program> program_;
  dsl::cel::Activation act_;
};

}  // namespace eco::engine
