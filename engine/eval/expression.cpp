#include "engine/eval/expression.hpp"

#include <algorithm>

#include "engine/eval/evaluator.hpp"

namespace eco::engine {

namespace cel = dsl::cel;
namespace model = dsl::model;

BoundExpression::BoundExpression(const model::Ruleset& rs, const model::CheckedExpr& expr, std::vector<Variable> variables,
                                 dsl::Date as_of)
    : env_(&rs.schema) {
  // The same frame as a rule's (CompiledRuleset): variables, then the parameters, then the
  // evaluation date unless a parameter is named so; param_at() and the calendars work too.
  for (const auto& p : rs.params) history_.push_back(parameter_history(p, rs.schema));
  env_.set_param_history(&history_);
  env_.set_ruleset(&rs);
  for (const auto& v : variables) slots_.push_back(v.record ? env_.declare_record(v.name, *v.record) : env_.declare(v.name));
  std::vector<std::pair<std::uint32_t, cel::Value>> fixed;
  for (const auto& p : rs.params) fixed.emplace_back(env_.declare(p.name), parameter_value(p, as_of, rs.schema));
  if (!rs.find_param(std::string(model::kEvaluationDateName)))
    fixed.emplace_back(env_.declare(model::kEvaluationDateName), cel::Value::date(as_of));
  program_ = cel::compile(expr, env_);
  act_.slots.resize(std::max(program_->slot_count(), env_.size()));
  for (auto& [slot, value] : fixed) act_.slots[slot] = std::move(value);
}

BoundExpression::~BoundExpression() = default;

cel::Value BoundExpression::evaluate(const cel::RecordAccessor& records, std::span<const cel::Value> values) {
  act_.records = &records;
  act_.steps = 0;
  act_.exceeded = nullptr;
  for (std::size_t i = 0; i < slots_.size() && i < values.size(); ++i) act_.slots[slots_[i]] = values[i];
  return cel::to_owned(program_->evaluate(act_));
}

}  // namespace eco::engine
