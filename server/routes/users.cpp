#include "server/routes/users.hpp"

#include "app/draws.hpp"
#include "server/http/pages.hpp"
#include "server/http/services.hpp"

namespace eco::server {
namespace {

nlohmann::json account_json(const app::Account& a) {
  nlohmann::json roles = nlohmann::json::array();
  for (auto r : a.roles) roles.push_back(std::string(app::to_string(r)));
  return {{"name", a.name},
          {"roles", roles},
          {"jurisdictions", a.jurisdictions},
          {"created_at", a.created_at},
          {"password_changed_at", a.password_changed_at},
          {"disabled_at", a.disabled_at ? nlohmann::json(*a.disabled_at) : nlohmann::json(nullptr)},
          {"inspector", a.inspector ? nlohmann::json(*a.inspector) : nlohmann::json(nullptr)}};
}

const nlohmann::json kStrings = {{"type", "array"}, {"items", {{"type", "string"}}}};
const nlohmann::json kAccountSchema = {
    {"type", "object"},
    {"required", {"name", "roles", "jurisdictions", "created_at", "password_changed_at", "disabled_at", "inspector"}},
    {"properties",
     {{"name", {{"type", "string"}}},
      {"roles", kStrings},
      {"jurisdictions", kStrings},
      {"created_at", {{"type", "string"}}},
      {"password_changed_at", {{"type", "string"}}},
      {"disabled_at", {{"type", {"string", "null"}}}},
      {"inspector", {{"type", {"string", "null"}}}},
      // Only in the answer to a change that set a roster id the server could not check.
      {"warning", {{"type", "string"}}}}}};

std::vector<std::string> strings(const nlohmann::json& body, const char* key) {
  std::vector<std::string> out;
  if (!body.contains(key)) return out;
  const auto& v = body[key];
  if (!v.is_array()) throw HttpError(400, "bad_request", std::string(key) + " is not a list of strings");
  for (const auto& s : v) {
    if (!s.is_string()) throw HttpError(400, "bad_request", std::string(key) + " is not a list of strings");
    out.push_back(s.get<std::string>());
  }
  return out;
}

std::string text(const nlohmann::json& body, const char* key) {
  if (!body.contains(key) || !body[key].is_string())
    throw HttpError(400, "bad_request", std::string("give ") + key + " as a string");
  return body[key].get<std::string>();
}

// The inspector roster id of a request body: nullopt for none (absent, null or blank: the users
// page's empty field).
std::optional<std::string> inspector_of(const nlohmann::json& body) {
  if (!body.contains("inspector") || body["inspector"].is_null()) return std::nullopt;
  if (!body["inspector"].is_string()) throw HttpError(400, "bad_request", "give inspector as a string or null");
  const auto id = body["inspector"].get<std::string>();
  if (id.find_first_not_of(" \t") == std::string::npos) return std::nullopt;
  if (auto p = app::roster_id_problem(id); !p.empty()) throw HttpError(400, "bad_request", p);
  return id;
}

// Refuses (400, naming the id) a roster id the draw plan's roster does not hold; "" when it does,
// else the warning that it could not be checked (the ruleset has no draw plan, or one that
// cannot be read): the link is then taken as given.
std::string check_roster(Context& ctx, const std::string& id) {
  const auto roster = app::roster_ids({.db = ctx.services.db_path(), .ruleset = ctx.services.ruleset_dir(), .ids = {id}});
  if (roster.status != app::RunStatus::done)
    return "the inspector " + id + " was not checked against the roster: " + roster.errors;
  if (!roster.declared())
    return "the inspector " + id + " was not checked: the ruleset has no draw plan (draw.json) declaring a roster";
  if (!roster.known.count(id))
    throw HttpError(400, "bad_request",
                    "no inspector " + id + " in the roster: the store has no " + roster.record + " record with that key");
  return "";
}

void list_users(Context& ctx) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : ctx.services.accounts().list()) out.push_back(account_json(a));
  ctx.res.json(out);
}

void add_user(Context& ctx) {
  const auto body = ctx.req.json_body();
  app::NewAccount n;
  n.name = text(body, "name");
  for (const auto& r : strings(body, "roles")) {
    auto role = app::parse_role(r);
    if (!role) throw HttpError(400, "bad_request", "no role is named " + r);
    n.roles.push_back(*role);
  }
  n.jurisdictions = strings(body, "jurisdictions");
  n.inspector = inspector_of(body);
  if (auto p = app::new_account_problem(n); !p.empty()) throw HttpError(400, "bad_request", p);
  if (ctx.services.accounts().find(n.name)) throw HttpError(409, "conflict", "an account named " + n.name + " already exists");
  const std::string warning = n.inspector ? check_roster(ctx, *n.inspector) : "";
  auto j = account_json(ctx.services.accounts().add(n, text(body, "password"), ctx.actor()));
  if (!warning.empty()) j["warning"] = warning;
  ctx.res.json(j, 201);
}

app::Account existing(Context& ctx) {
  auto a = ctx.services.accounts().find(ctx.req.param("name"));
  if (!a) throw HttpError(404, "not_found", "no account named " + ctx.req.param("name"));
  return *a;
}

void disable_user(Context& ctx) {
  const auto a = existing(ctx);
  if (a.disabled_at) throw HttpError(409, "conflict", "the account " + a.name + " is already disabled");
  ctx.services.accounts().disable(a.name, ctx.actor());
  ctx.services.sessions().remove_user(a.name);  // signed out everywhere, now
  ctx.res.json(account_json(*ctx.services.accounts().find(a.name)));
}

