// Workbook import speed and memory: writes a workbook of N rows (enterprises, each with 2
// facilities and 3 transport entries, on three sheets, as import_bench's CSVs) with
// libxlsxwriter as Excel stores one (shared strings, numbers, booleans, dates as formatted
// serials; --inline: inline strings, as libxlsxwriter's constant-memory mode and some exporters
// write them), imports it into a fresh store as one batch and prints rows/s and the peak RSS.
// Run once per size (peak RSS is per process):
//   xlsx_bench --rows 100000
#include <xlsxwriter.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include "dsl/model/schema.hpp"
#include "engine/ingest/import.hpp"
#include "engine/ingest/values.hpp"
#include "engine/log/log.hpp"
#include "engine/store/store.hpp"
#include "bench/bench_store.hpp"

namespace {

using namespace eco;
using bench::add_record;
using bench::field;
using bench::peak_rss_mib;
using dsl::model::Field;
using dsl::model::Kind;
using dsl::model::Type;

const char* kCounties[] = {"榆次区", "太谷区", "祁县", "平遥县", "介休市", "灵石县", "寿阳县", "昔阳县", "和顺县", "左权县", "榆社县"};
const char* kIndustries[] = {"coking", "steel", "cement", "coal_power", "chemical", "casting", "other"};
const char* kIndustryLabels[] = {"焦化", "钢铁", "水泥", "燃煤发电", "化工", "铸造", "其他"};

void build_schema(dsl::model::Schema& s) {
  s.enums.reserve(2);
  dsl::model::EnumType county{"county", "", {}, {}};
  for (auto* c : kCounties) county.values.push_back({c, ""});
  dsl::model::EnumType industry{"industry", "", {}, {}};
  for (int i = 0; i < 7; ++i) industry.values.push_back({kIndustries[i], kIndustryLabels[i]});
  s.enums.push_back(county);
  s.enums.push_back(industry);
  auto ref = [](std::string n) {
    Field f = field(std::move(n), Type::of(Kind::string));
    f.ref = dsl::model::Reference{0, "", ""};
    return f;
  };
  add_record(s, "enterprise",
      {field("id", Type::of(Kind::string), false, true), field("name", Type::of(Kind::string)),
       field("county", Type::enumeration(&s.enums[0])), field("industry", Type::enumeration(&s.enums[1])),
       field("lon", Type::of(Kind::double_), true), field("lat", Type::of(Kind::double_), true),
       field("key_discharge_unit", Type::of(Kind::bool_), true),
       field("emergency_plan_filed_on", Type::of(Kind::date), true)});
  add_record(s, "facility",
      {field("id", Type::of(Kind::string), false, true), ref("enterprise_id"), field("kind", Type::of(Kind::string)),
       field("capacity_t", Type::of(Kind::double_), true), field("status", Type::of(Kind::string)),
       field("ule_completed_on", Type::of(Kind::date), true)});
  add_record(s, "transport_entry",
      {ref("enterprise_id"), field("plate", Type::of(Kind::string)), field("entered_on", Type::of(Kind::date)),
       field("cargo", Type::of(Kind::string), true), field("tonnes", Type::of(Kind::double_), true)});
}

std::string uscc_of(long i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "91140700MA%07lX", i);
  std::string p(buf);
  return p + engine::ingest::uscc_check_char(p);
}

void header(lxw_worksheet* ws, std::initializer_list<const char*> names) {
  lxw_col_t c = 0;
  for (const char* n : names) worksheet_write_string(ws, 0, c++, n, nullptr);
}

