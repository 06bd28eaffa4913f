// The generator's body: background enterprises drawn from Jinzhong-like distributions
// (gen_random_enterprise) and hand-made scenario enterprises (scenarios.cpp) that carry the
// deliberate violations and edge cases. Everything goes through Gen so that the random
// stream, the key counters and the output files are shared and the output is deterministic.
#include "tools/datagen/gen.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace eco::datagen {

int reference_day() { return days_from_civil(2026, 11, 28); }

namespace {

struct CountyInfo {
  const char* name;
  const char* division;
  const char* short_name;
  double lon, lat;
  unsigned weight;
};
// Administrative division codes of 晋中市 (GB/T 2260) and approximate seat coordinates.
constexpr CountyInfo kCounties[] = {
    {"榆次区", "140702", "榆次", 112.71, 37.70, 22}, {"太谷区", "140703", "太谷", 112.55, 37.42, 9},
    {"祁县", "140727", "祁县", 112.33, 37.36, 8},    {"平遥县", "140728", "平遥", 112.17, 37.19, 9},
    {"介休市", "140781", "介休", 111.92, 37.03, 12}, {"灵石县", "140729", "灵石", 111.77, 36.85, 9},
    {"寿阳县", "140725", "寿阳", 113.18, 37.89, 8},  {"昔阳县", "140724", "昔阳", 113.71, 37.61, 6},
    {"和顺县", "140723", "和顺", 113.57, 37.33, 5},  {"左权县", "140722", "左权", 113.38, 37.08, 5},
    {"榆社县", "140721", "榆社", 112.97, 37.07, 4},
};

struct IndustryInfo {
  const char* name;
  const char* label;    // used in company names
  unsigned weight;      // per mille of background enterprises
};
constexpr IndustryInfo kIndustries[] = {
    {"coking", "焦化", 30},         {"steel", "钢铁", 8},            {"cement", "水泥", 12},
    {"coal_power", "发电", 6},      {"coal_mining", "煤业", 60},     {"chemical", "化工", 35},
    {"coal_chemical", "煤化工", 15}, {"nonferrous", "有色金属", 8},  {"casting", "铸造", 40},
    {"glass", "玻璃", 8},           {"lime", "石灰", 12},            {"building_materials", "建材", 50},
    {"coating", "涂装", 35},        {"printing", "印刷包装", 25},    {"wood_panel", "木业", 15},
    {"electronics", "电子", 12},    {"electroplating", "电镀", 6},   {"pharmaceutical", "制药", 12},
    {"medical", "医院", 70},        {"hw_operator", "环保科技", 0},  {"sewage_plant", "污水处理", 15},
    {"fuel_station", "加油站", 110}, {"construction", "建筑工程", 140}, {"transport", "物流运输", 80},
    {"other", "实业", 191},
};

// Coking and coal mining cluster in particular counties (介休, 灵石, 孝义 belt; the eastern
// coal counties); weights in kCounties order.
constexpr unsigned kCokingCounty[] = {6, 10, 4, 8, 30, 20, 2, 2, 2, 10, 2};
constexpr unsigned kMiningCounty[] = {2, 1, 1, 2, 12, 22, 18, 14, 12, 12, 6};

constexpr const char* kTradeNames[] = {
    "宏达", "金源", "鑫磊", "晋泰", "华盛", "恒信", "永鑫", "兴盛", "瑞丰", "龙城",
    "安泰", "汇丰", "东方", "三佳", "昌盛", "佳豪", "裕隆", "福源", "利民", "中晋",
    "天宇", "宝源", "盛世", "国强", "正大", "顺达", "长青", "卓越", "新元", "凯润"};

const char* kPlateChars = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";  // no I or O on plates

}  // namespace

Gen::Gen(const Options& opt)
    : opt_(opt), rng_(opt.seed), draw_rng_(opt.seed ^ 0x5D5A'0000'0000'0015ULL), ref_(reference_day()) {
  tables_ = {&enterprise, &zone, &enterprise_zone, &permit, &permit_limit, &facility,
             &emission_monthly, &vehicle, &transport_entry, &voc_material, &voc_treatment,
             &ldar_round, &storage_tank, &bulk_freight_year, &voc_loading, &voc_capture, &hw_declaration, &hw_plan, &hw_manifest,
             &hw_license, &hw_license_code, &hw_storage, &storage_yard, &tailings_pond,
             &well, &outfall, &chemical_use, &radioactive_source, &park, &application,
             &application_zone, &application_heavy_metal, &waiver, &pollution_alert, &pollution_alert_county, &alert_check,
             &hw_periodic_declaration, &monitoring_point, &inspection, &inspector, &inspector_recusal};
  for (auto* t : tables_) t->open(opt.out);
}

int Gen::day(int y, unsigned m, unsigned d) { return days_from_civil(y, m, d); }

int Gen::county_index(std::string_view name) const {
  for (std::size_t i = 0; i < std::size(kCounties); ++i)
    if (name == kCounties[i].name) return static_cast<int>(i);
  throw std::logic_error("unknown county");
}

const char* Gen::county_name(int c) const { return kCounties[c].name; }

int Gen::pick_county(Ind ind) {
  if (ind == Ind::coking) return static_cast<int>(rng_.weighted(kCokingCounty));
  if (ind == Ind::coal_mining) return static_cast<int>(rng_.weighted(kMiningCounty));
  unsigned w[std::size(kCounties)];
  for (std::size_t i = 0; i < std::size(kCounties); ++i) w[i] = kCounties[i].weight;
  return static_cast<int>(rng_.weighted(w));
}

Ind Gen::pick_industry() {
  unsigned w[std::size(kIndustries)];
  for (std::size_t i = 0; i < std::size(kIndustries); ++i) w[i] = kIndustries[i].weight;
  return static_cast<Ind>(rng_.weighted(w));
}

const char* Gen::industry_name(Ind i) { return kIndustries[static_cast<int>(i)].name; }
const char* Gen::industry_label(Ind i) { return kIndustries[static_cast<int>(i)].label; }

std::string Gen::next_uscc(int county, Ind ind) {
  // Organisation code body: "MA" + 6 characters of the credit-code alphabet taken from a
  // counter, so every generated code is unique; medical institutions are public
  // institutions (registration authority 1, type 2).
  std::uint64_t n = ++uscc_serial_ * 7919u % 887503681u;  // scatter, still a bijection on 31^6
  char body[9] = "MA000000";
  for (int i = 7; i >= 2; --i) {
    body[i] = kUsccAlphabet[n % 31];
    n /= 31;
  }
  const char* authority = ind == Ind::medical ? "12" : "91";
  return make_uscc(authority, kCounties[county].division, std::string_view(body, 8));
}

std::string Gen::next_plate(bool new_energy) {
  std::uint64_t n = plate_serial_++;
  std::string p = new_energy ? "晋KD" : "晋K";
  char s[5];
  for (int i = 4; i >= 0; --i) {
    s[i] = kPlateChars[n % 34];
    n /= 34;
  }
  p.append(s, 5);
  return p;
}

std::string Gen::serial_id(std::string_view prefix, std::uint64_t n) {
  std::string s(prefix);
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, n);
  const auto len = static_cast<std::size_t>(r.ptr - tmp);
  if (len < 7) s.append(7 - len, '0');
  s.append(tmp, r.ptr);
  return s;
}

std::string Gen::manifest_no(int year) {
  std::uint64_t& serial = manifest_serial_[year];
  ++serial;
  std::string s = std::to_string(year) + "1407";
  std::string n = std::to_string(serial);
  if (n.size() < 6) s.append(6 - n.size(), '0');
  return s + n;   // 14 digits up to 999,999 manifests a year, longer beyond (synthetic only)
}

bool Gen::is_heavy(Ind i) {
  switch (i) {
    case Ind::steel: case Ind::coking: case Ind::nonferrous: case Ind::casting:
    case Ind::chemical: case Ind::building_materials: case Ind::cement: case Ind::glass:
    case Ind::lime: case Ind::coal_chemical: return true;
    default: return false;
  }
}

bool Gen::is_industrial(Ind i) {
  switch (i) {
    case Ind::medical: case Ind::sewage_plant: case Ind::fuel_station: case Ind::construction:
    case Ind::transport: return false;
    default: return true;
  }
}

bool Gen::is_freight_heavy(Ind i) {
  switch (i) {
    case Ind::coking: case Ind::steel: case Ind::cement: case Ind::coal_power:
    case Ind::coal_mining: case Ind::coal_chemical: case Ind::building_materials:
    case Ind::lime: case Ind::chemical: return true;
    default: return false;
  }
}

bool Gen::is_hw_generator(Ind i) {
  switch (i) {
    case Ind::coking: case Ind::steel: case Ind::chemical: case Ind::coal_chemical:
    case Ind::nonferrous: case Ind::electroplating: case Ind::pharmaceutical: case Ind::medical:
    case Ind::coating: case Ind::printing: case Ind::electronics: case Ind::casting:
    case Ind::coal_power: return true;
    default: return false;
  }
}

bool Gen::is_voc(Ind i) {
  return i == Ind::coating || i == Ind::printing || i == Ind::wood_panel || i == Ind::electronics;
}

std::vector<std::string> Gen::waste_codes_for(Ind i) {
  switch (i) {
    case Ind::coking: return {"HW11", "HW08", "HW49"};
    case Ind::steel: return {"HW08", "HW17", "HW49"};
    case Ind::chemical: case Ind::coal_chemical: return {"HW06", "HW11", "HW13", "HW50", "HW49"};
    case Ind::electroplating: return {"HW17", "HW21", "HW22", "HW23"};
    case Ind::medical: return {"HW01", "HW03"};
    case Ind::pharmaceutical: return {"HW02", "HW03", "HW49"};
    case Ind::coating: case Ind::printing: return {"HW12", "HW06", "HW49"};
    case Ind::electronics: return {"HW13", "HW22", "HW49"};
    case Ind::nonferrous: return {"HW48", "HW31", "HW08"};
    default: return {"HW08", "HW49"};
  }
}

// ---- enterprise row ------------------------------------------------------------------

