#pragma once
// Signing in and out: POST/GET/DELETE /api/session and the sign-in page (docs/server.md).
#include "server/http/router.hpp"

namespace eco::server {

void register_session(Router& router);

}  // namespace eco::server
