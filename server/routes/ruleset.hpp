#pragma once
// The ruleset area: the rules by requirement area with their citations, the parameters with
// value, source and confidence, and the coverage of the plan's requirements (app/coverage), as
// /api/ruleset/... and the pages /ruleset, /ruleset/parameters, /ruleset/coverage. Read only:
// the ruleset is the one the server was started with.
#include "server/http/router.hpp"

namespace eco::server {

void register_ruleset(Router& router);

}  // namespace eco::server
