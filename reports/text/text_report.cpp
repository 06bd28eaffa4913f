// The compact terminal summary (moved from cli/cmd_sweep.cpp; its lines are pinned by
// the golden files of the end-to-end cases tests/e2e/cases/sweep and tests/e2e/cases/reports).
#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>

#include <unistd.h>

#include "reports/common.hpp"
#include "reports/compliance.hpp"
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
    case Verdict::error:
      return "\033[35m";
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
                                d.decisions.size(), d.decisions.size() == 1 ? "" : "s", printable(d.run.ruleset),
                                dsl::format_date(d.run.as_of), n[2], n[1], n[0]);
  auto label = [&](engine::Decision v) -> std::string {
    const char* word = v == engine::Decision::reject        ? (en ? "REJECT" : "不予批准 (reject)")
                       : v == engine::Decision::conditional ? (en ? "CONDITIONAL" : "有条件 / 待补充 (conditional)")
                                                            : (en ? "APPROVE" : "可予批准 (approve)");
    if (!d.color) return word;
    const char* colour = v == engine::Decision::reject ? "\033[31m" : v == engine::Decision::conditional ? "\033[33m" : "\033[32m";
    return std::string(colour) + word + "\033[0m";
  };
  // Data reach the terminal only through printable(): no value can act on it (issue 17).
  auto line = [&](std::size_t i) {
    const engine::Finding& f = fs[i];
    std::string s = fmt::format("    {:<8} {} {}", dsl::model::to_string(f.severity), printable(f.rule),
                                printable(en ? f.message_en : f.message_zh));
    std::string cites;
    for (const auto& c : f.citations) cites += fmt::format("{}{} “{}”", cites.empty() ? "" : "; ", c.section, c.quote);
    if (!cites.empty()) s += fmt::format("\n             {} {}", en ? "plan" : "规划", printable(cites));
    return s + "\n";
  };
  for (const auto& dec : d.decisions) {
    out += fmt::format("\n{} {}: {}\n", printable(dec.application_id), printable(dec.project_name), label(dec.decision));
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
        out += fmt::format("    {}{} ({} {})\n", printable(doc.field), printable(doc.description.empty() ? "" : " " + doc.description),
                           en ? "for" : "用于", printable(rules));
      }
    }
    // Unknowns that no missing document explains: an evaluation failure, or what a rule's
    // unknown_when says to verify (its message).
    for (auto i : dec.unknowns)
      if (i < fs.size() && fs[i].missing.empty()) {
        if (!fs[i].error.empty())
          out += fmt::format("  {} {}: {}\n", en ? "could not evaluate" : "无法判定", printable(fs[i].rule),
                             printable(fs[i].error));
        else
          out += fmt::format("  {} {}: {}\n", en ? "to verify" : "待核实", printable(fs[i].rule),
                             printable(en ? fs[i].message_en : fs[i].message_zh));
      }
    if (!dec.conditions.empty()) {
      out += en ? "  conditions (review):\n" : "  审查条件 (需复核):\n";
      for (auto i : dec.conditions)
        if (i < fs.size()) out += line(i);
    }
  }
  return out;
}

namespace {

// Text held until what precedes it can be written: in memory up to kSpoolMemory bytes, beyond
// that in an unnamed temporary file (removed when closed, or when the process dies). When no
// temporary file can be made, it stays in memory.
class Spool {
 public:
  static constexpr std::size_t kSpoolMemory = 8u << 20;
  Spool() = default;
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;
  ~Spool() {
    if (file_) std::fclose(file_);
  }
  std::string& text() { return buf_; }
  // Moves the text held in memory to the file once there is enough of it.
  void spill() {
    if (buf_.size() < kSpoolMemory) return;
    if (!file_ && !no_file_) {
      file_ = temporary_file();
      no_file_ = !file_;
    }
    if (!file_) return;
    if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size())
      throw ReportError(fmt::format("writing the text report's temporary file: {}", std::strerror(errno)));
    buf_.clear();
  }
  // Writes everything spooled to `out`.
  void copy_to(std::ostream& out) {
    if (file_) {
      std::rewind(file_);
      std::string chunk(1u << 20, '\0');
      while (std::size_t n = std::fread(chunk.data(), 1, chunk.size(), file_))
        out.write(chunk.data(), static_cast<std::streamsize>(n));
      if (std::ferror(file_))
        throw ReportError(fmt::format("reading the text report's temporary file: {}", std::strerror(errno)));
    }
    out.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  }

