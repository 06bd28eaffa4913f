// Expression evaluation speed: the 16 rules of the shared sweep benchmark (its specification
// is ../shared/bench/SPEC.md, shared benchmark material outside the repository) compiled once
// and evaluated over generated enterprises, held either as CEL maps (plain CEL, selection by key) or as schema records behind a columnar
// RecordAccessor (selection by field index, as the engine's snapshot provides).
// Reports ns per rule evaluation ("ns/eval").
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "dsl/cel/program.hpp"
#include "dsl/parser/parse.hpp"

namespace cel = eco::dsl::cel;
namespace model = eco::dsl::model;

namespace {

const char* const kRules[] = {
    R"(e.industry == "steel" && e.status == "operating" && (e.ule_completed_day == 0 || e.ule_completed_day > 19357))",
    R"(e.industry == "coking" && e.county in ["介休市", "太谷区", "左权县"] && (e.ule_completed_day == 0 || e.ule_completed_day > 19296))",
    R"(e.industry == "cement" && e.status == "operating" && (e.ule_completed_day == 0 || e.ule_completed_day > 19357))",
    R"(e.industry == "coking" && e.status == "operating" && e.coke_oven_min_chamber_height_m > 0.0 && e.coke_oven_min_chamber_height_m <= 4.3)",
    R"(e.status == "operating" && e.annual_freight_t >= 1500000.0 && !e.rail_spur)",
    R"(e.annual_freight_t >= 1500000.0 && !e.rail_spur && e.vehicles.exists(v, v.fuel == "diesel" && v.standard < 6))",
    R"(e.vehicles.exists(v, v.fuel == "diesel" && v.standard <= 3))",
    R"(e.industry in ["coating", "printing", "wood_panel", "electronics"] && e.voc_max_content_gl > 420.0)",
    R"(e.voc_treatment in ["photo_oxidation", "plasma", "activated_carbon"] && e.voc_exceedances_12m > 0)",
    R"(e.industry in ["chemical", "coking"] && e.status == "operating" && (e.last_ldar_day == 0 || asof - e.last_ldar_day > 90))",
    R"(e.hw_generated_t > 0.0 && (e.hw_generated_t - e.hw_transferred_t - e.hw_stored_t > 0.05 * e.hw_generated_t || e.hw_transferred_t + e.hw_stored_t - e.hw_generated_t > 0.05 * e.hw_generated_t))",
    R"(e.hw_storage_max_days > 365)",
    R"(e.manifests.exists(m, !m.receiver_licensed || m.received_t < m.shipped_t * 0.98))",
    R"(e.status == "operating" && e.permit_expiry_day < asof)",
    R"(!e.emergency_plan_filed && e.industry in ["coking", "steel", "cement", "chemical", "electroplating", "power"])",
    R"(e.ule_completed_day > 0 && (e.pm_p95 > 10.0 || e.so2_p95 > 35.0 || e.nox_p95 > 50.0))",
};

const char* const kCounties[] = {"榆次区", "太谷区", "祁县", "平遥县", "介休市", "灵石县", "寿阳县", "昔阳县", "和顺县", "左权县", "榆社县"};
const char* const kIndustries[] = {"coking", "steel", "cement", "chemical", "coating", "printing", "wood_panel",
                                   "electronics", "casting", "power", "electroplating", "other"};
const char* const kTreatments[] = {"rto", "rco", "activated_carbon", "photo_oxidation", "plasma", "none"};
const char* const kFuels[] = {"diesel", "electric", "methanol", "lng"};

// Enterprise fields in schema order (index = field index of the enterprise record).
const char* const kFields[] = {"id", "county", "industry", "status", "annual_freight_t", "rail_spur",
                               "ule_completed_day", "coke_oven_min_chamber_height_m", "voc_max_content_gl",
                               "voc_treatment", "voc_exceedances_12m", "last_ldar_day", "hw_generated_t",
                               "hw_transferred_t", "hw_stored_t", "hw_storage_max_days", "emergency_plan_filed",
                               "pm_p95", "so2_p95", "nox_p95", "permit_expiry_day"};
constexpr std::uint32_t kFieldCount = sizeof(kFields) / sizeof(kFields[0]);

// A columnar in-memory store: one vector of values per field, child rows per parent.
struct Columns final : cel::RecordAccessor {
  model::Schema schema_;
  std::vector<std::vector<std::vector<cel::Value>>> cols;      // [record][field][row]
  std::vector<std::vector<std::vector<std::uint32_t>>> rev;    // [reverse][parent row] -> child rows
  std::vector<std::string> strings;                             // stable storage for viewed strings

