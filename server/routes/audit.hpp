#pragma once
// The audit trail (administrators): /api/audit (paged), /api/audit.csv and the trail page.
#include "server/http/router.hpp"

namespace eco::server {

void register_audit(Router& router);

}  // namespace eco::server