 private:
  // In the temporary directory (TMPDIR), unlinked at once.
  static std::FILE* temporary_file() {
    std::error_code ec;
    auto dir = std::filesystem::temp_directory_path(ec);
    if (ec) return nullptr;
    std::string name = (dir / "ecoaudit-text-XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0) return nullptr;
    ::unlink(name.c_str());
    std::FILE* f = ::fdopen(fd, "w+b");
    if (!f) ::close(fd);
    return f;
  }

  std::string buf_;
  std::FILE* file_ = nullptr;
  bool no_file_ = false;
};

// The summary's lines come before the findings' and count all of them: the findings' lines
// are spooled while the counts grow, and written after the summary at finish().
class TextWriter final : public ReportWriter {
 public:
  TextWriter(std::ostream& out, const ReportData& head)
      : out_(out), run_(head.run), enterprise_(head.enterprise), en_(head.lang == "en"), color_(head.color) {
    // An audit's quarter grid in one line, as `ecoaudit history` writes a row.
    if (head.compliance && !head.compliance->rows.empty()) {
      const auto& h = *head.compliance;
      std::string grid;
      for (const auto& c : h.rows.front().quarters) grid += quarter_letter(c);
      compliance_ = fmt::format(
          "compliance by quarter ({} to {}; C in compliance, V violation, S significant non-compliance, ? unknown, - "
          "no sweep): {}\n",
          h.quarters.front(), h.quarters.back(), grid);
    }
  }

  void add(const std::vector<engine::Finding>& piece) override {
    for (const auto& f : piece) line(f);
    spool_.spill();
  }

  void finish(const std::vector<engine::ResolvedFinding>& resolved) override {
    std::string out = enterprise_.empty()
                          ? fmt::format("{} of {} as of {}: {} findings\n",
                                        run_.command == "screen" ? "screen" : "sweep", printable(run_.ruleset),
                                        dsl::format_date(run_.as_of), count_)
                          : fmt::format("audit of {} ({}) as of {}: {} findings\n", printable(enterprise_),
                                        printable(run_.ruleset), dsl::format_date(run_.as_of), count_);
    out += compliance_;
    if (run_.sweep_id) {
      out += fmt::format("sweep {} (compared with {}): new={} persisting={} repeat={} resolved={}\n",
                         *run_.sweep_id,
                         run_.previous_sweep_id ? fmt::format("sweep {}", *run_.previous_sweep_id)
                                                : "nothing: first sweep",
                         changes_[engine::Change::new_], changes_[engine::Change::persisting],
                         changes_[engine::Change::repeat], resolved.size());
    }
    out += "verdicts:";
    for (const auto& [v, n] : by_verdict_) out += fmt::format(" {}={}", dsl::model::to_string(v), n);
    out += "\n";
    for (const auto& [rule, counts] : by_rule_) {
      out += fmt::format("  {:<40}", printable(rule));
      for (const auto& [v, n] : counts) out += fmt::format(" {}={}", dsl::model::to_string(v), n);
      out += "\n";
    }
    out_ << out;
    spool_.copy_to(out_);
    out.clear();
    for (const auto& r : resolved)
      out += printable(fmt::format("resolved {} {}:{} (was {} since {})", r.rule, r.subject_record, r.subject_key,
                                   r.verdict, r.first_seen)) +
             "\n";
    out_ << out;
  }

