#include "server/routes/waivers.hpp"

#include <charconv>

#include "app/waivers.hpp"
#include "server/http/pages.hpp"
#include "server/http/services.hpp"

namespace eco::server {
namespace {

using app::WaiverError;

// The desk of the served store and ruleset (cheap: the ruleset is the server's).
std::unique_ptr<app::WaiverDesk> desk(Context& ctx) {
  try {
    return app::WaiverDesk::open(ctx.services.db_path(), ctx.services.ruleset());
  } catch (const WaiverError& e) {
    throw HttpError(e.kind() == WaiverError::Kind::bad_request ? 501 : 500,
                    e.kind() == WaiverError::Kind::bad_request ? "not_supported" : "store_error", e.what());
  }
}

[[noreturn]] void rethrow(const WaiverError& e) {
  switch (e.kind()) {
    case WaiverError::Kind::bad_request: throw HttpError(400, "bad_request", e.what());
    case WaiverError::Kind::not_found: throw HttpError(404, "not_found", e.what());
    case WaiverError::Kind::conflict: throw HttpError(409, "conflict", e.what());
    case WaiverError::Kind::forbidden: throw HttpError(403, "forbidden", e.what());
    case WaiverError::Kind::store: throw HttpError(500, "store_error", e.what());
  }
  throw HttpError(500, "store_error", e.what());
}

std::int64_t waiver_id(const Request& req) {
  const std::string& text = req.param("id");
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0)
    throw HttpError(404, "not_found", "no waiver request " + text);
  return id;
}

std::string text(const nlohmann::json& body, const char* key, bool required = true) {
  if (!body.contains(key) || body[key].is_null()) {
    if (required) throw HttpError(400, "bad_request", std::string("give ") + key + " as a string");
    return "";
  }
  if (!body[key].is_string()) throw HttpError(400, "bad_request", std::string("give ") + key + " as a string");
  return body[key].get<std::string>();
}

dsl::Date date(const nlohmann::json& body, const char* key, std::optional<dsl::Date> fallback = std::nullopt) {
  const std::string t = text(body, key, !fallback);
  if (t.empty() && fallback) return *fallback;
  auto d = dsl::parse_date(t);
  if (!d) throw HttpError(400, "bad_request", std::string(key) + " is not a date (YYYY-MM-DD): " + t);
  return *d;
}

// The waiver `id`, which the user may act on with the route's action (its jurisdiction).
app::Waiver existing(Context& ctx, app::WaiverDesk& d) {
  const auto id = waiver_id(ctx.req);
  std::optional<app::Waiver> w;
  try {
    w = d.find(id);
  } catch (const WaiverError& e) {
    rethrow(e);
  }
  if (!w) throw HttpError(404, "not_found", "no waiver request " + std::to_string(id));
  ctx.require_object(w->jurisdiction);
  return *w;
}

const nlohmann::json kStr = {{"type", "string"}};
const nlohmann::json kWaiverSchema = {
    {"type", "object"},
    {"required", {"id", "state", "target", "subject", "subject_type", "requested_by", "events"}},
    {"properties",
     {{"id", {{"type", "integer"}}},
      {"state", {{"enum", {"pending", "approved", "rejected", "withdrawn"}}}},
      {"target", kStr},
      {"subject", kStr},
      {"subject_type", kStr},
      {"requested_by", kStr},
      {"valid_from", kStr},
      {"valid_until", kStr},
      {"days_left", {{"type", "integer"}}},
      {"expired", {{"type", "boolean"}}},
      {"events", {{"type", "array"}}}}}};

void list_api(Context& ctx) {
  auto d = desk(ctx);
  app::WaiverFilter f;
  f.limit_to = ctx.limit_to();
  if (auto s = ctx.req.query_value("state"); s && !s->empty()) {
    for (auto st : {app::WaiverState::pending, app::WaiverState::approved, app::WaiverState::rejected,
                    app::WaiverState::withdrawn})
      if (app::to_string(st) == *s) f.state = st;
    if (!f.state) throw HttpError(400, "bad_request", "state is one of pending, approved, rejected, withdrawn");
  }
  nlohmann::json out = nlohmann::json::array();
  try {
    for (const auto& w : d->list(f)) out.push_back(app::to_json(w, dsl::today()));
  } catch (const WaiverError& e) {
    rethrow(e);
  }
  ctx.res.json(out);
}

void one_api(Context& ctx) {
  auto d = desk(ctx);
  ctx.res.json(app::to_json(existing(ctx, *d), dsl::today()));
}

void request_api(Context& ctx) {
  const auto body = ctx.req.json_body();
  auto d = desk(ctx);
  app::WaiverRequestInput in;
  in.target = text(body, "target");
  in.subject_type = text(body, "subject_type", false);
  in.subject = text(body, "subject");
  in.from = date(body, "from");
  in.until = date(body, "until");
  in.reason = text(body, "reason");
  try {
    ctx.res.json(app::to_json(d->request(in, ctx.actor(), dsl::today(), ctx.limit_to()), dsl::today()), 201);
  } catch (const WaiverError& e) {
    rethrow(e);
  }
}

void approve_api(Context& ctx) {
  const auto body = ctx.req.json_body();
  auto d = desk(ctx);
  const auto w = existing(ctx, *d);
  app::WaiverApproval a;
  a.basis = text(body, "basis");
  a.approver = text(body, "approver");
  a.from = date(body, "from", dsl::parse_date(w.requested_from));
  a.until = date(body, "until", dsl::parse_date(w.requested_until));
  try {
    ctx.res.json(app::to_json(d->approve(w.id, a, ctx.actor()), dsl::today()));
  } catch (const WaiverError& e) {
    rethrow(e);
  }
}

void reject_api(Context& ctx) {
  const auto body = ctx.req.json_body();
  auto d = desk(ctx);
  const auto w = existing(ctx, *d);
  try {
    ctx.res.json(app::to_json(d->reject(w.id, text(body, "note"), ctx.actor()), dsl::today()));
  } catch (const WaiverError& e) {
    rethrow(e);
  }
}

void withdraw_api(Context& ctx) {
  const auto body = ctx.req.json_body();
  auto d = desk(ctx);
  const auto w = existing(ctx, *d);
  const auto on = date(body, "on", dsl::today());
  try {
    ctx.res.json(app::to_json(d->withdraw(w.id, text(body, "reason"), on, ctx.actor()), dsl::today()));
  } catch (const WaiverError& e) {
    rethrow(e);
  }
}

void waivers_page(Context& ctx) {
  auto d = desk(ctx);
  const auto t = labels(ctx.lang());
  const bool may_edit = ctx.may(app::Action::edit, app::Resource::waiver);
  const bool may_approve = ctx.may(app::Action::approve, app::Resource::waiver);
  app::WaiverFilter f;
  f.limit_to = ctx.limit_to();
  nlohmann::json rows = nlohmann::json::array();
  const auto today = dsl::today();
  try {
    for (const auto& w : d->list(f)) {
      auto j = app::to_json(w, today);
      const std::string state(app::to_string(w.state));
      j["state_label"] = t.value("waivers.state." + state, state);
      j["show_owner"] = !w.owner_key.empty() && w.owner_key != w.subject;
      j["pending"] = w.state == app::WaiverState::pending;
      j["approved"] = w.state == app::WaiverState::approved;
      j["may_decide"] = may_approve && w.state == app::WaiverState::pending && w.requested_by != ctx.actor();
      j["may_withdraw"] = may_edit && (w.state == app::WaiverState::pending ||
                                       (w.state == app::WaiverState::approved && w.days_left(today).value_or(-1) >= 0));
      if (auto left = w.days_left(today)) {
        j["has_expiry"] = true;
        j["expired"] = *left < 0;
      }
      rows.push_back(std::move(j));
    }
  } catch (const WaiverError& e) {
    rethrow(e);
  }
  ctx.res.html(render_page(ctx, "waivers", "waivers.title",
                           {{"waivers", rows},
                            {"may_request", may_edit},
                            {"today", dsl::format_date(today)}}));
}

}  // namespace

