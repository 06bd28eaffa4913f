// The framework's own routes: the static files (compiled in), "/" (to the first page the user
// may see, or the sign-in page), and the route list as JSON. The areas' routes come from
// server/routes/all.cpp.
#include <fmt/format.h>

#include "server/http/embedded.hpp"
#include "server/http/pages.hpp"
#include "server/http/openapi.hpp"
#include "server/http/server.hpp"
#include "server/routes/all.hpp"

namespace eco::server {
namespace {

std::string content_type_of(std::string_view name) {
  auto ends = [&](std::string_view ext) { return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext; };
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  return "application/octet-stream";
}

void static_file(Context& ctx) {
  // Looked up by exact name among the embedded files: no path is ever opened, so "../" or an
  // encoded one names nothing.
  const std::string name = "static/" + ctx.req.param("file");
  auto content = find_embedded(name);
  if (!content) throw HttpError(404, "not_found", "no such file");
  ctx.res.status = 200;
  ctx.res.content_type = content_type_of(name);
  ctx.res.body = std::string(*content);
}

// The icon a browser asks for at /favicon.ico whatever the page links (the pages link
// /static/favicon.svg): served, never a 404 in the browser's console.
void favicon(Context& ctx) {
  ctx.res.status = 200;
  ctx.res.content_type = "image/x-icon";
  ctx.res.body = std::string(find_embedded("static/favicon.ico").value());
}

void home(Context& ctx) {
  if (!ctx.signed_in()) {
    ctx.res.redirect("/sign-in");
    return;
  }
  for (const auto& r : ctx.services.router()->routes()) {
    if (r.nav.empty() || r.method != "GET") continue;
    if ((r.flags & kSignedIn) || (r.resource && r.action && ctx.may(*r.action, *r.resource))) {
      ctx.res.redirect(r.path);
      return;
    }
  }
  // No page is open to this account's roles yet: say so on a page of its own, not an error.
  ctx.res.html(render_page(ctx, "home", "home.title"));
}

}  // namespace

void register_routes(Router& router) {
  router.add({.method = "GET", .path = "/static/{file}", .summary = "A static file (CSS, JS) of the pages",
              .flags = kPage | kPublic, .handler = static_file, .example_params = {{"file", "app.css"}}});
  router.add({.method = "GET", .path = "/favicon.ico", .summary = "The workbench's icon", .flags = kPage | kPublic,
              .handler = favicon});
  router.add({.method = "GET", .path = "/", .summary = "To the first page the user may see, or to sign in",
              .flags = kPage | kPublic, .handler = home});
  register_all_areas(router);
  register_openapi(router);
}

}  // namespace eco::server