 private:
  void line(const engine::Finding& f) {
    ++count_;
    ++by_verdict_[f.verdict];
    ++by_rule_[f.rule][f.verdict];
    if (run_.sweep_id) ++changes_[f.change];
    std::string& out = spool_.text();
    const bool bold = color_ && f.severity >= Severity::high;
    out += cell(std::string(dsl::model::to_string(f.severity)), 8, bold ? "\033[1m" : nullptr) +
           " " +
           cell(std::string(dsl::model::to_string(f.verdict)), 14,
                color_ ? verdict_colour(f.verdict) : nullptr) +
           printable(fmt::format(" {} {}:{}", f.rule, f.subject_record, f.subject_key));
    // Everything after the coloured cells is data: it reaches the terminal through printable().
    std::string rest;
    if (!f.owner.key.empty() && f.owner.key != f.subject_key)
      rest += fmt::format(" (enterprise {})", f.owner.key);
    const std::string& msg = en_ ? f.message_en : f.message_zh;
    if (!msg.empty()) rest += "  " + msg;
    if (!f.missing.empty()) {
      rest += "  missing:";
      for (const auto& m : f.missing) rest += " " + m;
    }
    if (!f.error.empty()) rest += "  error: " + f.error;
    if (f.change != engine::Change::none) rest += std::string("  [") + engine::to_string(f.change) + "]";
    out += printable(rest) + "\n";
    // Where it stands in the enforcement workflow: its state, the inspection that checked it,
    // the actions taken.
    if (f.enforcement) {
      const auto& e = *f.enforcement;
      std::string line = fmt::format("    {} {}", en_ ? "state:" : "状态:", e.state);
      if (e.inspection)
        line += en_ ? fmt::format("; inspection {} item {}: {} {}", e.inspection, e.item, e.outcome, e.checked_on)
                    : fmt::format("; 检查 {} 第 {} 项: {} {}", e.inspection, e.item, e.outcome, e.checked_on);
      for (const auto& a : e.actions)
        line += fmt::format("; {} {} {}{}", a.kind, a.reference, a.issued_on,
                            a.deadline.empty() ? "" : fmt::format(" ({} {})", en_ ? "due" : "期限", a.deadline));
      out += printable(line) + "\n";
    }
    // The comparisons that failed, with the value found and the value required.
    for (const auto& c : f.conditions) {
      if (!c.holds || *c.holds) continue;
      const bool constant_right =
          c.right == c.right_value || c.right == "\"" + c.right_value + "\"";
      out += "    " +
             printable(fmt::format("{} {} = {}, {} {} {}{}", en_ ? "fails:" : "不满足:", c.left, c.left_value,
                                   en_ ? "required" : "要求", c.op, c.right,
                                   constant_right ? "" : fmt::format(" = {}", c.right_value))) +
             "\n";
    }
  }

  std::ostream& out_;
  engine::RunInfo run_;
  std::string enterprise_;
  bool en_, color_;
  std::string compliance_;  // an audit's quarter grid line, or ""
  std::size_t count_ = 0;
  std::map<Verdict, std::size_t> by_verdict_;
  std::map<std::string, std::map<Verdict, std::size_t>> by_rule_;
  std::map<engine::Change, std::size_t> changes_;
  Spool spool_;
};

}  // namespace

std::unique_ptr<ReportWriter> text_report_writer(std::ostream& out, const ReportData& head) {
  if (head.kind == ReportKind::screening) return nullptr;
  return std::make_unique<TextWriter>(out, head);
}

std::string text_report(const ReportData& d) {
  if (d.kind == ReportKind::screening) return screening_text(d);
  std::ostringstream out;
  TextWriter w(out, d);
  w.add(*d.findings);
  w.finish(d.resolved);
  return std::move(out).str();
}

}  // namespace eco::reports
