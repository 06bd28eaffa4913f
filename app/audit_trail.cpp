#include "app/audit_trail.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

namespace eco::app {
namespace {

// The WHERE clause and its values: a trailing '.' asks for a family of actions, matched by
// range (not LIKE, whose '_' and '%' would be wildcards inside action names like "sign_in").
struct Filter {
  std::string where;
  std::vector<std::string> values;
};

Filter filter_of(const TrailQuery& q) {
  Filter f;
  auto add = [&](const std::string& clause) { f.where += (f.where.empty() ? " WHERE " : " AND ") + clause; };
  if (!q.actor.empty()) {
    add("actor = ?");
    f.values.push_back(q.actor);
  }
  if (!q.action.empty() && q.action.back() == '.') {
    add("action >= ? AND action < ?");
    f.values.push_back(q.action);
    f.values.push_back(q.action.substr(0, q.action.size() - 1) + "/");  // '/' follows '.'
  } else if (!q.action.empty()) {
    add("action = ?");
    f.values.push_back(q.action);
  }
  return f;
}

}  // namespace

TrailPage trail_page(Accounts& accounts, const TrailQuery& q) {
  if (q.limit > kMaxTrailPage)
    throw AccountError(fmt::format("a page of the audit trail holds at most {} rows", kMaxTrailPage));
  if (q.offset < 0) throw AccountError("the offset into the audit trail is negative");
  const Filter f = filter_of(q);
  try {
    TrailPage page;
    SQLite::Statement count(accounts.db(), "SELECT count(*) FROM _audit" + f.where);
    for (std::size_t i = 0; i < f.values.size(); ++i) count.bind(static_cast<int>(i + 1), f.values[i]);
    if (count.executeStep()) page.total = count.getColumn(0).getInt64();
    SQLite::Statement rows(accounts.db(), "SELECT id, at, actor, action, object, detail FROM _audit" + f.where +
                                              " ORDER BY id DESC LIMIT ? OFFSET ?");
    int n = 1;
    for (const auto& v : f.values) rows.bind(n++, v);
    rows.bind(n++, q.limit > 0 ? q.limit : std::int64_t{-1});
    rows.bind(n, q.offset);
    while (rows.executeStep())
      page.entries.push_back({rows.getColumn(0).getInt64(), rows.getColumn(1).getString(),
                              rows.getColumn(2).getString(), rows.getColumn(3).getString(),
                              rows.getColumn(4).getString(), rows.getColumn(5).getString()});
    return page;
  } catch (const SQLite::Exception& ex) {
    throw AccountError(fmt::format("the audit trail could not be read: {}", ex.what()));
  }
}

}  // namespace eco::app
