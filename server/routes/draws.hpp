#pragma once
// The draws area (issue 15 items 1 and 7, docs/draw.md): run a random inspection draw
// (双随机), the recorded draws with their seed, population, quotas, ruleset and data batch,
// verify one (`ecoaudit draw --verify` through app/draws.hpp) and its published list (一公开,
// no personal data): /api/draws... and the page /draws. Resource `draw` of the matrix
// (app/authorization.cpp): the administrator runs draws, readers read them.
#include "server/http/router.hpp"

namespace eco::server {

void register_draws(Router& router);

}  // namespace eco::server
