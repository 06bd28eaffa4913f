#include "server/routes/all.hpp"

#include "server/routes/audit.hpp"
#include "server/routes/jobs.hpp"
#include "server/routes/ruleset.hpp"
#include "server/routes/session.hpp"
#include "server/routes/users.hpp"

namespace eco::server {

void register_all_areas(Router& router) {
  register_session(router);
  register_users(router);
  register_audit(router);
  register_jobs(router);
  register_ruleset(router);
}

}  // namespace eco::server
