// server/http: a route without declared access cannot be registered (nor a malformed one);
// routes match by literal segments first, params otherwise, 405 for another method; the
// configuration refuses unknown keys and out-of-range values; the throttle waits after the
// allowed failures and doubles the wait; the OpenAPI document lists every API route with its
// resource and action.
#include <gtest/gtest.h>

#include <stdexcept>

#include "server/http/config.hpp"
#include "server/http/openapi.hpp"
#include "server/http/router.hpp"
#include "server/http/throttle.hpp"

namespace {

using namespace eco::server;
using eco::app::Action;
using eco::app::Resource;

void nothing(Context&) {}

TEST(Router, RefusesARouteWithoutDeclaredAccess) {
  Router r(nullptr);
  EXPECT_THROW(r.add({.method = "GET", .path = "/api/x", .summary = "s", .flags = kApi, .handler = nothing}),
               std::logic_error);
  EXPECT_THROW(r.add({.method = "GET", .path = "/api/x", .resource = Resource::user, .summary = "s", .flags = kApi,
                      .handler = nothing}),
               std::logic_error);
  EXPECT_THROW(r.add({.method = "GET", .path = "/api/x", .resource = Resource::user, .action = Action::view,
                      .summary = "s", .flags = kApi | kPublic, .handler = nothing}),
               std::logic_error);
  EXPECT_TRUE(r.routes().empty());
  r.add({.method = "GET", .path = "/api/x", .resource = Resource::user, .action = Action::view, .summary = "s",
         .flags = kApi, .handler = nothing});
  r.add({.method = "GET", .path = "/sign-in", .summary = "s", .flags = kPage | kPublic, .handler = nothing});
  r.add({.method = "GET", .path = "/api/me", .summary = "s", .flags = kApi | kSignedIn, .handler = nothing});
  EXPECT_EQ(r.routes().size(), 3u);
}

TEST(Router, RefusesMalformedAndDuplicateRoutes) {
  Router r(nullptr);
  auto route = [](std::string method, std::string path, unsigned flags) {
    return Route{.method = std::move(method), .path = std::move(path), .resource = Resource::user,
                 .action = Action::view, .summary = "s", .flags = flags, .handler = nothing};
  };
  EXPECT_THROW(r.add(route("GET", "/users", kApi)), std::logic_error);        // API outside /api/
  EXPECT_THROW(r.add(route("GET", "/api/users", kPage)), std::logic_error);   // page inside /api/
  EXPECT_THROW(r.add(route("GET", "/api/users", 0)), std::logic_error);       // neither kind
  EXPECT_THROW(r.add(route("GET", "/api/users", kApi | kPage)), std::logic_error);
  EXPECT_THROW(r.add(route("FETCH", "/api/users", kApi)), std::logic_error);
  EXPECT_THROW(r.add(route("GET", "api/users", kApi)), std::logic_error);
  EXPECT_THROW(r.add(route("GET", "/api/users/x{name}", kApi)), std::logic_error);
  Route no_handler = route("GET", "/api/users", kApi);
  no_handler.handler = nullptr;
  EXPECT_THROW(r.add(no_handler), std::logic_error);
  r.add(route("GET", "/api/users/{name}", kApi));
  EXPECT_THROW(r.add(route("GET", "/api/users/{other}", kApi)), std::logic_error);
  r.add(route("POST", "/api/users/{name}", kApi));  // another method: fine
  r.add(route("GET", "/api/users/me", kApi));       // a literal beside a param: fine
}

TEST(Router, MatchesLiteralsFirstThenParamsAndReportsOtherMethods) {
  Router r(nullptr);
  for (const char* p : {"/api/users/{name}", "/api/users/me", "/api/users/{name}/disable"})
    r.add({.method = "GET", .path = p, .resource = Resource::user, .action = Action::view, .summary = p,
           .flags = kApi, .handler = nothing});
  auto m = r.match("GET", "/api/users/me");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->path, "/api/users/me");
  m = r.match("GET", "/api/users/李明");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->path, "/api/users/{name}");
  EXPECT_EQ(m.params.at("name"), "李明");
  m = r.match("GET", "/api/users/li/disable/");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("name"), "li");
  m = r.match("DELETE", "/api/users/li");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed_methods, std::vector<std::string>{"GET"});
  m = r.match("GET", "/api/nothing");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allowed_methods.empty());
}

