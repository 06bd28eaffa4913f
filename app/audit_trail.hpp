#pragma once
// Reading the audit trail (_audit, app/accounts.hpp) a page at a time, newest first, filtered by
// who and what: the administrators' view of the workbench (server/routes/audit.cpp) and its
// CSV export.
#include <cstdint>
#include <string>
#include <vector>

#include "app/accounts.hpp"

namespace eco::app {

struct TrailQuery {
  std::string actor;       // exact account name ("" for everyone)
  std::string action;      // exact action, or a prefix ending in '.' ("user." for every user change); "" for all
  std::int64_t offset = 0;
  std::int64_t limit = 50;  // at most kMaxTrailPage; 0 or less for every row (the export)
};

inline constexpr std::int64_t kMaxTrailPage = 500;

struct TrailPage {
  std::vector<AuditEntry> entries;  // newest first
  std::int64_t total = 0;           // rows matching the filters
};

// The rows matching `q`. Throws AccountError when the store cannot be read, and for a limit
// above kMaxTrailPage or a negative offset.
TrailPage trail_page(Accounts& accounts, const TrailQuery& q);

}  // namespace eco::app
