// The workbook: Summary, Findings, On-site checklist, Upcoming deadlines. Each table sheet has
// a frozen, bold header row and an autofilter; dates are real dates (a serial number with a
// date format), day counts are numbers, and text is neutralised against formula injection
// (libxlsxwriter never turns a string into a formula, but a reader's export to CSV would).
#include <xlsxwriter.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "reports/common.hpp"
#include "reports/compliance.hpp"
#include "reports/report.hpp"

namespace eco::reports {

namespace {

using Cell = std::variant<std::monostate, std::string, double, dsl::Date>;

struct Column {
  std::string header;
  double width;
};

struct Book {
  lxw_workbook* wb;
  lxw_format* header;
  lxw_format* date;
  lxw_format* wrap;
};

void check(lxw_error e, const std::string& what) {
  if (e != LXW_NO_ERROR) throw ReportError(what + ": " + lxw_strerror(e));
}

void write_cell(Book& b, lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, const Cell& cell) {
  if (const auto* s = std::get_if<std::string>(&cell)) {
    if (!s->empty())
      check(worksheet_write_string(ws, r, c, neutralise_formula(*s).c_str(), nullptr),
            "writing a cell");
  } else if (const auto* n = std::get_if<double>(&cell)) {
    check(worksheet_write_number(ws, r, c, *n, nullptr), "writing a number");
  } else if (const auto* d = std::get_if<dsl::Date>(&cell)) {
    const auto ymd = dsl::to_ymd(*d);
    lxw_datetime dt{ymd.year, static_cast<int>(ymd.month), static_cast<int>(ymd.day), 0, 0, 0};
    check(worksheet_write_datetime(ws, r, c, &dt, b.date), "writing a date");
  }
}

// A sheet with a frozen header row, an autofilter over the table and the column widths.
void table_sheet(Book& b, const std::string& name, const std::vector<Column>& cols,
                 const std::vector<std::vector<Cell>>& rows) {
  lxw_worksheet* ws = workbook_add_worksheet(b.wb, name.c_str());
  if (!ws) throw ReportError("cannot add the sheet " + name);
  for (lxw_col_t c = 0; c < cols.size(); ++c) {
    check(worksheet_set_column(ws, c, c, cols[c].width, nullptr), "setting a column width");
    check(worksheet_write_string(ws, 0, c, cols[c].header.c_str(), b.header), "writing a header");
  }
  for (lxw_row_t r = 0; r < rows.size(); ++r)
    for (lxw_col_t c = 0; c < rows[r].size() && c < cols.size(); ++c)
      write_cell(b, ws, r + 1, c, rows[r][c]);
  worksheet_freeze_panes(ws, 1, 0);
  check(worksheet_autofilter(ws, 0, 0, static_cast<lxw_row_t>(rows.size()),
                             static_cast<lxw_col_t>(cols.size() - 1)),
        "setting the autofilter");
}

Cell date_cell(const std::optional<dsl::Date>& d) {
  return d ? Cell(*d) : Cell();
}
template <typename T>
Cell num_cell(const std::optional<T>& v) {
  return v ? Cell(static_cast<double>(*v)) : Cell();
}

}  // namespace

void write_xlsx_report(const ReportData& d, const std::string& path) {
  using namespace detail;
  const auto& L = d.lang;
  lxw_workbook_options opts{};
  opts.constant_memory = LXW_FALSE;  // autofilter and freeze need the whole sheet
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &opts);
  if (!wb) throw ReportError("cannot create " + path);
  // workbook_close frees everything: close on every path out of here.
  struct Closer {
    lxw_workbook* wb;
    bool closed = false;
    ~Closer() {
      if (!closed) workbook_close(wb);
    }
  } closer{wb};
  Book b{wb, workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb)};
  format_set_bold(b.header);
  format_set_bg_color(b.header, 0xDDE5EE);
  format_set_num_format(b.date, "yyyy-mm-dd");
  format_set_text_wrap(b.wrap);

  const EnterpriseIndex index(d);

  // Summary: what the run was and its counts.
  {
    std::vector<std::vector<Cell>> rows;
    const std::string kind = d.kind == ReportKind::audit       ? "report_audit"
                             : d.kind == ReportKind::screening ? "report_screening"
                                                               : "report_sweep";
    rows.push_back({label(L, "title"), label(L, kind)});
    if (!d.enterprise.empty())
      rows.push_back({label(L, "enterprise"), d.enterprise + " " + index.name(d.enterprise)});
    rows.push_back({label(L, "ruleset"), d.run.ruleset + " " + d.run.ruleset_title});
    rows.push_back({label(L, "as_of"), d.run.as_of});
    rows.push_back({label(L, "generated"), d.run.generated_at});
    if (d.kind == ReportKind::sweep)
      rows.push_back({label(L, "enterprises_checked"), double(d.enterprises_checked)});
    if (d.selection) {
      if (d.selection->empty()) rows.push_back({label(L, "selection"), label(L, "selection_none")});
      for (const auto& [what, value] : *d.selection) rows.push_back({label(L, "selection") + ": " + what, value});
    }
    rows.push_back({label(L, "total_findings"), double(d.findings->size())});
    std::map<dsl::model::Verdict, std::size_t> by_verdict;
    std::map<dsl::model::Severity, std::size_t> by_severity;
    for (const auto& f : *d.findings) {
      ++by_verdict[f.verdict];
      ++by_severity[f.severity];
    }
    for (const auto& [v, n] : by_verdict)
      rows.push_back({label(L, "verdict") + ": " + verdict_label(L, v), double(n)});
    for (auto it = by_severity.rbegin(); it != by_severity.rend(); ++it)
      rows.push_back(
          {label(L, "severity") + ": " + severity_label(L, it->first), double(it->second)});
    for (const auto& dec : d.decisions)
      rows.push_back({label(L, "decision") + ": " + dec.application_id + " " + dec.project_name,
                      decision_label(L, dec.decision)});
    table_sheet(b, label(L, "sheet_summary"), {{label(L, "item"), 34}, {label(L, "value"), 48}},
                rows);
  }

  // Findings: one row per finding, the CSV's columns with typed cells.
  {
    std::vector<Column> cols = {{label(L, "col_enterprise_id"), 22},
                                {label(L, "col_enterprise_name"), 30}};
    for (const auto& dim : d.dimensions)
      cols.push_back({dim.description.empty() ? dim.field : dim.description, 14});
    cols.insert(cols.end(), {{label(L, "col_rule"), 30},
                             {label(L, "col_title"), 30},
                             {label(L, "col_requirements"), 12},
                             {label(L, "col_severity"), 10},
                             {label(L, "col_verdict"), 10},
                             {label(L, "col_subject_record"), 14},
                             {label(L, "col_subject_key"), 22},
                             {label(L, "col_message"), 60},
                             {label(L, "col_clause"), 14},
                             {label(L, "col_deadline"), 12},
                             {label(L, "col_days_overdue"), 10},
                             {label(L, "col_days_left"), 10},
                             {label(L, "col_met_on"), 12},
                             {label(L, "col_missing"), 30},
                             {label(L, "col_waiver"), 20},
                             {label(L, "col_change"), 10},
                             {label(L, "col_first_seen"), 12},
                             {label(L, "col_state"), 14},
                             {label(L, "col_enforcement"), 40}});
    std::vector<std::vector<Cell>> rows;
    for (const auto& f : *d.findings) {
      const auto* e = index.find(f.owner.key);
      std::vector<Cell> r = {f.owner.key, e ? e->name : std::string()};
      for (const auto& dim : d.dimensions) {
        std::string v;
        if (e)
          if (auto it = e->dimensions.find(dim.field); it != e->dimensions.end()) v = it->second;
        r.push_back(v);
      }
      std::string reqs, missing;
      for (const auto& q : f.requirements) reqs += (reqs.empty() ? "" : " ") + q;
      for (const auto& m : f.missing) missing += (missing.empty() ? "" : " ") + m;
      r.insert(r.end(),
               {f.rule, title(f, L), reqs, severity_label(L, f.severity),
                verdict_label(L, f.verdict), f.subject_record, f.subject_key, message(f, L),
                clauses(f), date_cell(f.deadline), num_cell(f.days_overdue), num_cell(f.days_left),
                date_cell(f.met_on), missing, f.waiver ? Cell(f.waiver->id) : Cell(),
                f.change == engine::Change::none ? Cell() : Cell(label(L, engine::to_string(f.change))), date_cell(f.first_seen),
                enforcement_state(f, L), enforcement_steps(f, L)});
      rows.push_back(std::move(r));
    }
    table_sheet(b, label(L, "sheet_findings"), cols, rows);
  }

  // On-site checklist: one row per missing value, with a column to tick.
  {
    std::vector<std::vector<Cell>> rows;
    for (const auto& item : checklist(d)) {
      std::string rules, what;
      for (const auto& r : item.rules) rules += (rules.empty() ? "" : " ") + r;
      for (const auto& w : item.what) what += (what.empty() ? "" : "; ") + w;
      rows.push_back({item.owner_key, index.name(item.owner_key),
                      item.subject_record + ":" + item.subject_key, item.field, item.description,
                      what, rules, std::string()});
    }
    table_sheet(b, label(L, "sheet_checklist"),
                {{label(L, "col_enterprise_id"), 22},
                 {label(L, "col_enterprise_name"), 30},
                 {label(L, "subject"), 28},
                 {label(L, "fills_field"), 30},
                 {label(L, "field_description"), 40},
                 {label(L, "verify"), 40},
                 {label(L, "needed_by"), 30},
                 {label(L, "checked"), 10}},
                rows);
  }

  // Deadlines: every finding with a deadline, soonest first.
  {
    std::vector<std::vector<Cell>> rows;
    for (const auto* f : with_deadlines(d))
      rows.push_back({f->owner.key, index.name(f->owner.key), f->rule, title(*f, L),
                      f->subject_record + ":" + f->subject_key, verdict_label(L, f->verdict),
                      date_cell(f->deadline), num_cell(f->days_left), num_cell(f->days_overdue),
                      date_cell(f->met_on)});
    table_sheet(b, label(L, "sheet_deadlines"),
                {{label(L, "col_enterprise_id"), 22},
                 {label(L, "col_enterprise_name"), 30},
                 {label(L, "col_rule"), 30},
                 {label(L, "col_title"), 30},
                 {label(L, "subject"), 28},
                 {label(L, "col_verdict"), 10},
                 {label(L, "col_deadline"), 12},
                 {label(L, "col_days_left"), 10},
                 {label(L, "col_days_overdue"), 10},
                 {label(L, "col_met_on"), 12}},
                rows);
  }
  closer.closed = true;
  check(workbook_close(wb), "writing " + path);
}

