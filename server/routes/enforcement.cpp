#include "server/routes/enforcement.hpp"

#include <cctype>
#include <charconv>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "app/change_notices.hpp"
#include "app/compliance_history.hpp"
#include "app/enforcement.hpp"
#include "reports/changes.hpp"
#include "reports/compliance.hpp"
#include "dsl/common/date.hpp"
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

// The violations in the enforcement workflow (`ecoaudit enforce list`), those of the user's
// jurisdictions: each with its state, actions (oldest first) and state transitions.
nlohmann::json violations_of(Context& ctx) {
  app::ViolationsRequest r;
  r.db = ctx.services.db_path();
  r.ruleset = ctx.services.ruleset_dir();
  r.owner = ctx.req.query_value("enterprise").value_or("");
  r.limit_to = limit_of(ctx);
  const auto out = app::list_violations(r);
  if (out.status != app::RunStatus::done) refuse(out, false);
  namespace en = engine::enforcement;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& v : out.violations) {
    nlohmann::json actions = nlohmann::json::array();
    for (const auto& a : v.actions)
      actions.push_back({{"id", a.id}, {"kind", en::to_string(a.kind)}, {"reference", a.reference},
                         {"issued_on", a.issued_on}, {"deadline", a.deadline}, {"requirement", a.requirement},
                         {"amount", a.amount}, {"legal_basis", a.legal_basis}, {"case_number", a.case_number},
                         {"referred_to", a.referred_to}, {"note", a.note}, {"inspection", a.inspection},
                         {"recorded_at", a.recorded_at}, {"recorded_by", a.recorded_by}});
    nlohmann::json transitions = nlohmann::json::array();
    for (const auto& t : v.transitions)
      transitions.push_back({{"on", t.on}, {"from", en::to_string(t.from)}, {"to", en::to_string(t.to)},
                             {"reason", t.reason}, {"recorded_by", t.recorded_by}});
    list.push_back({{"rule", v.violation.rule},
                    {"subject", {{"record", v.violation.subject_record}, {"key", v.violation.subject_key}}},
                    {"enterprise_id", v.owner_key},
                    {"enterprise_name", v.owner_name},
                    {"jurisdiction", v.jurisdiction},
                    {"state", v.state},
                    {"actions", actions},
                    {"transitions", transitions}});
  }
  return {{"violations", list}};
}

void violations_api(Context& ctx) { ctx.res.json(violations_of(ctx)); }

std::string body_text(const nlohmann::json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) return "";
  if (!body[key].is_string()) throw HttpError(400, "bad_request", std::string("give ") + key + " as a string");
  return body[key].get<std::string>();
}

// Actions are recorded one at a time per server: the check for an earlier submission with the
// same client request id and the recording are one step (as the inspections' outcomes).
std::mutex action_lock;

// Records an order to rectify, a penalty decision or a referral on a violation of the latest
// sweep (`ecoaudit enforce order|penalty|referral`).
void action_api(Context& ctx) {
  const auto body = ctx.req.json_body();
  app::ActionRequest r;
  r.db = ctx.services.db_path();
  r.ruleset = ctx.services.ruleset_dir();
  r.kind = body_text(body, "kind");
  r.rule = body_text(body, "rule");
  r.subject_key = body_text(body, "subject");
  if (r.rule.empty() || r.subject_key.empty())
    throw HttpError(400, "bad_request", "give the violation: its rule and subject (the finding's subject key)");
  auto& a = r.action;
  a.reference = body_text(body, "reference");
  a.issued_on = body_text(body, "issued_on");
  a.deadline = body_text(body, "deadline");
  a.requirement = body_text(body, "requirement");
  a.amount = body_text(body, "amount");
  a.legal_basis = body_text(body, "legal_basis");
  a.case_number = body_text(body, "case_number");
  a.referred_to = body_text(body, "referred_to");
  a.note = body_text(body, "note");
  r.client_request = body_text(body, "request_id");
  if (r.client_request.size() > 100) throw HttpError(400, "bad_request", "request_id is longer than 100 characters");
  r.recorded = {ctx.actor(), "workbench"};
  r.limit_to = limit_of(ctx);
  app::ActionOutcome out;
  {
    std::lock_guard lock(action_lock);
    out = app::record_action(r);
  }
  if (out.status != app::RunStatus::done) {
    if (out.out_of_scope) throw HttpError(404, "not_found", out.errors);
    refuse(out, false);
  }
  if (!out.replayed)
    ctx.audit("enforcement." + r.kind, "violation:" + r.rule + ":" + r.subject_key,
              "action=" + std::to_string(out.id) + " reference=" + a.reference + " state=" + out.state);
  else
    ctx.res.set_header("X-Replayed", "true");
  ctx.res.json({{"id", out.id}, {"kind", r.kind}, {"rule", out.violation.rule},
                {"subject", {{"record", out.violation.subject_record}, {"key", out.violation.subject_key}}},
                {"state", out.state}, {"request_id", r.client_request}}, 201);
}