TEST(OpenApi, ListsEveryApiRouteWithItsResourceAndAction) {
  Router r(nullptr);
  r.add({.method = "GET", .path = "/api/users/{name}", .resource = Resource::user, .action = Action::view,
         .summary = "one", .flags = kApi, .handler = nothing});
  r.add({.method = "GET", .path = "/users", .resource = Resource::user, .action = Action::view, .summary = "page",
         .flags = kPage, .handler = nothing});
  const auto doc = openapi_document(r);
  ASSERT_TRUE(doc["paths"].contains("/api/users/{name}"));
  EXPECT_FALSE(doc["paths"].contains("/users"));  // pages are not the API
  const auto& op = doc["paths"]["/api/users/{name}"]["get"];
  EXPECT_EQ(op["x-resource"], "user");
  EXPECT_EQ(op["x-action"], "view");
  EXPECT_EQ(op["parameters"][0]["name"], "name");
  EXPECT_TRUE(op["responses"].contains("401"));
  EXPECT_TRUE(op["responses"].contains("403"));
}

TEST(Config, DefaultsOverridesAndRefusals) {
  const auto d = parse_config("{}", "t.json");
  EXPECT_EQ(d.host, "127.0.0.1");
  EXPECT_EQ(d.port, 8080);
  EXPECT_FALSE(d.secure_cookie);
  EXPECT_EQ(d.threads, 64);
  EXPECT_EQ(d.jobs_nice, 10);
  const auto c = parse_config(
      R"({"listen":"[::1]:9000","threads":4,"jobs_nice":0,"secure_cookie":true,"limits":{"body_bytes":2048,"upload_bytes":4096},
          "session":{"idle_seconds":600},"login":{"max_failures":3}})",
      "t.json");
  EXPECT_EQ(c.host, "::1");
  EXPECT_EQ(c.port, 9000);
  EXPECT_EQ(c.threads, 4);
  EXPECT_EQ(c.jobs_nice, 0);
  EXPECT_TRUE(c.secure_cookie);
  EXPECT_EQ(c.limits.body_bytes, 2048u);
  EXPECT_EQ(c.session.idle.count(), 600);
  EXPECT_EQ(c.login.max_failures, 3);
  auto message = [](const char* text) {
    try {
      parse_config(text, "t.json");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message(R"({"limit":{}})"), "t.json: limit is not a setting");
  EXPECT_EQ(message(R"({"limits":{"body":1}})"), "t.json: limits.body is not a setting");
  EXPECT_NE(message(R"({"threads":0})").find("threads is 0"), std::string::npos);
  EXPECT_NE(message(R"({"threads":"8"})").find("not a whole number"), std::string::npos);
  EXPECT_NE(message(R"({"jobs_nice":20})").find("jobs_nice"), std::string::npos);
  EXPECT_NE(message(R"({"jobs_nice":-1})").find("jobs_nice"), std::string::npos);
  EXPECT_NE(message(R"({"limits":{"body_bytes":8192,"upload_bytes":4096}})").find("upload_bytes is below"),
            std::string::npos);
  EXPECT_NE(message("{").find("not JSON"), std::string::npos);
  EXPECT_NE(message(R"({"listen":"localhost"})").find("ADDR:PORT"), std::string::npos);
  EXPECT_NE(message(R"({"listen":"1.2.3.4:99999"})").find("port"), std::string::npos);
}

TEST(Throttle, WaitsAfterTheAllowedFailuresAndDoubles) {
  Throttle t({.max_failures = 3, .address_max_failures = 50, .backoff = std::chrono::seconds(2),
              .max_backoff = std::chrono::seconds(5)});
  const std::int64_t now = 1000;
  t.failed("a", 3, now);
  t.failed("a", 3, now);
  EXPECT_EQ(t.wait("a", now), 0);
  t.failed("a", 3, now);
  EXPECT_EQ(t.wait("a", now), 2);
  EXPECT_EQ(t.wait("a", now + 2), 0);
  t.failed("a", 3, now);
  EXPECT_EQ(t.wait("a", now), 4);
  t.failed("a", 3, now);
  EXPECT_EQ(t.wait("a", now), 5);  // capped
  EXPECT_EQ(t.wait("b", now), 0);
  t.succeeded("a");
  EXPECT_EQ(t.wait("a", now), 0);
}

}  // namespace
