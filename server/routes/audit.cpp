#include "server/routes/audit.hpp"

#include <charconv>

#include "app/audit_trail.hpp"
#include "server/http/pages.hpp"
#include "server/http/services.hpp"

namespace eco::server {
namespace {

std::int64_t number(const Request& req, const char* name, std::int64_t fallback, std::int64_t lo, std::int64_t hi) {
  auto v = req.query_value(name);
  if (!v) return fallback;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < lo || n > hi)
    throw HttpError(400, "bad_request", std::string(name) + " is not a whole number from " + std::to_string(lo) +
                                            " to " + std::to_string(hi));
  return n;
}

app::TrailQuery query_of(const Request& req) {
  app::TrailQuery q;
  q.actor = req.query_value("actor").value_or("");
  q.action = req.query_value("action").value_or("");
  const std::int64_t per_page = number(req, "per_page", 50, 1, app::kMaxTrailPage);
  const std::int64_t page = number(req, "page", 1, 1, 1'000'000'000);
  q.limit = per_page;
  q.offset = (page - 1) * per_page;
  return q;
}

nlohmann::json entry_json(const app::AuditEntry& e) {
  return {{"id", e.id}, {"at", e.at}, {"actor", e.actor}, {"action", e.action}, {"object", e.object}, {"detail", e.detail}};
}

const nlohmann::json kEntrySchema = {
    {"type", "object"},
    {"required", {"id", "at", "actor", "action", "object", "detail"}},
    {"properties",
     {{"id", {{"type", "integer"}}},
      {"at", {{"type", "string"}}},
      {"actor", {{"type", "string"}}},
      {"action", {{"type", "string"}}},
      {"object", {{"type", "string"}}},
      {"detail", {{"type", "string"}}}}}};

void trail_api(Context& ctx) {
  const auto q = query_of(ctx.req);
  const auto page = app::trail_page(ctx.services.accounts(), q);
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : page.entries) entries.push_back(entry_json(e));
  ctx.res.json({{"entries", entries}, {"total", page.total}, {"page", q.offset / q.limit + 1}, {"per_page", q.limit}});
}

// One CSV field (RFC 4180), with a leading ' before what a spreadsheet would run as a formula
// (= + - @ and the controls): the trail holds names users chose.
std::string csv_field(const std::string& s) {
  std::string v = s;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r'))
    v = "'" + v;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void trail_csv(Context& ctx) {
  auto q = query_of(ctx.req);
  q.limit = 0;  // the export: every row matching the filters
  q.offset = 0;
  const auto page = app::trail_page(ctx.services.accounts(), q);
  std::string out = "\xEF\xBB\xBF" "id,at,actor,action,object,detail\r\n";  // BOM: spreadsheets then read UTF-8
  for (const auto& e : page.entries)
    out += std::to_string(e.id) + "," + csv_field(e.at) + "," + csv_field(e.actor) + "," + csv_field(e.action) + "," +
           csv_field(e.object) + "," + csv_field(e.detail) + "\r\n";
  // Who took a copy of the trail is itself part of it.
  ctx.audit("audit_trail.export", "audit_trail", "rows=" + std::to_string(page.entries.size()));
  ctx.res.download(std::move(out), "text/csv; charset=utf-8", "audit-trail.csv");
}

void trail_page(Context& ctx) {
  const auto q = query_of(ctx.req);
  const auto page = app::trail_page(ctx.services.accounts(), q);
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : page.entries) entries.push_back(entry_json(e));
  const std::int64_t n = q.offset / q.limit + 1;
  const std::int64_t pages = std::max<std::int64_t>(1, (page.total + q.limit - 1) / q.limit);
  auto link = [&](std::int64_t p) {
    // Only the filters the page was given, and numbers: the values are escaped by the template.
    return "?page=" + std::to_string(p) + "&per_page=" + std::to_string(q.limit);
  };
  nlohmann::json d = {{"entries", entries},  {"total", std::to_string(page.total)}, {"page", std::to_string(n)},
                      {"pages", std::to_string(pages)}, {"actor", q.actor}, {"action", q.action},
                      {"may_export", ctx.may(app::Action::export_, app::Resource::audit_trail)}};
  if (n > 1) d["prev"] = link(n - 1);
  if (n < pages) d["next"] = link(n + 1);
  ctx.res.html(render_page(ctx, "audit", "audit.title", d));
}

}  // namespace

void register_audit(Router& router) {
  using app::Action;
  using app::Resource;
  router.add({.method = "GET", .path = "/api/audit", .resource = Resource::audit_trail, .action = Action::view,
              .summary = "The audit trail, newest first, a page at a time (?page, per_page, actor, action)",
              .flags = kApi, .handler = trail_api,
              .response_schema = {{"type", "object"},
                                  {"required", {"entries", "total", "page", "per_page"}},
                                  {"properties",
                                   {{"entries", {{"type", "array"}, {"items", kEntrySchema}}},
                                    {"total", {{"type", "integer"}}},
                                    {"page", {{"type", "integer"}}},
                                    {"per_page", {{"type", "integer"}}}}}}});
  router.add({.method = "GET", .path = "/api/audit.csv", .resource = Resource::audit_trail, .action = Action::export_,
              .summary = "The audit trail as CSV (?actor, action)", .flags = kApi, .handler = trail_csv,
              .response_schema = {{"type", "string"}, {"x-content-type", "text/csv"}}});
  router.add({.method = "GET", .path = "/audit", .resource = Resource::audit_trail, .action = Action::view,
              .summary = "The audit trail page", .flags = kPage, .handler = trail_page, .nav = "nav.audit"});
}

}  // namespace eco::server