// Moves a violation's state (`ecoaudit enforce state`); an illegal transition is refused with
// the sentence naming the allowed ones, and nothing is recorded.
void state_api(Context& ctx) {
  const auto body = ctx.req.json_body();
  app::StateRequest r;
  r.db = ctx.services.db_path();
  r.ruleset = ctx.services.ruleset_dir();
  r.rule = body_text(body, "rule");
  r.subject_key = body_text(body, "subject");
  r.to = body_text(body, "to");
  r.on = body_text(body, "on");
  r.reason = body_text(body, "reason");
  if (r.rule.empty() || r.subject_key.empty())
    throw HttpError(400, "bad_request", "give the violation: its rule and subject (the finding's subject key)");
  r.recorded = {ctx.actor(), "workbench"};
  r.limit_to = limit_of(ctx);
  auto out = app::change_state(r);
  if (out.status != app::RunStatus::done) {
    if (out.out_of_scope) throw HttpError(404, "not_found", out.errors);
    if (out.status == app::RunStatus::bad_request && out.errors.find("cannot go from") != std::string::npos)
      throw HttpError(409, "illegal_transition", out.errors);
    refuse(out, false);
  }
  namespace en = engine::enforcement;
  ctx.audit("enforcement.state", "violation:" + r.rule + ":" + r.subject_key,
            std::string(en::to_string(out.transition.from)) + " -> " + en::to_string(out.transition.to) + " on " + r.on);
  ctx.res.json({{"rule", out.transition.violation.rule},
                {"subject", {{"record", out.transition.violation.subject_record}, {"key", out.transition.violation.subject_key}}},
                {"from", en::to_string(out.transition.from)}, {"to", en::to_string(out.transition.to)},
                {"on", out.transition.on}, {"reason", out.transition.reason}}, 201);
}

