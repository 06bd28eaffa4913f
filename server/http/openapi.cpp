#include "server/http/openapi.hpp"

#include <set>

#include "server/http/services.hpp"

namespace eco::server {
namespace {

std::string access_of(const Route& r) {
  if (r.flags & kPublic) return "public";
  if (r.flags & kSignedIn) return "signed_in";
  return "authorized";
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

nlohmann::json operation(const Route& r) {
  nlohmann::json op = {{"summary", r.summary}, {"x-access", access_of(r)}};
  if (r.resource) op["x-resource"] = std::string(app::to_string(*r.resource));
  if (r.action) op["x-action"] = std::string(app::to_string(*r.action));
  nlohmann::json params = nlohmann::json::array();
  for (std::size_t i = r.path.find('{'); i != std::string::npos; i = r.path.find('{', i + 1)) {
    const auto j = r.path.find('}', i);
    params.push_back({{"name", r.path.substr(i + 1, j - i - 1)}, {"in", "path"}, {"required", true},
                      {"schema", {{"type", "string"}}}});
  }
  if (!params.empty()) op["parameters"] = params;
  if (!r.request_schema.empty())
    op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", r.request_schema}}}}}};
  nlohmann::json ok = {{"description", "success"}};
  if (!r.response_schema.empty()) {
    // A schema with "x-content-type" describes a download (CSV) instead of JSON.
    const std::string type = r.response_schema.value("x-content-type", std::string("application/json"));
    nlohmann::json schema = r.response_schema;
    schema.erase("x-content-type");
    ok["content"] = {{type, {{"schema", schema}}}};
  }
  nlohmann::json responses = {{std::to_string(r.success_status), ok}};
  const nlohmann::json err = {{"description", "error"},
                              {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
  std::set<int> errors = {400, 404, 413, 431, 500, 503};
  if (!(r.flags & kPublic)) errors.insert({401, 403});
  if (r.method != "GET") errors.insert(403);
  errors.insert(r.error_statuses.begin(), r.error_statuses.end());
  for (int s : errors) responses[std::to_string(s)] = err;
  op["responses"] = responses;
  return op;
}

}  // namespace

nlohmann::json error_schema() {
  return {{"type", "object"},
          {"required", {"code", "message"}},
          {"properties", {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}},
          {"additionalProperties", false}};
}

nlohmann::json openapi_document(const Router& router) {
  nlohmann::json paths = nlohmann::json::object();
  for (const auto& r : router.routes())
    if (r.is_api()) paths[r.path][lower(r.method)] = operation(r);
  return {{"openapi", "3.1.0"},
          {"info", {{"title", "EcoAudit workbench API"}, {"version", "0.1.0"},
                    {"description", "Sign in with POST /api/session; send the session's CSRF token as X-CSRF-Token on "
                                    "every POST, PUT, PATCH and DELETE. docs/server.md."}}},
          {"paths", paths},
          {"components", {{"schemas", {{"Error", error_schema()}}}}}};
}

void register_openapi(Router& router) {
  router.add({.method = "GET", .path = "/api/openapi.json", .summary = "This API's OpenAPI document",
              .flags = kApi | kSignedIn,
              .handler = [](Context& ctx) { ctx.res.json(openapi_document(*ctx.services.router())); },
              .response_schema = {{"type", "object"}, {"required", {"openapi", "paths"}}}});
}

}  // namespace eco::server
