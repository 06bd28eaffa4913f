#include "server/routes/browse_pages.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <optional>
#include <string_view>

#include "app/browse.hpp"
#include "dsl/common/date.hpp"
#include "reports/embedded.hpp"
#include "server/http/pages.hpp"
#include "server/http/services.hpp"

namespace eco::server {
namespace {

using nlohmann::json;
namespace model = dsl::model;

// ---- The request's filters, and links that keep them ----

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::size_t number(const Context& ctx, const char* name, std::size_t fallback) {
  const auto v = ctx.req.query_value(name);
  if (!v || v->empty()) return fallback;
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size())
    throw HttpError(400, "bad_request", std::string(name) + " is not a whole number: " + *v);
  return n;
}

// The filters of a browsing page, as its query names them (the browse API's names: the owner
// record's dimensions by field name, severity, verdict, area, rule, enterprise, sweep), in the
// order the links write them.
struct Filters {
  std::vector<std::pair<std::string, std::string>> set;  // (name, value), values not empty

  static Filters of(const Context& ctx, const std::vector<std::string>& names) {
    Filters f;
    for (const auto& n : names)
      if (auto v = ctx.req.query_value(n); v && !v->empty()) f.set.emplace_back(n, *v);
    return f;
  }
  std::string get(std::string_view name) const {
    for (const auto& [n, v] : set)
      if (n == name) return v;
    return "";
  }
  // These filters with `name` set to `value` ("" removes it).
  Filters with(const std::string& name, const std::string& value) const {
    Filters f;
    bool done = false;
    for (const auto& [n, v] : set) {
      if (n != name) f.set.emplace_back(n, v);
      else if (!value.empty() && !done) f.set.emplace_back(n, value), done = true;
    }
    if (!done && !value.empty()) f.set.emplace_back(name, value);
    return f;
  }
  // The query string, percent-encoded ("" for none); the template then HTML-escapes the link.
  std::string query() const {
    std::string out;
    for (const auto& [n, v] : set) out += (out.empty() ? "" : "&") + url_encode(n) + "=" + url_encode(v);
    return out;
  }
  std::string href(std::string_view path) const {
    const auto q = query();
    return std::string(path) + (q.empty() ? "" : "?" + q);
  }
};

std::vector<std::string> dimension_fields(const model::Ruleset& rs) {
  std::vector<std::string> out;
  for (const auto& d : app::browse_dimensions(rs)) out.push_back(d.field);
  return out;
}

app::OwnerFilter owner_filter(const Filters& f, const model::Ruleset& rs) {
  app::OwnerFilter where;
  for (const auto& field : dimension_fields(rs))
    if (auto v = f.get(field); !v.empty()) where[field] = v;
  return where;
}

template <class F>
auto query(F&& f) {
  try {
    return f();
  } catch (const app::BrowseError& e) {
    throw HttpError(400, "bad_request", e.what());
  }
}

std::string label(const json& t, const std::string& key, const std::string& fallback) {
  return t.value(key, fallback);
}
std::string verdict_label(const json& t, const std::string& v) { return label(t, "verdict." + v, v); }
std::string severity_label(const json& t, const std::string& s) { return label(t, "severity." + s, s); }

// A <select>'s options: "(any)" first, then the choices, the current one selected.
json options(const json& t, const std::vector<app::ShownValue>& choices, const std::string& current) {
  json out = json::array();
  out.push_back({{"value", ""}, {"label", label(t, "filter.any", "")}, {"selected", current.empty()}});
  for (const auto& c : choices) out.push_back({{"value", c.value}, {"label", c.label}, {"selected", c.value == current}});
  return out;
}

std::vector<app::ShownValue> severity_choices(const json& t) {
  std::vector<app::ShownValue> out;
  for (int s = static_cast<int>(model::Severity::critical); s >= 0; --s) {
    const std::string name(model::to_string(static_cast<model::Severity>(s)));
    out.push_back({name, severity_label(t, name)});
  }
  return out;
}

std::vector<app::ShownValue> verdict_choices(const json& t) {
  std::vector<app::ShownValue> out;
  for (auto v : {model::Verdict::violation, model::Verdict::late, model::Verdict::unknown, model::Verdict::upcoming,
                 model::Verdict::waived, model::Verdict::advice, model::Verdict::error}) {
    const std::string name(model::to_string(v));
    out.push_back({name, verdict_label(t, name)});
  }
  // The dashboard's violations: both verdicts that are one.
  out.push_back({"violation,late", verdict_label(t, "violation") + " + " + verdict_label(t, "late")});
  return out;
}

// The filter form's fields for the owner's dimensions, their severity and area: what every
// browsing page offers. An inspector is offered only their own jurisdictions.
json dimension_selects(Context& ctx, engine::store::Store& store, const Filters& f) {
  const auto& rs = ctx.services.ruleset();
  const auto& jurisdiction = ctx.services.jurisdiction_field();
  json out = json::array();
  for (const auto& d : app::browse_dimensions(rs)) {
    auto choices = query([&] { return app::dimension_values(store, rs, d.field); });
    if (ctx.limit_to() && jurisdiction && d.field == jurisdiction->field)
      std::erase_if(choices, [&](const app::ShownValue& v) {
        return std::find(ctx.limit_to()->begin(), ctx.limit_to()->end(), v.value) == ctx.limit_to()->end();
      });
    out.push_back({{"name", d.field}, {"label", d.description.empty() ? d.field : d.description},
                   {"options", options(labels(ctx.lang()), choices, f.get(d.field))}});
  }
  return out;
}

json area_options(const Context& ctx, const Filters& f) {
  std::vector<app::ShownValue> areas;
  for (const auto& a : app::finding_areas(ctx.services.ruleset())) areas.push_back({a, a});
  return options(labels(ctx.lang()), areas, f.get("area"));
}

// A count that links down to the findings list with the page's filters and its own.
json count_link(const Filters& f, std::size_t n, std::initializer_list<std::pair<std::string, std::string>> more) {
  Filters g = f;
  for (const auto& [k, v] : more) g = g.with(k, v);
  return {{"n", std::to_string(n)}, {"href", g.href("/findings")}};
}

std::unique_ptr<engine::store::Store> open_store(Context& ctx) {
  return app::open_for_browsing(ctx.services.db_path(), ctx.services.ruleset());
}

// ---- Dashboard ----

void drop_links(json& j) {
  if (j.is_object()) j.erase("href");
  if (j.is_object() || j.is_array())
    for (auto& v : j) drop_links(v);
}

const std::string kViolations = "violation,late";

json tally_rows(const std::vector<app::Tally>& ts, const Filters& f, const std::string& filter,
                const std::function<std::string(const app::Tally&)>& name) {
  json rows = json::array();
  for (const auto& t : ts)
    rows.push_back({{"key", t.key},
                    {"label", name(t)},
                    {"findings", count_link(f, t.findings, {{filter, t.key}})},
                    {"violations", count_link(f, t.violations, {{filter, t.key}, {"verdict", kViolations}})}});
  return rows;
}

void dashboard_page(Context& ctx) {
  const auto& rs = ctx.services.ruleset();
  auto names = dimension_fields(rs);
  names.insert(names.end(), {"severity", "area"});
  const auto f = Filters::of(ctx, names);
  const json& t = labels(ctx.lang());
  app::DashboardQuery q;
  q.where = owner_filter(f, rs);
  q.limit_to = ctx.limit_to();
  q.severity = f.get("severity");
  q.area = f.get("area");
  q.history = std::min<std::size_t>(number(ctx, "history", 24), 200);
  auto store = open_store(ctx);
  const auto d = query([&] { return app::dashboard(*store, rs, q); });

  json data = {{"filters", {{"dimensions", dimension_selects(ctx, *store, f)},
                            {"severity", options(t, severity_choices(t), f.get("severity"))},
                            {"area", area_options(ctx, f)}}},
               {"filtered", !f.set.empty()}};
  if (d.sweep.id) {
    data["sweep"] = {{"id", std::to_string(d.sweep.id)}, {"as_of", d.sweep.as_of}, {"started_at", d.sweep.started_at}};
    const Filters latest = f;  // the latest sweep is the list's default: no sweep= needed
    data["headline"] = json::array({
        {{"key", "findings"}, {"label", label(t, "dashboard.findings", "")}, {"count", count_link(latest, d.findings, {})}},
        {{"key", "violations"}, {"label", label(t, "dashboard.violations", "")},
         {"count", count_link(latest, d.violations, {{"verdict", kViolations}})}},
        {{"key", "unknown"}, {"label", label(t, "dashboard.unknown", "")},
         {"count", count_link(latest, d.unknown, {{"verdict", "unknown"}})}},
        {{"key", "upcoming"}, {"label", label(t, "dashboard.upcoming", "")},
         {"count", count_link(latest, d.upcoming, {{"verdict", "upcoming"}})}},
        {{"key", "owners"}, {"label", label(t, "dashboard.owners", "")},
         {"count", count_link(latest, d.owners_with_violations, {{"verdict", kViolations}})}},
    });
    json by_verdict = json::array();
    for (const auto& v : d.by_verdict)
      by_verdict.push_back({{"key", v.key}, {"label", verdict_label(t, v.key)},
                            {"findings", count_link(latest, v.findings, {{"verdict", v.key}})}});
    data["by_verdict"] = by_verdict;
    data["by_severity"] = tally_rows(d.by_severity, latest, "severity",
                                     [&](const app::Tally& x) { return severity_label(t, x.key); });
    data["by_area"] = tally_rows(d.by_area, latest, "area", [](const app::Tally& x) { return x.label; });
    json dims = json::array();
    for (const auto& dim : app::browse_dimensions(rs)) {
      auto it = d.by_dimension.find(dim.field);
      if (it == d.by_dimension.end() || it->second.empty()) continue;
      dims.push_back({{"field", dim.field}, {"label", dim.description.empty() ? dim.field : dim.description},
                      {"rows", tally_rows(it->second, latest, dim.field, [](const app::Tally& x) { return x.label; })}});
    }
    data["by_dimension"] = dims;
    // The trend: one row per sweep, one column per verdict any of them has.
    std::vector<std::string> verdicts;
    for (int v = 0; v < static_cast<int>(model::kVerdictCount); ++v) {
      const std::string name(model::to_string(static_cast<model::Verdict>(v)));
      for (const auto& p : d.trend)
        if (std::any_of(p.by_verdict.begin(), p.by_verdict.end(), [&](const app::Tally& x) { return x.key == name; })) {
          verdicts.push_back(name);
          break;
        }
    }
    json columns = json::array();
    for (const auto& v : verdicts) columns.push_back({{"key", v}, {"label", verdict_label(t, v)}});
    json trend = json::array();
    for (auto p = d.trend.rbegin(); p != d.trend.rend(); ++p) {  // newest first
      const Filters of_sweep = f.with("sweep", std::to_string(p->sweep));
      json cells = json::array();
      for (const auto& v : verdicts) {
        std::size_t n = 0;
        for (const auto& x : p->by_verdict)
          if (x.key == v) n = x.findings;
        cells.push_back(json{{"verdict", v}, {"count", count_link(of_sweep, n, {{"verdict", v}})}});
      }
      trend.push_back({{"sweep", std::to_string(p->sweep)}, {"as_of", p->as_of}, {"started_at", p->started_at},
                       {"latest", p->sweep == d.sweep.id}, {"findings", count_link(of_sweep, p->findings, {})},
                       {"violations", count_link(of_sweep, p->violations, {{"verdict", kViolations}})},
                       {"cells", cells}});
    }
    data["trend_columns"] = columns;
    data["trend"] = trend;
  }
  // A role that may see the dashboard but not the findings (docs/accounts.md) gets the counts
  // without their links: a link it could only be refused.
  if (!ctx.may(app::Action::view, app::Resource::finding)) drop_links(data);
  ctx.res.html(render_page(ctx, "dashboard", "dashboard.title", data));
}

// ---- Pages and their pager ----

// The pager of a list: "rows a to b of n", and links to the previous and next page.
void pager(json& data, const Filters& f, std::size_t total, std::size_t offset, std::size_t limit, const char* path) {
  data["total"] = std::to_string(total);
  data["first_row"] = std::to_string(total == 0 ? 0 : offset + 1);
  data["last_row"] = std::to_string(std::min(total, offset + limit));
  const Filters paged = f.with("limit", std::to_string(limit));
  if (offset > 0) data["prev"] = paged.with("offset", std::to_string(offset > limit ? offset - limit : 0)).href(path);
  if (offset + limit < total) data["next"] = paged.with("offset", std::to_string(offset + limit)).href(path);
}

// The page sizes offered, with the current one (a link may name another) among them.
json page_sizes(std::size_t current) {
  std::vector<std::size_t> sizes = {20, 50, 100, 200, 500};
  if (std::find(sizes.begin(), sizes.end(), current) == sizes.end())
    sizes.insert(std::upper_bound(sizes.begin(), sizes.end(), current), current);
  json out = json::array();
  for (std::size_t n : sizes)
    out.push_back({{"value", std::to_string(n)}, {"label", std::to_string(n)}, {"selected", n == current}});
  return out;
}

json owner_values(const model::Ruleset& rs, const app::OwnerRow& r) {
  json out = json::array();
  for (const auto& d : app::browse_dimensions(rs))
    if (auto it = r.values.find(d.field); it != r.values.end())
      out.push_back({{"field", d.field}, {"label", d.description.empty() ? d.field : d.description},
                     {"value", it->second.label}});
  return out;
}

// ---- Enterprise search ----

void enterprises_page(Context& ctx) {
  const auto& rs = ctx.services.ruleset();
  auto names = dimension_fields(rs);
  names.insert(names.begin(), "q");
  const auto f = Filters::of(ctx, names);
  app::OwnerQuery q;
  q.text = f.get("q");
  q.where = owner_filter(f, rs);
  q.limit_to = ctx.limit_to();
  q.offset = number(ctx, "offset", 0);
  q.limit = number(ctx, "limit", 50);
  auto store = open_store(ctx);
  const auto page = query([&] { return app::search_owners(*store, rs, q); });
  json rows = json::array();
  const bool may_findings = ctx.may(app::Action::view, app::Resource::finding);
  for (const auto& r : page.rows) {
    json row = {{"id", r.key}, {"name", r.name}, {"jurisdiction", r.jurisdiction}, {"values", owner_values(rs, r)},
                {"href", "/enterprises/" + url_encode(r.key)}};
    if (may_findings) row["findings_href"] = "/findings?enterprise=" + url_encode(r.key);
    rows.push_back(row);
  }
  json data = {{"q", q.text}, {"filters", {{"dimensions", dimension_selects(ctx, *store, f)}}},
               {"page_sizes", page_sizes(page.limit)}, {"rows", rows}, {"empty", rows.empty()}};
  pager(data, f, page.total, page.offset, page.limit, "/enterprises");
  ctx.res.html(render_page(ctx, "enterprises", "enterprises.title", data));
}

// ---- The live audit of one enterprise ----

// The reports' audit page without its document around it: what is inside <main>. The reports
// write one <main> per page, and their stylesheet inline in <head> (a report file stands
// alone); the workbench's CSP allows no inline style, so the page links the same stylesheet
// (/static/report.css) and takes only the body. Refuses (500) what still holds an inline style
// or a script: nothing of the kind may reach a page.
std::string report_main(const std::string& html) {
  const auto open = html.find("<main>");
  const auto close = html.rfind("</main>");
  if (open == std::string::npos || close == std::string::npos || close < open)
    throw HttpError(500, "audit_failed", "the audit report has no <main>");
  std::string body = html.substr(open + 6, close - open - 6);
  if (body.find("<style") != std::string::npos || body.find("<script") != std::string::npos ||
      body.find(" style=") != std::string::npos)
    throw HttpError(500, "audit_failed", "the audit report holds an inline style or script");
  return body;
}

// The findings of the live audit that the inspector confirms on site (violation, late): the
// printed checklist's second table, after the data to verify (the report's own checklist, from
// the unknowns). Taken from the audit's JSON report (the same run as the page's HTML; its
// format is the reports' contract, docs/reports.md), in the page's language.
json site_findings(const std::string& report_json, const std::string& lang, const json& t) {
  const auto report = json::parse(report_json, nullptr, false);
  if (report.is_discarded() || !report.contains("findings") || !report["findings"].is_array())
    throw HttpError(500, "audit_failed", "the audit's JSON report cannot be read");
  const auto text = [&](const json& j) {
    if (j.is_string()) return j.get<std::string>();
    if (!j.is_object()) return std::string();
    const std::string in_lang = j.value(lang, ""), zh = j.value("zh", "");
    return in_lang.empty() ? zh : in_lang;
  };
  json rows = json::array();
  for (const auto& f : report["findings"]) {
    const auto verdict = f.value("verdict", "");
    if (verdict != "violation" && verdict != "late") continue;
    std::string clauses;
    if (f.contains("citation") && f["citation"].is_array())
      for (const auto& c : f["citation"]) clauses += (clauses.empty() ? "" : "; ") + c.value("section", "");
    const auto& subject = f.value("subject", json::object());
    rows.push_back({{"rule", f.value("rule", "")},
                    {"verdict", verdict},
                    {"verdict_label", verdict_label(t, verdict)},
                    {"title", text(f.value("title", json()))},
                    {"message", text(f.value("message", json()))},
                    {"subject", subject.value("record", "") + ":" + subject.value("key", "")},
                    {"clauses", clauses}});
  }
  return rows;
}

void enterprise_page(Context& ctx) {
  const auto& rs = ctx.services.ruleset();
  app::OwnerRow owner;
  {
    auto store = open_store(ctx);
    const auto& id = ctx.req.param("id");
    auto found = query([&] { return app::find_owner(*store, rs, id); });
    if (!found) {
      ctx.require_object("");  // an inspector learns nothing of an id but that it is refused
      throw HttpError(404, "not_found", "no enterprise with the id " + id);
    }
    ctx.require_object(found->jurisdiction);
    owner = *found;
  }
  app::LiveAuditRequest r;
  r.db = ctx.services.db_path();
  r.ruleset = ctx.services.ruleset_dir();
  r.owner = owner.key;
  r.lang = ctx.lang();
  const auto as_of = ctx.req.query_value("as_of").value_or("");
  if (as_of.empty()) r.as_of = dsl::today();
  else if (auto d = dsl::parse_date(as_of)) r.as_of = *d;
  else throw HttpError(400, "bad_request", "as_of is not a date (YYYY-MM-DD): " + as_of);
  // Recorded before the audit runs, as the API's view: an attempt to view is what the trail keeps.
  ctx.audit("enterprise.audit.view", "enterprise:" + owner.key, "as_of=" + dsl::format_date(r.as_of));
  const auto out = app::live_audit(r);
  if (out.status == app::RunStatus::bad_request) throw HttpError(404, "not_found", out.errors);
  if (out.status != app::RunStatus::done) throw HttpError(500, "audit_failed", out.errors);
  json data = {{"id", owner.key}, {"name", owner.name}, {"jurisdiction", owner.jurisdiction},
               {"values", owner_values(rs, owner)}, {"as_of", dsl::format_date(r.as_of)},
               {"action", "/enterprises/" + url_encode(owner.key)}, {"findings", std::to_string(out.findings)},
               {"report", report_main(out.html)}};
  auto site = site_findings(out.json, ctx.lang(), labels(ctx.lang()));
  data["site_none"] = site.empty();
  data["site_findings"] = std::move(site);
  if (ctx.may(app::Action::view, app::Resource::finding))
    data["findings_href"] = "/findings?enterprise=" + url_encode(owner.key);
  ctx.res.html(render_page(ctx, "enterprise_audit", "enterprise.title", data));
}

// The reports' stylesheet for the audit inside a page: the file the reports inline, with the
// printed page's running head (a CSS string the reports fill per report) naming the workbench.
void report_css(Context& ctx) {
  static const std::string css = render_template(reports::embedded_file("style.css"),
                                                 json{{"page_header_css", "EcoAudit"}});
  ctx.res.status = 200;
  ctx.res.content_type = "text/css; charset=utf-8";
  ctx.res.body = css;
}

// ---- Findings ----

void findings_page(Context& ctx) {
  const auto& rs = ctx.services.ruleset();
  auto names = dimension_fields(rs);
  names.insert(names.end(), {"severity", "verdict", "area", "rule", "enterprise", "sweep"});
  const auto f = Filters::of(ctx, names);
  const json& t = labels(ctx.lang());
  app::FindingQuery q;
  q.sweep = static_cast<std::int64_t>(number(ctx, "sweep", 0));
  q.where = owner_filter(f, rs);
  q.limit_to = ctx.limit_to();
  q.severity = f.get("severity");
  q.verdict = f.get("verdict");
  q.area = f.get("area");
  q.rule = f.get("rule");
  q.owner = f.get("enterprise");
  q.offset = number(ctx, "offset", 0);
  q.limit = number(ctx, "limit", 50);
  auto store = open_store(ctx);
  const auto page = query([&] { return app::list_findings(*store, rs, q); });
  const bool may_audit = ctx.may(app::Action::view, app::Resource::enterprise);
  json rows = json::array();
  std::size_t n = page.offset;
  for (const auto& x : page.rows) {
    const std::string severity(model::to_string(x.severity)), verdict(model::to_string(x.verdict));
    std::string reqs;
    for (const auto& r : x.requirements) reqs += (reqs.empty() ? "" : " ") + r;
    json row = {{"n", std::to_string(++n)},
                {"rule", x.rule},
                {"title", ctx.lang() == "en" && !x.title_en.empty() ? x.title_en : x.title_zh},
                {"requirements", reqs},
                {"severity", severity},
                {"severity_label", severity_label(t, severity)},
                {"verdict", verdict},
                {"verdict_label", verdict_label(t, verdict)},
                {"subject", x.subject_record + ":" + x.subject_key},
                {"first_seen", x.first_seen}};
    if (x.owner) {
      row["owner"] = {{"id", x.owner->key}, {"name", x.owner->name}, {"values", owner_values(rs, *x.owner)}};
      // The live audit as of the listed sweep's legal date: the finding's detail (message,
      // evidence, citations) as that sweep evaluated it, on today's data; the page's date
      // field audits it again as of another day.
      if (may_audit)
        row["owner"]["href"] = "/enterprises/" + url_encode(x.owner->key) + "?as_of=" + url_encode(page.sweep.as_of);
    }
    rows.push_back(row);
  }
  json data = {{"filters", {{"dimensions", dimension_selects(ctx, *store, f)},
                            {"severity", options(t, severity_choices(t), f.get("severity"))},
                            {"verdict", options(t, verdict_choices(t), f.get("verdict"))},
                            {"area", area_options(ctx, f)},
                            {"rule", f.get("rule")},
                            {"enterprise", f.get("enterprise")},
                            {"sweep", f.get("sweep")}}},
               {"page_sizes", page_sizes(page.limit)},
               {"rows", rows},
               {"empty", rows.empty()},
               {"filtered", !f.set.empty()}};
  if (page.sweep.id)
    data["sweep"] = {{"id", std::to_string(page.sweep.id)}, {"as_of", page.sweep.as_of},
                     {"started_at", page.sweep.started_at}};
  if (ctx.may(app::Action::export_, app::Resource::finding)) {
    // The export names the language of the page: its columns and labels are the page's.
    const Filters export_filters = f.with("lang", ctx.lang());
    data["export_csv"] = export_filters.href("/api/findings/csv");
    data["export_xlsx"] = export_filters.href("/api/findings/xlsx");
  }
  pager(data, f, page.total, page.offset, page.limit, "/findings");
  ctx.res.html(render_page(ctx, "findings", "findings.title", data));
}

}  // namespace

