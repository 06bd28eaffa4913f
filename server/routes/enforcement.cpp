#include "server/routes/enforcement.hpp"

#include <cctype>
#include <charconv>
#include <set>

#include <fmt/format.h>

#include "app/change_notices.hpp"
#include "app/compliance_history.hpp"
#include "app/enforcement.hpp"
#include "reports/changes.hpp"
#include "reports/compliance.hpp"
#include "server/http/pages.hpp"
#include "server/http/services.hpp"

namespace eco::server {
namespace {

int whole(const Request& req, const char* name, int fallback, int lo, int hi) {
  const auto v = req.query_value(name);
  if (!v) return fallback;
  int n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < lo || n > hi)
    throw HttpError(400, "bad_request",
                    std::string(name) + " is not a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  return n;
}

std::optional<std::set<std::string>> limit_of(const Context& ctx) {
  if (!ctx.limit_to()) return std::nullopt;
  return std::set<std::string>(ctx.limit_to()->begin(), ctx.limit_to()->end());
}

// A run's failure as the response: 404 for an enterprise the user may not see or the store
// does not have, 400 for the rest of a bad request, 500 otherwise.
[[noreturn]] void refuse(const app::RunResult& r, bool enterprise_named) {
  if (r.status == app::RunStatus::bad_request && enterprise_named && r.errors.starts_with("no enterprise "))
    throw HttpError(404, "not_found", r.errors);
  if (r.status == app::RunStatus::bad_request) throw HttpError(400, "bad_request", r.errors);
  throw HttpError(500, "internal", r.errors);
}

app::HistoryOutcome history_of(Context& ctx) {
  app::HistoryRequest r;
  r.db = ctx.services.db_path();
  r.ruleset = ctx.services.ruleset_dir();
  if (auto d = ctx.req.query_value("as_of"); d && !d->empty()) r.as_of = *d;
  r.quarters = whole(ctx.req, "quarters", 12, 1, 40);
  r.enterprise = ctx.req.query_value("enterprise").value_or("");
  r.limit_to = limit_of(ctx);
  auto out = app::compliance_history(r);
  if (out.status != app::RunStatus::done) refuse(out, !r.enterprise.empty());
  return out;
}

void history_api(Context& ctx) {
  const auto out = history_of(ctx);
  ctx.res.json(nlohmann::json::parse(reports::compliance_json(out.history)));
}

void history_page(Context& ctx) {
  const auto out = history_of(ctx);
  const auto& h = out.history;
  const auto lang = ctx.lang();
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : h.rows) {
    nlohmann::json cells = nlohmann::json::array();
    for (const auto& c : r.quarters) {
      std::string sweeps;
      for (auto s : c.sweeps) sweeps += (sweeps.empty() ? "#" : ", #") + std::to_string(s);
      cells.push_back({{"status", c.sweeps.empty() ? std::string("no_sweep") : std::string(engine::to_string(c.status))},
                       {"label", reports::quarter_label(c, lang)},
                       {"quarter", c.quarter},
                       {"sweeps", sweeps},
                       {"significant", c.significant},
                       {"violations", c.violations},
                       {"unknown", c.unknown}});
    }
    rows.push_back({{"key", r.key}, {"name", r.name}, {"jurisdiction", r.jurisdiction}, {"cells", cells}});
  }
  nlohmann::json legend = nlohmann::json::array();
  for (const char* s : {"in_compliance", "violation", "significant_non_compliance", "unknown", "no_sweep"}) {
    engine::QuarterCell c;
    if (std::string(s) != "no_sweep") {
      c.sweeps = {1};
      c.status = std::string(s) == "in_compliance" ? engine::QuarterStatus::in_compliance
                 : std::string(s) == "violation"   ? engine::QuarterStatus::violation
                 : std::string(s) == "unknown"     ? engine::QuarterStatus::unknown
                                                   : engine::QuarterStatus::significant_non_compliance;
    }
    legend.push_back({{"status", s}, {"label", reports::quarter_label(c, lang)}});
  }
  ctx.res.html(render_page(ctx, "history", "history.title",
                           {{"as_of", h.as_of},
                            {"quarters", h.quarters},
                            {"rows", rows},
                            {"legend", legend},
                            {"one", !ctx.req.query_value("enterprise").value_or("").empty()},
                            {"sweeps", h.sweeps}}));
}

app::ChangesOutcome changes_of(Context& ctx, int fallback) {
  app::ChangesRequest r;
  r.db = ctx.services.db_path();
  r.ruleset = ctx.services.ruleset_dir();
  r.sweeps = whole(ctx.req, "sweeps", fallback, 1, 100);
  r.limit_to = limit_of(ctx);
  auto out = app::change_notices(r);
  if (out.status != app::RunStatus::done) refuse(out, false);
  return out;
}

void changes_api(Context& ctx) {
  const auto out = changes_of(ctx, 1);
  ctx.res.json(nlohmann::json::parse(reports::changes_json(out.notices)));
}

// The feed's id names the ruleset and, for a user limited to jurisdictions, those: a reader
// subscribed as an inspector and one subscribed as the bureau follow two different feeds.
void changes_feed(Context& ctx) {
  const auto out = changes_of(ctx, 20);
  std::string id = "tag:ecoaudit,2026:changes/" + out.notices.ruleset;
  if (const auto& l = ctx.limit_to()) {
    std::set<std::string> sorted(l->begin(), l->end());
    std::string js;
    for (const auto& j : sorted) js += (js.empty() ? "" : ",") + j;
    id += "/jurisdictions/";
    for (unsigned char c : js)
      id += std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ? std::string(1, static_cast<char>(c))
                                                                            : fmt::format("%{:02X}", c);
  }
  ctx.res.status = 200;
  ctx.res.content_type = "application/atom+xml; charset=utf-8";
  ctx.res.body = reports::changes_atom(out.notices, ctx.lang(), id);
}

app::WatchlistOutcome watchlist_of(Context& ctx) {
  app::WatchlistRequest r;
  r.db = ctx.services.db_path();
  r.ruleset = ctx.services.ruleset_dir();
  if (ctx.req.query_value("days")) r.days = whole(ctx.req, "days", 0, 0, 36500);
  r.limit_to = limit_of(ctx);
  auto out = app::watchlist(r);
  if (out.status != app::RunStatus::done) refuse(out, false);
  return out;
}

void watchlist_api(Context& ctx) { ctx.res.json(nlohmann::json::parse(app::watchlist_json(watchlist_of(ctx)))); }

// The watch list page: one table in the order `ecoaudit watchlist` lists (jurisdiction, team);
// each enterprise links to its quarter grid.
void watchlist_page(Context& ctx) {
  const auto out = watchlist_of(ctx);
  const auto& p = out.policy;
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : out.entries) {
    std::string team;
    for (const auto& i : e.inspectors) team += (team.empty() ? "" : ", ") + i;
    std::string why;
    for (const auto& w : e.why) why += (why.empty() ? "" : "; ") + w;
    entries.push_back({{"jurisdiction", e.jurisdiction},
                       {"inspected", !team.empty()},
                       {"inspectors", team},
                       {"rule", e.violation.rule},
                       {"subject", e.violation.subject_record + ":" + e.violation.subject_key},
                       {"enterprise_id", e.owner_key},
                       {"enterprise_name", e.owner_name.empty() ? e.owner_key : e.owner_name},
                       {"severity", e.severity},
                       {"verdict", e.verdict},
                       {"first_seen", e.first_seen},
                       {"days_unresolved", e.days_unresolved},
                       {"sweeps", e.sweeps},
                       {"state", e.state},
                       {"why", why}});
  }
  std::string severities;
  for (const auto& v : p.severities) severities += (severities.empty() ? "" : ", ") + v;
  ctx.res.html(render_page(ctx, "watchlist", "watchlist.title",
                           {{"as_of", out.as_of},
                            {"sweep", out.sweep},
                            {"days", p.days},
                            {"days_source", p.days_source},
                            {"has_severities", !severities.empty()},
                            {"severities", severities},
                            {"severities_source", p.severities_source},
                            {"repeat", p.repeat_sweeps > 0},
                            {"repeat_sweeps", p.repeat_sweeps},
                            {"repeat_source", p.repeat_source},
                            {"jurisdiction_field", p.jurisdiction_field},
                            {"entries", entries},
                            {"count", out.entries.size()}}));
}

}  // namespace