// Writes the workbook; returns its rows (without headers).
long generate(const std::filesystem::path& path, long rows, bool inline_strings) {
  lxw_workbook_options o{};
  o.constant_memory = inline_strings ? LXW_TRUE : LXW_FALSE;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &o);
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");
  lxw_worksheet* e = workbook_add_worksheet(wb, "enterprise");
  lxw_worksheet* f = workbook_add_worksheet(wb, "facility");
  lxw_worksheet* t = workbook_add_worksheet(wb, "transport_entry");
  header(e, {"统一社会信用代码 *\nid", "企业名称 *\nname", "区县 *\ncounty", "行业 *\nindustry", "经度\nlon", "纬度\nlat",
             "重点排污单位\nkey_discharge_unit", "应急预案备案日期\nemergency_plan_filed_on"});
  header(f, {"id", "enterprise_id", "kind", "capacity_t", "status", "ule_completed_on"});
  header(t, {"enterprise_id", "plate", "entered_on", "cargo", "tonnes"});
  std::mt19937_64 rng(42);
  const long n = rows / 6;
  char buf[128];
  // constant_memory writes a sheet's rows in order, one sheet at a time: three passes.
  for (long i = 0; i < n; ++i) {
    std::string id = uscc_of(i);
    lxw_row_t r = static_cast<lxw_row_t>(i + 1);
    worksheet_write_string(e, r, 0, id.c_str(), nullptr);
    std::snprintf(buf, sizeof buf, "晋中市第%ld企业有限公司", i);
    worksheet_write_string(e, r, 1, buf, nullptr);
    worksheet_write_string(e, r, 2, kCounties[rng() % 11], nullptr);
    worksheet_write_string(e, r, 3, kIndustryLabels[rng() % 7], nullptr);
    worksheet_write_number(e, r, 4, 112.0 + static_cast<double>(rng() % 100000) / 1e5, nullptr);
    worksheet_write_number(e, r, 5, 37.0 + static_cast<double>(rng() % 100000) / 1e5, nullptr);
    worksheet_write_boolean(e, r, 6, static_cast<int>(rng() & 1), nullptr);
    if (rng() % 4) {
      lxw_datetime d{2023, 5, static_cast<int>(10 + rng() % 18), 0, 0, 0};
      worksheet_write_datetime(e, r, 7, &d, date);
    }
  }
  for (long i = 0; i < n; ++i) {
    std::string id = uscc_of(i);
    for (int k = 0; k < 2; ++k) {
      lxw_row_t r = static_cast<lxw_row_t>(2 * i + k + 1);
      std::snprintf(buf, sizeof buf, "F%ld-%d", i, k);
      worksheet_write_string(f, r, 0, buf, nullptr);
      worksheet_write_string(f, r, 1, id.c_str(), nullptr);
      worksheet_write_string(f, r, 2, "coke_oven", nullptr);
      worksheet_write_number(f, r, 3, static_cast<double>(rng() % 2000000), nullptr);
      worksheet_write_string(f, r, 4, "operating", nullptr);
      lxw_datetime d{2022, static_cast<int>(rng() % 12) + 1, static_cast<int>(rng() % 28) + 1, 0, 0, 0};
      worksheet_write_datetime(f, r, 5, &d, date);
    }
  }
  for (long i = 0; i < n; ++i) {
    std::string id = uscc_of(i);
    for (int k = 0; k < 3; ++k) {
      lxw_row_t r = static_cast<lxw_row_t>(3 * i + k + 1);
      worksheet_write_string(t, r, 0, id.c_str(), nullptr);
      std::snprintf(buf, sizeof buf, "晋K%05ld", static_cast<long>(rng() % 100000));
      worksheet_write_string(t, r, 1, buf, nullptr);
      lxw_datetime d{2024, static_cast<int>(rng() % 12) + 1, static_cast<int>(rng() % 28) + 1, 0, 0, 0};
      worksheet_write_datetime(t, r, 2, &d, date);
      worksheet_write_string(t, r, 3, "煤炭, 焦炭", nullptr);
      worksheet_write_number(t, r, 4, static_cast<double>(rng() % 500) / 10, nullptr);
    }
  }
  if (workbook_close(wb) != LXW_NO_ERROR) return -1;
  return n * 6;
}

}  // namespace

int main(int argc, char** argv) {
  long rows = 100000;
  bool inline_strings = false;
  std::filesystem::path dir = "/tmp/ecoaudit-xlsx-bench";
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--rows") && i + 1 < argc) rows = std::atol(argv[++i]);
    else if (!std::strcmp(argv[i], "--inline")) inline_strings = true;
    else if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) dir = argv[++i];
    else {
      std::fprintf(stderr, "usage: xlsx_bench [--rows N] [--inline] [--dir DIR]\n");
      return 2;
    }
  }
  eco::engine::logger().set_level(spdlog::level::info);
  std::filesystem::create_directories(dir);
  auto book = dir / (std::to_string(rows) + (inline_strings ? "-inline" : "") + ".xlsx");
  if (!std::filesystem::exists(book)) {
    auto t0 = std::chrono::steady_clock::now();
    if (generate(book, rows, inline_strings) < 0) return 1;
    std::printf("wrote %s in %.1f s\n", book.c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::printf("workbook: %ld rows, %.1f MiB (peak RSS before importing: %ld MiB)\n", rows / 6 * 6,
              static_cast<double>(std::filesystem::file_size(book)) / (1 << 20), peak_rss_mib());
  dsl::model::Schema schema;
  build_schema(schema);
  auto db = dir / "bench.db";
  auto store = bench::fresh_store(db, schema);
  auto t0 = std::chrono::steady_clock::now();
  auto r = engine::ingest::import_paths(*store, {book});
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!bench::report_errors(r)) return 1;
  std::printf("import: %llu rows in %.2f s = %.0f rows/s; peak RSS %ld MiB\n",
              static_cast<unsigned long long>(r.rows_read), s, static_cast<double>(r.rows_read) / s, peak_rss_mib());
  return 0;
}