Ent Gen::begin_enterprise(Ind ind, int county, std::string_view status) {
  Ent e;
  e.ind = ind;
  e.county = county;
  e.status = std::string(status);
  cems_year_t_ = {};
  e.id = next_uscc(county, ind);
  e.name = std::string(kCounties[county].short_name) +
           kTradeNames[rng_.range(0, std::size(kTradeNames) - 1)] +
           kIndustries[static_cast<int>(ind)].label + (ind == Ind::medical ? "" : "有限公司");
  auto& t = enterprise;
  t.begin();
  t.set(col(k_enterprise, "id"), e.id);
  t.set(col(k_enterprise, "name"), e.name);
  t.set(col(k_enterprise, "county"), kCounties[county].name);
  t.set(col(k_enterprise, "industry"), industry_name(ind));
  t.set(col(k_enterprise, "status"), status);
  if (rng_.chance(0.95)) {
    t.set_double(col(k_enterprise, "lon"), kCounties[county].lon + rng_.uniform(-0.15, 0.15), 5);
    t.set_double(col(k_enterprise, "lat"), kCounties[county].lat + rng_.uniform(-0.12, 0.12), 5);
  }
  const bool industrial = is_industrial(ind);
  const double park_p = ind == Ind::chemical || ind == Ind::coal_chemical ? 0.96
                        : ind == Ind::electroplating                      ? 0.9
                        : is_heavy(ind)                                   ? 0.6
                        : industrial                                      ? 0.35
                                                                          : 0.0;
  if (rng_.chance(park_p)) {
    e.park = std::string(kCounties[county].short_name) +
             (ind == Ind::chemical || ind == Ind::coal_chemical ? "化工园区" : "经济技术开发区");
    t.set(col(k_enterprise, "park"), e.park);
  }
  if (rng_.chance(0.9)) {
    e.urban = rng_.chance(industrial ? 0.12 : 0.6);
    t.set_bool(col(k_enterprise, "in_urban_planning_area"), e.urban);
  }
  if (is_freight_heavy(ind) && rng_.chance(0.98)) {
    e.freight = ind == Ind::chemical ? rng_.triangular(2e4, 2e5, 2e6)
                                     : rng_.triangular(5e4, 6e5, 5.5e6);
    e.freight = static_cast<double>(static_cast<long long>(e.freight / 1000.0)) * 1000.0;
    t.set_double(col(k_enterprise, "annual_freight_t"), e.freight, 0);
    if (e.freight >= 1.5e6) {
      // Most large shippers have their spur by now (the plan's 2021-2025 push); a few are
      // still building or have none.
      const auto s = rng_.weighted(std::array<unsigned, 3>{1, 2, 97});
      e.spur = s == 0 ? "none" : s == 1 ? "under_construction" : "built";
    } else {
      e.spur = rng_.chance(0.1) ? "built" : "none";
    }
    if (rng_.chance(0.99)) t.set(col(k_enterprise, "rail_spur"), e.spur);
    if (e.spur == "built")
      t.set_date(col(k_enterprise, "rail_spur_completed_on"),
                 static_cast<int>(rng_.range(day(2012, 1, 1), day(2025, 12, 31))));
  } else if (industrial && rng_.chance(0.97)) {
    // Other industry ships far below the rail-spur threshold; the figure is still reported.
    const double f = rng_.triangular(200, 8000, 150000);
    t.set_double(col(k_enterprise, "annual_freight_t"), static_cast<double>(static_cast<long long>(f / 100.0)) * 100.0, 0);
  }
  if (is_heavy(ind) || ind == Ind::coal_power) {
    static constexpr const char* grades[] = {"leading", "A", "B", "B-", "C", "D"};
    static constexpr unsigned gw[] = {2, 10, 25, 20, 30, 8};
    if (rng_.chance(0.95)) t.set(col(k_enterprise, "performance_grade"), grades[rng_.weighted(gw)]);
    if (rng_.chance(0.97)) t.set_bool(col(k_enterprise, "emergency_measures_filed"), rng_.chance(0.95));
  }
  const bool hm = ind == Ind::nonferrous || ind == Ind::electroplating ||
                  (ind == Ind::steel && rng_.chance(0.2)) || (ind == Ind::chemical && rng_.chance(0.1));
  const bool near_farmland = hm && rng_.chance(0.4);
  // Heavy-metal enterprises near farmland are on the key discharge unit list (SOI-01).
  const bool key_unit = near_farmland ? rng_.chance(0.97)
                        : is_heavy(ind) || ind == Ind::coal_power || ind == Ind::sewage_plant ? rng_.chance(0.7)
                                                                                             : rng_.chance(0.04);
  t.set_bool(col(k_enterprise, "key_discharge_unit"), key_unit);
  const bool soil_key = (ind == Ind::coking || ind == Ind::steel || ind == Ind::chemical ||
                         ind == Ind::coal_chemical || ind == Ind::nonferrous ||
                         ind == Ind::electroplating || ind == Ind::pharmaceutical ||
                         ind == Ind::hw_operator) && rng_.chance(0.6);
  if (industrial) t.set_bool(col(k_enterprise, "soil_key_unit"), soil_key);
  if (industrial && rng_.chance(0.98)) t.set_bool(col(k_enterprise, "heavy_metal_key"), hm && rng_.chance(0.98));
  const bool voc_key = (ind == Ind::chemical || ind == Ind::coal_chemical || ind == Ind::coking ||
                        ind == Ind::pharmaceutical || ind == Ind::coating || ind == Ind::printing) &&
                       rng_.chance(0.7);
  if (industrial) t.set_bool(col(k_enterprise, "voc_key"), voc_key);
  e.voc_key = voc_key;
  const bool plan_req = key_unit || is_heavy(ind) || is_hw_generator(ind) || ind == Ind::hw_operator;
  if (rng_.chance(0.995)) t.set_bool(col(k_enterprise, "emergency_plan_required"), plan_req);
  if (plan_req && rng_.chance(0.99)) {
    // Plans are reviewed every three years (RSK-01): one filed longer ago carries a revision
    // within the last three years, bar a few overdue.
    const int filed = static_cast<int>(rng_.range(day(2018, 1, 1), ref_ - 30));
    t.set_date(col(k_enterprise, "emergency_plan_filed_on"), filed);
    // A revised plan is filed again (变更备案, within 20 working days of its issue): the filing
    // date on record is then the re-filing's, a few days after the revision, bar about one plan
    // in 30 whose re-filing is not on record (rsk.emergency-plan-filed: unknown). Derived from the
    // dates, not drawn: the generator's random stream, and so the rest of the demo, stays as it was.
    const auto revise = [&](int revised) {
      t.set_date(col(k_enterprise, "emergency_plan_revised_on"), revised);
      if (revised % 30 != 0) t.set_date(col(k_enterprise, "emergency_plan_filed_on"), std::min(revised + 3 + revised % 11, ref_ - 1));
    };
    if (ref_ - filed > 1000) {
      const int lo = std::max(filed + 200, ref_ - 1000);
      revise(rng_.chance(0.985) ? static_cast<int>(rng_.range(lo, ref_ - 10))
                                : static_cast<int>(rng_.range(filed + 200, std::max(filed + 200, ref_ - 1100))));
    } else if (ref_ - filed > 400 && rng_.chance(0.3)) {
      revise(static_cast<int>(rng_.range(filed + 200, ref_ - 10)));
    }
  }
  if (key_unit || rng_.chance(0.3)) {
    // The yearly disclosure (of the year before) is due 15 March (PMT-05): most disclose in
    // January..March 2026, a few later in the year, a few are a year behind, a few not recorded.
    const auto w = rng_.weighted(std::array<unsigned, 4>{94, 2, 2, 2});
    if (w == 0) t.set_date(col(k_enterprise, "info_disclosed_on"), static_cast<int>(rng_.range(day(2026, 1, 5), day(2026, 3, 15))));
    if (w == 1) t.set_date(col(k_enterprise, "info_disclosed_on"), static_cast<int>(rng_.range(day(2026, 3, 16), ref_ - 1)));
    if (w == 2) t.set_date(col(k_enterprise, "info_disclosed_on"), static_cast<int>(rng_.range(day(2025, 1, 5), day(2025, 3, 15))));
  }
  if (rng_.chance(0.6)) {
    static constexpr const char* cr[] = {"excellent", "good", "warning", "poor"};
    static constexpr unsigned cw[] = {25, 67, 6, 2};
    t.set(col(k_enterprise, "credit_rating"), cr[rng_.weighted(cw)]);
  }
  if (ind == Ind::construction) {
    t.set_bool(col(k_enterprise, "dust_online_monitoring"), rng_.chance(0.97));
    if (rng_.chance(0.97)) t.set_bool(col(k_enterprise, "dust_video_linked"), rng_.chance(0.97));
  }
  if (industrial && rng_.chance(0.2)) {
    t.set_bool(col(k_enterprise, "discharges_to_sewer"), true);
    const bool treatable = rng_.chance(0.95);
    t.set_bool(col(k_enterprise, "sewer_treatable"), treatable);
    if (!treatable)   // still in the sewer: its exit deadline lies ahead
      t.set_date(col(k_enterprise, "sewer_exit_deadline"),
                 static_cast<int>(rng_.range(ref_ + 30, day(2027, 12, 31))));
  }
  if (ind == Ind::medical && rng_.chance(0.97))
    t.set_bool(col(k_enterprise, "wastewater_treatment_working"), rng_.chance(0.97));
  if (ind == Ind::coking || ind == Ind::steel || ind == Ind::coal_power || ind == Ind::chemical ||
      ind == Ind::coal_chemical)
    t.set_bool(col(k_enterprise, "high_water_consumption"), rng_.chance(0.5));
  if (hm && rng_.chance(0.97)) t.set_bool(col(k_enterprise, "near_farmland"), near_farmland);
  if (soil_key) {
    // Self-monitoring is yearly and the hidden-danger check every three years (SOI-02):
    // most are within their interval, a few overdue or not recorded.
    if (rng_.chance(0.97))
      t.set_date(col(k_enterprise, "soil_self_monitoring_on"),
                 rng_.chance(0.96) ? static_cast<int>(rng_.range(ref_ - 360, ref_ - 1))
                                   : static_cast<int>(rng_.range(ref_ - 500, ref_ - 366)));
    if (rng_.chance(0.97))
      t.set_date(col(k_enterprise, "soil_hidden_danger_check_on"),
                 rng_.chance(0.98) ? static_cast<int>(rng_.range(ref_ - 1080, ref_ - 1))
                                   : static_cast<int>(rng_.range(ref_ - 1400, ref_ - 1096)));
  }
  // The chemical parks' groundwater survey is the park register's (write_parks); the draw that
  // filled the old enterprise column is kept so that the rest of the data stays the same.
  if ((ind == Ind::chemical || ind == Ind::coal_chemical) && !e.park.empty() && rng_.chance(0.97))
    (void)rng_.range(day(2021, 3, 1), day(2022, 12, 31));
  // Heavy nonferrous mining or smelting (SOI-01, RSK-03): two in three nonferrous enterprises,
  // by their serial number (no random draw).
  if (ind == Ind::nonferrous) t.set_bool(col(k_enterprise, "heavy_nonferrous"), uscc_serial_ % 3 != 0);
  if (is_hw_generator(ind) || ind == Ind::hw_operator) {
    if (rng_.chance(0.985)) t.set_bool(col(k_enterprise, "hw_supervision_listed"), rng_.chance(0.985));
    // Assessed yearly (HW-07: this year or last); a few are older or not recorded.
    if (rng_.chance(0.97))
      t.set_date(col(k_enterprise, "hw_standardised_assessed_on"),
                 rng_.chance(0.98) ? static_cast<int>(rng_.range(day(2025, 3, 1), ref_ - 1))
                                   : static_cast<int>(rng_.range(day(2024, 3, 1), day(2024, 12, 20))));
    if (rng_.chance(0.98)) t.set_bool(col(k_enterprise, "pollution_insurance"), rng_.chance(0.85));
  }
  if (ind == Ind::fuel_station) t.set_int(col(k_enterprise, "fuel_standard_sold"), rng_.chance(0.98) ? 6 : 5);
  return e;
}

void Gen::end_enterprise(Ent&) {
  if (in_scenarios_ && enterprise[col(k_enterprise, "voc_key")] == "true" && enterprise[col(k_enterprise, "status")] == "operating") {
    const std::string& ind = enterprise[col(k_enterprise, "industry")];
    if (ind == "chemical" || ind == "coal_chemical" || ind == "coking" || ind == "pharmaceutical")
      ldar_due_.push_back(enterprise[col(k_enterprise, "id")]);
  }
  // 特殊监管对象 (complaints, a record of serious violations: the bureau's designation) and the
  // 监督执法正面清单 (enterprises the bureau supervises off site): a few operating enterprises;
  // a key discharger is never on the positive list here (the lists exempt it in practice).
  const bool operating = enterprise[col(k_enterprise, "status")] == "operating";
  const bool key = enterprise[col(k_enterprise, "key_discharge_unit")] == "true";
  const bool special = operating && draw_rng_.chance(0.06);
  const bool positive = operating && !key && !special && draw_rng_.chance(0.05);
  enterprise.set_bool(col(k_enterprise, "special_unit"), special);
  enterprise.set_bool(col(k_enterprise, "positive_list"), positive);
  if (operating) {
    const int c = county_index(enterprise[col(k_enterprise, "county")]);
    if (operating_by_county_.size() <= static_cast<std::size_t>(c)) operating_by_county_.resize(c + 1);
    operating_by_county_[c].push_back(enterprise[col(k_enterprise, "id")]);
  }
  enterprise.end();
}

