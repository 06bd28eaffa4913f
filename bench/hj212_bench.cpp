// HJ 212 import speed: generates a file of N hourly messages (CN 2061; 120 monitoring points,
// three summarised pollutants and O2 each, about 1.5% of hours flagged M) for a small synthetic
// schema shaped like the Jinzhong one, imports it into a fresh store as one batch with its
// monthly summaries, and prints messages/s, the CPU time the import used (both threads: on a
// shared machine the wall time depends on its load), split into the writer thread's (the
// calling thread: SQLite and the summaries) and the reader's (the rest: reading, CRC,
// parsing), and the process's peak RSS. On two free cores the wall time is at least the
// larger of the two threads' CPU times.
//   hj212_bench --messages 1000000
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <sys/resource.h>

#include "bench/bench_store.hpp"
#include "dsl/model/schema.hpp"
#include "engine/ingest/hj212.hpp"
#include "engine/ingest/import.hpp"
#include "engine/log/log.hpp"
#include "engine/store/store.hpp"

namespace {

using namespace eco;
using bench::add_record;
using bench::field;
using bench::peak_rss_mib;
using dsl::model::Kind;
using dsl::model::Type;
namespace hj = engine::ingest::hj212;

void build_schema(dsl::model::Schema& s) {
  auto str = Type::of(Kind::string);
  auto dbl = Type::of(Kind::double_);
  add_record(s, "monitoring_point",
      {field("mn", str, false, true), field("code", str, false, true), field("facility_id", str),
       field("pollutant", str), field("outlet_id", str, true), field("ule_limit_mg_m3", dbl, true),
       field("permit_limit_mg_m3", dbl, true)});
  add_record(s, "emission_monthly",
      {field("facility_id", str, false, true), field("month", Type::of(Kind::date), false, true),
       field("pollutant", str, false, true), field("avg_mg_m3", dbl),
       field("max_hourly_mg_m3", dbl), field("hours_valid", Type::of(Kind::int_)),
       field("hours_over_ule", Type::of(Kind::int_)),
       field("hours_over_permit", Type::of(Kind::int_)), field("outlet_id", str, true),
       field("validity", str, true)});
}

hj::Declaration declaration() {
  hj::Declaration d;
  d.point_record = "monitoring_point";
  d.point_mn = "mn";
  d.point_code = "code";
  d.point_facility = "facility_id";
  d.point_pollutant = "pollutant";
  d.point_outlet = "outlet_id";
  d.hours_over = {{"hours_over_ule", "ule_limit_mg_m3"},
                  {"hours_over_permit", "permit_limit_mg_m3"}};
  d.summary_record = "emission_monthly";
  d.summary_facility = "facility_id";
  d.summary_month = "month";
  d.summary_pollutant = "pollutant";
  d.summary_avg = "avg_mg_m3";
  d.summary_max = "max_hourly_mg_m3";
  d.summary_hours_valid = "hours_valid";
  d.summary_validity = "validity";
  d.summary_outlet = "outlet_id";
  d.value = "ZsAvg";
  d.flags = {
      {"N", "valid"}, {"M", "maintenance"}, {"C", "calibration"}, {"D", "fault"}, {"F", "invalid"}};
  d.valid = {"valid"};
  d.no_valid_hours = "invalid";
  return d;
}

// User and system CPU seconds so far of the process (all its threads: RUSAGE_SELF) or of the
// calling thread (RUSAGE_THREAD).
double cpu_seconds(int who = RUSAGE_SELF) {
  rusage ru{};
  getrusage(who, &ru);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

constexpr int kPoints = 120;
const char* kCodes[] = {"a34013", "a21026", "a21002"};
const char* kPollutants[] = {"pm", "so2", "nox"};

void generate(const std::filesystem::path& dir, long n) {
  std::filesystem::create_directories(dir);
  std::ofstream pts(dir / "monitoring_point.csv");
  pts << "mn,code,facility_id,pollutant,outlet_id,ule_limit_mg_m3,permit_limit_mg_m3\n";
  for (int p = 0; p < kPoints; ++p)
    for (int k = 0; k < 3; ++k)
      pts << "MN" << 100000 + p << ',' << kCodes[k] << ",F" << p << ',' << kPollutants[k] << ",DA"
          << p << ",35,100\n";
  std::ofstream out(dir / "hj212.txt", std::ios::binary);
  std::mt19937_64 rng(212);
  long per_point = (n + kPoints - 1) / kPoints;
  long written = 0;
  char seg[1024], line[1100];
  for (int p = 0; p < kPoints && written < n; ++p) {
    for (long h = 0; h < per_point && written < n; ++h, ++written) {
      // Hour h from 2026-01-01 00:00 (a 30-day month is enough for the figures' shape).
      long day = h / 24, month = day / 28 + 1, dom = day % 28 + 1;
      int year = 2026 + static_cast<int>((month - 1) / 12);
      month = (month - 1) % 12 + 1;
      const char* flag = rng() % 64 == 0 ? "M" : "N";
      int len = std::snprintf(seg, sizeof seg,
                              "QN=%04d%02ld%02ld%02ld0000000;ST=31;CN=2061;PW=123456;MN=MN%d;Flag="
                              "4;CP=&&DataTime=%04d%02ld%02ld%02ld0000",
                              year, month, dom, h % 24, 100000 + p, year, month, dom, h % 24);
      for (int k = 0; k < 3; ++k) {
        double v = 10.0 + static_cast<double>(rng() % 4000) / 100.0;
        len += std::snprintf(seg + len, sizeof seg - static_cast<std::size_t>(len),
                             ";%s-Avg=%.2f,%s-ZsAvg=%.2f,%s-Min=%.2f,%s-Max=%.2f,%s-Flag=%s",
                             kCodes[k], v, kCodes[k], v * 1.1, kCodes[k], v * 0.8, kCodes[k],
                             v * 1.2, kCodes[k], flag);
      }
      len += std::snprintf(seg + len, sizeof seg - static_cast<std::size_t>(len),
                           ";a19001-Avg=%.1f,a19001-Flag=%s&&",
                           8.0 + static_cast<double>(rng() % 40) / 10.0, flag);
      int ll = std::snprintf(line, sizeof line, "##%04d%s%04X\r\n", len, seg,
                             hj::crc16(std::string_view(seg, static_cast<std::size_t>(len))));
      out.write(line, ll);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  long n = 1000000;
  std::filesystem::path dir = "/tmp/ecoaudit-hj212-bench";
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--messages") && i + 1 < argc)
      n = std::atol(argv[++i]);
    else if (!std::strcmp(argv[i], "--dir") && i + 1 < argc)
      dir = argv[++i];
    else {
      std::fprintf(stderr, "usage: hj212_bench [--messages N] [--dir DIR]\n");
      return 2;
    }
  }
  auto data = dir / ("data-" + std::to_string(n));
  if (!std::filesystem::exists(data / "hj212.txt")) generate(data, n);
  std::printf("data: %ld messages, %.1f MiB\n", n,
              static_cast<double>(std::filesystem::file_size(data / "hj212.txt")) / (1 << 20));
  dsl::model::Schema schema;
  build_schema(schema);
  auto db = dir / ("bench-" + std::to_string(n) + ".db");
  auto store = bench::fresh_store(db, schema);
  if (!bench::report_errors(engine::ingest::import_paths(*store, {data / "monitoring_point.csv"})))
    return 1;
  hj::MonitoringOptions o;
  o.declaration = declaration();
  const double c0 = cpu_seconds(), w0 = cpu_seconds(RUSAGE_THREAD);
  auto t0 = std::chrono::steady_clock::now();
  auto r = hj::import_monitoring(*store, {data / "hj212.txt"}, o);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpu_seconds() - c0, writer = cpu_seconds(RUSAGE_THREAD) - w0;
  if (!bench::report_errors(r.import)) return 1;
  std::printf(
      "import-monitoring: %llu messages (%llu values, %llu summaries) in %.2f s = %.0f messages/s; "
      "CPU %.2f s (writer thread %.2f s, reader thread %.2f s); peak RSS %ld MiB\n",
      static_cast<unsigned long long>(r.messages), static_cast<unsigned long long>(r.values),
      static_cast<unsigned long long>(r.summaries), s, static_cast<double>(r.messages) / s,
      cpu, writer, cpu - writer, peak_rss_mib());
  return 0;
}
