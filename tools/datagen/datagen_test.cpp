// Unit tests of the generator's building blocks: credit-code check characters, dates and the
// reproducibility of the random stream and of whole datasets.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tools/datagen/generate.hpp"
#include "tools/datagen/rng.hpp"
#include "tools/datagen/table.hpp"
#include "tools/datagen/uscc.hpp"

using namespace eco::datagen;

TEST(Uscc, CheckCharacterOfPublishedCodes) {
  // Codes printed on real business licences / in GB 32100-2015's examples.
  EXPECT_EQ(uscc_check_char("91350100M000100Y4"), '3');
  EXPECT_EQ(uscc_check_char("91110000600037341"), 'L');
  EXPECT_TRUE(uscc_valid("91350100M000100Y43"));
  EXPECT_FALSE(uscc_valid("91350100M000100Y44"));
}

TEST(Uscc, RejectsMalformedInput) {
  EXPECT_FALSE(uscc_check_char("9135010"));                   // too short
  EXPECT_FALSE(uscc_check_char("91350100M000100I4"));         // I is not in the alphabet
  EXPECT_FALSE(uscc_valid("91350100M000100Y4"));
  EXPECT_FALSE(org_code_check_char("MA0K00"));
  EXPECT_FALSE(org_code_check_char("ma0k0001"));
}

TEST(Uscc, OrganisationCodeCheck) {
  // GB 11714: 11 - sum mod 11, 10 -> X, 11 -> 0.
  EXPECT_EQ(org_code_check_char("D2143569"), 'X');   // the standard's own example
  EXPECT_EQ(org_code_check_char("60003734"), '1');   // inside 91110000600037341L
}

TEST(Uscc, MadeCodesAreValid) {
  const auto code = make_uscc("91", "140781", "MA0K0001");
  EXPECT_EQ(code.size(), 18u);
  EXPECT_EQ(code.substr(0, 8), "91140781");
  EXPECT_TRUE(uscc_valid(code));
}

TEST(Dates, RoundTripAndFormat) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(date_str(days_from_civil(2022, 10, 31)), "2022-10-31");
  EXPECT_EQ(date_str(days_from_civil(2024, 2, 29) + 1), "2024-03-01");
  EXPECT_EQ(date_str(days_from_civil(2022, 12, 31) + 1), "2023-01-01");
}

TEST(Rng, SameSeedSameStreamAndInRange) {
  Rng a(7), b(7);
  for (int i = 0; i < 1000; ++i) {
    const auto x = a.range(-3, 9);
    EXPECT_EQ(x, b.range(-3, 9));
    EXPECT_GE(x, -3);
    EXPECT_LE(x, 9);
    const double t = a.triangular(1, 2, 5);
    EXPECT_EQ(t, b.triangular(1, 2, 5));
    EXPECT_GE(t, 1);
    EXPECT_LE(t, 5);
  }
  // mt19937_64 is specified by the standard: its 10000th output is fixed.
  std::mt19937_64 e;
  e.discard(9999);
  EXPECT_EQ(e(), 9981545732273789042ull);
}

static std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Generate, DeterministicAndValidIds) {
  const auto base = std::filesystem::temp_directory_path() / "datagen_test";
  std::filesystem::remove_all(base);
  Options o;
  o.enterprises = 60;
  o.out = base / "a";
  const auto s1 = generate(o);
  o.out = base / "b";
  generate(o);
  for (const auto& [name, rows] : s1.rows) {
    EXPECT_EQ(slurp(base / "a" / (name + ".csv")), slurp(base / "b" / (name + ".csv"))) << name;
    EXPECT_GT(rows, 0u) << name << " has no rows";
  }
  // The month of HJ 212 messages too (its summaries: tests/e2e/cases/monitoring/hj212).
  const auto month = slurp(base / "a" / "hj212" / "2026-10.txt");
  EXPECT_GT(month.size(), 0u);
  EXPECT_EQ(month, slurp(base / "b" / "hj212" / "2026-10.txt"));
  // Every enterprise id is a valid credit code; ids are unique.
  std::ifstream in(base / "a" / "enterprise.csv");
  std::string line;
  std::getline(in, line);
  std::set<std::string> ids;
  while (std::getline(in, line)) {
    const auto id = line.substr(0, line.find(','));
    EXPECT_TRUE(uscc_valid(id)) << id;
    EXPECT_TRUE(ids.insert(id).second) << "duplicate " << id;
  }
  EXPECT_GT(ids.size(), 60u);   // background plus scenario enterprises
  // Hazardous waste codes stay within HW01..HW40 and HW45..HW50.
  const auto manifests = slurp(base / "a" / "hw_manifest.csv");
  for (int c = 41; c <= 44; ++c) EXPECT_EQ(manifests.find("HW" + std::to_string(c)), std::string::npos);
  std::filesystem::remove_all(base);
}

