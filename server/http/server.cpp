#include "server/http/server.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "server/http/pages.hpp"

namespace eco::server {
namespace {

// Content-Security-Policy of every response: our own scripts, styles and images only, nothing
// inline, no plugin, no framing, forms posting here only.
constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

std::shared_ptr<spdlog::logger> access_log() {
  static auto log = [] {
    auto l = spdlog::get("access");
    if (!l) l = spdlog::stderr_logger_mt("access");
    return l;
  }();
  return log;
}

std::string cookie_value(const std::string& header, std::string_view name) {
  std::string_view rest = header;
  while (!rest.empty()) {
    const auto semi = rest.find(';');
    std::string_view part = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
  }
  return "";
}

bool state_changing(std::string_view method) { return method != "GET" && method != "HEAD"; }

// The host part of an Origin ("https://example.org:8443" -> "example.org:8443").
std::string origin_host(std::string_view origin) {
  const auto scheme = origin.find("://");
  return std::string(scheme == std::string_view::npos ? origin : origin.substr(scheme + 3));
}

void error_response(Response& res, bool api, std::string_view lang, int status, const std::string& code,
                    const std::string& message) {
  if (api) {
    res.json({{"code", code}, {"message", message}}, status);
    return;
  }
  try {
    res.html(render_error_page(lang, status, message), status);
  } catch (const std::exception& ex) {
    spdlog::error("the error page could not be rendered: {}", ex.what());
    res.status = status;
    res.content_type = "text/plain; charset=utf-8";
    res.body = message;
  }
}

void security_headers(Response& res, bool cacheable) {
  res.set_header("Content-Security-Policy", kCsp);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Cross-Origin-Opener-Policy", "same-origin");
  res.set_header("Cross-Origin-Resource-Policy", "same-origin");
  // Pages and API answers hold enterprises' files and accounts: never kept by a cache. Static
  // files (our own CSS and JS) may be.
  res.set_header("Cache-Control", cacheable ? "public, max-age=3600" : "no-store");
}

// The account behind the request's session cookie, when the session is live and the account
// enabled. A session of a disabled account is deleted.
void resolve_session(Services& services, const Request& req, Context& ctx) {
  const std::string token = session_token(req);
  if (token.empty()) return;
  auto session = services.sessions().resolve(token, services.config().session);
  if (!session) return;
  auto account = services.accounts().find(session->user);
  if (!account || account->disabled_at) {
    services.sessions().remove(token);
    return;
  }
  ctx.session = std::move(session);
  ctx.account = std::move(account);
}

void check_csrf(const Request& req, const Context& ctx) {
  if (!state_changing(req.method)) return;
  // A browser names the page's origin on every cross-site state-changing request: one that is
  // not this host is refused before anything else (SameSite=Strict aside).
  const std::string origin = req.header("Origin");
  if (!origin.empty() && origin != "null" && origin_host(origin) != req.header("Host"))
    throw HttpError(403, "csrf", "the request comes from another site");
  if (!ctx.session) return;  // public routes without a session (signing in) have no token yet
  std::string given = req.header("X-CSRF-Token");
  if (given.empty())
    if (auto f = req.query_value("_csrf")) given = *f;
  if (given.empty())  // a multipart form (an upload) carries its fields as parts
    for (const auto& part : req.files)
      if (part.field == "_csrf" && part.filename.empty()) given = part.content;
  if (!app::csrf_matches(ctx.session->csrf, given))
    throw HttpError(403, "csrf", "the request lacks this session's CSRF token: reload the page and try again");
}

void authorize_route(Services& services, const Route& route, Context& ctx) {
  if (!(route.flags & kPublic) && !ctx.account) throw HttpError(401, "unauthenticated", "sign in first");
  if (!route.resource) {
    ctx.authorization.allowed = true;
    ctx.authorization.denial = app::Denial::none;
    return;
  }
  ctx.authorization = app::authorize(ctx.account->principal(), *route.action, *route.resource,
                                     {services.jurisdiction_field(), std::nullopt});
  if (!ctx.authorization.allowed) {
    spdlog::warn("refused {} {} to {}: {}", route.method, route.path, ctx.account->name,
                 app::describe(ctx.authorization.denial));
    throw HttpError(403, "forbidden", app::describe(ctx.authorization.denial));
  }
}

std::size_t body_limit(const ServerConfig& c, const Route& r) {
  return (r.flags & kUpload) ? c.limits.upload_bytes : c.limits.body_bytes;
}

}  // namespace

std::string session_token(const Request& req) { return cookie_value(req.header("Cookie"), kSessionCookie); }

void dispatch(Services& services, const Router& router, Request& req, Response& res) {
  bool api = req.path.rfind("/api/", 0) == 0;
  std::string lang = "zh";
  std::string user = "-";
  try {
    const Match m = router.match(req.method, req.path);
    if (!m.route) {
      if (!m.allowed_methods.empty()) {
        std::string allow;
        for (const auto& a : m.allowed_methods) allow += (allow.empty() ? "" : ", ") + a;
        res.set_header("Allow", allow);
        throw HttpError(405, "method_not_allowed", "this path does not take " + req.method);
      }
      throw HttpError(404, "not_found", "no such page or endpoint");
    }
    const Route& route = *m.route;
    api = route.is_api();
    req.path_params = m.params;
    Context ctx(req, res, services, route);
    lang = ctx.lang();
    if (auto q = req.query_value("lang"); q && *q == lang)  // the language switch: kept for the next pages
      res.set_header("Set-Cookie", "lang=" + lang + "; Path=/; SameSite=Strict; Max-Age=31536000");
    if (req.body.size() > body_limit(services.config(), route))
      throw HttpError(413, "payload_too_large", "the request body is larger than this endpoint takes");
    resolve_session(services, req, ctx);
    if (ctx.account) user = ctx.account->name;
    if (!(route.flags & kPublic) && !ctx.account && !api && req.method == "GET") {
      // A page asked for without a session: the sign-in form, coming back here after.
      res.html(render_page(ctx, "sign_in", "sign_in.title", {{"next", req.path}}), 401);
    } else {
      authorize_route(services, route, ctx);
      check_csrf(req, ctx);
      route.handler(ctx);
    }
  } catch (const HttpError& e) {
    error_response(res, api, lang, e.status(), e.code(), e.what());
  } catch (const app::AccountError& e) {
    error_response(res, api, lang, 400, "bad_request", e.what());
  } catch (const std::exception& e) {
    spdlog::error("{} {} failed: {}", req.method, req.path, e.what());
    error_response(res, api, lang, 500, "internal", "the server failed to answer; its log says why");
  }
  security_headers(res, req.path.rfind("/static/", 0) == 0 && res.status == 200);
}

namespace {

// The thread pool with a bounded queue: a connection accepted while `max_queued` others wait
// for a thread is answered 503 (by the thread that takes it, before any work), so a flood of
// connections cannot queue without end behind slow requests.
class BoundedPool : public httplib::TaskQueue {
 public:
  BoundedPool(std::size_t threads, std::size_t max_queued) : max_queued_(max_queued) {
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
  }
  void enqueue(std::function<void()> fn) override {
    {
      std::lock_guard lock(mutex_);
      const bool over = jobs_.size() >= max_queued_;
      jobs_.push_back({std::move(fn), over});
    }
    cond_.notify_one();
  }
  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      shutdown_ = true;
    }
    cond_.notify_all();
    for (auto& t : threads_) t.join();
  }
  static bool overloaded() { return t_overloaded; }

