#pragma once
// The inspections area (issue 15 items 2 and 7, docs/enforcement.md): the inspections of the
// user's jurisdictions ("mine" first: those whose team names the account), one inspection's
// checklist with the latest outcome of each item, opening an inspection (from a draw or
// targeted), and recording an item's outcome, idempotent on the client's request id (a
// submission resent over a flaky network records once and answers the same): /api/inspections...
// and the pages /inspections and /inspections/{id} (the tablet form that keeps a draft of what
// is typed in the browser until the server acknowledged it, /static/inspection.js).
// Resource `inspection_record`.
#include "server/http/router.hpp"

namespace eco::server {

void register_inspections(Router& router);

}  // namespace eco::server
