// Unit tests of the generator's building blocks: credit-code check characters, dates and the
// reproducibility of the random stream and of whole datasets.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

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
