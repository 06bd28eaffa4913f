#include "dsl/model/ruleset.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

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

const Guard* Ruleset::find_guard(Guard::Kind kind, std::uint32_t record, std::uint32_t target) const {
  for (const auto& g : guards)
    if (g.kind == kind && g.record == record && std::find(g.targets.begin(), g.targets.end(), target) != g.targets.end())
      return &g;
  return nullptr;
}

std::optional<bool> Calendar::working(Date d) const {
  const int year = to_ymd(d).year;
  auto it = std::lower_bound(years.begin(), years.end(), year, [](const CalendarYear& y, int v) { return y.year < v; });
  if (it == years.end() || it->year != year) return std::nullopt;
  if (std::find(it->workdays.begin(), it->workdays.end(), d) != it->workdays.end()) return true;
  for (const auto& h : it->holidays)
    if (h.first == d) return false;
  // 1970-01-01 was a Thursday: weekday 0 = Monday.
  const int weekday = ((d.days % 7) + 7 + 3) % 7;
  return weekday < 5;
}

std::optional<Date> Calendar::add_working_days(Date d, std::int64_t n, int* uncovered) const {
  const int step = n < 0 ? -1 : 1;
  std::int64_t left = n < 0 ? -n : n;
  // Years hold at least ~240 working days: a count beyond the calendar's span leaves it anyway.
  if (left > 400 * static_cast<std::int64_t>(years.size() + 1)) left = 400 * static_cast<std::int64_t>(years.size() + 1);
  Date cur = d;
  while (left > 0) {
    cur.days += step;
    auto w = working(cur);
    if (!w) {
      if (uncovered) *uncovered = to_ymd(cur).year;
      return std::nullopt;
    }
    if (*w) --left;
  }
  return cur;
}

std::optional<std::int64_t> Calendar::working_days_between(Date a, Date b, int* uncovered) const {
  const bool neg = b < a;
  Date lo = neg ? b : a, hi = neg ? a : b;
  std::int64_t count = 0;
  for (Date cur{lo.days + 1}; cur <= hi; ++cur.days) {
    auto w = working(cur);
    if (!w) {
      if (uncovered) *uncovered = to_ymd(cur).year;
      return std::nullopt;
    }
    count += *w;
  }
  return neg ? -count : count;
}

std::string Calendar::years_text() const {
  if (years.empty()) return "";
  bool contiguous = true;
  for (std::size_t i = 1; i < years.size(); ++i) contiguous = contiguous && years[i].year == years[i - 1].year + 1;
  if (contiguous) return years.size() == 1 ? fmt::format("{}", years[0].year)
                                           : fmt::format("{}–{}", years.front().year, years.back().year);
  std::string out;
  for (const auto& y : years) out += (out.empty() ? "" : ", ") + fmt::format("{}", y.year);
  return out;
}

}  // namespace eco::dsl::model