  const model::Schema& schema() const override { return schema_; }
  bool field(std::uint32_t r, std::uint64_t row, std::uint32_t f, cel::Value& out) const override {
    out = cols[r][f][row];
    return true;
  }
  bool navigate(std::uint32_t, std::uint64_t, std::uint32_t, cel::Value&) const override { return false; }
  std::span<const std::uint32_t> reverse(std::uint32_t, std::uint64_t row, std::uint32_t rv) const override {
    return rev[rv][row];
  }
};

struct Data {
  std::vector<cel::Value> maps;  // enterprises as CEL maps
  Columns columns;
  std::size_t n = 0;
};

model::Field field(const char* name, model::Kind k) {
  model::Field f;
  f.name = name;
  f.type = model::Type::of(k);
  return f;
}

Data generate(std::size_t n) {
  Data d;
  d.n = n;
  std::mt19937_64 rng(42);
  auto pick = [&](auto& arr) { return arr[rng() % (sizeof(arr) / sizeof(arr[0]))]; };
  auto uni = [&](double lo, double hi) { return lo + (hi - lo) * static_cast<double>(rng() % 1000000) / 1e6; };

  model::RecordType ent;
  ent.index = 0;
  ent.name = "enterprise";
  for (auto* f : kFields) ent.fields.push_back(field(f, model::Kind::dyn));
  ent.reverse_lists = {{"vehicles", 1, 0}, {"manifests", 2, 0}};
  model::RecordType veh;
  veh.index = 1;
  veh.name = "vehicle";
  veh.fields = {field("enterprise_id", model::Kind::string), field("plate", model::Kind::string),
                field("fuel", model::Kind::string), field("standard", model::Kind::int_)};
  model::RecordType man;
  man.index = 2;
  man.name = "manifest";
  man.fields = {field("enterprise_id", model::Kind::string), field("waste_code", model::Kind::string),
                field("shipped_t", model::Kind::double_), field("received_t", model::Kind::double_),
                field("receiver_licensed", model::Kind::bool_)};
  d.columns.schema_.records = {ent, veh, man};
  d.columns.cols.resize(3);
  d.columns.cols[0].resize(kFieldCount);
  d.columns.cols[1].resize(4);
  d.columns.cols[2].resize(5);
  d.columns.rev.resize(2);
  d.columns.rev[0].resize(n);
  d.columns.rev[1].resize(n);

  for (std::size_t i = 0; i < n; ++i) {
    const char* industry = rng() % 10 < 4 ? "other" : pick(kIndustries);
    std::uint64_t st = rng() % 100;
    double freight = std::exp(uni(8, 15));
    std::vector<cel::Value> row = {
        cel::Value::string("91140700" + std::to_string(1000000000 + i)),
        cel::Value::string_view(pick(kCounties)),
        cel::Value::string_view(industry),
        cel::Value::string_view(st < 90 ? "operating" : st < 97 ? "suspended" : "closed"),
        cel::Value::dbl(freight),
        cel::Value::boolean(freight >= 1.5e6 ? rng() % 2 == 0 : rng() % 50 == 0),
        cel::Value::integer(rng() % 3 == 0 ? 0 : 18900 + static_cast<std::int64_t>(rng() % 900)),
        cel::Value::dbl(std::string(industry) == "coking" ? 4.3 + static_cast<double>(rng() % 5) * 0.6 : 0.0),
        cel::Value::dbl(rng() % 3 == 0 ? uni(200, 600) : 0.0),
        cel::Value::string_view(pick(kTreatments)),
        cel::Value::integer(rng() % 5 == 0 ? static_cast<std::int64_t>(rng() % 6) : 0),
        cel::Value::integer(rng() % 4 == 0 ? 0 : 20500 + static_cast<std::int64_t>(rng() % 300)),
        cel::Value::dbl(uni(0, 100)),
        cel::Value::dbl(uni(0, 90)),
        cel::Value::dbl(uni(0, 15)),
        cel::Value::integer(static_cast<std::int64_t>(rng() % 500)),
        cel::Value::boolean(rng() % 4 != 0),
        cel::Value::dbl(uni(0, 15)),
        cel::Value::dbl(uni(0, 50)),
        cel::Value::dbl(uni(0, 80)),
        cel::Value::integer(20600 + static_cast<std::int64_t>(rng() % 400)),
    };
    std::vector<cel::Value> vehicles, manifests;
    for (std::uint64_t k = 0, nv = rng() % 9; k < nv; ++k) {
      const char* fuel = pick(kFuels);
      auto standard = static_cast<std::int64_t>(3 + rng() % 4);
      auto vr = static_cast<std::uint32_t>(d.columns.cols[1][0].size());
      d.columns.cols[1][0].push_back(row[0]);
      d.columns.cols[1][1].push_back(cel::Value::string("晋K" + std::to_string(vr)));
      d.columns.cols[1][2].push_back(cel::Value::string_view(fuel));
      d.columns.cols[1][3].push_back(cel::Value::integer(standard));
      d.columns.rev[0][i].push_back(vr);
      vehicles.push_back(cel::Value::map({{cel::Value::string_view("fuel"), cel::Value::string_view(fuel)},
                                          {cel::Value::string_view("standard"), cel::Value::integer(standard)}}));
    }
    for (std::uint64_t k = 0, nm = rng() % 7; k < nm; ++k) {
      double shipped = uni(1, 50);
      double received = shipped * uni(0.95, 1.0);
      bool licensed = rng() % 20 != 0;
      auto mr = static_cast<std::uint32_t>(d.columns.cols[2][0].size());
      d.columns.cols[2][0].push_back(row[0]);
      d.columns.cols[2][1].push_back(cel::Value::string_view("HW08"));
      d.columns.cols[2][2].push_back(cel::Value::dbl(shipped));
      d.columns.cols[2][3].push_back(cel::Value::dbl(received));
      d.columns.cols[2][4].push_back(cel::Value::boolean(licensed));
      d.columns.rev[1][i].push_back(mr);
      manifests.push_back(cel::Value::map({{cel::Value::string_view("shipped_t"), cel::Value::dbl(shipped)},
                                           {cel::Value::string_view("received_t"), cel::Value::dbl(received)},
                                           {cel::Value::string_view("receiver_licensed"), cel::Value::boolean(licensed)}}));
    }
    std::vector<std::pair<cel::Value, cel::Value>> entries;
    for (std::uint32_t f = 0; f < kFieldCount; ++f) {
      entries.emplace_back(cel::Value::string_view(kFields[f]), row[f]);
      d.columns.cols[0][f].push_back(row[f]);
    }
    entries.emplace_back(cel::Value::string_view("vehicles"), cel::Value::list(std::move(vehicles)));
    entries.emplace_back(cel::Value::string_view("manifests"), cel::Value::list(std::move(manifests)));
    d.maps.push_back(cel::Value::map(std::move(entries)));
  }
  return d;
}

const Data& data() {
  static Data d = generate(10000);
  return d;
}

struct Compiled {
  std::vector<std::unique_ptr<cel::Program>> programs;
  std::uint32_t e = 0, asof = 0;
};

Compiled compile_rules(bool records) {
  Compiled c;
  cel::Env env(records ? &data().columns.schema_ : nullptr);
  c.e = records ? env.declare_record("e", 0) : env.declare("e");
  c.asof = env.declare("asof");
  for (const char* rule : kRules) {
    eco::dsl::SourceManager sm;
    auto id = sm.add("<rule>", rule);
    eco::dsl::Diagnostics diags;
    eco::dsl::ParseOptions po;
    po.date_literals = false;
    auto ast = eco::dsl::parse_expression(sm, id, diags, po);
    if (!ast) {
      std::fprintf(stderr, "expr_bench: rule does not parse: %s\n", rule);
      std::exit(1);
    }
    c.programs.push_back(cel::compile(*ast, env));
  }
  return c;
}

void run(benchmark::State& state, bool records) {
  const Data& d = data();
  Compiled c = compile_rules(records);
  cel::Activation act = c.programs.front()->activation();
  for (const auto& p : c.programs)
    if (p->slot_count() > act.slots.size()) act.slots.resize(p->slot_count());
  act.records = &d.columns;
  act.bind(c.asof, cel::Value::integer(20785));
  std::vector<std::size_t> violations(c.programs.size());
  std::size_t errors = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < d.n; ++i) {
      act.bind(c.e, records ? cel::Value::record(0, i) : d.maps[i]);
      for (std::size_t r = 0; r < c.programs.size(); ++r) {
        cel::Value v = c.programs[r]->evaluate(act);
        if (v.is(cel::ValueKind::bool_)) violations[r] += v.as_bool();
        else ++errors;
      }
    }
  }
  auto evals = static_cast<double>(state.iterations()) * static_cast<double>(d.n * c.programs.size());
  state.counters["ns/eval"] = benchmark::Counter(evals, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["errors"] = static_cast<double>(errors);
  state.counters["violations/iter"] =
      static_cast<double>(std::accumulate(violations.begin(), violations.end(), std::size_t{0})) /
      static_cast<double>(state.iterations());
}

void BM_RulesOverMaps(benchmark::State& state) { run(state, false); }
void BM_RulesOverRecords(benchmark::State& state) { run(state, true); }

void BM_CompileRules(benchmark::State& state) {
  data();
  for (auto _ : state) benchmark::DoNotOptimize(compile_rules(true));
}

}  // namespace

BENCHMARK(BM_RulesOverMaps)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RulesOverRecords)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CompileRules)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
