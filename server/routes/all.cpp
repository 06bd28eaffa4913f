#include "server/routes/all.hpp"

#include "server/routes/audit.hpp"
#include "server/routes/browse.hpp"
#include "server/routes/browse_pages.hpp"
#include "server/routes/ruleset.hpp"
#include "server/routes/jobs.hpp"
#include "server/routes/screening.hpp"
#include "server/routes/session.hpp"
#include "server/routes/users.hpp"
#include "server/routes/waivers.hpp"
#include "server/routes/draws.hpp"
#include "server/routes/enforcement.hpp"
#include "server/routes/inspections.hpp"

namespace eco::server {

void register_all_areas(Router& router) {
  register_session(router);
  register_browse_pages(router);  // first: the dashboard is where "/" takes a user who may see it
  register_users(router);
  register_audit(router);
  register_ruleset(router);
  register_jobs(router);
  register_screening(router);
  register_waivers(router);
  register_browse(router);
  register_enforcement(router);
  register_draws(router);
  register_inspections(router);
}

}  // namespace eco::server
