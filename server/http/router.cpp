#include "server/http/router.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "server/http/services.hpp"

namespace eco::server {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const std::size_t j = std::min(path.find('/', i), path.size());
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool is_param(std::string_view seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Percent-encodes a file name for filename*= (RFC 5987): every byte outside the unreserved set.
std::string rfc5987(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string access_of(const Route& r) {
  if (r.flags & kPublic) return "public";
  if (r.flags & kSignedIn) return "signed_in";
  return "authorized";
}

}  // namespace

const std::string& Request::param(const std::string& name) const {
  auto it = path_params.find(name);
  if (it == path_params.end()) throw HttpError(404, "not_found", "no such path parameter: " + name);
  return it->second;
}

std::optional<std::string> Request::query_value(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::string Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return "";
}

nlohmann::json Request::json_body() const {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& ex) {
    throw HttpError(400, "bad_request", fmt::format("the request body is not JSON: {}", ex.what()));
  }
  if (!j.is_object()) throw HttpError(400, "bad_request", "the request body is not a JSON object");
  return j;
}

void Response::json(const nlohmann::json& value, int status_code) {
  status = status_code;
  content_type = "application/json; charset=utf-8";
  // Replacement characters for invalid UTF-8 coming from the store, never an exception.
  body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Response::html(std::string text, int status_code) {
  status = status_code;
  content_type = "text/html; charset=utf-8";
  body = std::move(text);
}

void Response::redirect(const std::string& local_path, int status_code) {
  // Only a path of this server: "//host" or "/\host" would leave it (an open redirect).
  const bool local = !local_path.empty() && local_path[0] == '/' &&
                     (local_path.size() == 1 || (local_path[1] != '/' && local_path[1] != '\\'));
  status = status_code;
  set_header("Location", local ? local_path : "/");
  body.clear();
}

void Response::download(std::string content, std::string type, std::string_view filename) {
  status = 200;
  content_type = std::move(type);
  body = std::move(content);
  set_header("Content-Disposition", "attachment; filename=\"download\"; filename*=UTF-8''" + rfc5987(filename));
}

Context::Context(const Request& r, Response& s, Services& sv, const Route& rt)
    : req(r), res(s), services(sv), route(rt) {}

std::string Context::actor() const { return account ? account->name : "(anonymous)"; }

void Context::require_object(std::string_view jurisdiction) const {
  if (!account || !route.resource || !route.action)
    throw HttpError(403, "forbidden", "this request names an object but the route declares no resource");
  const auto a = app::authorize(account->principal(), *route.action, *route.resource,
                                {services.jurisdiction_field(), std::string(jurisdiction)});
  if (!a.allowed) throw HttpError(403, "forbidden", app::describe(a.denial));
}

bool Context::may(app::Action action, app::Resource resource) const {
  if (!account) return false;
  return app::authorize(account->principal(), action, resource, {services.jurisdiction_field(), std::nullopt}).allowed;
}

void Context::audit(std::string_view action, std::string_view object, std::string_view detail) const {
  services.accounts().record(actor(), action, object, detail);
}

std::string Context::lang() const {
  if (auto q = req.query_value("lang"); q && (*q == "en" || *q == "zh")) return *q;
  const std::string cookies = req.header("Cookie");
  for (std::string_view rest = cookies; !rest.empty();) {
    const auto semi = rest.find(';');
    std::string_view part = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part == "lang=en") return "en";
  }
  return "zh";
}

void Router::add(Route route) {
  auto refuse = [&](const std::string& why) {
    throw std::logic_error(fmt::format("route {} {}: {}", route.method, route.path, why));
  };
  const bool declared = route.resource.has_value() && route.action.has_value();
  const bool open = (route.flags & (kPublic | kSignedIn)) != 0;
  if (!declared && !open)
    refuse("declares no resource and action (only kPublic or kSignedIn routes may, explicitly)");
  if (declared && open) refuse("declares a resource and action and kPublic/kSignedIn: choose one");
  if (route.resource.has_value() != route.action.has_value()) refuse("declares a resource without an action or the reverse");
  if ((route.flags & kPublic) && (route.flags & kSignedIn)) refuse("is both kPublic and kSignedIn");
  if (((route.flags & kApi) != 0) == ((route.flags & kPage) != 0)) refuse("must be exactly one of kApi and kPage");
  static const char* kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  if (std::find(std::begin(kMethods), std::end(kMethods), route.method) == std::end(kMethods))
    refuse("the method is not GET, POST, PUT, PATCH or DELETE");
  if (route.path.empty() || route.path[0] != '/') refuse("the path does not start with '/'");
  if ((route.flags & kApi) && route.path.rfind("/api/", 0) != 0) refuse("an API route's path starts with /api/");
  if ((route.flags & kPage) && route.path.rfind("/api/", 0) == 0) refuse("a page's path must not start with /api/");
  for (auto seg : segments(route.path))
    if (!is_param(seg) && (seg.find('{') != std::string_view::npos || seg.find('}') != std::string_view::npos))
      refuse("a {param} must be a whole path segment");
  if (!route.handler) refuse("has no handler");
  for (const auto& r : routes_) {
    if (r.method != route.method) continue;
    // Two patterns that match the same paths (same literals, params anywhere alike) collide.
    auto a = segments(r.path), b = segments(route.path);
    bool same = a.size() == b.size();
    for (std::size_t i = 0; same && i < a.size(); ++i) same = (is_param(a[i]) && is_param(b[i])) || a[i] == b[i];
    if (same) refuse("is already registered (as " + r.path + ")");
  }
  routes_.push_back(std::move(route));
}

Services& Router::services() {
  if (!services_) throw std::logic_error("this Router was made without the server's services");
  return *services_;
}

Match Router::match(std::string_view method, std::string_view path) const {
  Match out;
  const auto want = segments(path);
  const Route* best = nullptr;
  int best_literals = -1;
  for (const auto& r : routes_) {
    const auto pat = segments(r.path);
    if (pat.size() != want.size()) continue;
    std::map<std::string, std::string> params;
    int literals = 0;
    bool ok = true;
    for (std::size_t i = 0; ok && i < pat.size(); ++i) {
      if (is_param(pat[i]))
        params[std::string(pat[i].substr(1, pat[i].size() - 2))] = std::string(want[i]);
      else if (pat[i] == want[i])
        ++literals;
      else
        ok = false;
    }
    if (!ok) continue;
    if (r.method != method) {
      out.allowed_methods.push_back(r.method);
      continue;
    }
    // "/api/users/me" wins over "/api/users/{name}": the most literal segments.
    if (literals > best_literals) {
      best = &r;
      best_literals = literals;
      out.params = std::move(params);
    }
  }
  out.route = best;
  if (best) out.allowed_methods.clear();
  return out;
}

nlohmann::json describe_routes(const Router& router) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : router.routes()) {
    nlohmann::json j = {{"method", r.method},   {"path", r.path},
                        {"access", access_of(r)}, {"kind", r.is_api() ? "api" : "page"},
                        {"upload", (r.flags & kUpload) != 0}, {"summary", r.summary}};
    if (r.resource) j["resource"] = std::string(app::to_string(*r.resource));
    if (r.action) j["action"] = std::string(app::to_string(*r.action));
    j["example_params"] = r.example_params;
    j["example_body"] = r.example_body;
    j["success_status"] = r.success_status;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace eco::server
