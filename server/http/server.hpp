#pragma once
// `ecoaudit serve`: the bureau's workbench over HTTP (cpp-httplib; docs/server.md says why).
//
// serve() listens until SIGTERM or SIGINT, then stops accepting, lets the running requests
// finish, runs the shutdown hooks (Services::on_shutdown) and returns. Every request goes
// through dispatch(): limits, route, session, CSRF, authorization, handler, security headers,
// access log (never a password, a cookie or a token).
#include <filesystem>
#include <functional>
#include <ostream>

#include <nlohmann/json.hpp>

#include "server/http/config.hpp"
#include "server/http/router.hpp"
#include "server/http/services.hpp"

namespace eco::server {

// The session cookie's name.
inline constexpr const char* kSessionCookie = "eco_session";

// The session token the request's cookie carries ("" for none).
std::string session_token(const Request& req);

// Registers the framework's own routes (static files, "/", the OpenAPI document) and every
// area's (server/routes/all.cpp).
void register_routes(Router& router);

// Runs the server; `out` gets the line saying where it listens ("listening on http://...") once
// it does. Returns the exit code: 0 after a signal, 2 when it cannot listen.
int serve(Services& services, std::ostream& out);

// The limits, session, CSRF and authorization around `route`'s handler for one request, as
// serve() runs them (exposed for the framework's unit tests).
void dispatch(Services& services, const Router& router, Request& req, Response& res);

}  // namespace eco::server