void Gen::write_draw_records() {
  // Each county's enforcement brigade: four officers (synthetic names), one of the first two
  // counties' officers on leave (active = false, never drawn).
  static constexpr const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "郭", "孙", "武", "任", "田", "梁"};
  static constexpr const char* kGiven[] = {"建国", "晓东", "丽华", "志强", "海燕", "文斌", "秀英", "国栋", "慧敏", "俊杰", "红梅", "永红"};
  std::vector<std::vector<std::string>> officers(std::size(kCounties));
  for (std::size_t c = 0; c < std::size(kCounties); ++c) {
    for (int i = 0; i < 4; ++i) {
      const std::string id = "14" + std::to_string(70000 + 100 * c + i);   // 执法证号 (synthetic)
      inspector.begin();
      inspector.set(col(k_inspector, "id"), id);
      inspector.set(col(k_inspector, "name"), std::string(kSurnames[draw_rng_.range(0, std::size(kSurnames) - 1)]) +
                                                   kGiven[draw_rng_.range(0, std::size(kGiven) - 1)]);
      inspector.set(col(k_inspector, "county"), kCounties[c].name);
      inspector.set_bool(col(k_inspector, "active"), !(c < 2 && i == 3));
      inspector.end();
      if (!(c < 2 && i == 3)) officers[c].push_back(id);
    }
  }
  // Two declared conflicts: an officer of 榆次区 and one of 介休市, each with an operating
  // enterprise of the county (a relative works there; formerly employed there).
  const struct { std::size_t county; const char* reason; } recusals[] = {
      {0, "近亲属在该企业任职"}, {4, "本人曾在该企业任职"}};
  for (const auto& r : recusals) {
    if (r.county >= operating_by_county_.size() || operating_by_county_[r.county].empty()) continue;
    const auto& ents = operating_by_county_[r.county];
    inspector_recusal.begin();
    inspector_recusal.set(col(k_inspector_recusal, "inspector_id"), officers[r.county][0]);
    inspector_recusal.set(col(k_inspector_recusal, "enterprise_id"), ents[draw_rng_.range(0, ents.size() - 1)]);
    inspector_recusal.set(col(k_inspector_recusal, "reason"), r.reason);
    inspector_recusal.end();
  }
  // Past on-site inspections: two per county, one within the last 90 days (the draw excludes
  // the enterprise) and one 91 to 300 days before the reference date (no longer excludes).
  std::uint64_t n = 0;
  for (std::size_t c = 0; c < operating_by_county_.size() && c < std::size(kCounties); ++c) {
    const auto& ents = operating_by_county_[c];
    if (ents.empty()) continue;
    for (int k = 0; k < 2; ++k) {
      inspection.begin();
      inspection.set(col(k_inspection, "id"), "JC2026-" + std::to_string(100 + ++n));
      inspection.set(col(k_inspection, "enterprise_id"), ents[draw_rng_.range(0, ents.size() - 1)]);
      inspection.set_date(col(k_inspection, "inspected_on"),
                          k == 0 ? static_cast<int>(draw_rng_.range(ref_ - 89, ref_ - 1))
                                 : static_cast<int>(draw_rng_.range(ref_ - 300, ref_ - 91)));
      inspection.set(col(k_inspection, "kind"), k == 0 ? "双随机抽查" : "专项检查");
      inspection.end();
    }
  }
}

void Gen::enterprise_zone_row(const std::string& ent, std::string_view zone) {
  enterprise_zone.begin();
  enterprise_zone.set(col(k_enterprise_zone, "enterprise_id"), ent);
  enterprise_zone.set(col(k_enterprise_zone, "zone"), zone);
  enterprise_zone.end();
}

// The park register (WAT-05: 新增 parks are those set up in the plan period, from 2021).
// Every county has the development zone and the chemical park that background enterprises and
// applications name; all were set up before the plan period except 榆社化工园区, recognised in
// 2022 (a 新增化工园区 whose wastewater is still discharged: the WAT-05 case). A few named
// parks carry the screening cases. SOI-04 and LAY-10: 和顺化工园区 is not an accredited chemical
// park (a name is not an accreditation), 左权化工园区 is not in the register (enterprises there
// are unknown); the chemical parks' groundwater surveys (due 2022-12-31) were done in 2022 in
// most, the cases being 榆社 on the deadline (pass), 寿阳 after it (late), 介休 only scheduled
// for 2027 (violation) and 灵石 not recorded (unknown). No random draw: the other tables stay put.
const char* Gen::park_level_of(int county) {
  const std::string_view s = kCounties[county].short_name;
  return s == "榆次" || s == "介休" ? "national" : "provincial";
}

void Gen::write_parks() {
  auto row = [&](const std::string& name, const char* level, bool chemical, int established, int treatment,
                 int zero, const char* county = nullptr, int survey = 0) {
    park.begin();
    park.set(col(k_park, "name"), name);
    park.set(col(k_park, "level"), level);
    park.set_bool(col(k_park, "chemical_park"), chemical);
    park.set_date(col(k_park, "established_on"), established);
    if (treatment >= 0) park.set_bool(col(k_park, "centralised_wastewater_treatment"), treatment == 1);
    if (zero >= 0) park.set_bool(col(k_park, "wastewater_zero_discharge"), zero == 1);
    if (county) park.set(col(k_park, "county"), county);
    if (survey) park.set_date(col(k_park, "groundwater_survey_done_on"), survey);
    park.end();
  };
  const struct { const char* county; int survey; } surveys[] = {
      {"榆次区", day(2022, 6, 30)}, {"太谷区", day(2022, 9, 15)}, {"祁县", day(2022, 11, 30)},
      {"平遥县", day(2022, 8, 1)},  {"介休市", day(2027, 3, 31)}, {"灵石县", 0},
      {"寿阳县", day(2023, 1, 5)},  {"昔阳县", day(2022, 12, 20)}, {"榆社县", day(2022, 12, 31)}};
  for (int c = 0; c < static_cast<int>(std::size(kCounties)); ++c) {
    const std::string s = kCounties[c].short_name;
    const char* county = kCounties[c].name;
    row(s + "经济技术开发区", park_level_of(c), false, day(2012, 6, 1), 1, -1, county);
    if (s == "左权") continue;
    int survey = 0;
    for (const auto& v : surveys)
      if (std::string_view(v.county) == county) survey = v.survey;
    if (s == "榆社") row(s + "化工园区", "provincial", true, day(2022, 6, 30), 1, 0, county, survey);
    else if (s == "和顺") row(s + "化工园区", "provincial", false, day(2019, 12, 1), 1, -1, county);
    else row(s + "化工园区", "provincial", true, day(2019, 12, 1), 1, -1, county, survey);
  }
  row("晋中开发区", "national", false, day(2006, 3, 1), 1, -1);
  row("晋中国家农业高新技术产业示范区", "national", false, day(2015, 2, 1), 1, -1);
  row("昔阳新材料产业园", "provincial", false, day(2023, 3, 1), 0, -1, "昔阳县");
}

void Gen::write_zones() {
  struct Z { const char* id; const char* name; const char* kind; const char* wkt; };
  static constexpr Z zones[] = {
      {"yunzhu_lake", "云竹湖生态保护修复区", "protection",
       "POLYGON((112.78 37.12,112.90 37.12,112.90 37.22,112.78 37.22,112.78 37.12))"},
      {"fen_river_bank", "汾河沿岸保护范围", "protection",
       "LINESTRING(111.70 36.80,111.92 37.03,112.17 37.25,112.40 37.45)"},
      {"zhang_river_bank", "漳河(清漳东源、清漳西源、浊漳北源)沿岸保护范围", "protection", ""},
      {"yellow_river_main", "黄河干流沿线", "restriction", ""},
      {"urban_planning", "城市(含县城)规划区", "restriction", ""},
      {"eco_red_line", "生态保护红线", "protection", ""},
      {"spring_key_protection", "泉域重点保护区", "protection", ""},
      {"drinking_water_source", "饮用水水源保护区", "protection", ""},
      {"groundwater_overdraft", "地下水超采区", "restriction", ""},
      {"karst_spring", "岩溶泉域", "protection", ""},
      {"park_adjacent_urban", "紧邻城区的开发区和园区", "restriction", ""},
  };
  for (const auto& z : zones) {
    zone.begin();
    zone.set(col(k_zone, "id"), z.id);
    zone.set(col(k_zone, "name"), z.name);
    zone.set(col(k_zone, "kind"), z.kind);
    zone.set(col(k_zone, "geometry"), z.wkt);
    zone.end();
  }
}

// ---- children of a background enterprise --------------------------------------------------

std::string Gen::add_facility(const Ent& e, std::string_view kind, std::string_view status) {
  const std::string id = serial_id("F", ++facility_serial_);
  facility.begin();
  facility.set(col(k_facility, "id"), id);
  facility.set(col(k_facility, "enterprise_id"), e.id);
  facility.set(col(k_facility, "kind"), kind);
  facility.set(col(k_facility, "status"), status);
  return id;
}

