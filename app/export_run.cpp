#include "app/export_run.hpp"

#include <fmt/format.h>

#include "app/ruleset.hpp"
#include "engine/store/store.hpp"

namespace eco::app {

ExportOutcome run_export(const ExportRequest& request) {
  ExportOutcome out;
  dsl::SourceManager sm;
  auto checked = load_checked_ruleset(request.ruleset, sm);
  if (!checked.ruleset) {
    out.status = RunStatus::ruleset_errors;
    out.errors = std::move(checked.errors);
    return out;
  }
  const auto& rs = *checked.ruleset;
  std::unique_ptr<engine::store::Store> store;
  try {
    engine::store::OpenOptions oo;
    oo.read_only = true;
    store = engine::store::Store::open(request.db, rs.schema, oo);
  } catch (const engine::store::StoreError& ex) {
    out.status = RunStatus::store_error;
    out.errors = ex.what();
    return out;
  }
  engine::exporting::ExportOptions eo;
  eo.format = request.format;
  eo.out = request.out;
  eo.as_of_batch = request.data_as_of;
  eo.history = request.history;
  eo.guide.heading = fmt::format("数据导出: {}", rs.title.empty() ? rs.id : rs.title);
  eo.guide.ruleset_id = rs.id;
  eo.guide.ruleset_sha256 = rs.sha256;
  try {
    out.result = engine::exporting::export_store(*store, eo);
  } catch (const engine::exporting::RequestError& ex) {
    out.status = RunStatus::bad_request;
    out.errors = ex.what();
  } catch (const engine::store::StoreError& ex) {
    out.status = RunStatus::store_error;
    out.errors = ex.what();
  }
  return out;
}

}  // namespace eco::app