// The enforcement actions page: one block per violation with its actions and transitions, the
// form to move its state, and the form to record an action (prefilled from ?rule=&subject=,
// the links of an inspection's confirmed items).
void violations_page(Context& ctx) {
  auto j = violations_of(ctx);
  const auto& t = labels(ctx.lang());
  const bool may_act = ctx.may(app::Action::edit, app::Resource::enforcement_action);
  for (auto& v : j["violations"]) {
    const auto state = v["state"].get<std::string>();
    v["state_label"] = t.value("violations.states." + state, state);
    v["may_act"] = may_act;
    nlohmann::json targets = nlohmann::json::array();
    for (const char* to : {"open", "under_enforcement", "resolved_pending_verification", "resolved"})
      if (state != to) targets.push_back({{"value", to}, {"label", t.value(std::string("violations.states.") + to, to)}});
    v["targets"] = std::move(targets);
    for (auto& tr : v["transitions"]) {
      tr["from_label"] = t.value("violations.states." + tr["from"].get<std::string>(), tr["from"].get<std::string>());
      tr["to_label"] = t.value("violations.states." + tr["to"].get<std::string>(), tr["to"].get<std::string>());
    }
    if (v["enterprise_name"].get<std::string>().empty()) v["enterprise_name"] = v["enterprise_id"];
    v["subject_text"] = v["subject"]["record"].get<std::string>() + ":" + v["subject"]["key"].get<std::string>();
    for (auto& a : v["actions"]) {
      const auto kind = a["kind"].get<std::string>();
      a["is_order"] = kind == "rectification_order";
      a["is_penalty"] = kind == "penalty";
      a["is_referral"] = kind == "referral";
    }
  }
  j["count"] = j["violations"].size();
  j["may_act"] = may_act;
  j["rule"] = ctx.req.query_value("rule").value_or("");
  j["subject"] = ctx.req.query_value("subject").value_or("");
  j["today"] = dsl::format_date(dsl::today());
  ctx.res.html(render_page(ctx, "violations", "violations.title", j));
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
  router.add({.method = "GET", .path = "/api/violations", .resource = Resource::enforcement_action, .action = Action::view,
              .summary = "The violations in the enforcement workflow: state, actions (orders, penalties, referrals) "
                         "and transitions (?enterprise=KEY)",
              .flags = kApi, .handler = violations_api, .response_schema = obj});
  router.add({.method = "GET", .path = "/violations", .resource = Resource::enforcement_action, .action = Action::view,
              .summary = "The enforcement actions page: each violation in the workflow with its state, actions and "
                         "transitions (?enterprise=KEY)",
              .flags = kPage, .handler = violations_page, .nav = "nav.violations"});
  const nlohmann::json str = {{"type", "string"}};
  const nlohmann::json subject = {{"type", "object"}, {"required", {"record", "key"}},
                                  {"properties", {{"record", str}, {"key", str}}}};
  router.add({.method = "POST", .path = "/api/violations/actions", .resource = Resource::enforcement_action,
              .action = Action::edit,
              .summary = "Record an action on a violation of the latest sweep: rectification_order (reference, "
                         "issued_on, deadline, requirement), penalty (reference, issued_on, amount, legal_basis, "
                         "case_number) or referral (reference, issued_on, referred_to); an open violation goes under "
                         "enforcement; idempotent on request_id",
              .flags = kApi, .handler = action_api,
              .request_schema = {{"type", "object"},
                                 {"required", {"kind", "rule", "subject", "reference", "issued_on"}},
                                 {"properties",
                                  {{"kind", {{"enum", {"rectification_order", "penalty", "referral"}}}},
                                   {"rule", str}, {"subject", str}, {"reference", str}, {"issued_on", str},
                                   {"deadline", str}, {"requirement", str}, {"amount", str}, {"legal_basis", str},
                                   {"case_number", str}, {"referred_to", str}, {"note", str}, {"request_id", str}}}},
              .response_schema = {{"type", "object"},
                                  {"required", {"id", "kind", "rule", "subject", "state"}},
                                  {"properties",
                                   {{"id", {{"type", "integer"}}}, {"kind", str}, {"rule", str}, {"subject", subject},
                                    {"state", str}, {"request_id", str}}}},
              .success_status = 201,
              .example_body = R"({"kind":"rectification_order","rule":"fx.permit","subject":"F-OPEN","reference":"M-1",)"
                              R"("issued_on":"2026-12-01","deadline":"2026-12-31","requirement":"matrix"})"});
  router.add({.method = "POST", .path = "/api/violations/state", .resource = Resource::enforcement_action,
              .action = Action::edit,
              .summary = "Move a violation's state (open, under_enforcement, resolved_pending_verification, resolved): "
                         "an illegal transition is refused (409) naming the allowed ones",
              .flags = kApi, .handler = state_api,
              .request_schema = {{"type", "object"},
                                 {"required", {"rule", "subject", "to", "on", "reason"}},
                                 {"properties", {{"rule", str}, {"subject", str}, {"to", str}, {"on", str}, {"reason", str}}}},
              .response_schema = {{"type", "object"},
                                  {"required", {"rule", "subject", "from", "to", "on", "reason"}},
                                  {"properties",
                                   {{"rule", str}, {"subject", subject}, {"from", str}, {"to", str}, {"on", str},
                                    {"reason", str}}}},
              .success_status = 201,
              .example_body = R"({"rule":"fx.permit","subject":"F-OPEN","to":"resolved","on":"2026-12-01","reason":"matrix"})",
              .error_statuses = {409}});
}

}  // namespace eco::server