void Gen::random_facilities(Ent& e) {
  auto ule = [&](std::string_view kind_deadline_tag, int deadline) {
    // ULE progress, years after every deadline: nearly all done and evaluated on time (within
    // the 180 days of ule_evaluation_within_days), a few per cent not done, late, unevaluated or
    // missing data.
    (void)kind_deadline_tag;
    const auto s = rng_.weighted(std::array<unsigned, 5>{1, 2, 6, 89, 2});
    static constexpr const char* st[] = {"not_started", "in_progress", "completed", "evaluated", ""};
    if (*st[s]) facility.set(col(k_facility, "ule_status"), st[s]);
    if (s == 2 || s == 3) {
      const int done = rng_.chance(0.97) ? static_cast<int>(rng_.range(deadline - 700, deadline))
                                         : static_cast<int>(rng_.range(deadline + 1, deadline + 60));
      if (rng_.chance(0.98)) facility.set_date(col(k_facility, "ule_completed_on"), done);
      if (s == 3) facility.set_date(col(k_facility, "ule_evaluated_on"), done + static_cast<int>(rng_.range(30, rng_.chance(0.97) ? 180 : 300)));
    }
  };
  auto cems = [&](const std::string& fid, std::string_view kind) { cems_rows(fid, kind, false); };
  const char* op = "operating";
  switch (e.ind) {
    case Ind::coking: {
      const int n = static_cast<int>(rng_.range(1, 4));
      for (int i = 0; i < n; ++i) {
        static constexpr double heights[] = {4.3, 5.5, 6.0, 6.25, 6.78, 7.0};
        static constexpr unsigned hw[] = {6, 30, 25, 15, 12, 12};
        // 4.3 m ovens were to close by the end of 2023 (AIR-09): nearly all are eliminated.
        const bool has_height = rng_.chance(0.98);
        const double height = heights[rng_.weighted(hw)];
        const bool small = has_height && height <= 4.3;
        const char* st = small ? (rng_.chance(0.97) ? "eliminated" : op) : rng_.chance(0.9) ? op : "idle";
        const auto id = add_facility(e, "coke_oven", st);
        if (has_height) facility.set_double(col(k_facility, "chamber_height_m"), height, 2);
        facility.set_double(col(k_facility, "capacity_t"), rng_.range(40, 200) * 10000.0, 0);
        facility.set(col(k_facility, "fuel"), "gas");
        facility.set_bool(col(k_facility, "coke_oven_conventional"), true);   // by-product ovens (AIR-09)
        ule("coking", day(2022, 10, 31));
        facility.end();
        if (std::string_view(st) != "eliminated") cems(id, "coke_oven");
      }
      break;
    }
    case Ind::steel: {
      for (const char* k : {"sinter", "pellet", "blast_furnace", "converter"}) {
        const auto id = add_facility(e, k, op);
        facility.set_double(col(k_facility, "capacity_t"), rng_.range(50, 400) * 10000.0, 0);
        ule("steel", day(2021, 12, 31));
        facility.end();
        cems(id, k);
      }
      break;
    }
    case Ind::cement: {
      const auto id = add_facility(e, "cement_kiln", op);
      facility.set_double(col(k_facility, "capacity_t"), rng_.range(60, 300) * 10000.0, 0);
      facility.set(col(k_facility, "fuel"), "coal");
      ule("cement", day(2022, 12, 31));
      if (rng_.chance(0.9)) facility.set(col(k_facility, "denitration"), rng_.chance(0.6) ? "scr" : "sncr");
      if (facility[col(k_facility, "denitration")] == "sncr" && rng_.chance(0.97)) {
        // Screened and found inefficient: AIR-08 judges the rectification of what screening found.
        facility.set_bool(col(k_facility, "denitration_found_inefficient"), true);
        facility.set_bool(col(k_facility, "denitration_rectified"), rng_.chance(0.97));
      }
      facility.end();
      cems(id, "cement_kiln");
      break;
    }
    case Ind::coal_power: {
      const int n = static_cast<int>(rng_.range(1, 2));
      for (int i = 0; i < n; ++i) {
        const double mw = rng_.chance(0.15) ? static_cast<double>(rng_.range(6, 50)) : static_cast<double>(rng_.range(135, 660));
        const bool small = mw <= 50;
        // Small units were to be shut by the end of 2025 (AIR-10): nearly all are.
        const auto id = add_facility(e, "coal_power_unit", small && rng_.chance(0.9) ? "eliminated" : op);
        facility.set_double(col(k_facility, "capacity_mw"), mw, 0);
        facility.set(col(k_facility, "fuel"), "coal");
        facility.set(col(k_facility, "denitration"), "scr");
        if (small || rng_.chance(0.98)) facility.set_bool(col(k_facility, "on_elimination_list"), small);
        // The provincial list's own shut-down date (AIR-10): one date for the demo's list.
        if (small) facility.set_date(col(k_facility, "elimination_deadline"), day(2025, 6, 30));
        ule("power", day(2020, 12, 31));
        facility.end();
        cems(id, "coal_power_unit");
      }
      break;
    }
    case Ind::glass: case Ind::casting: case Ind::lime: {
      const char* k = e.ind == Ind::glass ? "glass_furnace" : e.ind == Ind::casting ? "casting_furnace" : "lime_kiln";
      const auto id = add_facility(e, k, op);
      facility.set_double(col(k_facility, "capacity_t"), rng_.range(1, 60) * 10000.0, 0);
      facility.set(col(k_facility, "fuel"), rng_.chance(0.5) ? "gas" : e.ind == Ind::casting ? "electric" : "coal");
      if (rng_.chance(0.97)) facility.set_bool(col(k_facility, "tightened_upgrade_done"), rng_.chance(0.96));
      if (rng_.chance(0.7)) facility.set(col(k_facility, "denitration"), rng_.chance(0.5) ? "sncr" : "none");
      if (facility[col(k_facility, "denitration")] == "sncr" && rng_.chance(0.97)) {
        // Screened and found inefficient: AIR-08 judges the rectification of what screening found.
        facility.set_bool(col(k_facility, "denitration_found_inefficient"), true);
        facility.set_bool(col(k_facility, "denitration_rectified"), rng_.chance(0.97));
      }
      facility.end();
      if (e.ind != Ind::casting) cems(id, k);
      break;
    }
    default: break;
  }
  // Boilers: common in chemical, pharmaceutical, building materials and coking plants.
  const double boiler_p = e.ind == Ind::chemical || e.ind == Ind::coal_chemical || e.ind == Ind::pharmaceutical ? 0.8
                          : e.ind == Ind::building_materials || e.ind == Ind::coking || e.ind == Ind::wood_panel ? 0.5
                          : is_industrial(e.ind) ? 0.15 : e.ind == Ind::medical ? 0.3 : 0.0;
  if (rng_.chance(boiler_p)) {
    const auto id = add_facility(e, "boiler", rng_.chance(0.92) ? op : "idle");
    const auto f = rng_.weighted(std::array<unsigned, 4>{25, 55, 12, 8});
    static constexpr const char* fuels[] = {"coal", "gas", "biomass", "electric"};
    facility.set(col(k_facility, "fuel"), fuels[f]);
    facility.set_double(col(k_facility, "capacity_t"), rng_.range(2, 80) * 1000.0, 0);
    if (f == 2 || rng_.chance(0.5)) {
      static constexpr const char* dn[] = {"none", "scr", "sncr", "scr_sncr", "other"};
      static constexpr unsigned dw[] = {30, 20, 35, 5, 10};
      const auto k = rng_.weighted(dw);
      facility.set(col(k_facility, "denitration"), dn[k]);
      // Screening of suspect (SNCR, other) denitration was due by the end of 2025 (AIR-08).
      if ((k == 2 || k == 4) && rng_.chance(0.97)) {
        facility.set_bool(col(k_facility, "denitration_found_inefficient"), true);
        facility.set_bool(col(k_facility, "denitration_rectified"), rng_.chance(0.97));
      }
    }
    facility.end();
    // Biomass boilers monitor their NOx (AIR-06 judges its stability from these months), bar a few.
    if (f == 2 && rng_.chance(0.9)) cems(id, "boiler");
  }
}

// ULE limits used to make CEMS figures plausible (PARAMETERS.md); the generator only needs
// their order of magnitude.
static double ule_limit(std::string_view kind, std::string_view pol) {
  const bool sinter = kind == "sinter" || kind == "pellet";
  if (pol == "pm") return 10;
  if (pol == "so2") return kind == "coke_oven" ? 30 : sinter || kind == "cement_kiln" || kind == "coal_power_unit" ? 35 : 50;
  return kind == "coke_oven" ? 150 : sinter || kind == "cement_kiln" || kind == "coal_power_unit" ? 50 : kind == "glass_furnace" || kind == "lime_kiln" ? 300 : 200;
}

void Gen::cems_rows(const std::string& fid, std::string_view kind, bool over, std::string_view no_quantity,
                    const std::array<double, 3>* permit_mg_m3) {
  // The last six months before the reference date, three pollutants. The monthly quantity
  // (annual_t) is concentration x flue-gas flow x valid hours; the flow is the facility's.
  int y;
  unsigned m, d;
  civil_from_days(ref_, y, m, d);
  const double flow_m3_h = rng_.uniform(1.0e5, 6.0e5);
  // annual_t is the year-to-date total (当年累计, PMT-03): each month adds its quantity to the
  // running total of its year. The months of a year before the first one written are taken as
  // that first month's quantity each (an opening balance, no random draw).
  std::array<double, 3> ytd{}, seen{};   // running totals; the reference year's last written
  int ytd_year = 0;
  for (int back = 6; back >= 1; --back) {
    int yy = y;
    int mm = static_cast<int>(m) - back;
    while (mm <= 0) { mm += 12; --yy; }
    const bool opening = yy != ytd_year;
    if (opening) { ytd = {}; ytd_year = yy; }
    // The monitored facility's last month: its point (one MN, a record per pollutant) and hours.
    Monitored* mon = nullptr;
    if (permit_mg_m3 && back == 1) {
      mon = &monitored_.emplace_back();
      mon->fid = fid;
      mon->year = yy;
      mon->month = static_cast<unsigned>(mm);
      char mn[32];
      std::snprintf(mn, sizeof mn, "88888880%016zu", monitored_.size());
      mon->mn = mn;
    }
    for (int pi = 0; pi < 3; ++pi) {
      const char* pol = pi == 0 ? "pm" : pi == 1 ? "so2" : "nox";
      const double lim = ule_limit(kind, pol);
      auto& t = emission_monthly;
      t.begin();
      t.set(col(k_emission_monthly, "facility_id"), fid);
      t.set_date(col(k_emission_monthly, "month"), day(yy, static_cast<unsigned>(mm), 1));
      t.set(col(k_emission_monthly, "pollutant"), pol);
      const bool bad = over && back == 1 && std::string_view(pol) == "nox";
      // Drawn in this order from the main stream whether or not the month is monitored.
      const double avg = lim * (bad ? rng_.uniform(1.05, 1.4) : rng_.triangular(0.25, 0.55, 0.95));
      const double max_hourly = avg * rng_.uniform(1.2, 2.2);
      const int hours = static_cast<int>(rng_.range(600, 744));
      const int over_ule = bad ? static_cast<int>(rng_.range(hours / 10, hours / 3)) : static_cast<int>(rng_.range(0, 8));
      if (mon) {
        // The figures derived from the messages, written as the import writes them (shortest
        // text of the same double), so that importing the messages changes no summary.
        const double permit_lim = (*permit_mg_m3)[static_cast<std::size_t>(pi)];
        const MonthFigures f =
            monitored_month(*mon, pi, lim, permit_lim, {avg, max_hourly, hours, over_ule, bad ? over_ule / 2 : 0});
        auto shortest = [](double v) {
          char b[32];
          auto r = std::to_chars(b, b + sizeof b, v);
          return std::string(b, r.ptr);
        };
        t.set(col(k_emission_monthly, "avg_mg_m3"), shortest(f.avg));
        t.set(col(k_emission_monthly, "max_hourly_mg_m3"), shortest(f.max));
        t.set_int(col(k_emission_monthly, "hours_valid"), f.hours_valid);
        t.set_int(col(k_emission_monthly, "hours_over_ule"), f.over_ule);
        t.set_int(col(k_emission_monthly, "hours_over_permit"), f.over_permit);
        monitoring_point.begin();
        static constexpr const char* codes[] = {"a34013", "a21026", "a21002"};  // HJ 212-2017 Appendix B
        monitoring_point.set(col(k_monitoring_point, "mn"), mon->mn);
        monitoring_point.set(col(k_monitoring_point, "code"), codes[pi]);
        monitoring_point.set(col(k_monitoring_point, "facility_id"), fid);
        monitoring_point.set(col(k_monitoring_point, "pollutant"), pol);
        monitoring_point.set(col(k_monitoring_point, "ule_limit_mg_m3"), shortest(lim));
        monitoring_point.set(col(k_monitoring_point, "permit_limit_mg_m3"), shortest(permit_lim));
        monitoring_point.end();
      } else {
        t.set_double(col(k_emission_monthly, "avg_mg_m3"), avg, 2);
        t.set_double(col(k_emission_monthly, "max_hourly_mg_m3"), max_hourly, 2);
        t.set_int(col(k_emission_monthly, "hours_valid"), hours);
        t.set_int(col(k_emission_monthly, "hours_over_ule"), over_ule);
        t.set_int(col(k_emission_monthly, "hours_over_permit"), bad ? over_ule / 2 : 0);
      }
      const double tonnes = static_cast<double>(static_cast<long long>(avg * flow_m3_h * hours / 1e7 + 0.5)) / 100.0;
      auto& run = ytd[static_cast<std::size_t>(pi)];
      run += opening ? tonnes * mm : tonnes;   // opening: January up to this month
      if (rng_.chance(0.995) && !(back == 1 && no_quantity == pol)) {
        t.set_double(col(k_emission_monthly, "annual_t"), run, 2);
        // The reference year's total so far: the latest year-to-date figure written.
        if (yy == y) {
          cems_year_t_[static_cast<std::size_t>(pi)] += run - seen[static_cast<std::size_t>(pi)];
          seen[static_cast<std::size_t>(pi)] = run;
        }
      }
      // The platform's validity flag (HJ 75-2017): a month of an earlier quarter with few valid
      // hours was partly under maintenance. Drawn from the hours, not the random stream, so
      // that every other value stays as it was; the deliberate cases' months stay valid.
      t.set(col(k_emission_monthly, "validity"), !bad && back >= 3 && hours < 606 ? "maintenance" : "valid");
      // The deliberate month over the limit carries its concentration basis (折算浓度): without
      // the flag an exceedance of the permit is unknown (pmt.permit-concentration, fourth reading
      // pmt 4). Set after every draw, so the random stream is unchanged.
      if (bad) t.set_bool(col(k_emission_monthly, "o2_corrected"), true);
      t.end();
    }
  }
}

