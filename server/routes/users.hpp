#pragma once
// Accounts (administrators): /api/users and the users page, through app/accounts.
#include "server/http/router.hpp"

namespace eco::server {

void register_users(Router& router);

}  // namespace eco::server
