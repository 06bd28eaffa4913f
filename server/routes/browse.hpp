#pragma once
// The browsing area (issue 14): the dashboard of the latest recorded sweep with its trend, the
// enterprise search, one enterprise and its live audit, the findings list and its export, as
// /api/dashboard, /api/enterprises, /api/enterprises/{id}, /api/enterprises/{id}/audit,
// /api/findings, /api/findings/csv and /api/findings/xlsx. Each reads through app/browse.hpp
// (the store opened read-only per request). Lists keep to the inspector's jurisdictions (the
// framework's limit_to); one enterprise of another jurisdiction is refused (403) before
// anything of it is read or run; every view of an enterprise's audit is a row of the audit
// trail.
#include "server/http/router.hpp"

namespace eco::server {

void register_browse(Router& router);

}  // namespace eco::server