// The rows of a generated CSV as maps from column name to cell. The files tested here have no
// quoted cells (no commas in their values), so a plain split is exact.
static std::vector<std::map<std::string, std::string>> rows_of(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string line;
  auto split = [](const std::string& l) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream ss(l);
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    if (!l.empty() && l.back() == ',') cells.emplace_back();
    return cells;
  };
  std::getline(in, line);
  const auto header = split(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    const auto cells = split(line);
    std::map<std::string, std::string> r;
    for (std::size_t i = 0; i < header.size(); ++i) r[header[i]] = i < cells.size() ? cells[i] : "";
    rows.push_back(std::move(r));
  }
  return rows;
}

// The background population is drawn against the schedules the Jinzhong rules check on the
// reference date (2026-11-28), so that it is mostly compliant: a few per cent break a rule or
// lack a value, never a large share.
TEST(Generate, BackgroundRecordsFollowTheSchedules) {
  const auto base = std::filesystem::temp_directory_path() / "datagen_schedules";
  std::filesystem::remove_all(base);
  Options o;
  o.enterprises = 3000;
  o.scenarios = false;
  o.out = base;
  generate(o);
  const std::string ref = date_str(reference_day());

  // HW-05: the manifests of a year add up to the declared transfer of each waste code.
  std::map<std::string, double> shipped;
  for (const auto& m : rows_of(base / "hw_manifest.csv"))
    shipped[m.at("generator_id") + "/" + m.at("shipped_on").substr(0, 4) + "/" + m.at("waste_code")] += std::stod(m.at("shipped_t"));
  int declarations = 0;
  for (const auto& d : rows_of(base / "hw_declaration.csv")) {
    const double t = std::stod(d.at("transferred_t"));
    const double s = shipped[d.at("enterprise_id") + "/" + d.at("year") + "/" + d.at("waste_code")];
    EXPECT_LE(std::abs(s - t), 0.01 * t + 1e-9) << d.at("enterprise_id") << " " << d.at("year") << " " << d.at("waste_code");
    ++declarations;
  }
  EXPECT_GT(declarations, 100);

  // PMT-02 / PMT-04: no renewal applied after the reference date; key permits issued before the
  // third quarter's reporting window report in it (>= 2026-10-01), bar a few.
  int key = 0, key_reported = 0;
  for (const auto& p : rows_of(base / "permit.csv")) {
    if (!p.at("renewal_applied_on").empty()) {
      EXPECT_LE(p.at("renewal_applied_on"), ref) << p.at("permit_no");
    }
    if (p.at("category") == "key" && p.at("issued_on") < "2026-10-01") {
      ++key;
      if (p.at("last_execution_report_on") >= "2026-10-01") ++key_reported;
    }
  }
  EXPECT_GT(key, 50);
  EXPECT_GE(key_reported, key * 90 / 100);

  // RSK-01 and PMT-05: plans reviewed within three years (1,095 days before 2026-11-28 is
  // 2023-11-29), key discharge units disclosed in 2026, bar a few.
  int plans = 0, plans_current = 0, key_units = 0, disclosed = 0;
  for (const auto& e : rows_of(base / "enterprise.csv")) {
    const auto& filed = e.at("emergency_plan_filed_on");
    if (!filed.empty()) {
      ++plans;
      const auto latest = std::max(filed, e.at("emergency_plan_revised_on"));
      if (latest >= "2023-11-29") ++plans_current;
      EXPECT_LE(latest, ref);
    }
    if (e.at("key_discharge_unit") == "true" && e.at("status") != "closed") {
      ++key_units;
      if (e.at("info_disclosed_on") >= "2026-01-01") ++disclosed;
    }
  }
  EXPECT_GT(plans, 100);
  EXPECT_GE(plans_current, plans * 95 / 100);
  EXPECT_GT(key_units, 30);
  EXPECT_GE(disclosed, key_units * 90 / 100);

  // WAT-01: wells past their closing deadline are sealed, on or before it (sealed_on), bar a few.
  int overdue = 0, sealed = 0;
  for (const auto& w : rows_of(base / "well.csv")) {
    if (!w.at("sealed_on").empty()) {
      EXPECT_EQ(w.at("status"), "sealed") << w.at("id");
      EXPECT_LE(w.at("sealed_on"), ref) << w.at("id");
    }
    if (!w.at("close_deadline").empty() && w.at("close_deadline") < ref) {
      ++overdue;
      if (w.at("status") == "sealed") ++sealed;
    }
  }
  EXPECT_GT(overdue, 10);
  EXPECT_GE(sealed, overdue * 90 / 100);

  // AIR-08 / AIR-10: suspect (SNCR, other) denitration has its screening result and coal units
  // say whether they are on the elimination list, bar a few; listed units are nearly all shut.
  int suspect = 0, screened = 0, units = 0, listed_known = 0, listed = 0, listed_shut = 0;
  for (const auto& f : rows_of(base / "facility.csv")) {
    if ((f.at("denitration") == "sncr" || f.at("denitration") == "other") && f.at("status") == "operating") {
      ++suspect;
      if (!f.at("denitration_rectified").empty()) ++screened;
    }
    if (f.at("kind") == "coal_power_unit") {
      ++units;
      if (!f.at("on_elimination_list").empty()) ++listed_known;
      if (f.at("on_elimination_list") == "true") {
        ++listed;
        if (f.at("status") == "eliminated") ++listed_shut;
      }
    }
  }
  EXPECT_GT(suspect, 50);
  EXPECT_GE(screened, suspect * 90 / 100);
  EXPECT_GT(units, 20);
  EXPECT_GE(listed_known, units * 95 / 100);
  EXPECT_GE(listed_shut, listed * 80 / 100);

  // TRN-05 / TRN-07: machines carry their registration code and muck trucks first registered
  // from 2022-01-01 are new-energy, bar a few.
  int nrmm = 0, coded = 0, new_muck = 0, new_muck_ne = 0;
  for (const auto& v : rows_of(base / "vehicle.csv")) {
    if (v.at("kind") == "nrmm") {
      ++nrmm;
      if (!v.at("registered_code").empty()) ++coded;
    }
    if (v.at("kind") == "muck_truck" && v.at("first_registered_on") >= "2022-01-01") {
      ++new_muck;
      if (v.at("fuel") == "electric" || v.at("fuel") == "hydrogen") ++new_muck_ne;
    }
  }
  EXPECT_GT(nrmm, 100);
  EXPECT_GE(coded, nrmm * 95 / 100);
  EXPECT_GT(new_muck, 50);
  EXPECT_GE(new_muck_ne, new_muck * 90 / 100);

  // VOC-05/06: bypass recorded, and spray absorption says whether the VOCs are water-soluble,
  // bar a few.
  int treatments = 0, bypass_known = 0, sprays = 0, solubility_known = 0;
  for (const auto& t : rows_of(base / "voc_treatment.csv")) {
    ++treatments;
    if (!t.at("bypass").empty()) ++bypass_known;
    if (t.at("technology") == "spray_absorption") {
      ++sprays;
      if (!t.at("water_soluble_voc").empty()) ++solubility_known;
    }
  }
  EXPECT_GT(treatments, 200);
  EXPECT_GE(bypass_known, treatments * 95 / 100);
  EXPECT_GT(sprays, 5);
  EXPECT_GE(solubility_known, sprays * 80 / 100);
  std::filesystem::remove_all(base);
}

// VOC-03: in the scenario set, every operating VOC key enterprise of an LDAR industry has an
// LDAR round, except the one deliberate unknown case; the background draws do the same.
TEST(Generate, LdarRoundsForVocKeyEnterprises) {
  const auto base = std::filesystem::temp_directory_path() / "datagen_ldar";
  std::filesystem::remove_all(base);
  Options o;
  o.enterprises = 300;
  o.out = base;
  generate(o);
  std::set<std::string> with_rounds;
  for (const auto& r : rows_of(base / "ldar_round.csv")) with_rounds.insert(r.at("enterprise_id"));
  std::vector<std::string> missing;
  int due = 0;
  for (const auto& e : rows_of(base / "enterprise.csv")) {
    const auto& ind = e.at("industry");
    if (e.at("voc_key") == "true" && e.at("status") == "operating" &&
        (ind == "chemical" || ind == "coal_chemical" || ind == "coking" || ind == "pharmaceutical")) {
      ++due;
      if (!with_rounds.count(e.at("id"))) missing.push_back(e.at("name"));
    }
  }
  EXPECT_GT(due, 10);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0], "榆社县示范煤化工有限公司");
  std::filesystem::remove_all(base);
}