std::string Gen::add_permit(const Ent& e, std::string_view category, int issued, std::string_view status) {
  const std::string no = e.id + (category == "registration" ? "001W" : "001P");
  permit.begin();
  permit.set(col(k_permit, "permit_no"), no);
  permit.set(col(k_permit, "enterprise_id"), e.id);
  permit.set(col(k_permit, "category"), category);
  permit.set_date(col(k_permit, "issued_on"), issued);
  // Valid five years (排污许可管理条例 Art. 14): the day before the fifth anniversary.
  int y;
  unsigned m, d;
  civil_from_days(issued, y, m, d);
  if (m == 2 && d == 29) d = 28;
  permit.set_date(col(k_permit, "valid_until"), day(y + 5, m, d) - 1);
  permit.set(col(k_permit, "status"), status);
  return no;
}

void Gen::add_limit(const std::string& permit_no, std::string_view outlet, std::string_view pol, double mg_m3,
                    double annual_t) {
  permit_limit.begin();
  permit_limit.set(col(k_permit_limit, "permit_no"), permit_no);
  permit_limit.set(col(k_permit_limit, "outlet_id"), outlet);
  permit_limit.set(col(k_permit_limit, "pollutant"), pol);
  if (mg_m3 > 0) permit_limit.set_double(col(k_permit_limit, "limit_mg_m3"), mg_m3, 0);
  if (annual_t > 0) permit_limit.set_double(col(k_permit_limit, "annual_limit_t"), annual_t, 1);
  permit_limit.end();
}

void Gen::random_permit(const Ent& e) {
  if (e.ind == Ind::construction || e.ind == Ind::transport) return;
  const bool key = is_heavy(e.ind) || e.ind == Ind::coal_power || e.ind == Ind::sewage_plant ||
                   e.ind == Ind::electroplating || e.ind == Ind::hw_operator;
  const bool simple = !key && (is_industrial(e.ind) || e.ind == Ind::medical);
  const char* cat = key ? "key" : simple ? "simplified" : "registration";
  if (!rng_.chance(0.985)) return;   // a few fixed sources without any permit (PMT-01)
  const int issued = static_cast<int>(rng_.range(day(2021, 12, 1), day(2026, 10, 31)));
  const auto no = add_permit(e, cat, issued, "valid");
  // Renewal (PMT-02) is applied for 60 days or more before expiry: a permit in its renewal
  // window mostly carries an application, never one dated after the reference date.
  int y;
  unsigned m, d;
  civil_from_days(issued, y, m, d);
  if (m == 2 && d == 29) d = 28;
  const int valid_until = day(y + 5, m, d) - 1;
  if (valid_until - 150 <= ref_ && rng_.chance(0.9)) {
    const int applied = valid_until - static_cast<int>(rng_.range(61, 150));
    if (applied < ref_) permit.set_date(col(k_permit, "renewal_applied_on"), applied);
  }
  // Execution reports (PMT-04): key permits quarterly (the third quarter's due by 15
  // October), simplified ones yearly (due 15 January). A permit issued after the period began
  // owes none yet.
  const bool quarterly = std::string_view(cat) == "key";
  const int period = quarterly ? day(2026, 10, 1) : day(2026, 1, 1);
  if (std::string_view(cat) != "registration" && issued < period) {
    const auto w = rng_.weighted(std::array<unsigned, 4>{95, 2, 2, 1});
    if (w == 0) permit.set_date(col(k_permit, "last_execution_report_on"), period + static_cast<int>(rng_.range(2, 14)));
    if (w == 1) permit.set_date(col(k_permit, "last_execution_report_on"), static_cast<int>(rng_.range(period + 15, ref_ - 1)));
    if (w == 2)   // a period behind
      permit.set_date(col(k_permit, "last_execution_report_on"),
                      std::max(issued + 1, (quarterly ? day(2026, 7, 1) : day(2025, 1, 1)) + static_cast<int>(rng_.range(2, 14))));
  } else if (std::string_view(cat) != "registration" && rng_.chance(0.3)) {
    permit.set_date(col(k_permit, "last_execution_report_on"), static_cast<int>(rng_.range(issued + 1, std::max(issued + 1, ref_ - 1))));
  }
  permit.end();
  if (key || simple) {
    // Concentration limits per outlet at or above what the plant's CEMS shows; key permits
    // also carry annual quantities, sized on this year's monitored tonnage (extrapolated to
    // the year) with a margin, a few of them tight enough to be exceeded.
    const int outlets = key ? static_cast<int>(rng_.range(1, 3)) : 1;
    const bool furnace = e.ind == Ind::glass || e.ind == Ind::lime;
    for (int pi = 0; pi < 3; ++pi) {
      const char* pol = pi == 0 ? "pm" : pi == 1 ? "so2" : "nox";
      const double lim = pi == 0 ? 20 : pi == 1 ? 100 : furnace ? 400 : 200;
      double total = 0;
      if (key) {
        const double so_far = cems_year_t_[static_cast<std::size_t>(pi)];
        total = so_far <= 0 ? static_cast<double>(rng_.range(5, 900))
                : rng_.chance(0.98) ? so_far * 2.0 * rng_.uniform(1.1, 1.8)
                                    : so_far * rng_.uniform(0.7, 0.95);
        total = std::max(1.0, static_cast<double>(static_cast<long long>(total * 10)) / 10.0);
      }
      for (int o = 1; o <= outlets; ++o)
        add_limit(no, "DA00" + std::to_string(o), pol, lim, key ? std::max(0.1, total / outlets) : 0);
    }
  }
}

std::string Gen::add_vehicle(const Ent& e, std::string_view kind, std::string_view fuel, int standard) {
  const bool ne = fuel == "electric" || fuel == "hydrogen";
  const std::string plate = kind == "nrmm" ? serial_id("NRMM140700", ++nrmm_serial_) : next_plate(ne);
  vehicle.begin();
  vehicle.set(col(k_vehicle, "plate"), plate);
  vehicle.set(col(k_vehicle, "enterprise_id"), e.id);
  vehicle.set(col(k_vehicle, "kind"), kind);
  vehicle.set(col(k_vehicle, "fuel"), fuel);
  if (standard > 0) vehicle.set_int(col(k_vehicle, "emission_standard"), standard);
  return plate;
}

void Gen::random_vehicles(Ent& e) {
  int trucks = 0;
  if (e.ind == Ind::transport) trucks = static_cast<int>(rng_.range(3, 25));
  else if (e.freight > 0) trucks = static_cast<int>(rng_.range(0, 4));
  for (int i = 0; i < trucks; ++i) {
    const auto f = rng_.weighted(std::array<unsigned, 5>{70, 12, 8, 6, 4});
    static constexpr const char* fuels[] = {"diesel", "natural_gas", "electric", "methanol", "hydrogen"};
    int std_ = 0;
    if (f <= 1) {
      static constexpr unsigned sw[] = {0, 1, 10, 30, 59};   // China II..VI: III and older nearly all scrapped (TRN-03)
      // A large shipper without its rail spur hauls with China VI trucks (TRN-02), bar a few.
      static constexpr unsigned sw_no_spur[] = {0, 0, 1, 2, 97};
      std_ = 2 + static_cast<int>(e.freight >= 1.5e6 && e.spur != "built" ? rng_.weighted(sw_no_spur) : rng_.weighted(sw));
    }
    const std::string plate = add_vehicle(e, rng_.chance(0.85) ? "heavy_truck" : "light_truck", fuels[f], std_);
    vehicle.set_date(col(k_vehicle, "first_registered_on"),
                     static_cast<int>(rng_.range(day(2008 + std::max(0, std_ * 2 - 2), 1, 1), day(2026, 6, 30))));
    if (std_ > 0 || f == 3) {
      vehicle.set_date(col(k_vehicle, "last_im_test_on"), static_cast<int>(rng_.range(ref_ - 400, ref_ - 1)));
      if (rng_.chance(0.99)) vehicle.set_bool(col(k_vehicle, "last_im_passed"), rng_.chance(0.97));
    }
    vehicle.end();
    if (e.freight > 0) e.plates.push_back(plate);
  }
  if (e.ind == Ind::construction) {
    const int muck = static_cast<int>(rng_.range(0, 4));
    for (int i = 0; i < muck; ++i) {
      // Muck trucks added since 2022 are new-energy vehicles (TRN-07), bar a few per cent;
      // older ones keep the earlier mix. The registration date is drawn first for that.
      const int reg = static_cast<int>(rng_.range(day(2019, 1, 1), day(2026, 6, 30)));
      const bool ne = rng_.chance(reg >= day(2022, 1, 1) ? 0.97 : 0.35);
      add_vehicle(e, "muck_truck", ne ? "electric" : "diesel", ne ? 0 : (rng_.chance(0.8) ? 6 : 5));
      vehicle.set_bool(col(k_vehicle, "sealed"), rng_.chance(0.98));
      vehicle.set_bool(col(k_vehicle, "gps"), rng_.chance(0.98));
      if (rng_.chance(0.98))
        vehicle.set_date(col(k_vehicle, "muck_permit_until"), static_cast<int>(rng_.range(ref_ - 20, ref_ + 700)));
      vehicle.set_date(col(k_vehicle, "first_registered_on"), reg);
      vehicle.end();
    }
  }
  if (e.ind == Ind::construction || e.ind == Ind::coal_mining || e.ind == Ind::cement || e.ind == Ind::steel) {
    const int nrmm = static_cast<int>(rng_.range(0, 3));
    for (int i = 0; i < nrmm; ++i) {
      static constexpr unsigned sw[] = {1, 2, 45, 52};   // stage I..IV
      add_vehicle(e, "nrmm", "diesel", 1 + static_cast<int>(rng_.weighted(sw)));
      if (rng_.chance(0.98)) vehicle.set(col(k_vehicle, "registered_code"), "晋K-NR-" + std::to_string(nrmm_serial_));
      vehicle.end();
    }
  }
}

void Gen::random_entries(const Ent& e) {
  static constexpr const char* cargo[] = {"原煤", "焦炭", "铁矿粉", "水泥熟料", "石灰石", "煤焦油", "钢材"};
  for (const auto& plate : e.plates) {
    const int n = static_cast<int>(rng_.range(1, 4));
    for (int i = 0; i < n; ++i) {
      transport_entry.begin();
      transport_entry.set(col(k_transport_entry, "enterprise_id"), e.id);
      transport_entry.set(col(k_transport_entry, "plate"), plate);
      transport_entry.set_date(col(k_transport_entry, "entered_on"), static_cast<int>(rng_.range(day(2021, 1, 1), ref_ - 1)));
      if (rng_.chance(0.9)) transport_entry.set(col(k_transport_entry, "cargo"), cargo[rng_.range(0, 6)]);
      if (rng_.chance(0.9)) transport_entry.set_double(col(k_transport_entry, "tonnes"), rng_.uniform(8, 49), 1);
      transport_entry.end();
    }
  }
}

