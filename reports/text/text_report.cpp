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

// The screening decisions: a summary line, then per application its decision (coloured on a
// terminal), the reasons with their clauses, the documents to request, what could not be
// evaluated and the conditions for review.
static std::string screening_text(const ReportData& d) {
  const auto& fs = *d.findings;
  const bool en = d.lang == "en";
  std::size_t n[3] = {0, 0, 0};
  for (const auto& dec : d.decisions) ++n[static_cast<int>(dec.decision)];
  std::string out = fmt::format("screening of {} application{} ({}) as of {}: reject={} conditional={} approve={}\n",
                                d.decisions.size(), d.decisions.size() == 1 ? "" : "s", d.run.ruleset,
                                dsl::format_date(d.run.as_of), n[2], n[1], n[0]);
  auto label = [&](engine::Decision v) -> std::string {
    const char* word = v == engine::Decision::reject        ? (en ? "REJECT" : "不予批准 (reject)")
                       : v == engine::Decision::conditional ? (en ? "CONDITIONAL" : "有条件 / 待补充 (conditional)")
                                                            : (en ? "APPROVE" : "可予批准 (approve)");
    if (!d.color) return word;
    const char* colour = v == engine::Decision::reject ? "\033[31m" : v == engine::Decision::conditional ? "\033[33m" : "\033[32m";
    return std::string(colour) + word + "\033[0m";
  };
  auto line = [&](std::size_t i) {
    const engine::Finding& f = fs[i];
    std::string s = fmt::format("    {:<8} {} {}", dsl::model::to_string(f.severity), f.rule, en ? f.message_en : f.message_zh);
    std::string cites;
    for (const auto& c : f.citations) cites += fmt::format("{}{} “{}”", cites.empty() ? "" : "; ", c.section, c.quote);
    if (!cites.empty()) s += fmt::format("\n             {} {}", en ? "plan" : "规划", cites);
    return s + "\n";
  };
  for (const auto& dec : d.decisions) {
    out += fmt::format("\n{} {}: {}\n", dec.application_id, dec.project_name, label(dec.decision));
    if (!dec.reasons.empty()) {
      out += en ? "  reasons:\n" : "  不予批准的理由:\n";
      for (auto i : dec.reasons)
        if (i < fs.size()) out += line(i);
    }
    if (!dec.documents.empty()) {
      out += en ? "  documents to request:\n" : "  需补充的材料:\n";
      for (const auto& doc : dec.documents) {
        std::string rules;
        for (const auto& r : doc.rules) rules += (rules.empty() ? "" : ", ") + r;
        out += fmt::format("    {}{} ({} {})\n", doc.field, doc.description.empty() ? "" : " " + doc.description,
                           en ? "for" : "用于", rules);
      }
    }
    for (auto i : dec.unknowns)
      if (i < fs.size() && fs[i].missing.empty() && !fs[i].error.empty())
        out += fmt::format("  {} {}: {}\n", en ? "could not evaluate" : "无法判定", fs[i].rule, fs[i].error);
    if (!dec.conditions.empty()) {
      out += en ? "  conditions (review):\n" : "  审查条件 (需复核):\n";
      for (auto i : dec.conditions)
        if (i < fs.size()) out += line(i);
    }
  }
  return out;
}

std::string text_report(const ReportData& d) {
  if (d.kind == ReportKind::screening) return screening_text(d);
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
  return out;
}

}  // namespace eco::reports