// The security test's sample calls (tests/server/security_matrix_test.py) run on the server
// tests' fixture, where the harness made waiver requests 1 to 3 at the command line: 1 is
// approved, 2 rejected, 3 withdrawn by the calls that may.
void register_waivers(Router& router) {
  using app::Action;
  using app::Resource;
  const nlohmann::json list_schema = {{"type", "array"}, {"items", kWaiverSchema}};
  router.add({.method = "GET", .path = "/api/waivers", .resource = Resource::waiver, .action = Action::view,
              .summary = "Waiver requests and waivers, newest first, with their expiry (?state=pending|approved|...)",
              .flags = kApi, .handler = list_api, .response_schema = list_schema});
  router.add({.method = "GET", .path = "/api/waivers/{id}", .resource = Resource::waiver, .action = Action::view,
              .summary = "One waiver request with what became of it", .flags = kApi, .handler = one_api,
              .response_schema = kWaiverSchema, .example_params = {{"id", "1"}}});
  router.add({.method = "POST", .path = "/api/waivers", .resource = Resource::waiver, .action = Action::edit,
              .summary = "Request a waiver of a rule (or requirement) for one subject: pending until approved",
              .flags = kApi, .handler = request_api,
              .request_schema = {{"type", "object"},
                                 {"required", {"target", "subject", "from", "until", "reason"}},
                                 {"properties",
                                  {{"target", kStr},
                                   {"subject_type", kStr},
                                   {"subject", kStr},
                                   {"from", kStr},
                                   {"until", kStr},
                                   {"reason", kStr}}}},
              .response_schema = kWaiverSchema, .success_status = 201,
              .example_body = R"({"target":"fx.permit","subject":"F-OPEN","from":"2025-01-01","until":"2025-01-31",)"
                              R"("reason":"matrix"})"});
  router.add({.method = "POST", .path = "/api/waivers/{id}/approve", .resource = Resource::waiver,
              .action = Action::approve,
              .summary = "Approve a pending request: the waiver record is written (an import batch)", .flags = kApi,
              .handler = approve_api,
              .request_schema = {{"type", "object"},
                                 {"required", {"basis", "approver"}},
                                 {"properties", {{"basis", kStr}, {"approver", kStr}, {"from", kStr}, {"until", kStr}}}},
              .response_schema = kWaiverSchema, .example_params = {{"id", "1"}},
              .example_body = R"({"basis":"matrix basis","approver":"matrix approver"})"});
  router.add({.method = "POST", .path = "/api/waivers/{id}/reject", .resource = Resource::waiver,
              .action = Action::approve, .summary = "Reject a pending request", .flags = kApi, .handler = reject_api,
              .request_schema = {{"type", "object"}, {"required", {"note"}}, {"properties", {{"note", kStr}}}},
              .response_schema = kWaiverSchema, .example_params = {{"id", "2"}},
              .example_body = R"({"note":"matrix"})"});
  router.add({.method = "POST", .path = "/api/waivers/{id}/withdraw", .resource = Resource::waiver,
              .action = Action::edit,
              .summary = "Withdraw a pending request, or end an approved waiver the day before `on` (default today)",
              .flags = kApi, .handler = withdraw_api,
              .request_schema = {{"type", "object"}, {"required", {"reason"}}, {"properties", {{"reason", kStr}, {"on", kStr}}}},
              .response_schema = kWaiverSchema, .example_params = {{"id", "3"}},
              .example_body = R"({"reason":"matrix"})"});
  router.add({.method = "GET", .path = "/waivers", .resource = Resource::waiver, .action = Action::view,
              .summary = "The waivers page: requests, approvals, withdrawals, expiry", .flags = kPage,
              .handler = waivers_page, .nav = "nav.waivers"});
}

}  // namespace eco::server