void Gen::random_voc(const Ent& e) {
  if (is_voc(e.ind)) {
    struct M { const char* kind; const char* type; double lo, hi; bool pct; };
    static constexpr M mats[] = {
        {"ink", "water_based_ink_gravure", 3, 14, true},   {"ink", "solvent_ink_gravure", 50, 74, true},
        {"ink", "offset_ink_sheetfed", 1, 2.9, true},      {"coating", "water_based_industrial_coating", 40, 240, false},
        {"coating", "solvent_industrial_coating", 300, 540, false}, {"adhesive", "water_based_adhesive", 20, 95, false},
        {"cleaner", "water_based_cleaner", 10, 48, false}, {"cleaner", "organic_solvent_cleaner", 600, 880, false}};
    const int n = static_cast<int>(rng_.range(1, 3));
    const auto first = rng_.range(0, std::size(mats) - 1);
    for (int i = 0; i < n; ++i) {
      const M& m = mats[(first + i * 3) % std::size(mats)];
      voc_material.begin();
      voc_material.set(col(k_voc_material, "enterprise_id"), e.id);
      voc_material.set(col(k_voc_material, "kind"), m.kind);
      voc_material.set(col(k_voc_material, "product_type"), m.type);
      const double v = rng_.uniform(m.lo, m.hi);
      if (rng_.chance(0.95)) voc_material.set_double(m.pct ? col(k_voc_material, "voc_content_pct") : col(k_voc_material, "voc_content_g_l"), v, 1);
      voc_material.set_double(col(k_voc_material, "annual_use_t"), rng_.uniform(0.5, 80), 1);
      voc_material.set_bool(col(k_voc_material, "outdoor_use"), false);
      voc_material.end();
    }
  }
  if (is_voc(e.ind) || e.voc_key) {
    const int n = static_cast<int>(rng_.range(1, 2));
    for (int i = 0; i < n; ++i) {
      voc_treatment.begin();
      voc_treatment.set(col(k_voc_treatment, "id"), serial_id("VT", ++voc_serial_));
      voc_treatment.set(col(k_voc_treatment, "enterprise_id"), e.id);
      static constexpr const char* tech[] = {"rto", "rco", "catalytic_combustion", "adsorption_concentration_combustion",
                                             "activated_carbon", "activated_carbon_regenerative", "photo_oxidation",
                                             "photocatalysis", "low_temp_plasma", "spray_absorption", "condensation", "biological"};
      // Simple technologies (single activated carbon, photo-oxidation, plasma) are mostly
      // combined with a second stage by now (VOC-06): a few per cent stay single.
      static constexpr unsigned tw[] = {22, 16, 12, 18, 6, 14, 1, 1, 1, 4, 3, 2};
      const auto t = rng_.weighted(tw);
      voc_treatment.set(col(k_voc_treatment, "technology"), tech[t]);
      voc_treatment.set_int(col(k_voc_treatment, "stages"), t >= 4 && rng_.chance(0.7) ? 2 : 1);
      if (rng_.chance(0.98)) voc_treatment.set_bool(col(k_voc_treatment, "bypass"), rng_.chance(0.03));
      if (rng_.chance(0.97)) voc_treatment.set_int(col(k_voc_treatment, "exceedances_12m"), rng_.chance(0.96) ? 0 : rng_.range(1, 6));
      if (t == 4 || t == 5) voc_treatment.set_date(col(k_voc_treatment, "carbon_replaced_on"), static_cast<int>(rng_.range(ref_ - 200, ref_ - 1)));
      // Single-use carbon: the design replacement interval (VOC-07), longer than any gap drawn.
      if (t == 4) voc_treatment.set_int(col(k_voc_treatment, "carbon_replace_interval_days"), 240);
      if (rng_.chance(0.97)) voc_treatment.set_bool(col(k_voc_treatment, "ledger_complete"), rng_.chance(0.97));
      // Spray absorption is usually fitted where the VOCs dissolve in water (VOC-06).
      if (t == 9 && rng_.chance(0.97)) voc_treatment.set_bool(col(k_voc_treatment, "water_soluble_voc"), rng_.chance(0.9));
      voc_treatment.end();
    }
  }
  if (e.voc_key && (e.ind == Ind::chemical || e.ind == Ind::coal_chemical || e.ind == Ind::coking || e.ind == Ind::pharmaceutical)) {
    const int comps = static_cast<int>(rng_.range(1200, 20000));
    for (int r = 0; r < 3; ++r) {
      ldar_round.begin();
      ldar_round.set(col(k_ldar_round, "enterprise_id"), e.id);
      ldar_round.set_date(col(k_ldar_round, "inspected_on"), ref_ - 30 - r * 182 - static_cast<int>(rng_.range(0, 20)));
      ldar_round.set_int(col(k_ldar_round, "components"), comps);
      const int leaks = static_cast<int>(rng_.range(0, comps / 200));
      ldar_round.set_int(col(k_ldar_round, "leaks_found"), leaks);
      const int fixed = rng_.chance(0.97) ? leaks : leaks - leaks / 3;
      ldar_round.set_int(col(k_ldar_round, "leaks_repaired_in_time"), fixed);
      // A first attempt (VOC-03, 5 days) on every leak that was repaired in time.
      ldar_round.set_int(col(k_ldar_round, "leaks_first_attempt_in_time"), fixed);
      ldar_round.end();
    }
  }
  if (e.ind == Ind::chemical || e.ind == Ind::coal_chemical || e.ind == Ind::coking || e.ind == Ind::fuel_station) {
    const int n = static_cast<int>(rng_.range(1, 4));
    for (int i = 0; i < n; ++i) {
      struct L { const char* name; double tvp; };
      static constexpr L liquids[] = {{"汽油", 45}, {"柴油", 0.5}, {"苯", 10}, {"甲醇", 13}, {"粗苯", 12}, {"煤焦油", 0.8}};
      const L& l = e.ind == Ind::fuel_station ? liquids[i % 2] : liquids[rng_.range(2, 5)];
      storage_tank.begin();
      storage_tank.set(col(k_storage_tank, "id"), serial_id("TK", ++tank_serial_));
      storage_tank.set(col(k_storage_tank, "enterprise_id"), e.id);
      storage_tank.set(col(k_storage_tank, "liquid"), l.name);
      storage_tank.set_double(col(k_storage_tank, "volume_m3"), e.ind == Ind::fuel_station ? 30 : rng_.range(2, 50) * 100.0, 0);
      storage_tank.set_double(col(k_storage_tank, "true_vapor_pressure_kpa"), l.tvp * rng_.uniform(0.85, 1.15), 2);
      const bool volatile_ = l.tvp >= 5.2;
      storage_tank.set(col(k_storage_tank, "roof"), volatile_ && rng_.chance(0.9) ? "internal_floating" : "fixed");
      if (rng_.chance(0.9)) storage_tank.set_bool(col(k_storage_tank, "vapor_recovery"), volatile_ || rng_.chance(0.3));
      storage_tank.end();
    }
  }
}

void Gen::random_hw(const Ent& e) {
  if (!is_hw_generator(e.ind)) return;
  const auto codes = waste_codes_for(e.ind);
  const int ncodes = std::min<int>(static_cast<int>(codes.size()), static_cast<int>(rng_.range(1, 3)));
  const double scale = e.ind == Ind::medical ? 0.3 : is_heavy(e.ind) ? 8.0 : 1.0;
  // Closing stock of each code, carried into the next year's balance as its opening stock
  // (HW-05: opening + generated = closing + transferred + self-disposed).
  std::vector<double> opening(static_cast<std::size_t>(ncodes), 0.0);
  for (int year : {2024, 2025}) {
    for (int c = 0; c < ncodes; ++c) {
      const double gen = static_cast<double>(static_cast<long long>(rng_.triangular(0.5, 8, 400) * scale * 10)) / 10.0;
      const double stored = static_cast<double>(static_cast<long long>(gen * rng_.uniform(0, 0.2) * 10)) / 10.0;
      const double self = e.ind == Ind::coking && c == 0 ? static_cast<double>(static_cast<long long>(gen * 0.5 * 10)) / 10.0 : 0.0;
      const double open = opening[static_cast<std::size_t>(c)];
      const double transferred = std::max(0.0, static_cast<double>(static_cast<long long>((open + gen - stored - self) * 10 + 0.5)) / 10.0);
      opening[static_cast<std::size_t>(c)] = stored;
      note_declaration(e.id, year, gen, self);
      hw_declaration.begin();
      hw_declaration.set(col(k_hw_declaration, "enterprise_id"), e.id);
      hw_declaration.set_int(col(k_hw_declaration, "year"), year);
      hw_declaration.set(col(k_hw_declaration, "waste_code"), codes[c]);
      hw_declaration.set_double(col(k_hw_declaration, "generated_t"), gen, 1);
      hw_declaration.set_double(col(k_hw_declaration, "stored_t"), stored, 1);
      hw_declaration.set_double(col(k_hw_declaration, "transferred_t"), transferred, 1);
      hw_declaration.set_double(col(k_hw_declaration, "self_disposed_t"), self, 1);
      if (rng_.chance(0.99)) hw_declaration.set_date(col(k_hw_declaration, "declared_on"), day(year + 1, 1, 1) + static_cast<int>(rng_.range(5, 85)));
      hw_declaration.end();
      // Manifests of the year's transfers: one or two shipments per code, the last one
      // carrying the remainder so that the manifests add up to the declared transfer (HW-05).
      if (transferred > 0 && !receivers_.empty()) {
        const int ships = transferred >= 0.2 ? static_cast<int>(rng_.range(1, 2)) : 1;
        double left = transferred;
        for (int s = 0; s < ships; ++s) {
          const Receiver& r = receivers_[static_cast<std::size_t>(rng_.range(0, static_cast<std::int64_t>(receivers_.size()) - 1))];
          const int shipped = static_cast<int>(rng_.range(day(year, 1, 5), day(year, 12, 20)));
          const double part = s + 1 == ships ? left : static_cast<double>(static_cast<long long>(transferred / ships * 10)) / 10.0;
          left = static_cast<double>(static_cast<long long>((left - part) * 10 + 0.5)) / 10.0;
          add_manifest(e.id, r.id, codes[c], shipped, part, rng_.chance(0.995), 0.0);
        }
      }
    }
  }
  for (int year : {2024, 2025, 2026}) {
    hw_plan.begin();
    hw_plan.set(col(k_hw_plan, "enterprise_id"), e.id);
    hw_plan.set_int(col(k_hw_plan, "year"), year);
    if (rng_.chance(0.99)) hw_plan.set_date(col(k_hw_plan, "filed_on"), day(year, 1, 5) + static_cast<int>(rng_.range(0, 80)));
    hw_plan.end();
  }
  if (rng_.chance(0.5)) {
    hw_storage.begin();
    hw_storage.set(col(k_hw_storage, "enterprise_id"), e.id);
    hw_storage.set(col(k_hw_storage, "waste_code"), codes[0]);
    hw_storage.set_date(col(k_hw_storage, "stored_since"), static_cast<int>(rng_.range(ref_ - 340, ref_ - 5)));
    hw_storage.set_double(col(k_hw_storage, "quantity_t"), rng_.uniform(0.1, 30), 2);
    hw_storage.end();
  }
}