 private:
  struct Job {
    std::function<void()> fn;
    bool overloaded;
  };
  void work() {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mutex_);
        cond_.wait(lock, [&] { return !jobs_.empty() || shutdown_; });
        if (shutdown_ && jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      t_overloaded = job.overloaded;
      job.fn();
      t_overloaded = false;
    }
  }
  static thread_local bool t_overloaded;
  std::size_t max_queued_;
  std::vector<std::thread> threads_;
  std::deque<Job> jobs_;
  bool shutdown_ = false;
  std::mutex mutex_;
  std::condition_variable cond_;
};
thread_local bool BoundedPool::t_overloaded = false;

Request to_request(const httplib::Request& in) {
  Request r;
  r.method = in.method;
  r.path = in.path;
  for (const auto& [k, v] : in.params) r.query.emplace(k, v);
  for (const auto& [k, v] : in.headers) r.headers.emplace(k, v);
  r.body = in.body;
  for (const auto& [field, f] : in.files) r.files.push_back({field, f.filename, f.content_type, f.content});
  r.remote_addr = in.remote_addr;
  return r;
}

std::size_t header_bytes(const httplib::Request& in) {
  std::size_t n = in.method.size() + in.target.size() + in.version.size() + 4;
  for (const auto& [k, v] : in.headers) n += k.size() + v.size() + 4;
  return n;
}

void handle(Services& services, const Router& router, const httplib::Request& in, httplib::Response& out) {
  const auto t0 = std::chrono::steady_clock::now();
  Response res;
  Request req = to_request(in);
  const bool api = req.path.rfind("/api/", 0) == 0;
  if (BoundedPool::overloaded()) {
    error_response(res, api, "zh", 503, "overloaded", "the server is busy: try again shortly");
    res.set_header("Retry-After", "5");
    security_headers(res, false);
  } else if (header_bytes(in) > services.config().limits.header_bytes) {
    error_response(res, api, "zh", 431, "headers_too_large", "the request's headers are too large");
    security_headers(res, false);
  } else {
    dispatch(services, router, req, res);
  }
  out.status = res.status;
  for (const auto& [k, v] : res.headers) out.set_header(k, v);
  out.set_content(res.body, res.content_type);
  if (res.status >= 500 || res.status == 413 || res.status == 431) out.set_header("Connection", "close");
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  // The path only: never the query (a search may hold a name), a cookie or a body.
  access_log()->info("{} \"{} {}\" {} {} {}ms", in.remote_addr, in.method, in.path, res.status, res.body.size(), ms);
}

