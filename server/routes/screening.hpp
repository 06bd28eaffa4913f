#pragma once
// Screening (issue 14): /api/screening/form (the form generated from the schema's screened
// record), /api/screenings (screen an uploaded document or the form's values: the decision with
// its reasons, documents to request and conditions), /api/screenings/record (record it under the
// officer's name), /api/screenings/decisions (the recorded decisions) and their pages, through
// app/screening_desk.hpp (docs/decisions.md). The matrix's `screening` row: permit officers run
// and record, viewers read the recorded decisions.
#include "server/http/router.hpp"

namespace eco::server {

void register_screening(Router& router);

}  // namespace eco::server
