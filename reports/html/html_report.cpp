// HTML reports: the data of a report as a mustache context, rendered through the templates of
// reports/templates/ (compiled in). Every value from the data goes through {{...}}, which
// escapes & < > " ' (text and double-quoted attributes alike); the one value placed inside
// the stylesheet (the printed page header) is escaped for a CSS string instead, see
// css_string. The SVG charts are drawn here as geometry (numbers) that the templates lay out.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mustache.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "reports/common.hpp"
#include "reports/compliance.hpp"
#include "reports/embedded.hpp"
#include "reports/report.hpp"

namespace eco::reports {

namespace {

using dsl::model::Severity;
using dsl::model::Verdict;
using kainjow::mustache::data;
using kainjow::mustache::mustache;
using kainjow::mustache::partial;
using namespace detail;

data list() {
  return data(data::type::list);
}
// A string for a {{#section}}: mustache treats every string, even "", as true, so an empty
// value becomes false (and is still set, so that the name never resolves in an outer context).
data str_or_false(const std::string& s) {
  return s.empty() ? data(false) : data(s);
}
std::string num(double v) {
  return fmt::format("{:.1f}", v);
}

// A CSS string literal's content: ASCII punctuation and controls as hex escapes (so that
// neither `"` nor `</style>` can end it early), letters, digits and UTF-8 text as they are.
std::string css_string(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x80 || std::isalnum(c) || c == ' ' || c == '.' || c == '-' || c == ':' || c == '/')
      out += static_cast<char>(c);
    else
      out += fmt::format("\\{:x} ", c);
  }
  return out;
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

data field_list(const std::vector<FieldValue>& fields) {
  data l = list();
  for (const auto& f : fields) {
    data x;
    x.set("name", f.name);
    x.set("description", f.description.empty() ? f.name : f.description);
    x.set("value", f.value);
    l.push_back(x);
  }
  return l;
}

// What every rendering of a finding shows: rule, title, severity, verdict, subject, message.
data finding_head(const engine::Finding& f, const std::string& L, const EnterpriseIndex& index) {
  data x;
  x.set("rule", f.rule);
  x.set("title", title(f, L));
  x.set("severity", std::string(dsl::model::to_string(f.severity)));
  x.set("severity_label", severity_label(L, f.severity));
  x.set("verdict", std::string(dsl::model::to_string(f.verdict)));
  x.set("verdict_label", verdict_label(L, f.verdict));
  x.set("subject", f.subject_record + ":" + f.subject_key);
  x.set("enterprise_name", index.name(f.owner.key));
  x.set("message", str_or_false(message(f, L)));
  return x;
}

data finding_data(const engine::Finding& f, const std::string& L, const EnterpriseIndex& index) {
  data x = finding_head(f, L, index);
  std::string reqs;
  for (const auto& r : f.requirements) reqs += (reqs.empty() ? "" : " ") + r;
  x.set("requirements", str_or_false(reqs));
  data cites = list();
  for (const auto& c : f.citations) {
    data y;
    y.set("section", c.section);
    y.set("quote", c.quote);
    cites.push_back(y);
  }
  x.set("citations", cites);
  data ev = list();
  for (const auto& e : f.evidence) {
    data y;
    y.set("record", e.record.str());
    y.set("key", e.key);
    y.set("field", e.field.str());
    y.set("value", e.value);
    y.set("missing", e.missing);
    y.set("file", e.file.str());
    y.set("file_base", base_name(e.file));
    y.set("line", str_or_false(e.line ? std::to_string(e.line) : ""));
    y.set("batch", str_or_false(e.batch ? std::to_string(e.batch) : ""));
    ev.push_back(y);
  }
  x.set("evidence", ev);
  data conds = list();
  for (const auto& c : f.conditions) {
    data y;
    y.set("expr", c.expr);
    y.set("left", c.left);
    y.set("left_value", c.left_value);
    y.set("op", c.op);
    y.set("right", c.right);
    y.set("right_value", c.right_value);
    y.set("holds_class", !c.holds ? "undecided" : *c.holds ? "holds" : "fails");
    y.set("holds_label", label(L, !c.holds   ? "holds_unknown"
                                  : *c.holds ? "holds_yes"
                                             : "holds_no"));
    conds.push_back(y);
  }
  x.set("conditions", conds);
  x.set("deadline", str_or_false(date_or_empty(f.deadline)));
  x.set("days_overdue", str_or_false(f.days_overdue ? std::to_string(*f.days_overdue) : ""));
  x.set("days_left", str_or_false(f.days_left ? std::to_string(*f.days_left) : ""));
  x.set("met_on", str_or_false(date_or_empty(f.met_on)));
  data missing = list();
  for (const auto& m : f.missing) missing.push_back(data(m));
  x.set("missing", missing);
  x.set("has_missing", !f.missing.empty());
  x.set("has_conditions", !f.conditions.empty());
  x.set("has_evidence", !f.evidence.empty());
  x.set("error", str_or_false(f.error));
  x.set("unverified", f.rests_on_unverified);
  if (f.waiver) {
    data w;
    w.set("id", f.waiver->id);
    w.set("legal_basis", f.waiver->legal_basis);
    w.set("approver", f.waiver->approver);
    w.set("valid_from", dsl::format_date(f.waiver->valid_from));
    w.set("valid_until", dsl::format_date(f.waiver->valid_until));
    w.set("expired", f.waiver->expired);
    x.set("waiver", w);
  } else {
    x.set("waiver", false);
  }
  // Where it stands in the enforcement workflow (docs/enforcement.md), in the report's language.
  if (f.enforcement) {
    const auto& e = *f.enforcement;
    data en;
    en.set("state", label(L, "state_" + e.state));
    if (e.inspection) {
      data in;
      in.set("id", std::to_string(e.inspection));
      in.set("item", std::to_string(e.item));
      in.set("outcome", label(L, "outcome_" + e.outcome));
      in.set("checked", e.checked_on);
      en.set("inspection", in);
    } else {
      en.set("inspection", false);
    }
    data actions = list();
    for (const auto& a : e.actions) {
      data y;
      y.set("kind", label(L, "action_" + a.kind));
      y.set("reference", a.reference);
      y.set("issued", a.issued_on);
      y.set("deadline", str_or_false(a.deadline));
      actions.push_back(y);
    }
    en.set("actions", actions);
    x.set("enforcement", en);
  } else {
    x.set("enforcement", false);
  }
  x.set("change", str_or_false(f.change == engine::Change::none ? "" : label(L, engine::to_string(f.change))));
  x.set("first_seen", str_or_false(date_or_empty(f.first_seen)));
  return x;
}

// A finding as one row of a table (the dashboard's lists): no evidence, comparisons or
// parameters, which only the audit report shows.
data finding_row(const engine::Finding& f, const std::string& L, const EnterpriseIndex& index) {
  data x = finding_head(f, L, index);
  data cites = list();
  for (const auto& c : f.citations) {
    data y;
    y.set("section", c.section);
    cites.push_back(y);
  }
  x.set("citations", cites);
  data missing = list();
  for (const auto& m : f.missing) missing.push_back(data(m));
  x.set("missing", missing);
  x.set("has_missing", !f.missing.empty());
  x.set("deadline", str_or_false(date_or_empty(f.deadline)));
  x.set("days_overdue", str_or_false(f.days_overdue ? std::to_string(*f.days_overdue) : ""));
  x.set("change", str_or_false(f.change == engine::Change::none ? "" : label(L, engine::to_string(f.change))));
  return x;
}

// The header every report shares: titles, dates, labels, the print header.
data base_data(const ReportData& d, const std::string& report_key) {
  const auto& L = d.lang;
  data x;
  data t;
  for (const auto& [k, v] : labels(L).items()) t.set(k, v.get<std::string>());
  x.set("t", t);
  x.set("lang", label(L, "lang"));
  x.set("report_title", label(L, report_key));
  x.set("ruleset", d.run.ruleset);
  x.set("ruleset_title", d.run.ruleset_title);
  x.set("as_of", dsl::format_date(d.run.as_of));
  const std::string generated = d.run.generated_at.substr(0, 10);
  x.set("generated", generated);
  x.set("generated_at", d.run.generated_at);
  std::string batches;
  for (auto b : d.run.batches) batches += (batches.empty() ? "" : ", ") + std::to_string(b);
  x.set("batches", str_or_false(batches));
  x.set("sweep_id", false);
  x.set("page_subject", false);
  x.set("page_header_css",
        css_string(fmt::format("{} · {} {} · {} {}", label(L, report_key), label(L, "generated"),
                               generated, label(L, "as_of"), dsl::format_date(d.run.as_of))));
  return x;
}

// Horizontal stacked bars (violations, unknown, upcoming) per category.
struct Counts {
  std::size_t violations = 0, unknown = 0, upcoming = 0;
  std::size_t total() const { return violations + unknown + upcoming; }
};

data bar_chart(const std::string& id, const std::string& chart_title,
               const std::vector<std::pair<std::string, Counts>>& rows, const std::string& L) {
  constexpr double width = 640, label_w = 170, plot_w = 400, row_h = 24, top = 28;
  std::size_t max = 1;
  for (const auto& [_, c] : rows) max = std::max(max, c.total());
  data x;
  x.set("id", id);
  x.set("title", chart_title);
  x.set("width", num(width));
  x.set("height", num(top + row_h * static_cast<double>(rows.size()) + 8));
  x.set("label_x", num(label_w - 8));
  data rl = list();
  double y = top;
  for (const auto& [name, c] : rows) {
    data r;
    r.set("label", name);
    r.set("y", num(y));
    r.set("text_y", num(y + row_h / 2 + 4));
    data segs = list();
    double at = label_w;
    const std::pair<const char*, std::size_t> parts[] = {
        {"violation", c.violations}, {"unknown", c.unknown}, {"upcoming", c.upcoming}};
    for (const auto& [cls, n] : parts) {
      if (!n) continue;
      const double w = plot_w * static_cast<double>(n) / static_cast<double>(max);
      data s;
      s.set("cls", cls);
      s.set("x", num(at));
      s.set("w", num(w));
      s.set("n", std::to_string(n));
      segs.push_back(s);
      at += w;
    }
    r.set("segs", segs);
    r.set("y_bar", num(y + 4));
    r.set("h_bar", num(row_h - 8));
    r.set("total", std::to_string(c.total()));
    r.set("total_x", num(at + 6));
    rl.push_back(r);
    y += row_h;
  }
  x.set("rows", rl);
  data legend = list();
  double lx = label_w;
  for (const auto& [cls, key] : {std::pair{"violation", "ver_violation"},
                                 {"unknown", "ver_unknown"},
                                 {"upcoming", "ver_upcoming"}}) {
    data l;
    l.set("cls", cls);
    l.set("x", num(lx));
    l.set("text_x", num(lx + 16));
    l.set("label", label(L, key));
    legend.push_back(l);
    lx += 130;
  }
  x.set("legend", legend);
  return x;
}

void count(Counts& c, const engine::Finding& f) {
  if (is_violation(f))
    ++c.violations;
  else if (f.verdict == Verdict::unknown)
    ++c.unknown;
  else if (f.verdict == Verdict::upcoming)
    ++c.upcoming;
}

// The deadlines of findings on a time axis, the as-of date marked.
data timeline(const ReportData& d, const EnterpriseIndex& index, bool with_enterprise) {
  const auto fs = with_deadlines(d);
  data x;
  x.set("any", !fs.empty());
  if (fs.empty()) return x;
  constexpr double width = 720, left = 20, right = 20, row_h = 20, top = 50;
  std::int32_t lo = d.run.as_of.days, hi = d.run.as_of.days;
  for (const auto* f : fs) {
    lo = std::min(lo, f->deadline->days);
    hi = std::max(hi, f->deadline->days);
  }
  const double span = std::max(1, hi - lo);
  auto pos = [&](std::int32_t days) { return left + (width - left - right) * (days - lo) / span; };
  const double height = top + row_h * static_cast<double>(fs.size()) + 10;
  x.set("width", num(width));
  x.set("height", num(height));
  x.set("axis_y", num(top - 12));
  x.set("today_label_y", num(top - 18));
  x.set("axis_x1", num(left));
  x.set("axis_x2", num(width - right));
  const double today_x = pos(d.run.as_of.days);
  x.set("today_x", num(today_x));
  // The as-of label sits under the range's ends, turned towards the middle at either edge.
  x.set("today_anchor", today_x > width * 0.75   ? "end"
                        : today_x < width * 0.25 ? "start"
                                                 : "middle");
  x.set("today_label", label(d.lang, "today") + " " + dsl::format_date(d.run.as_of));
  x.set("first_label", str_or_false(lo == d.run.as_of.days ? "" : dsl::format_date(dsl::Date{lo})));
  x.set("last_label", str_or_false(hi == d.run.as_of.days ? "" : dsl::format_date(dsl::Date{hi})));
  x.set("last_x", num(width - right));
  data items = list();
  double y = top;
  for (const auto* f : fs) {
    data it;
    const double px = pos(f->deadline->days);
    it.set("x", num(px));
    it.set("y", num(y + row_h / 2));
    it.set("text_y", num(y + row_h / 2 + 4));
    // Labels go to the side of the marker that has room.
    const bool left_side = px > width / 2;
    it.set("text_x", num(left_side ? px - 8 : px + 8));
    it.set("anchor", left_side ? "end" : "start");
    it.set("cls", f->verdict == Verdict::upcoming        ? "upcoming"
                  : f->deadline->days < d.run.as_of.days ? "violation"
                                                         : "upcoming");
    std::string text =
        dsl::format_date(*f->deadline) + " " + title(*f, d.lang) + " " + f->subject_key;
    if (with_enterprise) text += " " + index.name(f->owner.key);
    it.set("label", text);
    items.push_back(it);
    y += row_h;
  }
  x.set("items", items);
  return x;
}

// Violations and unknowns of each recorded sweep as two lines.
data trend_chart(const ReportData& d) {
  data x;
  const auto& h = d.history;
  x.set("any", !h.empty());
  if (h.empty()) return x;
  constexpr double width = 640, height = 240, left = 48, right = 48, top = 40, bottom = 40;
  std::size_t max = 1;
  for (const auto& s : h) max = std::max({max, s.violations, s.unknown});
  // The points keep clear of the axis labels: inset from both ends of the axis.
  constexpr double inset = 28;
  const double step =
      h.size() > 1 ? (width - left - right - 2 * inset) / static_cast<double>(h.size() - 1) : 0;
  auto px = [&](std::size_t i) {
    return h.size() > 1 ? left + inset + step * static_cast<double>(i) : (left + width - right) / 2;
  };
  auto py = [&](std::size_t v) {
    return top +
           (height - top - bottom) * (1.0 - static_cast<double>(v) / static_cast<double>(max));
  };
  x.set("width", num(width));
  x.set("height", num(height));
  x.set("x0", num(left));
  x.set("x1", num(width - right));
  x.set("y0", num(height - bottom));
  x.set("y_top", num(top));
  x.set("max", std::to_string(max));
  x.set("max_y", num(top + 4));
  x.set("zero_y", num(height - bottom + 4));
  x.set("label_x", num(left - 6));
  data series = list();
  for (const auto& [cls, key] :
       {std::pair{"violation", "ver_violation"}, {"unknown", "ver_unknown"}}) {
    data s;
    s.set("cls", cls);
    s.set("label", label(d.lang, key));
    std::string points;
    data dots = list();
    for (std::size_t i = 0; i < h.size(); ++i) {
      const std::size_t v = std::string_view(cls) == "violation" ? h[i].violations : h[i].unknown;
      points += fmt::format("{}{},{}", i ? " " : "", num(px(i)), num(py(v)));
      data dot;
      dot.set("x", num(px(i)));
      dot.set("y", num(py(v)));
      dot.set("text_y", num(py(v) - 7));
      dot.set("v", std::to_string(v));
      dot.set("tip", fmt::format("#{} {}: {}", h[i].id, h[i].as_of, v));
      dots.push_back(dot);
    }
    s.set("points", points);
    s.set("dots", dots);
    series.push_back(s);
  }
  x.set("series", series);
  data ticks = list();
  for (std::size_t i = 0; i < h.size(); ++i) {
    data t;
    t.set("x", num(px(i)));
    t.set("y", num(height - bottom + 16));
    t.set("y2", num(height - bottom + 30));
    t.set("as_of", h[i].as_of);
    t.set("id", "#" + std::to_string(h[i].id));
    ticks.push_back(t);
  }
  x.set("ticks", ticks);
  data legend = list();
  double lx = left;
  for (const auto& [cls, key] :
       {std::pair{"violation", "ver_violation"}, {"unknown", "ver_unknown"}}) {
    data l;
    l.set("cls", cls);
    l.set("x", num(lx));
    l.set("text_x", num(lx + 16));
    l.set("label", label(d.lang, key));
    legend.push_back(l);
    lx += 130;
  }
  x.set("legend", legend);
  return x;
}

std::string render(const std::string& name, data& ctx) {
  // Every template and the stylesheet are partials, named partial_<file> ({{> partial_finding}}):
  // the prefix keeps data members from shadowing them.
  for (const auto& f : embedded_files()) {
    std::string n(f.name);
    if (n.ends_with(".mustache"))
      n.resize(n.size() - 9);
    else if (n.ends_with(".css"))
      n = "style";
    else
      continue;
    const std::string content(f.content);
    ctx.set("partial_" + n, data(partial([content] { return content; })));
  }
  std::string text(embedded_file(name + ".mustache"));
  mustache tmpl(text);
  if (!tmpl.is_valid()) throw ReportError("template " + name + ": " + tmpl.error_message());
  std::string out = tmpl.render(ctx);
  if (!tmpl.error_message().empty())
    throw ReportError("template " + name + ": " + tmpl.error_message());
  return out;
}

// The quarter grid of a compliance history (quarter_grid.mustache): a cell's class is its
// status, or no_sweep for a quarter no sweep covered (unknown, shown apart).
data grid_data(const engine::ComplianceHistory& h, const std::string& L) {
  data g;
  data quarters = list();
  for (const auto& q : h.quarters) quarters.push_back(q);
  g.set("quarters", quarters);
  data rows = list();
  for (const auto& r : h.rows) {
    data row;
    row.set("key", r.key);
    row.set("name", r.name);
    row.set("jurisdiction", r.jurisdiction);
    data cells = list();
    for (const auto& c : r.quarters) {
      data cell;
      cell.set("status", c.sweeps.empty() ? std::string("no_sweep") : std::string(engine::to_string(c.status)));
      cell.set("label", quarter_label(c, L));
      std::string sweeps;
      for (auto id : c.sweeps) sweeps += (sweeps.empty() ? "#" : ", #") + std::to_string(id);
      std::string counts = label(L, "history_counts");
      for (const auto& [k, n] : {std::pair<std::string, std::size_t>{"{significant}", c.significant},
                                 {"{violations}", c.violations}, {"{unknown}", c.unknown}})
        counts.replace(counts.find(k), k.size(), std::to_string(n));
      cell.set("title", c.quarter + (sweeps.empty() ? "" : " · " + label(L, "sweeps_in_quarter") + " " + sweeps) +
                            " · " + counts);
      cells.push_back(cell);
    }
    row.set("cells", cells);
    rows.push_back(row);
  }
  g.set("rows", rows);
  data legend = list();
  for (const char* s : {"in_compliance", "violation", "significant_non_compliance", "unknown", "no_sweep"}) {
    data l;
    l.set("status", std::string(s));
    l.set("label", label(L, std::string("q_") + s));
    legend.push_back(l);
  }
  g.set("legend", legend);
  data policy = list();
  if (!h.significant_severities.empty()) {
    std::string sev;
    for (const auto& v : h.significant_severities)
      sev += (sev.empty() ? "" : " / ") + severity_label(L, *dsl::model::parse_severity(v));
    policy.push_back(sev + " (" + h.severities_source + ")");
  }
  if (h.repeat_sweeps > 0)
    policy.push_back(fmt::format("≥ {} × ({})", h.repeat_sweeps, h.repeat_source));
  g.set("policy", policy);
  return g;
}

data audit_data(const ReportData& d) {
  const auto& L = d.lang;
  const EnterpriseIndex index(d);
  data x = base_data(d, "report_audit");
  const auto* e = index.find(d.enterprise);
  data card;
  card.set("key", d.enterprise);
  card.set("name", e ? e->name : d.enterprise);
  card.set("fields", e ? field_list(e->fields) : list());
  data related = list();
  if (e)
    for (const auto& r : e->related) {
      data y;
      y.set("record", r.record);
      y.set("title", r.title.empty() ? r.record : r.title);
      data cols = list();
      for (const auto& c : r.columns) {
        data z;
        z.set("name", c.name);
        z.set("description", c.description.empty() ? c.name : c.description);
        cols.push_back(z);
      }
      y.set("columns", cols);
      data rows = list();
      for (const auto& row : r.rows) {
        data cells = list();
        for (const auto& v : row) cells.push_back(data(v));
        data rr;
        rr.set("cells", cells);
        rows.push_back(rr);
      }
      y.set("rows", rows);
      std::string more;
      if (r.total > r.rows.size()) {
        more = label(L, "rows_shown");
        more.replace(more.find("{shown}"), 7, std::to_string(r.rows.size()));
        more.replace(more.find("{total}"), 7, std::to_string(r.total));
      }
      y.set("more", str_or_false(more));
      related.push_back(y);
    }
  card.set("related", related);
  x.set("card", card);
  // The enterprise's row of the quarter grid, when the run derived one (a policy declared).
  x.set("has_compliance", d.compliance.has_value());
  if (d.compliance) x.set("grid", grid_data(*d.compliance, L));
  // Findings grouped by severity, the most severe first.
  data groups = list();
  for (int s = static_cast<int>(Severity::critical); s >= 0; --s) {
    data fl = list();
    std::size_t n = 0;
    for (const auto& f : *d.findings)
      if (static_cast<int>(f.severity) == s) {
        fl.push_back(finding_data(f, L, index));
        ++n;
      }
    if (!n) continue;
    data g;
    g.set("severity", std::string(dsl::model::to_string(static_cast<Severity>(s))));
    g.set("label", severity_label(L, static_cast<Severity>(s)));
    g.set("count", std::to_string(n));
    g.set("findings", fl);
    groups.push_back(g);
  }
  x.set("groups", groups);
  x.set("has_findings", !d.findings->empty());
  std::map<Verdict, std::size_t> by_verdict;
  for (const auto& f : *d.findings) ++by_verdict[f.verdict];
  data vc = list();
  for (const auto& [v, n] : by_verdict) {
    data y;
    y.set("verdict", std::string(dsl::model::to_string(v)));
    y.set("label", verdict_label(L, v));
    y.set("n", std::to_string(n));
    vc.push_back(y);
  }
  x.set("verdict_counts", vc);
  data cl = list();
  for (const auto& item : checklist(d)) {
    data y;
    y.set("subject", item.subject_record + ":" + item.subject_key);
    y.set("field", item.field);
    y.set("description", str_or_false(item.description));
    std::string what, rules;
    for (const auto& w : item.what) what += (what.empty() ? "" : "; ") + w;
    for (const auto& r : item.rules) rules += (rules.empty() ? "" : " ") + r;
    y.set("what", what);
    y.set("rules", rules);
    cl.push_back(y);
  }
  x.set("checklist", cl);
  x.set("timeline", timeline(d, index, false));
  data params = list();
  for (const auto& p : parameters(d)) {
    data y;
    y.set("name", p.name);
    y.set("value", p.value);
    y.set("source", p.source);
    y.set("confidence", std::string(dsl::model::to_string(p.confidence)));
    y.set("confidence_label", confidence_label(L, p.confidence));
    params.push_back(y);
  }
  x.set("params", params);
  return x;
}

data screening_data(const ReportData& d) {
  const auto& L = d.lang;
  const EnterpriseIndex index(d);
  data x = base_data(d, "report_screening");
  const auto& fs = *d.findings;
  data decisions = list();
  for (const auto& dec : d.decisions) {
    data y;
    y.set("application_id", dec.application_id);
    y.set("project_name", str_or_false(dec.project_name));
    y.set("decision", engine::to_string(dec.decision));
    y.set("decision_label", decision_label(L, dec.decision));
    auto pick = [&](const std::vector<std::size_t>& idx) {
      data l = list();
      for (auto i : idx)
        if (i < fs.size()) l.push_back(finding_data(fs[i], L, index));
      return l;
    };
    y.set("reasons", pick(dec.reasons));
    y.set("conditions", pick(dec.conditions));
    y.set("unknowns", pick(dec.unknowns));
    data docs = list();
    for (const auto& doc : dec.documents) {
      data z;
      z.set("field", doc.field);
      z.set("description", str_or_false(doc.description));
      std::string rules;
      for (const auto& r : doc.rules) rules += (rules.empty() ? "" : " ") + r;
      z.set("rules", rules);
      docs.push_back(z);
    }
    y.set("documents", docs);
    decisions.push_back(y);
  }
  x.set("decisions", decisions);
  return x;
}

data sweep_data(const ReportData& d) {
  const auto& L = d.lang;
  const EnterpriseIndex index(d);
  data x = base_data(d, "report_sweep");
  if (d.run.sweep_id) {
    x.set("sweep_id", std::to_string(*d.run.sweep_id));
    x.set("previous_sweep_id", d.run.previous_sweep_id
                                   ? "#" + std::to_string(*d.run.previous_sweep_id)
                                   : label(L, "first_sweep"));
  }
  // Headline figures: distinct enterprises by what they have.
  std::set<std::string> viol, unk, upc;
  for (const auto& f : *d.findings) {
    if (f.owner.key.empty()) continue;
    if (is_violation(f))
      viol.insert(f.owner.key);
    else if (f.verdict == Verdict::unknown)
      unk.insert(f.owner.key);
    else if (f.verdict == Verdict::upcoming)
      upc.insert(f.owner.key);
  }
  data head = list();
  for (const auto& [key, n, cls] :
       {std::tuple{"enterprises_checked", d.enterprises_checked, "checked"},
        {"enterprises_with_violations", viol.size(), "violation"},
        {"enterprises_unknown", unk.size(), "unknown"},
        {"enterprises_upcoming", upc.size(), "upcoming"}}) {
    data y;
    y.set("label", label(L, key));
    y.set("n", std::to_string(n));
    y.set("cls", cls);
    head.push_back(y);
  }
  x.set("headline", head);
  // Charts: the group-by dimensions, the requirement area and the severity.
  data charts = list();
  int chart_no = 0;
  for (const auto& dim : d.dimensions) {
    std::map<std::string, Counts> by;
    for (const auto& f : *d.findings) {
      // Findings of no enterprise (an application, a zone) get a bucket of their own.
      const auto* e = index.find(f.owner.key);
      std::string v = f.owner.key.empty() ? label(L, "no_enterprise") : "—";
      if (e)
        if (auto it = e->dimensions.find(dim.field);
            it != e->dimensions.end() && !it->second.empty())
          v = it->second;
      count(by[v], f);
    }
    std::vector<std::pair<std::string, Counts>> rows;
    for (auto& [k, c] : by)
      if (c.total()) rows.emplace_back(k, c);
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return a.second.total() > b.second.total();
    });
    charts.push_back(bar_chart(
        "chart" + std::to_string(++chart_no),
        label(L, "by") + " " + (dim.description.empty() ? dim.field : dim.description), rows, L));
  }
  {
    std::map<std::string, Counts> by;
    for (const auto& f : *d.findings) {
      std::set<std::string> areas;
      for (const auto& r : f.requirements) areas.insert(requirement_area(r));
      if (areas.empty()) areas.insert("—");
      for (const auto& a : areas) count(by[a], f);
    }
    std::vector<std::pair<std::string, Counts>> rows;
    for (auto& [k, c] : by)
      if (c.total()) rows.emplace_back(k, c);
    charts.push_back(bar_chart("chart" + std::to_string(++chart_no),
                               label(L, "by") + " " + label(L, "requirement_area"), rows, L));
  }
  {
    std::map<Severity, Counts> by;
    for (const auto& f : *d.findings) count(by[f.severity], f);
    std::vector<std::pair<std::string, Counts>> rows;
    for (auto it = by.rbegin(); it != by.rend(); ++it)
      if (it->second.total()) rows.emplace_back(severity_label(L, it->first), it->second);
    charts.push_back(bar_chart("chart" + std::to_string(++chart_no),
                               label(L, "by") + " " + label(L, "severity"), rows, L));
  }
  x.set("charts", charts);
  x.set("trend", trend_chart(d));
  // Changes since the last sweep.
  using engine::Change;
  std::map<Change, std::size_t> changes;
  data new_list = list();
  for (const auto& f : *d.findings) {
    ++changes[f.change];
    if (f.change == engine::Change::new_ || f.change == engine::Change::repeat) new_list.push_back(finding_row(f, L, index));
  }
  data ch = list();
  for (const auto& [key, n] : {std::pair{engine::to_string(Change::new_), changes[Change::new_]},
                               {engine::to_string(Change::repeat), changes[Change::repeat]},
                               {engine::to_string(Change::persisting), changes[Change::persisting]},
                               {"resolved", d.resolved.size()}}) {
    data y;
    y.set("key", key);
    y.set("label", label(L, key));
    y.set("n", std::to_string(n));
    ch.push_back(y);
  }
  x.set("changes", ch);
  x.set("recorded", d.run.sweep_id.has_value());
  // The list of new findings only when they are not all new (the first sweep lists nothing).
  const bool show_new = d.run.previous_sweep_id.has_value() && new_list.is_non_empty_list();
  x.set("new_findings", show_new ? new_list : list());
  x.set("has_new", show_new);
  data resolved = list();
  for (const auto& r : d.resolved) {
    data y;
    y.set("rule", r.rule);
    y.set("subject", r.subject_record + ":" + r.subject_key);
    y.set("enterprise_name", index.name(r.owner_key));
    y.set("verdict", r.verdict);
    y.set("first_seen", r.first_seen);
    resolved.push_back(y);
  }
  x.set("resolved", resolved);
  // Ranking and one section per enterprise, linked by position (keys are data: not ids).
  // The sections are rendered one at a time, each from its own small context on top of the
  // report's (labels), with the section template compiled once: a sweep of 40,000 findings
  // never holds them all as a mustache tree.
  data ranked = list();
  std::size_t rank = 0;
  std::map<std::string, std::vector<const engine::Finding*>> by_enterprise;
  for (const auto& f : *d.findings) by_enterprise[f.owner.key].push_back(&f);
  const std::string section_text(embedded_file("enterprise_section.mustache"));
  mustache section_tmpl(section_text);
  if (!section_tmpl.is_valid())
    throw ReportError("template enterprise_section: " + section_tmpl.error_message());
  kainjow::mustache::context<std::string> ctx(&x);
  std::ostringstream sections;
  auto render_section = [&](data& s) {
    ctx.push(&s);
    section_tmpl.render(ctx, sections);
    ctx.pop();
    if (!section_tmpl.error_message().empty())
      throw ReportError("template enterprise_section: " + section_tmpl.error_message());
  };
  for (const auto& r : ranking(d)) {
    ++rank;
    const std::string anchor = "e" + std::to_string(rank);
    data y;
    y.set("rank", std::to_string(rank));
    y.set("anchor", anchor);
    y.set("key", r.key);
    y.set("name", r.name);
    y.set("score", std::to_string(r.score));
    y.set("violations", std::to_string(r.violations));
    y.set("unknown", std::to_string(r.unknown));
    y.set("upcoming", std::to_string(r.upcoming));
    ranked.push_back(y);
    data s;
    s.set("rank", std::to_string(rank));
    s.set("anchor", anchor);
    s.set("key", str_or_false(r.key));
    s.set("name", r.name);
    s.set("score", std::to_string(r.score));
    s.set("has_facts", true);
    data dims = list();
    if (const auto* e = index.find(r.key))
      for (const auto& dim : d.dimensions)
        if (auto it = e->dimensions.find(dim.field); it != e->dimensions.end()) {
          data z;
          z.set("description", dim.description.empty() ? dim.field : dim.description);
          z.set("value", it->second);
          dims.push_back(z);
        }
    s.set("dims", dims);
    data fl = list();
    for (const auto* f : by_enterprise[r.key]) fl.push_back(finding_row(*f, L, index));
    s.set("findings", fl);
    render_section(s);
  }
  // Findings of no enterprise (applications, zones, ...) close the list.
  if (auto it = by_enterprise.find(""); it != by_enterprise.end()) {
    data s;
    s.set("rank", false);
    s.set("anchor", "others");
    s.set("key", false);
    s.set("name", label(L, "no_enterprise"));
    s.set("has_facts", false);
    data fl = list();
    for (const auto* f : it->second) fl.push_back(finding_row(*f, L, index));
    s.set("findings", fl);
    render_section(s);
  }
  x.set("ranking", ranked);
  x.set("sections_html", sections.str());
  return x;
}

}  // namespace

std::string html_report(const ReportData& d) {
  data ctx;
  std::string name;
  switch (d.kind) {
    case ReportKind::audit:
      ctx = audit_data(d);
      name = "audit";
      break;
    case ReportKind::screening:
      ctx = screening_data(d);
      name = "screening";
      break;
    case ReportKind::sweep:
      ctx = sweep_data(d);
      name = "sweep";
      break;
  }
  return render(name, ctx);
}

std::string compliance_html(const engine::ComplianceHistory& h, const std::string& lang,
                            const std::string& generated_at) {
  ReportData d;
  d.lang = lang;
  d.run.ruleset = h.ruleset;
  d.run.ruleset_title = h.ruleset_title;
  d.run.as_of = dsl::parse_date(h.as_of).value_or(dsl::Date{});
  d.run.generated_at = generated_at;
  data ctx = base_data(d, "report_history");
  ctx.set("grid", grid_data(h, lang));
  return render("history", ctx);
}

}  // namespace eco::reports
