// The compact terminal summary (moved from cli/cmd_sweep.cpp; its lines are pinned by
// tests/sweep/cli_test.sh and the golden files of tests/reports).
#include <fmt/format.h>

#include <map>

#include "reports/common.hpp"
#include "reports/report.hpp"

namespace eco::reports {

namespace {

using dsl::model::Severity;
using dsl::model::Verdict;

// ANSI colour of a verdict on a terminal: red violations, yellow unknowns, cyan upcoming.
const char* verdict_colour(Verdict v) {
  switch (v) {
    case Verdict::violation:
    case Verdict::late:
      return "\033[31m";
    case Verdict::unknown:
      return "\033[33m";
    case Verdict::upcoming:
      return "\033[36m";
    default:
      return "\033[32m";
  }
}

// `text` padded to `width`, coloured when `colour` is set (the padding stays outside the
// escape codes so that the columns line up the same as without colour).
std::string cell(const std::string& text, std::size_t width, const char* colour) {
  std::string padded = fmt::format("{:<{}}", text, width);
  if (!colour) return padded;
  return std::string(colour) + text + "\033[0m" + padded.substr(text.size());
}

}  // namespace

std::string text_report(const ReportData& d) {
  const auto& run = d.run;
  const auto& fs = *d.findings;
  const bool en = d.lang == "en";
  std::string out = d.enterprise.empty()
                        ? fmt::format("{} of {} as of {}: {} findings\n",
                                      run.command == "screen" ? "screen" : "sweep", run.ruleset,
                                      dsl::format_date(run.as_of), fs.size())
                        : fmt::format("audit of {} ({}) as of {}: {} findings\n", d.enterprise,
                                      run.ruleset, dsl::format_date(run.as_of), fs.size());
  std::map<Verdict, std::size_t> by_verdict;
  std::map<std::string, std::map<Verdict, std::size_t>> by_rule;
  for (const auto& f : fs) {
    ++by_verdict[f.verdict];
    ++by_rule[f.rule][f.verdict];
  }
  if (run.sweep_id) {
    std::map<std::string, std::size_t> changes;
    for (const auto& f : fs) ++changes[f.change];
    out += fmt::format("sweep {} (compared with {}): new={} persisting={} repeat={} resolved={}\n",
                       *run.sweep_id,
                       run.previous_sweep_id ? fmt::format("sweep {}", *run.previous_sweep_id)
                                             : "nothing: first sweep",
                       changes["new"], changes["persisting"], changes["repeat"], d.resolved.size());
  }
  out += "verdicts:";
  for (const auto& [v, n] : by_verdict) out += fmt::format(" {}={}", dsl::model::to_string(v), n);
  out += "\n";
  for (const auto& [rule, counts] : by_rule) {
    out += fmt::format("  {:<40}", rule);
    for (const auto& [v, n] : counts) out += fmt::format(" {}={}", dsl::model::to_string(v), n);
    out += "\n";
  }
  for (const auto& f : fs) {
    const bool bold = d.color && f.severity >= Severity::high;
    out += cell(std::string(dsl::model::to_string(f.severity)), 8, bold ? "\033[1m" : nullptr) +
           " " +
           cell(std::string(dsl::model::to_string(f.verdict)), 14,
                d.color ? verdict_colour(f.verdict) : nullptr) +
           fmt::format(" {} {}:{}", f.rule, f.subject_record, f.subject_key);
    if (!f.enterprise_id.empty() && f.enterprise_id != f.subject_key)
      out += fmt::format(" (enterprise {})", f.enterprise_id);
    const std::string& msg = en ? f.message_en : f.message_zh;
    if (!msg.empty()) out += "  " + msg;
    if (!f.missing.empty()) {
      out += "  missing:";
      for (const auto& m : f.missing) out += " " + m;
    }
    if (!f.error.empty()) out += "  error: " + f.error;
    if (!f.change.empty()) out += "  [" + f.change + "]";
    out += "\n";
    // The comparisons that failed, with the value found and the value required.
    for (const auto& c : f.conditions) {
      if (!c.holds || *c.holds) continue;
      const bool constant_right =
          c.right == c.right_value || c.right == "\"" + c.right_value + "\"";
      out += fmt::format("    {} {} = {}, {} {} {}{}\n", en ? "fails:" : "不满足:", c.left,
                         c.left_value, en ? "required" : "要求", c.op, c.right,
                         constant_right ? "" : fmt::format(" = {}", c.right_value));
    }
  }
  for (const auto& r : d.resolved)
    out += fmt::format("resolved {} {}:{} (was {} since {})\n", r.rule, r.subject_record,
                       r.subject_key, r.verdict, r.first_seen);
  // Screening: one line per application with its decision, then what it rests on.
  for (const auto& dec : d.decisions) {
    const char* colour = !d.color                                        ? nullptr
                         : dec.decision == engine::Decision::reject      ? "\033[31m"
                         : dec.decision == engine::Decision::conditional ? "\033[33m"
                                                                         : "\033[32m";
    std::string word = engine::to_string(dec.decision);
    out += fmt::format("decision {} {}: {}\n", dec.application_id, dec.project_name,
                       colour ? std::string(colour) + word + "\033[0m" : word);
    for (auto i : dec.reasons)
      if (i < fs.size())
        out += fmt::format("  reason: {} ({})\n", fs[i].rule, detail::clauses(fs[i]));
    for (auto i : dec.conditions)
      if (i < fs.size())
        out += fmt::format("  condition: {} ({})\n", fs[i].rule, detail::clauses(fs[i]));
    for (const auto& doc : dec.documents)
      out += fmt::format("  document: {}{}\n", doc.field,
                         doc.description.empty() ? "" : " (" + doc.description + ")");
  }
  return out;
}

}  // namespace eco::reports