std::string Gen::add_manifest(const std::string& gen_id, const std::string& recv_id, std::string_view code, int shipped,
                              double tonnes, bool electronic, double received_delta, int receive_days) {
  int y;
  unsigned m, d;
  civil_from_days(shipped, y, m, d);
  const std::string no = manifest_no(y);
  hw_manifest.begin();
  hw_manifest.set(col(k_hw_manifest, "manifest_no"), no);
  hw_manifest.set(col(k_hw_manifest, "generator_id"), gen_id);
  hw_manifest.set(col(k_hw_manifest, "receiver_id"), recv_id);
  hw_manifest.set(col(k_hw_manifest, "waste_code"), code);
  hw_manifest.set_date(col(k_hw_manifest, "shipped_on"), shipped);
  hw_manifest.set_double(col(k_hw_manifest, "shipped_t"), std::max(0.1, tonnes), 2);
  if (receive_days >= 0 && shipped + receive_days < ref_) {
    const int received = shipped + (receive_days ? receive_days : static_cast<int>(rng_.range(0, 3)));
    hw_manifest.set_date(col(k_hw_manifest, "received_on"), received);
    hw_manifest.set_double(col(k_hw_manifest, "received_t"), std::max(0.1, tonnes) + received_delta, 2);
    // The receiver confirms in the system on the day of receipt (HW-03: within 5 working days).
    hw_manifest.set_date(col(k_hw_manifest, "confirmed_on"), received);
  }
  hw_manifest.set_bool(col(k_hw_manifest, "electronic"), electronic);
  hw_manifest.end();
  return no;
}

void Gen::add_license(const std::string& holder, std::string_view no, int from, int until, const std::vector<std::string>& codes) {
  hw_licence_holders_.insert(holder);
  hw_license.begin();
  hw_license.set(col(k_hw_license, "license_no"), no);
  hw_license.set(col(k_hw_license, "holder_id"), holder);
  hw_license.set_date(col(k_hw_license, "valid_from"), from);
  hw_license.set_date(col(k_hw_license, "valid_until"), until);
  hw_license.end();
  for (const auto& c : codes) {
    hw_license_code.begin();
    hw_license_code.set(col(k_hw_license_code, "license_no"), no);
    hw_license_code.set(col(k_hw_license_code, "waste_code"), c);
    hw_license_code.end();
  }
}

void Gen::random_site(const Ent& e) {
  if (e.ind == Ind::coking || e.ind == Ind::steel || e.ind == Ind::cement || e.ind == Ind::coal_mining ||
      e.ind == Ind::coal_power || e.ind == Ind::building_materials || e.ind == Ind::lime) {
    const int n = static_cast<int>(rng_.range(1, 2));
    static constexpr const char* mats[] = {"原煤", "焦炭", "煤矸石", "粉煤灰", "铁矿粉", "石灰石", "炉渣"};
    for (int i = 0; i < n; ++i) {
      storage_yard.begin();
      storage_yard.set(col(k_storage_yard, "id"), serial_id("YD", ++yard_serial_));
      storage_yard.set(col(k_storage_yard, "enterprise_id"), e.id);
      storage_yard.set(col(k_storage_yard, "material"), mats[rng_.range(0, 6)]);
      const bool enclosed = rng_.chance(0.98);
      storage_yard.set_bool(col(k_storage_yard, "enclosed"), enclosed);
      if (rng_.chance(0.985)) storage_yard.set_bool(col(k_storage_yard, "anti_seepage"), rng_.chance(0.98));
      if (rng_.chance(0.985)) storage_yard.set_bool(col(k_storage_yard, "rectified"), rng_.chance(0.98));
      if (!enclosed) {
        // An open yard keeps its own measures against scattering and run-off (SW-01).
        storage_yard.set_bool(col(k_storage_yard, "dust_controlled"), true);
        storage_yard.set_bool(col(k_storage_yard, "runoff_controlled"), true);
        // Art. 72: an open yard of dust-prone material is fenced and covered (both recorded).
        storage_yard.set_bool(col(k_storage_yard, "fenced"), true);
        storage_yard.set_bool(col(k_storage_yard, "covered"), true);
      }
      storage_yard.end();
    }
  }
  if ((e.ind == Ind::nonferrous && rng_.chance(0.5)) || (e.ind == Ind::coal_mining && rng_.chance(0.05))) {
    tailings_pond.begin();
    tailings_pond.set(col(k_tailings_pond, "id"), serial_id("TP", ++pond_serial_));
    tailings_pond.set(col(k_tailings_pond, "enterprise_id"), e.id);
    tailings_pond.set_bool(col(k_tailings_pond, "on_supervision_list"), rng_.chance(0.98));
    if (rng_.chance(0.97)) tailings_pond.set_date(col(k_tailings_pond, "risk_assessed_on"), static_cast<int>(rng_.range(day(2021, 1, 1), ref_ - 1)));
    if (rng_.chance(0.97)) tailings_pond.set_date(col(k_tailings_pond, "emergency_plan_filed_on"), static_cast<int>(rng_.range(day(2020, 1, 1), ref_ - 1)));
    if (rng_.chance(0.97)) tailings_pond.set_date(col(k_tailings_pond, "last_drill_on"), static_cast<int>(rng_.range(ref_ - 360, ref_ - 1)));
    if (rng_.chance(0.97)) tailings_pond.set_bool(col(k_tailings_pond, "archive_complete"), rng_.chance(0.97));
    tailings_pond.end();
  }
  if (is_industrial(e.ind) && rng_.chance(0.12)) {
    well.begin();
    well.set(col(k_well, "id"), serial_id("WL", ++well_serial_));
    well.set(col(k_well, "enterprise_id"), e.id);
    const bool overdraft = rng_.chance(0.35);
    const bool covered = rng_.chance(0.4);
    well.set_bool(col(k_well, "in_overdraft_zone"), overdraft);
    well.set_bool(col(k_well, "in_public_supply_coverage"), covered);
    // WAT-01: a well with a closing deadline already passed is sealed (on or before it, bar a
    // few), one whose deadline lies ahead is sealed early or still in use. SOI-04: a closed
    // enterprise's wells are abandoned; high-risk abandoned wells are sealed.
    int sealed_on = 0;
    if (overdraft && covered) {
      const int deadline = static_cast<int>(rng_.range(day(2022, 6, 30), day(2027, 6, 30)));
      well.set_date(col(k_well, "close_deadline"), deadline);
      if (deadline < ref_ ? rng_.chance(0.98) : rng_.chance(0.4))
        sealed_on = std::min(ref_ - 1, deadline - static_cast<int>(rng_.range(0, 240)));
    }
    const bool abandoned = e.status == "closed" ? rng_.chance(0.9) : rng_.chance(0.01);
    const bool high_risk = abandoned && rng_.chance(0.4);
    if (high_risk && !sealed_on && rng_.chance(0.9)) sealed_on = static_cast<int>(rng_.range(ref_ - 700, ref_ - 1));
    well.set(col(k_well, "status"), sealed_on ? "sealed" : "active");
    if (rng_.chance(0.8)) well.set_bool(col(k_well, "karst"), rng_.chance(0.2));
    if (sealed_on && rng_.chance(0.95)) well.set_date(col(k_well, "sealed_on"), sealed_on);
    if (rng_.chance(0.95)) well.set_bool(col(k_well, "abandoned"), abandoned);
    if (abandoned && rng_.chance(0.9)) well.set_bool(col(k_well, "high_risk"), high_risk);
    well.end();
  }
  if (e.ind == Ind::sewage_plant || ((e.ind == Ind::chemical || e.ind == Ind::coking || e.ind == Ind::coal_mining) && rng_.chance(0.3))) {
    static constexpr const char* rivers[] = {"汾河", "潇河", "涂河", "昌源河", "乌马河", "龙凤河", "清漳河", "浊漳河", "松溪河"};
    outfall.begin();
    outfall.set(col(k_outfall, "id"), serial_id("OF", ++outfall_serial_));
    outfall.set(col(k_outfall, "enterprise_id"), e.id);
    outfall.set(col(k_outfall, "river"), rivers[rng_.range(0, 8)]);
    outfall.set_bool(col(k_outfall, "registered"), rng_.chance(0.97));
    if (rng_.chance(0.97)) outfall.set_bool(col(k_outfall, "monitored"), rng_.chance(0.97));
    if (rng_.chance(0.04)) {   // exceeding recently, within its 180-day rectification period
      const int since = static_cast<int>(rng_.range(ref_ - 170, ref_ - 30));
      outfall.set_date(col(k_outfall, "exceeding_since"), since);
      outfall.set_date(col(k_outfall, "rectify_deadline"), since + 180);
    }
    outfall.end();
  }
  if (rng_.chance(e.ind == Ind::chemical ? 0.05 : 0.003)) {
    // Survey lines of controlled POPs: last seen before the substance's ban (RSK-05,
    // pops_banned_from), or, for PFOS, PFOSF and PFOA (exemptions still open), later under a
    // recorded exemption.
    struct S { const char* sub; int banned; bool exempt_open; };
    const S subs[] = {{"hbcd", day(2016, 12, 26), false}, {"decabde", day(2023, 3, 1), false},
                      {"pfos", day(2019, 3, 26), true},   {"pfosf", day(2019, 3, 26), true},
                      {"sccp", day(2023, 3, 1), false},   {"pfoa", day(2023, 3, 1), true}};
    const S& sub = subs[rng_.range(0, 5)];
    chemical_use.begin();
    chemical_use.set(col(k_chemical_use, "enterprise_id"), e.id);
    chemical_use.set(col(k_chemical_use, "substance"), sub.sub);
    chemical_use.set(col(k_chemical_use, "activity"), "use");
    chemical_use.set_double(col(k_chemical_use, "annual_t"), rng_.uniform(0.01, 5), 2);
    if (sub.exempt_open && rng_.chance(0.5)) {
      chemical_use.set(col(k_chemical_use, "exemption"), "特定豁免用途 (履约豁免登记)");
      chemical_use.set_date(col(k_chemical_use, "last_seen_on"), static_cast<int>(rng_.range(sub.banned, ref_ - 30)));
    } else {
      chemical_use.set_date(col(k_chemical_use, "last_seen_on"), static_cast<int>(rng_.range(sub.banned - 900, sub.banned - 30)));
    }
    chemical_use.end();
  }
  const double rs_p = e.ind == Ind::medical ? 0.15 : (e.ind == Ind::steel || e.ind == Ind::cement || e.ind == Ind::coking) ? 0.3
                      : e.ind == Ind::construction ? 0.02 : 0.0;
  if (rng_.chance(rs_p)) {
    const bool mobile = e.ind == Ind::construction;
    radioactive_source.begin();
    radioactive_source.set(col(k_radioactive_source, "id"), serial_id("RS14", ++source_serial_));
    radioactive_source.set(col(k_radioactive_source, "enterprise_id"), e.id);
    radioactive_source.set_int(col(k_radioactive_source, "category"), mobile ? 2 : e.ind == Ind::medical ? rng_.range(3, 5) : 5);
    radioactive_source.set_bool(col(k_radioactive_source, "mobile"), mobile);
    if (mobile || rng_.chance(0.3)) radioactive_source.set_bool(col(k_radioactive_source, "realtime_monitoring"), rng_.chance(0.97));
    if (rng_.chance(0.97)) radioactive_source.set_date(col(k_radioactive_source, "licence_valid_until"), static_cast<int>(rng_.range(ref_ + 20, ref_ + 1800)));
    const bool idle = !rng_.chance(0.9);
    radioactive_source.set(col(k_radioactive_source, "status"), idle ? "idle" : "in_use");
    // Idle since less than the 3-month return window (RSK-07): no random draw.
    if (idle) radioactive_source.set_date(col(k_radioactive_source, "idle_since"), ref_ - 20 - static_cast<int>(source_serial_ % 60));
    radioactive_source.end();
  }
}

