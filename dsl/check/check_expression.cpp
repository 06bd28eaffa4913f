// check_expression: one expression written outside the rule files (a draw plan's filter,
// condition or weight), checked by the same expression checker the rules go through, so that
// a misspelt field or a value of the wrong type is reported as it would be in a rule file.
#include <fmt/format.h>

#include "dsl/check/check.hpp"
#include "dsl/check/context.hpp"
#include "dsl/check/typecheck.hpp"
#include "dsl/common/codes.hpp"
#include "dsl/parser/parse.hpp"

namespace eco::dsl {

std::optional<model::CheckedExpr> check_expression(const model::Ruleset& rs, SourceManager& sm, std::uint32_t source,
                                                   const ExpressionSpec& spec, Diagnostics& diags) {
  Diagnostics local;
  auto parsed = parse_expression(sm, source, local);
  std::optional<model::CheckedExpr> out;
  if (parsed && !local.has_errors()) {
    // The checking passes share a Context built around the ruleset they fill in; the expression
    // checker only reads it (the schema, the parameters, the calendars), so the loaded, const
    // ruleset serves.
    check::Context ctx{sm, local, const_cast<model::Ruleset&>(rs), {}, false, {}, {}, {}, {}, {}};
    std::vector<check::Variable> vars;
    for (std::size_t i = 0; i < spec.variables.size(); ++i)
      vars.push_back({spec.variables[i].name, spec.variables[i].type, static_cast<std::uint32_t>(i)});
    check::ExprOptions opts;
    opts.warn_optional = true;
    opts.what = spec.what;
    opts.guards = spec.guards;
    opts.if_missing = spec.if_missing;
    opts.mismatch_code = spec.expected.is(model::Kind::bool_) ? code::kNotBool : code::kTypeMismatch;
    check::ExprChecker checker(ctx, std::move(vars), opts);
    out = checker.check(*parsed, &spec.expected);
  }
  for (const auto& d : local.items()) diags.add(d.severity, d.code, d.range, d.message).notes = d.notes;
  if (local.has_errors()) return std::nullopt;
  return out;
}

std::vector<std::string> proven_present(const model::CheckedExpr& condition) {
  return check::proven_present(condition.expr);
}

}  // namespace eco::dsl
