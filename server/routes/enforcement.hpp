#pragma once
// The enforcement area (issue 15 items 5-7): the compliance history (/api/history and the
// quarter grid page /history) and the change notices (/api/changes and the Atom feed
// /feeds/changes.atom), through app/compliance_history.hpp and app/change_notices.hpp
// (docs/enforcement.md). Inspectors see only enterprises of their jurisdictions.
#include "server/http/router.hpp"

namespace eco::server {

void register_enforcement(Router& router);

}  // namespace eco::server
