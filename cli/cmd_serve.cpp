// ecoaudit serve --db FILE --ruleset DIR [--listen ADDR:PORT] [--config FILE] [--list-routes]:
// the bureau's workbench over HTTP (server/, docs/server.md). This file parses and calls the
// server; everything else is there.
#include <iostream>

#include "cli/command.hpp"
#include "server/http/server.hpp"

namespace eco::cli {
namespace {

struct ServeCmd {
  std::string db, ruleset, listen, config;
  bool list_routes = false;
};

int run_serve(const ServeCmd& o) {
  try {
    server::ServerConfig config = o.config.empty() ? server::ServerConfig{} : server::load_config(o.config);
    if (!o.listen.empty()) server::set_listen(config, o.listen);
    server::Services services(config, o.db, o.ruleset);
    if (o.list_routes) {
      server::Router router(&services);
      server::register_routes(router);
      std::cout << server::describe_routes(router).dump(2) << "\n";
      return kExitOk;
    }
    return server::serve(services, std::cout);
  } catch (const server::ConfigError& ex) {
    std::cerr << "ecoaudit serve: " << ex.what() << "\n";
    return kExitUsage;
  } catch (const app::AccountError& ex) {
    std::cerr << "ecoaudit serve: " << ex.what() << "\n";
    return kExitUsage;
  }
}

}  // namespace

ECOAUDIT_COMMAND("serve", "Serve the bureau's workbench over HTTP (localhost:8080 by default)", [](CLI::App& sub) {
  auto o = std::make_shared<ServeCmd>();
  sub.add_option("--db", o->db, "The store (made by ecoaudit init)")->required();
  sub.add_option("--ruleset", o->ruleset, "The ruleset folder (or one .rules file)")->required();
  sub.add_option("--listen", o->listen, "ADDR:PORT to listen on (127.0.0.1:8080; port 0: any free port)");
  sub.add_option("--config", o->config, "The server's configuration (JSON; docs/server.md)");
  sub.add_flag("--list-routes", o->list_routes, "Print every route with its resource and action (JSON) and exit");
  return [o] { return run_serve(*o); };
});

}  // namespace eco::cli
