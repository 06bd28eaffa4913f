#include "app/export_run.hpp"

#include <fmt/format.h>

#include "app/ruleset.hpp"
#include "app/workbook_layout.hpp"
#include "engine/store/store.hpp"

namespace eco::app {

ExportOutcome run_export(const ExportRequest& request) {
  ExportOutcome out;
  dsl::SourceManager sm;
  auto checked = load_checked_ruleset(request.ruleset, sm);
  if (!checked.ruleset) {
    out.fail(RunStatus::ruleset_errors, checked.errors);
    return out;
  }
  const auto& rs = *checked.ruleset;
  std::unique_ptr<engine::store::Store> store;
  try {
    engine::store::OpenOptions oo;
    oo.read_only = true;
    store = engine::store::Store::open(request.db, rs.schema, oo);
  } catch (const engine::store::StoreError& ex) {
    out.fail(RunStatus::store_error, ex.what());
    return out;
  }
  engine::exporting::ExportOptions eo;
  eo.format = request.format;
  eo.out = request.out;
  eo.as_of_batch = request.data_as_of;
  eo.history = request.history;
  // The workbook in the data-entry layout, its guide saying what the export holds.
  GuideInfo guide;
  guide.heading = fmt::format("数据导出: {}", rs.title.empty() ? rs.id : rs.title);
  guide.ruleset_id = rs.id;
  guide.ruleset_sha256 = rs.sha256;
  eo.workbook = export_workbook_writer(rs.schema, std::move(guide), request.db.filename().string());
  try {
    out.result = engine::exporting::export_store(*store, eo);
  } catch (const engine::exporting::RequestError& ex) {
    out.fail(RunStatus::bad_request, ex.what());
  } catch (const engine::store::StoreError& ex) {
    out.fail(RunStatus::store_error, ex.what());
  }
  return out;
}

}  // namespace eco::app