// Blocks SIGTERM and SIGINT in this thread and every thread started after (the pool's), and
// waits for them in one thread of its own.
class SignalWatcher {
 public:
  explicit SignalWatcher(std::function<void()> on_signal) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
    thread_ = std::thread([this, on_signal] {
      int sig = 0;
      sigwait(&set_, &sig);
      if (!done_.exchange(true)) on_signal();
    });
  }
  ~SignalWatcher() {
    // Wakes the watcher when no signal came (the server stopped on its own); when one did, the
    // thread has already returned and is only joined.
    if (!done_.exchange(true)) pthread_kill(thread_.native_handle(), SIGTERM);
    thread_.join();
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t set_{}, old_{};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace

int serve(Services& services, std::ostream& out) {
  const ServerConfig& c = services.config();
  Router router(&services);
  register_routes(router);
  services.set_router(&router);
  httplib::Server svr;
  svr.new_task_queue = [&c] { return new BoundedPool(static_cast<std::size_t>(c.threads), c.limits.max_queued_connections); };
  svr.set_read_timeout(c.limits.read_timeout);
  svr.set_write_timeout(c.limits.write_timeout);
  svr.set_keep_alive_timeout(c.limits.keep_alive_timeout.count());
  svr.set_keep_alive_max_count(c.limits.keep_alive_requests);
  svr.set_payload_max_length(c.limits.upload_bytes);
  // A body larger than its route takes is refused from its Content-Length, before it is read.
  svr.set_pre_routing_handler([&](const httplib::Request& in, httplib::Response& res) {
    const Match m = router.match(in.method, in.path);
    if (!m.route || !in.has_header("Content-Length")) return httplib::Server::HandlerResponse::Unhandled;
    const std::size_t limit = (m.route->flags & kUpload) ? c.limits.upload_bytes : c.limits.body_bytes;
    if (in.get_header_value<std::uint64_t>("Content-Length") <= limit) return httplib::Server::HandlerResponse::Unhandled;
    Response r;
    error_response(r, m.route->is_api(), "zh", 413, "payload_too_large", "the request body is larger than this endpoint takes");
    security_headers(r, false);
    res.status = r.status;
    for (const auto& [k, v] : r.headers) res.set_header(k, v);
    res.set_header("Connection", "close");
    res.set_content(r.body, r.content_type);
    access_log()->info("{} \"{} {}\" 413 refused before reading the body", in.remote_addr, in.method, in.path);
    return httplib::Server::HandlerResponse::Handled;
  });
  const auto h = [&](const httplib::Request& in, httplib::Response& res) { handle(services, router, in, res); };
  svr.Get(".*", h);
  svr.Post(".*", h);
  svr.Put(".*", h);
  svr.Patch(".*", h);
  svr.Delete(".*", h);

  SignalWatcher watcher([&] {
    spdlog::info("stopping: no new connections; running requests finish");
    services.begin_stopping();
    svr.stop();
  });
  // Debian's cpp-httplib is a shared library built with a listen backlog of 5
  // (CPPHTTPLIB_LISTEN_BACKLOG): 50 users each opening a connection per request (as behind nginx)
  // overflowed it in bursts, and each dropped SYN waited for the client's retransmission a second
  // later: the load benchmark's p95 was ~1 s with p50 ~20 ms (`netstat -s`: "SYNs to LISTEN sockets
  // dropped"). Linux takes a second listen() on a listening socket as a new backlog, so the socket
  // the library makes is kept here and given the system's maximum once bound.
  int listen_fd = -1;
  svr.set_socket_options([&](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd = static_cast<int>(sock);
  });
  int port = c.port;
  if (port == 0)
    port = svr.bind_to_any_port(c.host);
  else if (!svr.bind_to_port(c.host, port))
    port = -1;
  if (port < 0) {
    spdlog::error("cannot listen on {}:{}", c.host, c.port);
    return 2;
  }
  if (listen_fd >= 0 && ::listen(listen_fd, SOMAXCONN) != 0)
    spdlog::warn("cannot raise the listen backlog to {}: {}", SOMAXCONN, std::strerror(errno));
  services.run_start_hooks();
  const bool v6 = c.host.find(':') != std::string::npos;
  out << fmt::format("ecoaudit serve: listening on http://{}{}{}:{}/", v6 ? "[" : "", c.host, v6 ? "]" : "", port)
      << std::endl;
  svr.listen_after_bind();
  // listen_after_bind returns once the pool's threads are joined: every request has finished.
  services.run_shutdown_hooks();
  spdlog::info("stopped");
  return 0;
}

}  // namespace eco::server
