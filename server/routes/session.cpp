#include "server/routes/session.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "server/http/pages.hpp"
#include "server/http/server.hpp"
#include "server/http/services.hpp"

namespace eco::server {
namespace {

std::string cookie(const Services& s, const std::string& value, long long max_age) {
  return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}", kSessionCookie, value, max_age,
                     s.config().secure_cookie ? "; Secure" : "");
}

nlohmann::json session_json(const app::Account& a, const app::Session& s) {
  nlohmann::json roles = nlohmann::json::array();
  for (auto r : a.roles) roles.push_back(std::string(app::to_string(r)));
  return {{"user", a.name}, {"roles", roles}, {"jurisdictions", a.jurisdictions}, {"csrf", s.csrf},
          {"expires", s.expires}};
}

const nlohmann::json kSessionSchema = {
    {"type", "object"},
    {"required", {"user", "roles", "jurisdictions", "csrf", "expires"}},
    {"properties",
     {{"user", {{"type", "string"}}},
      {"roles", {{"type", "array"}, {"items", {{"type", "string"}}}}},
      {"jurisdictions", {{"type", "array"}, {"items", {{"type", "string"}}}}},
      {"csrf", {{"type", "string"}}},
      {"expires", {{"type", "integer"}}}}}};

// The name and password of a sign-in: JSON {"name","password"} or a urlencoded form.
std::pair<std::string, std::string> credentials(const Request& req) {
  if (req.header("Content-Type").rfind("application/json", 0) == 0) {
    const auto j = req.json_body();
    if (!j.contains("name") || !j["name"].is_string() || !j.contains("password") || !j["password"].is_string())
      throw HttpError(400, "bad_request", "give name and password as strings");
    return {j["name"].get<std::string>(), j["password"].get<std::string>()};
  }
  return {req.query_value("name").value_or(""), req.query_value("password").value_or("")};
}

void sign_in(Context& ctx) {
  auto [name, password] = credentials(ctx.req);
  if (name.empty() || password.empty()) throw HttpError(400, "bad_request", "give a name and a password");
  Services& s = ctx.services;
  const std::int64_t now = app::unix_now();
  const std::string by_account = "account:" + name, by_addr = "addr:" + ctx.req.remote_addr;
  const std::int64_t wait = std::max(s.throttle().wait(by_account, now), s.throttle().wait(by_addr, now));
  if (wait > 0) {
    // The name goes to the trail only when an account has it (people type passwords there).
    const bool known = s.accounts().find(name).has_value();
    spdlog::warn("sign-in throttled for {} from {}: {} s to wait", known ? name : "(unknown)", ctx.req.remote_addr, wait);
    s.accounts().record("(anonymous)", "sign_in.throttled", known ? "user:" + name : "user:(unknown)",
                        fmt::format("from={} wait={}s", ctx.req.remote_addr, wait));
    ctx.res.set_header("Retry-After", std::to_string(wait));
    throw HttpError(429, "throttled", fmt::format("too many failed sign-ins: wait {} seconds and try again", wait));
  }
  auto account = s.accounts().authenticate(name, password, ctx.req.remote_addr);
  if (!account) {
    s.throttle().failed(by_account, s.config().login.max_failures, now);
    s.throttle().failed(by_addr, s.config().login.address_max_failures, now);
    throw HttpError(401, "sign_in_failed", "the name or the password is wrong, or the account is disabled");
  }
  s.throttle().succeeded(by_account);
  s.throttle().succeeded(by_addr);
  // Never reuse what the browser brought: its old session (if any) goes, a new one is made.
  if (const std::string old = session_token(ctx.req); !old.empty()) s.sessions().remove(old);
  auto made = s.sessions().create(account->name, s.config().session);
  ctx.res.set_header("Set-Cookie", cookie(s, made.token, s.config().session.lifetime.count()));
  ctx.res.json(session_json(*account, made.session), 201);
}

void who(Context& ctx) { ctx.res.json(session_json(*ctx.account, *ctx.session)); }

void sign_out(Context& ctx) {
  ctx.services.sessions().remove(session_token(ctx.req));
  ctx.audit("sign_out", "user:" + ctx.account->name);
  ctx.res.set_header("Set-Cookie", cookie(ctx.services, "", 0));
  ctx.res.status = 204;
  ctx.res.body.clear();
}

void sign_in_page(Context& ctx) {
  // Back to where the user was going, on this server only ("//host" would leave it).
  const std::string next = ctx.req.query_value("next").value_or("");
  const bool local = !next.empty() && next[0] == '/' && (next.size() == 1 || (next[1] != '/' && next[1] != '\\'));
  ctx.res.html(render_page(ctx, "sign_in", "sign_in.title", {{"next", local ? next : std::string(1, '/')}}));
}

}  // namespace

void register_session(Router& router) {
  router.add({.method = "POST", .path = "/api/session", .summary = "Sign in: a new session and its cookie",
              .flags = kApi | kPublic, .handler = sign_in,
              .request_schema = {{"type", "object"},
                                 {"required", {"name", "password"}},
                                 {"properties", {{"name", {{"type", "string"}}}, {"password", {{"type", "string"}}}}}},
              .response_schema = kSessionSchema, .success_status = 201,
              .example_body = R"({"name":"nobody","password":"not-a-password"})", .error_statuses = {401, 429}});
  router.add({.method = "GET", .path = "/api/session", .summary = "The signed-in account and its CSRF token",
              .flags = kApi | kSignedIn, .handler = who, .response_schema = kSessionSchema});
  router.add({.method = "DELETE", .path = "/api/session", .summary = "Sign out: the session is deleted",
              .flags = kApi | kSignedIn, .handler = sign_out, .success_status = 204});
  router.add({.method = "GET", .path = "/sign-in", .summary = "The sign-in page", .flags = kPage | kPublic,
              .handler = sign_in_page});
}

}  // namespace eco::server