void register_enforcement(Router& router) {
  using app::Action;
  using app::Resource;
  const nlohmann::json obj = {{"type", "object"}};
  // The security matrix's fixture (tests/sweep/fixture) declares no watch-list policy
  // (enforcement.json): what is significant is the bureau's to declare, so an allowed call
  // there answers 400 naming the missing file.
  constexpr int kNoPolicy = 400;
  router.add({.method = "GET", .path = "/api/history", .resource = Resource::enterprise, .action = Action::view,
              .summary = "Compliance history: each enterprise's status in each of the last quarters "
                         "(?enterprise=KEY&quarters=12&as_of=YYYY-MM-DD)",
              .flags = kApi, .handler = history_api, .response_schema = obj, .example_status = kNoPolicy});
  router.add({.method = "GET", .path = "/history", .resource = Resource::enterprise, .action = Action::view,
              .summary = "The quarter grid page: the compliance history of the enterprises (?enterprise=KEY for one)",
              .flags = kPage, .handler = history_page, .nav = "nav.history", .example_status = kNoPolicy});
  router.add({.method = "GET", .path = "/api/changes", .resource = Resource::finding, .action = Action::view,
              .summary = "Change notices: what the latest recorded sweeps changed, per jurisdiction and inspector (?sweeps=1)",
              .flags = kApi, .handler = changes_api, .response_schema = obj, .example_status = kNoPolicy});
  router.add({.method = "GET", .path = "/feeds/changes.atom", .resource = Resource::finding, .action = Action::view,
              .summary = "Change notices as an Atom 1.0 feed (the last 20 recorded sweeps; ?sweeps=N)", .flags = kPage,
              .handler = changes_feed, .example_status = kNoPolicy});
  router.add({.method = "GET", .path = "/api/watchlist", .resource = Resource::finding, .action = Action::view,
              .summary = "The watch list: significant violations of the latest sweep unresolved for more than the "
                         "policy's days with no enforcement action, per jurisdiction and inspector (?days=N)",
              .flags = kApi, .handler = watchlist_api, .response_schema = obj, .example_status = kNoPolicy});
  router.add({.method = "GET", .path = "/watchlist", .resource = Resource::finding, .action = Action::view,
              .summary = "The watch list page, per jurisdiction and inspector (?days=N)", .flags = kPage,
              .handler = watchlist_page, .nav = "nav.watchlist", .example_status = kNoPolicy});
}

}  // namespace eco::server