void write_compliance_xlsx(const engine::ComplianceHistory& h, const std::string& lang, const std::string& path) {
  using namespace detail;
  const auto& L = lang;
  lxw_workbook_options opts{};
  opts.constant_memory = LXW_FALSE;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &opts);
  if (!wb) throw ReportError("cannot create " + path);
  struct Closer {
    lxw_workbook* wb;
    bool closed = false;
    ~Closer() {
      if (!closed) workbook_close(wb);
    }
  } closer{wb};
  Book b{wb, workbook_add_format(wb), workbook_add_format(wb), workbook_add_format(wb)};
  format_set_bold(b.header);
  format_set_bg_color(b.header, 0xDDE5EE);
  format_set_num_format(b.date, "yyyy-mm-dd");
  format_set_text_wrap(b.wrap);
  // One fill per status, as the HTML grid colours them.
  std::map<std::string, lxw_format*> fill;
  for (const auto& [status, colour] : {std::pair<const char*, lxw_color_t>{"in_compliance", 0xDCFAE6},
                                       {"violation", 0xFEF0C7}, {"significant_non_compliance", 0xFEE4E2},
                                       {"unknown", 0xF2F4F7}, {"no_sweep", 0xFFFFFF}}) {
    fill[status] = workbook_add_format(wb);
    format_set_bg_color(fill[status], colour);
    format_set_align(fill[status], LXW_ALIGN_CENTER);
  }

  // Grid: one row per enterprise, one column per quarter.
  {
    lxw_worksheet* ws = workbook_add_worksheet(wb, "Grid");
    if (!ws) throw ReportError("cannot add the sheet Grid");
    const std::vector<Column> cols{{label(L, "enterprise"), 22}, {label(L, "title"), 24}, {label(L, "jurisdiction"), 12}};
    for (lxw_col_t c = 0; c < cols.size(); ++c) {
      check(worksheet_set_column(ws, c, c, cols[c].width, nullptr), "setting a column width");
      check(worksheet_write_string(ws, 0, c, cols[c].header.c_str(), b.header), "writing a header");
    }
    for (std::size_t q = 0; q < h.quarters.size(); ++q) {
      const auto c = static_cast<lxw_col_t>(cols.size() + q);
      check(worksheet_set_column(ws, c, c, 12, nullptr), "setting a column width");
      check(worksheet_write_string(ws, 0, c, h.quarters[q].c_str(), b.header), "writing a header");
    }
    lxw_row_t r = 1;
    for (const auto& row : h.rows) {
      write_cell(b, ws, r, 0, row.key);
      write_cell(b, ws, r, 1, row.name);
      write_cell(b, ws, r, 2, row.jurisdiction);
      for (std::size_t q = 0; q < row.quarters.size(); ++q) {
        const auto& cell = row.quarters[q];
        const std::string status = cell.sweeps.empty() ? "no_sweep" : engine::to_string(cell.status);
        check(worksheet_write_string(ws, r, static_cast<lxw_col_t>(cols.size() + q),
                                     neutralise_formula(quarter_label(cell, L)).c_str(), fill[status]),
              "writing a cell");
      }
      ++r;
    }
    worksheet_freeze_panes(ws, 1, 3);
  }
  // Quarters: the CSV's rows.
  {
    std::vector<std::vector<Cell>> rows;
    for (const auto& row : h.rows)
      for (const auto& c : row.quarters) {
        std::string sweeps;
        for (auto s : c.sweeps) sweeps += (sweeps.empty() ? "" : " ") + std::to_string(s);
        rows.push_back({row.key, row.name, row.jurisdiction, c.quarter, std::string(engine::to_string(c.status)),
                        quarter_label(c, L), sweeps, double(c.significant), double(c.violations), double(c.unknown)});
      }
    table_sheet(b, "Quarters",
                {{"enterprise_id", 22}, {"enterprise_name", 24}, {"jurisdiction", 12}, {"quarter", 10}, {"status", 26},
                 {"status_label", 18}, {"sweeps", 12}, {"significant", 12}, {"violations", 12}, {"unknown", 10}},
                rows);
  }
  closer.closed = true;
  check(workbook_close(wb), "writing " + path);
}

}  // namespace eco::reports
