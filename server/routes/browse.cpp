#include "server/routes/browse.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include "app/browse.hpp"
#include "dsl/common/date.hpp"
#include "server/http/pages.hpp"
#include "server/http/services.hpp"

namespace eco::server {
namespace {

using nlohmann::json;
namespace model = dsl::model;

const char* const kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// The store for this request (read-only; a connection per request, never shared).
std::unique_ptr<engine::store::Store> open_store(Context& ctx) {
  return app::open_for_browsing(ctx.services.db_path(), ctx.services.ruleset());
}

// Runs a query, turning a request that names what is not there into 400.
template <class F>
auto query(F&& f) {
  try {
    return f();
  } catch (const app::BrowseError& e) {
    throw HttpError(400, "bad_request", e.what());
  }
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

std::string text(const Context& ctx, const char* name) { return ctx.req.query_value(name).value_or(""); }

// The owner filters of the query: every parameter named after a dimension of the owner record
// (county=榆次区&industry=coking for Jinzhong).
app::OwnerFilter owner_filter(const Context& ctx) {
  app::OwnerFilter where;
  for (const auto& d : app::browse_dimensions(ctx.services.ruleset()))
    if (auto v = ctx.req.query_value(d.field); v && !v->empty()) where[d.field] = *v;
  return where;
}

json values_json(const std::map<std::string, app::ShownValue>& values) {
  json out = json::object();
  for (const auto& [field, v] : values) out[field] = {{"value", v.value}, {"label", v.label}};
  return out;
}

json owner_json(const app::OwnerRow& r) {
  return {{"id", r.key}, {"name", r.name}, {"jurisdiction", r.jurisdiction}, {"values", values_json(r.values)}};
}

json sweep_json(const engine::SweepSummary& s) {
  return {{"id", s.id}, {"started_at", s.started_at}, {"as_of", s.as_of}, {"findings", s.findings},
          {"violations", s.violations}, {"unknown", s.unknown}, {"upcoming", s.upcoming}};
}

json tallies_json(const std::vector<app::Tally>& ts) {
  json out = json::array();
  for (const auto& t : ts)
    out.push_back({{"key", t.key}, {"label", t.label}, {"findings", t.findings}, {"violations", t.violations}});
  return out;
}

// The owner the path names, after the user was authorized for its jurisdiction (403 outside
// theirs, 404 when there is none: an inspector learns nothing of another county's enterprise
// but that the id is refused).
app::OwnerRow authorized_owner(Context& ctx, engine::store::Store& store) {
  const auto& id = ctx.req.param("id");
  auto owner = query([&] { return app::find_owner(store, ctx.services.ruleset(), id); });
  if (!owner) {
    ctx.require_object("");  // refused as an object without jurisdiction, when scoped
    throw HttpError(404, "not_found", "no enterprise with the id " + id);
  }
  ctx.require_object(owner->jurisdiction);
  return *owner;
}

void dashboard(Context& ctx) {
  app::DashboardQuery q;
  q.where = owner_filter(ctx);
  q.limit_to = ctx.limit_to();
  q.severity = text(ctx, "severity");
  q.area = text(ctx, "area");
  q.history = std::min<std::size_t>(number(ctx, "history", 24), 200);
  auto store = open_store(ctx);
  const auto d = query([&] { return app::dashboard(*store, ctx.services.ruleset(), q); });
  json dims = json::object();
  for (const auto& [field, ts] : d.by_dimension) dims[field] = tallies_json(ts);
  json trend = json::array();
  for (const auto& p : d.trend)
    trend.push_back({{"sweep", p.sweep}, {"started_at", p.started_at}, {"as_of", p.as_of}, {"findings", p.findings},
                     {"violations", p.violations}, {"unknown", p.unknown}, {"upcoming", p.upcoming},
                     {"enterprises_with_violations", p.owners_with_violations},
                     {"by_verdict", tallies_json(p.by_verdict)}});
  ctx.res.json({{"sweep", d.sweep.id ? sweep_json(d.sweep) : json(nullptr)},
                {"findings", d.findings},
                {"violations", d.violations},
                {"unknown", d.unknown},
                {"upcoming", d.upcoming},
                {"enterprises_with_violations", d.owners_with_violations},
                {"by_verdict", tallies_json(d.by_verdict)},
                {"by_severity", tallies_json(d.by_severity)},
                {"by_area", tallies_json(d.by_area)},
                {"by_dimension", dims},
                {"trend", trend}});
}

void enterprises(Context& ctx) {
  app::OwnerQuery q;
  q.text = text(ctx, "q");
  q.where = owner_filter(ctx);
  q.limit_to = ctx.limit_to();
  q.offset = number(ctx, "offset", 0);
  q.limit = number(ctx, "limit", 50);
  auto store = open_store(ctx);
  const auto page = query([&] { return app::search_owners(*store, ctx.services.ruleset(), q); });
  json rows = json::array();
  for (const auto& r : page.rows) rows.push_back(owner_json(r));
  ctx.res.json({{"total", page.total}, {"offset", page.offset}, {"limit", page.limit}, {"items", rows}});
}

void enterprise(Context& ctx) {
  auto store = open_store(ctx);
  ctx.res.json(owner_json(authorized_owner(ctx, *store)));
}

void enterprise_audit(Context& ctx) {
  app::OwnerRow owner;
  {
    auto store = open_store(ctx);
    owner = authorized_owner(ctx, *store);
  }
  app::LiveAuditRequest r;
  r.db = ctx.services.db_path();
  r.ruleset = ctx.services.ruleset_dir();
  r.owner = owner.key;
  r.lang = ctx.lang();
  const auto as_of = text(ctx, "as_of");
  if (as_of.empty()) r.as_of = dsl::today();
  else if (auto d = dsl::parse_date(as_of)) r.as_of = *d;
  else throw HttpError(400, "bad_request", "as_of is not a date (YYYY-MM-DD): " + as_of);
  // Recorded before the audit runs: an attempt to view is what the trail keeps.
  ctx.audit("enterprise.audit.view", "enterprise:" + owner.key, "as_of=" + dsl::format_date(r.as_of));
  const auto out = app::live_audit(r);
  if (out.status == app::RunStatus::bad_request) throw HttpError(404, "not_found", out.errors);
  if (out.status != app::RunStatus::done) throw HttpError(500, "audit_failed", out.errors);
  ctx.res.json({{"enterprise", owner_json(owner)}, {"findings", out.findings}, {"report", json::parse(out.json)}});
}

app::FindingQuery finding_query(Context& ctx) {
  app::FindingQuery q;
  q.sweep = static_cast<std::int64_t>(number(ctx, "sweep", 0));
  q.where = owner_filter(ctx);
  q.limit_to = ctx.limit_to();
  q.severity = text(ctx, "severity");
  q.verdict = text(ctx, "verdict");
  q.area = text(ctx, "area");
  q.rule = text(ctx, "rule");
  q.owner = text(ctx, "enterprise");
  q.offset = number(ctx, "offset", 0);
  q.limit = number(ctx, "limit", 50);
  return q;
}

void findings(Context& ctx) {
  const auto q = finding_query(ctx);
  auto store = open_store(ctx);
  const auto page = query([&] { return app::list_findings(*store, ctx.services.ruleset(), q); });
  json rows = json::array();
  for (const auto& f : page.rows)
    rows.push_back({{"rule", f.rule},
                    {"title_zh", f.title_zh},
                    {"title_en", f.title_en},
                    {"requirements", f.requirements},
                    {"severity", std::string(model::to_string(f.severity))},
                    {"verdict", std::string(model::to_string(f.verdict))},
                    {"subject_record", f.subject_record},
                    {"subject_key", f.subject_key},
                    {"enterprise", f.owner ? owner_json(*f.owner) : json(nullptr)},
                    {"first_seen", f.first_seen}});
  ctx.res.json({{"sweep", page.sweep.id ? sweep_json(page.sweep) : json(nullptr)},
                {"total", page.total},
                {"offset", page.offset},
                {"limit", page.limit},
                {"items", rows}});
}

// The query's filters in the reader's words, (what, value), in the findings page's order and
// labels: the export names them (the XLSX summary; the file's name).
std::vector<std::pair<std::string, std::string>> selection(const Context& ctx, engine::store::Store& store,
                                                           const app::FindingQuery& q) {
  const json& t = labels(ctx.lang());
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& d : app::browse_dimensions(ctx.services.ruleset())) {
    auto it = q.where.find(d.field);
    if (it == q.where.end()) continue;
    std::string shown = it->second;
    for (const auto& v : app::dimension_values(store, ctx.services.ruleset(), d.field))
      if (v.value == it->second) shown = v.label;
    out.emplace_back(d.description.empty() ? d.field : d.description, shown);
  }
  if (!q.severity.empty()) out.emplace_back(t.value("filter.severity", ""), t.value("severity." + q.severity, q.severity));
  if (!q.verdict.empty()) {
    std::string shown;
    for (std::size_t at = 0; at <= q.verdict.size();) {
      const auto comma = std::min(q.verdict.find(',', at), q.verdict.size());
      const auto v = q.verdict.substr(at, comma - at);
      shown += (shown.empty() ? "" : " + ") + t.value("verdict." + v, v);
      at = comma + 1;
    }
    out.emplace_back(t.value("filter.verdict", ""), shown);
  }
  if (!q.area.empty()) out.emplace_back(t.value("filter.area", ""), q.area);
  if (!q.rule.empty()) out.emplace_back(t.value("filter.rule", ""), q.rule);
  if (!q.owner.empty()) out.emplace_back(t.value("filter.enterprise", ""), q.owner);
  if (q.sweep) out.emplace_back(t.value("filter.sweep", ""), std::to_string(q.sweep));
  return out;
}

// The export's file name: "findings", then the filters' values ("findings_榆次区_high.csv"); a
// character that a file name should not hold becomes '_'.
std::string export_name(const std::vector<std::pair<std::string, std::string>>& sel, const char* extension) {
  std::string name = "findings";
  for (const auto& [what, value] : sel) {
    name += '_';
    for (unsigned char c : value) name += (c >= 0x80 || std::isalnum(c) || c == '-' || c == '.') ? static_cast<char>(c) : '_';
  }
  if (name.size() > 180) {  // cut at a UTF-8 character's first byte
    std::size_t cut = 180;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
    name.resize(cut);
  }
  return name + "." + extension;
}

void export_findings(Context& ctx, reports::Format format) {
  const auto q = finding_query(ctx);
  auto store = open_store(ctx);
  auto sel = query([&] { return selection(ctx, *store, q); });
  const auto name = export_name(sel, format == reports::Format::csv ? "csv" : "xlsx");
  auto bytes = query([&] { return app::export_findings(*store, ctx.services.ruleset(), q, format, ctx.lang(), sel); });
  ctx.audit("finding.export", "findings", std::string("format=") + reports::to_string(format));
  if (format == reports::Format::csv) ctx.res.download(std::move(bytes), "text/csv; charset=utf-8", name);
  else ctx.res.download(std::move(bytes), kXlsxType, name);
}

// JSON Schemas of the answers (OpenAPI; tests/server/openapi_test.py validates every answer).
const json kStr = {{"type", "string"}};
const json kInt = {{"type", "integer"}};
const json kOwner = {{"type", "object"},
                     {"required", {"id", "name", "jurisdiction", "values"}},
                     {"properties", {{"id", kStr}, {"name", kStr}, {"jurisdiction", kStr}, {"values", {{"type", "object"}}}}}};
const json kSweep = {{"type", {"object", "null"}}};
const json kTallies = {{"type", "array"},
                       {"items", {{"type", "object"}, {"required", {"key", "label", "findings", "violations"}}}}};

}  // namespace

void register_browse(Router& router) {
  using app::Action;
  using app::Resource;
  const std::map<std::string, std::string> example = {{"id", "91140700MA0TWP0017"}};
  router.add({.method = "GET", .path = "/api/dashboard", .resource = Resource::dashboard, .action = Action::view,
              .summary = "The latest recorded sweep's counts and the trend over past sweeps, filtered "
                         "(?severity, area and the owner record's dimensions, e.g. county, industry)",
              .flags = kApi, .handler = dashboard,
              .response_schema = {{"type", "object"},
                                  {"required", {"sweep", "findings", "by_verdict", "by_severity", "by_area", "by_dimension", "trend"}},
                                  {"properties", {{"sweep", kSweep}, {"findings", kInt}, {"by_verdict", kTallies},
                                                  {"by_severity", kTallies}, {"by_area", kTallies},
                                                  {"by_dimension", {{"type", "object"}}}, {"trend", {{"type", "array"}}}}}}});
  router.add({.method = "GET", .path = "/api/enterprises", .resource = Resource::enterprise, .action = Action::view,
              .summary = "Search enterprises (?q= part of the name or id, the owner's dimensions, offset, limit)",
              .flags = kApi, .handler = enterprises,
              .response_schema = {{"type", "object"},
                                  {"required", {"total", "offset", "limit", "items"}},
                                  {"properties", {{"total", kInt}, {"items", {{"type", "array"}, {"items", kOwner}}}}}}});
  router.add({.method = "GET", .path = "/api/enterprises/{id}", .resource = Resource::enterprise, .action = Action::view,
              .summary = "One enterprise (403 outside the user's jurisdictions)", .flags = kApi, .handler = enterprise,
              .response_schema = kOwner, .example_params = example});
  router.add({.method = "GET", .path = "/api/enterprises/{id}/audit", .resource = Resource::enterprise,
              .action = Action::view,
              .summary = "The live audit of one enterprise (?as_of=, default today), recorded in the audit trail",
              .flags = kApi, .handler = enterprise_audit,
              .response_schema = {{"type", "object"},
                                  {"required", {"enterprise", "findings", "report"}},
                                  {"properties", {{"enterprise", kOwner}, {"findings", kInt}, {"report", {{"type", "object"}}}}}},
              .example_params = example});
  const json findings_schema = {{"type", "object"},
                                {"required", {"sweep", "total", "offset", "limit", "items"}},
                                {"properties", {{"sweep", kSweep}, {"total", kInt}, {"items", {{"type", "array"}}}}}};
  router.add({.method = "GET", .path = "/api/findings", .resource = Resource::finding, .action = Action::view,
              .summary = "Findings of the latest recorded sweep (or ?sweep=), filtered by severity, verdict, area, "
                         "rule, enterprise and the owner's dimensions, paged (offset, limit)",
              .flags = kApi, .handler = findings, .response_schema = findings_schema});
  // The export is a route of its own: it declares the export action, and one content type each.
  router.add({.method = "GET", .path = "/api/findings/csv", .resource = Resource::finding, .action = Action::export_,
              .summary = "Every finding the filters of /api/findings select, as CSV (the reports' writer)",
              .flags = kApi, .handler = [](Context& ctx) { export_findings(ctx, reports::Format::csv); },
              .response_schema = {{"type", "string"}, {"x-content-type", "text/csv"}}});
  router.add({.method = "GET", .path = "/api/findings/xlsx", .resource = Resource::finding, .action = Action::export_,
              .summary = "Every finding the filters of /api/findings select, as an XLSX workbook",
              .flags = kApi, .handler = [](Context& ctx) { export_findings(ctx, reports::Format::xlsx); },
              .response_schema = {{"type", "string"}, {"x-content-type", kXlsxType}}});
}

}  // namespace eco::server
