#include "server/routes/users.hpp"

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
          {"disabled_at", a.disabled_at ? nlohmann::json(*a.disabled_at) : nlohmann::json(nullptr)}};
}

const nlohmann::json kStrings = {{"type", "array"}, {"items", {{"type", "string"}}}};
const nlohmann::json kAccountSchema = {
    {"type", "object"},
    {"required", {"name", "roles", "jurisdictions", "created_at", "password_changed_at", "disabled_at"}},
    {"properties",
     {{"name", {{"type", "string"}}},
      {"roles", kStrings},
      {"jurisdictions", kStrings},
      {"created_at", {{"type", "string"}}},
      {"password_changed_at", {{"type", "string"}}},
      {"disabled_at", {{"type", {"string", "null"}}}}}}};

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
  if (auto p = app::new_account_problem(n); !p.empty()) throw HttpError(400, "bad_request", p);
  if (ctx.services.accounts().find(n.name)) throw HttpError(409, "conflict", "an account named " + n.name + " already exists");
  const auto a = ctx.services.accounts().add(n, text(body, "password"), ctx.actor());
  ctx.res.json(account_json(a), 201);
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
  router.add({.method = "GET", .path = "/users", .resource = Resource::user, .action = Action::view,
              .summary = "The accounts page", .flags = kPage, .handler = users_page, .nav = "nav.users"});
}

}  // namespace eco::server
