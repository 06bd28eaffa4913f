// Import speed and memory: generates CSVs for N enterprises (each with 2 facilities and 3
// transport entries: 6 rows per enterprise) for a small synthetic schema shaped like the
// Jinzhong one, imports them into a fresh store as one batch, and prints rows/s and the
// process's peak RSS. Run it once per size (peak RSS is per process):
//   import_bench --enterprises 100000
//   import_bench --enterprises 1000000
// A second import of the same files measures the idempotent path (every row unchanged).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "bench/bench_store.hpp"
#include "dsl/model/schema.hpp"
#include "engine/ingest/import.hpp"
#include "engine/ingest/values.hpp"
#include "engine/log/log.hpp"
#include "engine/store/store.hpp"

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

void build_schema(dsl::model::Schema& s) {
  s.enums.reserve(2);
  dsl::model::EnumType county{"county", "", {}, {}};
  for (auto* c : kCounties) county.values.push_back({c, ""});
  dsl::model::EnumType industry{"industry", "", {}, {}};
  for (auto* c : kIndustries) industry.values.push_back({c, ""});
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
  s.records[0].fields[0].validator = dsl::model::Validator::uscc;  // the Jinzhong schema's `validate uscc`
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
  std::snprintf(buf, sizeof buf, "91140700MA%07lX", i);  // hex digits are in the USCC set
  std::string p(buf);
  return p + engine::ingest::uscc_check_char(p);
}

std::uint64_t generate(const std::filesystem::path& dir, long n) {
  std::filesystem::create_directories(dir);
  std::ofstream e(dir / "enterprise.csv"), f(dir / "facility.csv"), t(dir / "transport_entry.csv");
  e << "id,name,county,industry,lon,lat,key_discharge_unit,emergency_plan_filed_on\n";
  f << "id,enterprise_id,kind,capacity_t,status,ule_completed_on\n";
  t << "enterprise_id,plate,entered_on,cargo,tonnes\n";
  std::mt19937_64 rng(42);
  char line[512];
  for (long i = 0; i < n; ++i) {
    std::string id = uscc_of(i);
    int d = static_cast<int>(rng() % 28) + 1;
    std::snprintf(line, sizeof line, "%s,晋中市第%ld企业有限公司,%s,%s,%.5f,%.5f,%s,%s\n", id.c_str(), i,
                  kCounties[rng() % 11], kIndustries[rng() % 7], 112.0 + (rng() % 100000) / 1e5,
                  37.0 + (rng() % 100000) / 1e5, (rng() & 1) ? "是" : "否",
                  (rng() % 4) ? ("2023-05-" + std::to_string(10 + d % 18)).c_str() : "");
    e << line;
    for (int k = 0; k < 2; ++k) {
      std::snprintf(line, sizeof line, "F%ld-%d,%s,coke_oven,%ld,operating,2022-%02d-%02d\n", i, k, id.c_str(),
                    static_cast<long>(rng() % 2000000), static_cast<int>(rng() % 12) + 1, d);
      f << line;
    }
    for (int k = 0; k < 3; ++k) {
      std::snprintf(line, sizeof line, "%s,晋K%05ld,2024-%02d-%02d,\"煤炭, 焦炭\",%.1f\n", id.c_str(),
                    static_cast<long>(rng() % 100000), static_cast<int>(rng() % 12) + 1, d,
                    static_cast<double>(rng() % 500) / 10);
      t << line;
    }
  }
  return static_cast<std::uint64_t>(n) * 6;
}

}  // namespace

int main(int argc, char** argv) {
  long n = 100000;
  std::filesystem::path dir = "/tmp/ecoaudit-import-bench";
  bool again = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--enterprises") && i + 1 < argc) n = std::atol(argv[++i]);
    else if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) dir = argv[++i];
    else if (!std::strcmp(argv[i], "--once")) again = false;
    else {
      std::fprintf(stderr, "usage: import_bench [--enterprises N] [--dir DIR] [--once]\n");
      return 2;
    }
  }
  eco::engine::logger().set_level(spdlog::level::info);  // on standard error
  auto data = dir / ("data-" + std::to_string(n));
  if (!std::filesystem::exists(data / "transport_entry.csv")) generate(data, n);
  std::uintmax_t bytes = 0;
  for (auto& p : std::filesystem::directory_iterator(data)) bytes += p.file_size();
  std::printf("data: %ld enterprises, %ld rows, %.1f MiB of CSV (peak RSS after generating: %ld MiB)\n", n, n * 6,
              static_cast<double>(bytes) / (1 << 20), peak_rss_mib());

  dsl::model::Schema schema;
  build_schema(schema);
  auto db = dir / ("bench-" + std::to_string(n) + ".db");
  auto store = bench::fresh_store(db, schema);
  auto t0 = std::chrono::steady_clock::now();
  auto r = engine::ingest::import_paths(*store, {data});
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!bench::report_errors(r)) return 1;
  std::printf("import: %llu rows in %.2f s = %.0f rows/s; peak RSS %ld MiB\n",
              static_cast<unsigned long long>(r.rows_read), s, static_cast<double>(r.rows_read) / s, peak_rss_mib());
  if (again) {
    t0 = std::chrono::steady_clock::now();
    auto r2 = engine::ingest::import_paths(*store, {data});
    s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("re-import (all unchanged: %llu): %.2f s = %.0f rows/s; peak RSS %ld MiB\n",
                static_cast<unsigned long long>(r2.rows_unchanged), s, static_cast<double>(r2.rows_read) / s,
                peak_rss_mib());
  }
  return 0;
}