void Gen::random_zones(const Ent& e, bool urban) {
  if (urban) enterprise_zone_row(e.id, "urban_planning");
  if (e.county == county_index("介休市") || e.county == county_index("灵石县") || e.county == county_index("平遥县")
      || e.county == county_index("祁县")) {
    if (rng_.chance(0.08)) enterprise_zone_row(e.id, "fen_river_bank");
  }
  if ((e.county == county_index("左权县") || e.county == county_index("和顺县") || e.county == county_index("榆社县")) && rng_.chance(0.08))
    enterprise_zone_row(e.id, "zhang_river_bank");
  if (rng_.chance(0.05)) enterprise_zone_row(e.id, "groundwater_overdraft");
  if ((e.county == county_index("介休市") || e.county == county_index("灵石县")) && rng_.chance(0.05))
    enterprise_zone_row(e.id, "karst_spring");
}

Ent Gen::random_enterprise(Ind ind) {
  const int county = pick_county(ind);
  const char* status = "operating";
  const auto s = rng_.weighted(std::array<unsigned, 4>{88, 6, 3, 3});
  status = s == 0 ? "operating" : s == 1 ? "suspended" : s == 2 ? "closed" : "under_construction";
  Ent e = begin_enterprise(ind, county, status);
  end_enterprise(e);
  if (ind == Ind::hw_operator) {
    Receiver r;
    r.id = e.id;
    r.license = "晋危废" + std::string(kCounties[county].division) + std::to_string(receivers_.size() + 1);
    r.codes = {"HW01", "HW02", "HW03", "HW06", "HW08", "HW11", "HW12", "HW13", "HW17",
               "HW21", "HW22", "HW23", "HW31", "HW48", "HW49", "HW50"};
    add_license(e.id, r.license, day(2022, 3, 1), day(2027, 2, 28), r.codes);
    // Batches received and not yet disposed of (HW-06: at most a year), and the operator's
    // own yearly management plans (HW-02).
    const int batches = static_cast<int>(rng_.range(1, 3));
    for (int b = 0; b < batches; ++b) {
      hw_storage.begin();
      hw_storage.set(col(k_hw_storage, "enterprise_id"), e.id);
      hw_storage.set(col(k_hw_storage, "waste_code"), r.codes[static_cast<std::size_t>(b * 5 + rng_.range(0, 4))]);
      hw_storage.set_date(col(k_hw_storage, "stored_since"), static_cast<int>(rng_.range(ref_ - 330, ref_ - 5)));
      hw_storage.set_double(col(k_hw_storage, "quantity_t"), rng_.uniform(5, 200), 2);
      hw_storage.end();
    }
    for (int year : {2024, 2025, 2026}) {
      hw_plan.begin();
      hw_plan.set(col(k_hw_plan, "enterprise_id"), e.id);
      hw_plan.set_int(col(k_hw_plan, "year"), year);
      hw_plan.set_date(col(k_hw_plan, "filed_on"), day(year, 1, 5) + static_cast<int>(rng_.range(0, 60)));
      hw_plan.end();
    }
    receivers_.push_back(std::move(r));
  }
  // The licensed operators are written before the scenario enterprises: they get no serially
  // keyed site records (facilities, wells), so that the scenarios' keys (F0000001.., WL0000001..)
  // do not move when the random draws change.
  if (ind != Ind::hw_operator) random_facilities(e);
  random_permit(e);
  random_vehicles(e);
  random_entries(e);
  random_voc(e);
  random_hw(e);
  if (ind != Ind::hw_operator) random_site(e);
  random_zones(e, e.urban);
  return e;
}

void Gen::random_application(std::uint64_t i) {
  static constexpr Ind inds[] = {Ind::chemical, Ind::building_materials, Ind::casting, Ind::coating, Ind::electronics,
                                 Ind::pharmaceutical, Ind::other, Ind::printing, Ind::wood_panel, Ind::coal_chemical};
  const Ind ind = inds[rng_.range(0, std::size(inds) - 1)];
  const int county = pick_county(ind);
  auto& t = application;
  t.begin();
  t.set(col(k_application, "id"), serial_id("JZSP2026-", i));
  t.set(col(k_application, "project_name"), std::string(kCounties[county].short_name) + kTradeNames[rng_.range(0, 29)] +
                                                   kIndustries[static_cast<int>(ind)].label + "项目");
  static constexpr const char* pt[] = {"new", "rebuild", "expand", "relocate"};
  t.set(col(k_application, "project_type"), pt[rng_.weighted(std::array<unsigned, 4>{50, 15, 30, 5})]);
  t.set(col(k_application, "industry"), industry_name(ind));
  t.set(col(k_application, "county"), kCounties[county].name);
  t.set_double(col(k_application, "lon"), kCounties[county].lon + rng_.uniform(-0.1, 0.1), 5);
  t.set_double(col(k_application, "lat"), kCounties[county].lat + rng_.uniform(-0.1, 0.1), 5);
  if (rng_.chance(0.7)) {
    t.set(col(k_application, "in_park"), std::string(kCounties[county].short_name) + "经济技术开发区");
    (void)rng_.chance(0.3);   // the level drawn before the park register existed: the stream stays as it was
    t.set(col(k_application, "park_level"), park_level_of(county));
    // Provincial and national parks have their centralised treatment plant (WAT-05).
    if (rng_.chance(0.97)) t.set_bool(col(k_application, "centralised_wastewater_treatment"), rng_.chance(0.97));
  } else {
    t.set(col(k_application, "park_level"), "none");
  }
  t.set_double(col(k_application, "added_capacity_t"), rng_.range(1, 50) * 1000.0, 0);
  if (ind == Ind::coal_chemical || rng_.chance(0.5)) {   // coal chemistry always declares its coal
    const double coal = rng_.range(1, 30) * 1000.0;
    t.set_double(col(k_application, "added_coal_t"), coal, 0);
    t.set_double(col(k_application, "coal_substitution_t"), coal * rng_.uniform(1.0, 1.5), 0);
    t.set(col(k_application, "coal_substitution_source"), "关停燃煤锅炉替代量");
  }
  // energy per unit below the advanced benchmark of the product (scr_energy_advanced_benchmark)
  // for the energy-intensive industries, below the applicant's own figure for the others
  const double bench = rng_.uniform(80, 400);
  t.set_double(col(k_application, "energy_benchmark"), bench, 1);
  const char* product = ind == Ind::chemical ? "电石" : ind == Ind::coal_chemical ? "甲醇(煤)"
                        : ind == Ind::building_materials ? "水泥熟料" : nullptr;
  const double table = ind == Ind::chemical ? 805.0 : ind == Ind::coal_chemical ? 1400.0 : 100.0;
  if (product) t.set(col(k_application, "energy_product"), product);
  if (rng_.chance(0.97)) t.set_double(col(k_application, "energy_per_unit"), (product ? table : bench) * rng_.uniform(0.85, 1.0), 1);
  if (rng_.chance(0.3)) t.set_double(col(k_application, "groundwater_withdrawal_m3"), 0, 0);
  t.set_bool(col(k_application, "wastewater_zero_discharge"), rng_.chance(0.4));
  const double sw = rng_.range(1, 200) * 100.0;
  t.set_double(col(k_application, "solid_waste_t"), sw, 0);
  if (rng_.chance(0.97)) t.set_double(col(k_application, "solid_waste_disposal_t"), sw * rng_.uniform(1.0, 1.3), 0);
  t.set_double(col(k_application, "annual_freight_t"), rng_.range(1, 100) * 1000.0, 0);
  t.set_bool(col(k_application, "rail_spur_planned"), false);
  t.set_bool(col(k_application, "land_use_change"), false);
  t.set_bool(col(k_application, "large_scale_industrial"), false);
  if (ind == Ind::other && rng_.chance(0.95)) t.set_bool(col(k_application, "culture_tourism_ecology"), rng_.chance(0.3));
  else if (ind != Ind::other) t.set_bool(col(k_application, "culture_tourism_ecology"), false);
  if (is_voc(ind) && rng_.chance(0.97)) t.set_bool(col(k_application, "low_voc_materials_declared"), rng_.chance(0.97));
  t.set_date(col(k_application, "submitted_on"), static_cast<int>(rng_.range(ref_ - 120, ref_ - 1)));
  t.end();
}

Summary Gen::run() {
  write_zones();
  write_parks();
  // Licensed hazardous-waste operators first, so every manifest has a receiver to go to.
  const std::uint64_t n = opt_.enterprises;
  const std::uint64_t operators = std::max<std::uint64_t>(n ? 3 : 0, n / 200);
  for (std::uint64_t i = 0; i < std::min(operators, n); ++i) random_enterprise(Ind::hw_operator);
  in_scenarios_ = true;
  if (opt_.scenarios) scenarios();
  in_scenarios_ = false;
  for (std::uint64_t i = operators; i < n; ++i) random_enterprise(pick_industry());
  const std::uint64_t apps = n ? std::max<std::uint64_t>(20, n / 10) : 0;
  for (std::uint64_t i = 1; i <= apps; ++i) random_application(i);
  periodic_declarations();
  write_hj212();
  write_draw_records();
  Summary s;
  for (auto* t : tables_) {
    t->close();
    s.rows.emplace_back(std::string(t->name()), t->rows());
  }
  s.notes = std::move(notes_);
  return s;
}

void Gen::note_declaration(const std::string& ent, int year, double generated, double self_disposed) {
  int y;
  unsigned m, d;
  civil_from_days(ref_, y, m, d);
  if (year != y - 1) return;
  auto& t = hw_prev_year_[ent];
  t.generated += generated;
  t.self_disposed = t.self_disposed || self_disposed > 0;
}

void Gen::periodic_declarations() {
  int ry;
  unsigned rm, rd;
  civil_from_days(ref_, ry, rm, rd);
  for (const auto& [ent, t] : hw_prev_year_) {
    const bool key = t.generated >= 100 || t.self_disposed ||
                     hw_licence_holders_.count(ent) > 0;
    if (!key && t.generated < 10) continue;   // registration management: yearly only
    const auto ov = periodic_override_.find(ent);
    const int step = key ? 1 : 3;
    // Every period of the reference year whose due day (the 15th of the next month, or of the
    // first month of the next quarter) is on or before the reference date.
    for (int m = 1; m + step - 1 <= 12; m += step) {
      const int next_m = m + step;
      const int due = next_m > 12 ? days_from_civil(ry + 1, static_cast<unsigned>(next_m - 12), 15)
                                  : days_from_civil(ry, static_cast<unsigned>(next_m), 15);
      const int start = days_from_civil(ry, static_cast<unsigned>(m), 1);
      int declared = due - 5;
      if (ov != periodic_override_.end()) {
        const auto it = ov->second.find(start);
        if (it != ov->second.end()) declared = it->second;
        else if (due > ref_) continue;
      } else if (due > ref_) {
        continue;
      }
      if (declared < 0) continue;
      hw_periodic_declaration.begin();
      hw_periodic_declaration.set(col(k_hw_periodic_declaration, "enterprise_id"), ent);
      hw_periodic_declaration.set_date(col(k_hw_periodic_declaration, "period_start"), start);
      hw_periodic_declaration.set(col(k_hw_periodic_declaration, "period"), key ? "month" : "quarter");
      if (declared > 0) hw_periodic_declaration.set_date(col(k_hw_periodic_declaration, "declared_on"), declared);
      hw_periodic_declaration.end();
    }
  }
}

Summary generate(const Options& options) {
  std::filesystem::create_directories(options.out);
  Gen g(options);
  return g.run();
}

}  // namespace eco::datagen