void set_password(Context& ctx) {
  const auto a = existing(ctx);
  const auto body = ctx.req.json_body();
  ctx.services.accounts().set_password(a.name, text(body, "password"), ctx.actor());
  // Whoever held the old password is signed out; the administrator's own session stays.
  ctx.services.sessions().remove_user(a.name, ctx.session ? ctx.session->token_hash : "");
  ctx.res.status = 204;
  ctx.res.body.clear();
}

void set_inspector(Context& ctx) {
  const auto a = existing(ctx);
  const auto body = ctx.req.json_body();
  if (!body.contains("inspector")) throw HttpError(400, "bad_request", "give inspector: a roster id, or null to clear");
  const auto id = inspector_of(body);
  if (a.disabled_at) throw HttpError(409, "conflict", "the account " + a.name + " is disabled");
  if (a.inspector == id)
    throw HttpError(409, "conflict", id ? "the account " + a.name + " already stands for the inspector " + *id
                                        : "the account " + a.name + " stands for no inspector");
  const std::string warning = id ? check_roster(ctx, *id) : "";
  auto j = account_json(ctx.services.accounts().set_inspector(a.name, id, ctx.actor()));
  if (!warning.empty()) j["warning"] = warning;
  ctx.res.json(j);
}

void users_page(Context& ctx) {
  nlohmann::json users = nlohmann::json::array();
  for (const auto& a : ctx.services.accounts().list()) {
    auto j = account_json(a);
    std::string roles;
    for (const auto& r : j["roles"]) roles += (roles.empty() ? "" : ", ") + labels(ctx.lang()).value("role." + r.get<std::string>(), r.get<std::string>());
    std::string js;
    for (const auto& v : a.jurisdictions) js += (js.empty() ? "" : ", ") + v;
    j["roles_text"] = roles;
    j["jurisdictions_text"] = js;
    j["enabled"] = !a.disabled_at.has_value();
    users.push_back(j);
  }
  nlohmann::json roles = nlohmann::json::array();
  for (auto r : app::kAllRoles)
    roles.push_back({{"name", std::string(app::to_string(r))},
                     {"label", labels(ctx.lang()).value("role." + std::string(app::to_string(r)), std::string(app::to_string(r)))}});
  ctx.res.html(render_page(ctx, "users", "users.title", {{"users", users}, {"all_roles", roles},
                                                          {"may_edit", ctx.may(app::Action::edit, app::Resource::user)}}));
}

}  // namespace

void register_users(Router& router) {
  using app::Action;
  using app::Resource;
  router.add({.method = "GET", .path = "/api/users", .resource = Resource::user, .action = Action::view,
              .summary = "Every account (never a password or its hash)", .flags = kApi, .handler = list_users,
              .response_schema = {{"type", "array"}, {"items", kAccountSchema}}});
  router.add({.method = "POST", .path = "/api/users", .resource = Resource::user, .action = Action::edit,
              .summary = "Add an account", .flags = kApi, .handler = add_user,
              .request_schema = {{"type", "object"},
                                 {"required", {"name", "roles", "password"}},
                                 {"properties",
                                  {{"name", {{"type", "string"}}},
                                   {"roles", kStrings},
                                   {"jurisdictions", kStrings},
                                   {"password", {{"type", "string"}}}}}},
              .response_schema = kAccountSchema, .success_status = 201,
              .example_body = R"({"name":"new-viewer","roles":["viewer"],"password":"Matrix-Example-0001"})",
              .error_statuses = {409}});
  router.add({.method = "POST", .path = "/api/users/{name}/disable", .resource = Resource::user, .action = Action::edit,
              .summary = "Disable an account (it is never deleted) and end its sessions", .flags = kApi,
              .handler = disable_user, .response_schema = kAccountSchema, .example_params = {{"name", "spare1"}},
              .error_statuses = {409}});
  router.add({.method = "PUT", .path = "/api/users/{name}/password", .resource = Resource::user, .action = Action::edit,
              .summary = "Set an account's password and end its other sessions", .flags = kApi,
              .handler = set_password,
              .request_schema = {{"type", "object"}, {"required", {"password"}}, {"properties", {{"password", {{"type", "string"}}}}}},
              .success_status = 204, .example_params = {{"name", "spare2"}},
              .example_body = R"({"password":"Matrix-Example-0002"})"});
  router.add({.method = "PUT", .path = "/api/users/{name}/inspector", .resource = Resource::user, .action = Action::edit,
              .summary = "Link an account to the inspector roster id it stands for (null or \"\": clear it); an id the "
                         "draw plan's roster does not hold is refused",
              .flags = kApi, .handler = set_inspector,
              .request_schema = {{"type", "object"},
                                 {"required", {"inspector"}},
                                 {"properties", {{"inspector", {{"type", {"string", "null"}}}}}}},
              .response_schema = kAccountSchema, .example_params = {{"name", "spare2"}},
              // The matrix test's ruleset has no draw plan: the id is taken with a warning.
              .example_body = R"({"inspector":"matrix-1"})", .error_statuses = {409}});
  router.add({.method = "GET", .path = "/users", .resource = Resource::user, .action = Action::view,
              .summary = "The accounts page", .flags = kPage, .handler = users_page, .nav = "nav.users"});
}

}  // namespace eco::server
