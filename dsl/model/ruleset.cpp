#include "dsl/model/ruleset.hpp"

#include <array>

namespace eco::dsl::model {

namespace {
// The spellings rule files use; the enum order is the index into each table.
constexpr std::array<std::string_view, 5> kSeverity = {"advice", "low", "medium", "high", "critical"};
constexpr std::array<std::string_view, 3> kConfidence = {"high", "medium", "unverified"};
constexpr std::array<std::string_view, kVerdictCount> kVerdict = {
    "violation", "late", "unknown", "upcoming", "pass", "not_applicable", "waived", "advice", "error"};
constexpr std::array<std::string_view, kBasisCount> kBasis = {"plan_date", "regulation", "plan_period_end",
                                                              "grace_period", "advice"};

template <class E, std::size_t N>
std::optional<E> parse_in(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<E>(i);
  return std::nullopt;
}
}  // namespace

std::string_view to_string(Severity s) { return kSeverity.at(static_cast<std::size_t>(s)); }
std::string_view to_string(Confidence c) { return kConfidence.at(static_cast<std::size_t>(c)); }
std::string_view to_string(Verdict v) { return kVerdict.at(static_cast<std::size_t>(v)); }

std::optional<Severity> parse_severity(std::string_view s) { return parse_in<Severity>(kSeverity, s); }
std::optional<Confidence> parse_confidence(std::string_view s) { return parse_in<Confidence>(kConfidence, s); }
std::optional<Verdict> parse_verdict(std::string_view s) { return parse_in<Verdict>(kVerdict, s); }
std::string_view to_string(Basis b) { return kBasis.at(static_cast<std::size_t>(b)); }
std::optional<Basis> parse_basis(std::string_view s) { return parse_in<Basis>(kBasis, s); }

DeclaredBasis declared_basis(const Ruleset& rs, const Rule& rule) {
  if (rule.basis) return {rule.basis, "rule"};
  if (!rule.deadline) return {};
  return deadline_param_basis(rs, *rule.deadline);
}

DeclaredBasis deadline_param_basis(const Ruleset& rs, const CheckedExpr& deadline) {
  auto it = deadline.refs.find(deadline.expr.id);
  if (it == deadline.refs.end() || it->second.kind != Ref::Kind::param || it->second.index >= rs.params.size())
    return {};
  const Param& p = rs.params[it->second.index];
  std::optional<Basis> common;
  for (const auto& e : p.entries) {
    if (!e.basis || (common && *common != *e.basis)) return {};
    common = e.basis;
  }
  if (!common) return {};
  return {common, "param " + p.name};
}

const Rule* Ruleset::find_rule(std::string_view rule_id) const {
  for (const auto& r : rules)
    if (r.id == rule_id) return &r;
  return nullptr;
}

const Param* Ruleset::find_param(std::string_view name) const {
  for (const auto& p : params)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace eco::dsl::model
