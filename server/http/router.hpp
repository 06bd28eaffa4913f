#pragma once
// The workbench's routes: every endpoint (API under /api/, JSON) and page (HTML) is a Route
// registered with the Router, and the framework (server/http/server.cpp) runs, before its
// handler: the limits, the session (cookie -> app::Session -> the account), CSRF on every
// state-changing method, and app::authorize for the route's declared resource and action. A
// handler only ever runs for a request that passed them all.
//
// A route declares its access in its registration, in one of three ways:
//   resource + action   the matrix of app/authorization.hpp decides (the normal case);
//   kSignedIn           any signed-in account (one's own session: GET/DELETE /api/session);
//   kPublic             anyone (the sign-in page and POST /api/session, static files).
// Router::add refuses a route with none of them, so an endpoint cannot be added unguarded.
//
// Jurisdictions: for a list, the framework passes app::authorize's limit_to in Context; for one
// object the handler reads the object's jurisdiction and calls Context::require_object (403
// when outside the user's). See docs/server.md.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "app/authorization.hpp"
#include "app/sessions.hpp"

namespace eco::server {

class Services;

// Route flags.
enum RouteFlag : unsigned {
  kApi = 1u << 0,       // JSON in and out, errors as {"code","message"}; paths under /api/
  kPage = 1u << 1,      // HTML; errors as an HTML page
  kUpload = 1u << 2,    // takes a body up to limits.upload_bytes instead of limits.body_bytes
  kPublic = 1u << 3,    // no session needed (sign-in, static files)
  kSignedIn = 1u << 4,  // any signed-in account, no resource (one's own session)
};

// A request refused or failed in a handler: thrown, turned into the response (JSON for an API
// route, an HTML page otherwise). `code` is a stable word ("not_found", "bad_request",
// "forbidden", "conflict", ...) and `message` a sentence for the user.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }

 private:
  int status_;
  std::string code_;
};

struct UploadedFile {
  std::string field, filename, content_type, content;  // filename as the browser sent it: never a path to use
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded, without the query
  std::map<std::string, std::string> path_params;           // the {params} of the route's pattern
  std::multimap<std::string, std::string> query;            // the query, and the fields of a urlencoded form
  std::multimap<std::string, std::string> headers;          // names as sent (compare with header())
  std::string body;
  std::vector<UploadedFile> files;                          // multipart/form-data parts (fields too: filename "")
  std::string remote_addr;

  // The {name} part of the path; throws HttpError 404 when the pattern has none of that name.
  const std::string& param(const std::string& name) const;
  // The first query (or form) value of `name`.
  std::optional<std::string> query_value(const std::string& name) const;
  // A header's value (case-insensitive name); "" when absent.
  std::string header(std::string_view name) const;
  // The body as a JSON object; HttpError 400 ("bad_request") naming the parse error otherwise.
  nlohmann::json json_body() const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  void json(const nlohmann::json& value, int status_code = 200);
  void html(std::string text, int status_code = 200);
  void redirect(const std::string& local_path, int status_code = 303);  // a path on this server only
  // An attachment to download, with a UTF-8 file name (RFC 6266 / 5987).
  void download(std::string content, std::string type, std::string_view filename);
  void set_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

struct Route;

// What a handler gets: the request, the response to fill, the server's services, and who asks.
class Context {
 public:
  Context(const Request& req, Response& res, Services& services, const Route& route);
  const Request& req;
  Response& res;
  Services& services;
  const Route& route;

  // The signed-in account and its session; both unset only on a kPublic route without a session.
  std::optional<app::Account> account;
  std::optional<app::Session> session;
  // The framework's authorization of the route for a list (no object named): limit_to is set
  // when the user may only see objects of these jurisdictions.
  app::Authorization authorization;

  bool signed_in() const { return account.has_value(); }
  // The user's name as the trail records it ("(anonymous)" on a public route without a session).
  std::string actor() const;
  // Values a list handler must keep to (nullopt: everything).
  const std::optional<std::vector<std::string>>& limit_to() const { return authorization.limit_to; }
  // For a request about one object: refuses (HttpError 403) unless the user may do the route's
  // action on an object of this jurisdiction ("" for an object without one).
  void require_object(std::string_view jurisdiction) const;
  // Whether the user may do `action` on `resource` (for a list: perhaps limited), e.g. to show a
  // link or a button; the check that counts is still the target route's own.
  bool may(app::Action action, app::Resource resource) const;
  // Appends a row to the audit trail as done by this user.
  void audit(std::string_view action, std::string_view object, std::string_view detail = "") const;
  // The UI language: "zh" (default) or "en", from ?lang= or the lang cookie.
  std::string lang() const;
};

using Handler = std::function<void(Context&)>;

struct Route {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string path;    // "/api/users/{name}": literal segments and whole-segment {params}
  std::optional<app::Resource> resource;
  std::optional<app::Action> action;
  std::string summary;  // one line, English (the OpenAPI document and --list-routes)
  unsigned flags = 0;   // RouteFlag
  Handler handler;
  // Pages: a label key (server/pages/templates/labels.json) to list the page in the layout's
  // navigation for users who may view it; "" for none.
  std::string nav;
  // OpenAPI: JSON Schemas of the request body and the success response ({} for none), and
  // the success status.
  nlohmann::json request_schema = nlohmann::json::object();
  nlohmann::json response_schema = nlohmann::json::object();
  int success_status = 200;
  // The security test's sample call: path parameter values, and a body (JSON text) for methods
  // that take one. Without them it substitutes "x" and sends "{}".
  std::map<std::string, std::string> example_params;
  std::string example_body;
  // The status the example call answers when allowed, where it is not a success: the calls of
  // the security test come in registration order, and an example may meet the state an earlier
  // one left (a staged import committed by the commit example, then discarded: 409). 0: any
  // 2xx or 3xx.
  int example_status = 0;
  // OpenAPI: error statuses this route's handler answers besides the framework's own (400, 404,
  // 413, 431, 500, 503; 401 and 403 unless public; 403 for CSRF), e.g. {409} or {429}.
  std::vector<int> error_statuses;

  bool is_api() const { return (flags & kApi) != 0; }
};

struct Match {
  const Route* route = nullptr;
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed_methods;  // when the path matched other methods only (405)
};

class Router {
 public:
  // `services`: what the areas' registrations may use (Services::on_shutdown); nullptr only in
  // tests of the registry itself.
  explicit Router(Services* services) : services_(services) {}
  // Registers a route. Throws std::logic_error for a route without declared access (neither
  // resource + action nor kPublic / kSignedIn), one with both, a pattern that is not one, one
  // neither kApi nor kPage, an API route outside /api/, or a method + path already registered.
  void add(Route route);
  Match match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }
  // The server's services; throws std::logic_error for a Router made without them.
  Services& services();

 private:
  Services* services_;
  std::vector<Route> routes_;
};

// The routes as JSON (method, path, resource, action, access, flags, summary, example): what
// `ecoaudit serve --list-routes` prints and the security test walks.
nlohmann::json describe_routes(const Router& router);

}  // namespace eco::server
