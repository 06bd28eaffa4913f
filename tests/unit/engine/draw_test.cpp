// The random inspection draw (engine/draw): the specified generator, exact quotas, selection
// frequencies within binomial bounds over a fixed set of seeds, exclusions, recusal, the
// append-only record and --verify's detection of changed inputs.
#include <cmath>
#include <map>
#include <random>
#include <set>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "engine/draw/draw.hpp"
#include "engine/store/schema_sql.hpp"
#include "store_fixture.hpp"

namespace eco::engine::draw {
namespace {

std::string key(const std::string& prefix, int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", i);
  return prefix + buf;
}

// Three strata of different sizes and rates; a roster large enough for any team.
DrawInputs sample_inputs(std::uint64_t seed) {
  DrawInputs in;
  in.seed = seed;
  in.period = "2026Q4";
  in.as_of = "2026-12-01";
  in.ruleset = "test";
  in.ruleset_sha256 = "abc";
  in.data_batch = 3;
  in.same_county = false;
  in.strata = {{"key", "重点排污单位", 2500, "规划"}, {"special", "特殊监管对象", 1500, "规划"}, {"general", "一般", 500, "规划"}};
  for (int i = 0; i < 37; ++i) in.population.push_back({key("K", i), "key", "榆次区", "", false});
  for (int i = 0; i < 53; ++i) in.population.push_back({key("S", i), "special", "榆次区", "", false});
  for (int i = 0; i < 200; ++i) in.population.push_back({key("G", i), "general", "榆次区", "", false});
  for (int i = 0; i < 6; ++i) in.roster.push_back({key("I", i), "榆次区", "检查员" + std::to_string(i)});
  canonicalise(in);
  return in;
}

TEST(DrawGenerator, IsTheStandardMt19937_64) {
  // The C++ standard fixes the 10000th output of a default-seeded mt19937_64 ([rand.predef]).
  Generator g(5489u);
  std::uint64_t x = 0;
  for (int i = 0; i < 10000; ++i) x = g.next();
  EXPECT_EQ(x, 9981545732273789042ull);
}

TEST(DrawGenerator, BelowStaysInRangeAndRejectsTheBiasedTail) {
  Generator g(7);
  for (std::uint64_t n : {1ull, 2ull, 3ull, 10ull, 1000003ull, (1ull << 63) + 1})
    for (int i = 0; i < 200; ++i) EXPECT_LT(g.below(n), n);
  // With n = 2^63 + 1 about half of all raw outputs fall in the rejected tail: below() must
  // consume more outputs than calls. Same seed, count raw outputs until 1000 values were made.
  Generator a(11), b(11);
  for (int i = 0; i < 1000; ++i) a.below((1ull << 63) + 1);
  std::uint64_t next_a = a.next();
  int consumed = 0;
  while (b.next() != next_a) ++consumed;
  EXPECT_GT(consumed, 1200);
}

TEST(DrawQuota, RoundsUpAndParsesRatesExactly) {
  EXPECT_EQ(quota(37, 2500), 10u);  // 9.25 -> 10: "at least 25%"
  EXPECT_EQ(quota(40, 2500), 10u);
  EXPECT_EQ(quota(0, 2500), 0u);
  EXPECT_EQ(quota(3, 10000), 3u);
  EXPECT_EQ(quota(1, 1), 1u);
  EXPECT_EQ(parse_rate("25%"), 2500u);
  EXPECT_EQ(parse_rate("12.5%"), 1250u);
  EXPECT_EQ(parse_rate("0.05"), 500u);
  EXPECT_EQ(parse_rate("100%"), 10000u);
  EXPECT_THROW(parse_rate("101%"), DrawError);
  EXPECT_THROW(parse_rate("0.12345"), DrawError);
  EXPECT_THROW(parse_rate("abc"), DrawError);
  EXPECT_THROW(parse_rate("-5%"), DrawError);
  EXPECT_THROW(parse_rate(""), DrawError);
}

TEST(Draw, SameInputsSameResultDifferentSeedDifferentResult) {
  EXPECT_EQ(result_json(compute(sample_inputs(42))), result_json(compute(sample_inputs(42))));
  EXPECT_NE(result_json(compute(sample_inputs(42))), result_json(compute(sample_inputs(43))));
  // The recorded form reads back to the same inputs.
  auto in = sample_inputs(1ull << 63);
  EXPECT_EQ(inputs_json(inputs_from_json(inputs_json(in))), inputs_json(in));
}

// Quotas met exactly for every seed, and each enterprise's selection frequency over the seeds
// within binomial bounds around its stratum's rate quota/eligible. The seeds are fixed (1..N),
// so the test is deterministic; the bounds (6 standard deviations of Binomial(N, p)) would be
// exceeded by a correct sampler with probability < 1e-8 per enterprise had the seeds been random.
TEST(Draw, QuotasExactAndFrequenciesMatchTheStratumRate) {
  constexpr int kSeeds = 3000;
  std::map<std::string, int> count;
  std::map<std::string, std::string> stratum_of;
  auto base = sample_inputs(0);
  for (const auto& c : base.population) stratum_of[c.key] = c.stratum, count[c.key] = 0;
  const std::map<std::string, std::size_t> expected_quota{{"key", 10}, {"special", 8}, {"general", 10}};
  for (int seed = 1; seed <= kSeeds; ++seed) {
    auto in = base;
    in.seed = static_cast<std::uint64_t>(seed);
    auto r = compute(in);
    std::map<std::string, std::size_t> per;
    std::set<std::string> seen;
    for (const auto& s : r.selections) {
      ++per[s.stratum];
      ASSERT_EQ(stratum_of.at(s.enterprise), s.stratum);
      ASSERT_TRUE(seen.insert(s.enterprise).second) << "selected twice: " << s.enterprise;
      ++count[s.enterprise];
    }
    for (const auto& [name, q] : expected_quota) ASSERT_EQ(per[name], q) << "seed " << seed << " stratum " << name;
  }
  const std::map<std::string, double> p{{"key", 10.0 / 37}, {"special", 8.0 / 53}, {"general", 10.0 / 200}};
  for (const auto& [k, n] : count) {
    double pr = p.at(stratum_of[k]);
    double mean = kSeeds * pr, sd = std::sqrt(kSeeds * pr * (1 - pr));
    EXPECT_LE(std::abs(n - mean), 6 * sd) << k << " selected " << n << " times, expected " << mean;
  }
  // The bounds have teeth: a sampler that always preferred the first keys would put G0000 at
  // 3000 selections and G0199 at 0, both far outside them.
  double pg = p.at("general");
  EXPECT_GT(kSeeds - kSeeds * pg, 6 * std::sqrt(kSeeds * pg * (1 - pg)));
}

TEST(Draw, ExclusionsHoldAndQuotasCountOnlyTheEligible) {
  auto base = sample_inputs(0);
  base.exclude_inspected_within_days = 90;
  base.exclude_positive_list = true;
  std::set<std::string> must_not;
  for (auto& c : base.population) {
    if (c.key == "K0001") c.last_inspected = "2026-11-30", must_not.insert(c.key);  // 1 day before as_of
    if (c.key == "K0002") c.last_inspected = "2026-09-03", must_not.insert(c.key);  // 89 days
    if (c.key == "K0003") c.last_inspected = "2026-09-02";                           // 90 days: eligible again
    if (c.key == "K0004") c.last_inspected = "2025-01-01";
    if (c.key == "K0005" || c.key == "G0007") c.positive_list = true, must_not.insert(c.key);
  }
  std::map<std::string, int> count;
  for (int seed = 1; seed <= 2000; ++seed) {
    auto in = base;
    in.seed = static_cast<std::uint64_t>(seed);
    auto r = compute(in);
    ASSERT_EQ(r.excluded.size(), 4u);
    ASSERT_EQ(r.strata[0].eligible, 34u);
    ASSERT_EQ(r.strata[0].quota, 9u);  // ceil(34 * 25%) = 9
    for (const auto& s : r.selections) ++count[s.enterprise];
  }
  for (const auto& k : must_not) EXPECT_EQ(count[k], 0) << k;
  EXPECT_GT(count["K0003"], 0);
  EXPECT_GT(count["K0004"], 0);
  // Without the exclusions the same enterprises are drawn.
  auto plain = sample_inputs(0);
  int drawn = 0;
  for (int seed = 1; seed <= 200; ++seed) {
    plain.seed = static_cast<std::uint64_t>(seed);
    for (const auto& s : compute(plain).selections) drawn += must_not.count(s.enterprise);
  }
  EXPECT_GT(drawn, 0);
}

TEST(Draw, InspectorsTwoPerInspectionSameCountyNeverRecused) {
  auto base = sample_inputs(0);
  base.same_county = true;
  base.roster.clear();
  for (int i = 0; i < 4; ++i) base.roster.push_back({key("Y", i), "榆次区", ""});
  for (int i = 0; i < 4; ++i) base.roster.push_back({key("T", i), "太谷区", ""});
  for (auto& c : base.population)
    if (c.key.rfind("K", 0) == 0 && c.key < "K0010") c.county = "太谷区";
  base.recusals = {{"T0000", "K0001"}, {"T0001", "K0001"}, {"Y0002", "G0005"}};
  canonicalise(base);
  std::map<std::string, std::set<std::string>> teams_of;
  for (int seed = 1; seed <= 1000; ++seed) {
    auto in = base;
    in.seed = static_cast<std::uint64_t>(seed);
    for (const auto& s : compute(in).selections) {
      ASSERT_EQ(s.inspectors.size(), 2u);
      ASSERT_NE(s.inspectors[0], s.inspectors[1]);
      for (const auto& i : s.inspectors) {
        ASSERT_EQ(i[0], s.county == "太谷区" ? 'T' : 'Y') << s.enterprise << " " << i;
        teams_of[s.enterprise].insert(i);
      }
    }
  }
  EXPECT_EQ(teams_of["K0001"], (std::set<std::string>{"T0002", "T0003"}));
  EXPECT_FALSE(teams_of["G0005"].count("Y0002"));
  EXPECT_EQ(teams_of["G0005"].size(), 3u);
  // Too few inspectors left after recusal: the draw says which enterprise, and fails.
  auto in = base;
  in.recusals.push_back({"T0002", "K0001"});
  canonicalise(in);
  bool failed_for_k1 = false;
  for (int seed = 1; seed <= 50 && !failed_for_k1; ++seed) {
    in.seed = static_cast<std::uint64_t>(seed);
    try {
      compute(in);
    } catch (const DrawError& ex) {
      failed_for_k1 = std::string(ex.what()).find("K0001") != std::string::npos;
    }
  }
  EXPECT_TRUE(failed_for_k1);
  in.team_size = 1;
  EXPECT_THROW(compute(in), DrawError);
}

class DrawStore : public ::testing::Test {
 protected:
  testing::TempDir dir;
  std::unique_ptr<dsl::model::Schema> schema = testing::make_schema();
  std::unique_ptr<store::Store> st =
      store::Store::open(dir.path() / "s.db", *schema, store::OpenOptions{.create = true});
};

TEST_F(DrawStore, RecordedDrawVerifiesAndRefusesEdits) {
  auto in = sample_inputs(99);
  auto r = compute(in);
  auto id = record(*st, in, r);
  auto rec = read(*st, id);
  EXPECT_EQ(rec.seed, 99u);
  EXPECT_EQ(rec.result, result_json(r));
  EXPECT_TRUE(verify(rec, in).ok());
  EXPECT_THROW(st->db().exec("UPDATE _draw SET seed = '100'"), SQLite::Exception);
  EXPECT_THROW(st->db().exec("DELETE FROM _draw"), SQLite::Exception);
  EXPECT_THROW(st->db().exec("UPDATE _draw SET result = '[]' WHERE id = " + std::to_string(id)), SQLite::Exception);
  EXPECT_EQ(read(*st, id).result, result_json(r));
  EXPECT_THROW(read(*st, id + 1), DrawError);
}

TEST_F(DrawStore, VerifyDetectsEachChangedInput) {
  const auto in = sample_inputs(5);
  auto rec = read(*st, record(*st, in, compute(in)));
  auto problems = [&](auto change) {
    auto now = in;
    change(now);
    canonicalise(now);
    return verify(rec, now).problems;
  };
  auto detected = [&](auto change, const std::string& word) {
    auto p = problems(change);
    bool found = false;
    for (const auto& s : p) found = found || s.find(word) != std::string::npos;
    return found;
  };
  EXPECT_TRUE(problems([](DrawInputs&) {}).empty());
  EXPECT_TRUE(detected([](DrawInputs& x) { x.population.push_back({"K9999", "key", "榆次区", "", false}); }, "population: added"));
  EXPECT_TRUE(detected([](DrawInputs& x) { x.population.pop_back(); }, "population: removed"));
  EXPECT_TRUE(detected([](DrawInputs& x) { x.population[0].stratum = "key"; }, "population: changed"));
  EXPECT_TRUE(detected([](DrawInputs& x) { x.population[3].last_inspected = "2026-11-01"; }, "population: changed"));
  EXPECT_TRUE(detected([](DrawInputs& x) { x.strata[0].rate_bp = 3000; }, "strata (quotas): changed"));
  EXPECT_TRUE(detected([](DrawInputs& x) { x.roster.pop_back(); }, "inspector roster: removed"));
  EXPECT_TRUE(detected([](DrawInputs& x) { x.recusals.push_back({"I0000", "K0001"}); }, "recusals: added"));
  EXPECT_TRUE(detected([](DrawInputs& x) { x.ruleset_sha256 = "def"; }, "ruleset files changed"));
  EXPECT_TRUE(detected([](DrawInputs& x) { x.data_batch = 4; }, "latest import batch"));
  EXPECT_TRUE(detected([](DrawInputs& x) { x.exclude_inspected_within_days = 30; }, "exclude_inspected_within_days"));
  EXPECT_TRUE(detected([](DrawInputs& x) { x.team_size = 3; }, "team_size"));
}

TEST_F(DrawStore, VerifyDetectsATamperedRecordEvenWithoutTheTrigger) {
  const auto in = sample_inputs(5);
  auto id = record(*st, in, compute(in));
  st->db().exec("DROP TRIGGER _draw__no_update");
  // A different result with a matching hash: only recomputation catches it.
  auto other = result_json(compute(sample_inputs(6)));
  SQLite::Statement u(st->db(), "UPDATE _draw SET result = ?, result_sha256 = ? WHERE id = ?");
  u.bind(1, other);
  u.bind(2, store::sha256_hex(other));
  u.bind(3, static_cast<std::int64_t>(id));
  u.exec();
  auto v = verify(read(*st, id), in);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.problems[0].find("different result"), std::string::npos);
  // Inputs edited without updating their hash.
  st->db().exec("UPDATE _draw SET inputs = replace(inputs, 'K0001', 'K0001x')");
  v = verify(read(*st, id), in);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.problems[0].find("SHA-256"), std::string::npos);
}

}  // namespace
}  // namespace eco::engine::draw