void register_browse_pages(Router& router) {
  using app::Action;
  using app::Resource;
  router.add({.method = "GET", .path = "/dashboard", .resource = Resource::dashboard, .action = Action::view,
              .summary = "The dashboard page: the latest sweep's counts and the trend, every count a link to the findings",
              .flags = kPage, .handler = dashboard_page, .nav = "nav.dashboard"});
  router.add({.method = "GET", .path = "/enterprises", .resource = Resource::enterprise, .action = Action::view,
              .summary = "The enterprise search page (?q, the owner's dimensions, offset, limit)", .flags = kPage,
              .handler = enterprises_page, .nav = "nav.enterprises"});
  router.add({.method = "GET", .path = "/enterprises/{id}", .resource = Resource::enterprise, .action = Action::view,
              .summary = "The live audit page of one enterprise with its printable on-site checklist (?as_of)",
              .flags = kPage, .handler = enterprise_page, .example_params = {{"id", "91140700MA0TWP0017"}}});
  router.add({.method = "GET", .path = "/findings", .resource = Resource::finding, .action = Action::view,
              .summary = "The findings list page: filters, paging and the export links", .flags = kPage,
              .handler = findings_page, .nav = "nav.findings"});
  router.add({.method = "GET", .path = "/static/report.css", .summary = "The reports' stylesheet for the audit page",
              .flags = kPage | kPublic, .handler = report_css});
}

}  // namespace eco::server
