#pragma once
// Waivers (issue 14): /api/waivers (list with expiry, one, request, approve, reject, withdraw) and
// the waivers page, through app/waivers.hpp (docs/decisions.md). Inspectors request and withdraw
// inside their jurisdictions, rule authors approve or reject: the matrix's `waiver` row.
#include "server/http/router.hpp"

namespace eco::server {

void register_waivers(Router& router);

}  // namespace eco::server
