#pragma once
// The browsing pages of the workbench (HTML over the same app functions as the browse API,
// server/routes/browse.cpp): the dashboard of the latest sweep with its trend (/dashboard), the
// enterprise search (/enterprises), the live audit of one enterprise with its printable on-site
// checklist (/enterprises/{id}), the findings list with its filters, paging and export links
// (/findings); and the reports' stylesheet for the audit (/static/report.css). Every count,
// list and page keeps to the inspector's jurisdictions as the API does. Element ids and data
// attributes for the browser tests: docs/workbench.md.
#include "server/http/router.hpp"

namespace eco::server {

void register_browse_pages(Router& router);

}  // namespace eco::server
