// The random inspection draw (engine/draw): the specified generator, exact quotas, selection
// frequencies within binomial bounds over a fixed set of seeds, exclusions, recusal, the
// append-only record and --verify's detection of changed inputs.
#include <cmath>
#include <map>
#include <random>
#include <set>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

TEST(DrawPeriod, NamesItsFirstAndLastDay) {
  auto days = [](const char* p) {
    auto d = period_days(p);
    return d.first + " " + d.last;
  };
  EXPECT_EQ(days("2027"), "2027-01-01 2027-12-31");
  EXPECT_EQ(days("2027-H1"), "2027-01-01 2027-06-30");
  EXPECT_EQ(days("2027H2"), "2027-07-01 2027-12-31");
  EXPECT_EQ(days("2027-Q1"), "2027-01-01 2027-03-31");
  EXPECT_EQ(days("2026Q4"), "2026-10-01 2026-12-31");
  EXPECT_EQ(days("2024-02"), "2024-02-01 2024-02-29");
  EXPECT_EQ(days("2027-02"), "2027-02-01 2027-02-28");
  for (const char* bad : {"", "Q4", "2027Q0", "2027Q5", "2027-H3", "2027-00", "2027-13", "2027-1", "2027-", "0999", "2027Q1x", "２０２７"})
    EXPECT_THROW(period_days(bad), DrawError) << bad;
}

// Weighted selection: quotas exact for every seed; with k = 1 each key's frequency is its weight
// over the stratum's total (within 6 standard deviations of Binomial(N, w/W)); a heavier key is
// drawn more often for k > 1 too; weights out of 1..kMaxWeight refused.
TEST(DrawWeighted, QuotasExactAndSingleDrawFrequenciesFollowTheWeights) {
  const std::vector<std::string> keys{"A", "B", "C", "D", "E", "F"};
  const std::vector<std::uint64_t> weights{1, 2, 3, 4, 10, 20};
  const double total = 40;
  constexpr int kSeeds = 20000;
  std::map<std::string, int> once, thrice;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    Generator g(static_cast<std::uint64_t>(seed));
    auto one = weighted_sample(g, keys, weights, 1);
    ASSERT_EQ(one.size(), 1u);
    ++once[one[0]];
    auto three = weighted_sample(g, keys, weights, 3);
    ASSERT_EQ(three.size(), 3u);
    ASSERT_EQ(std::set<std::string>(three.begin(), three.end()).size(), 3u) << "drawn twice, seed " << seed;
    for (const auto& k : three) ++thrice[k];
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const double p = static_cast<double>(weights[i]) / total;
    const double mean = kSeeds * p, sd = std::sqrt(kSeeds * p * (1 - p));
    EXPECT_LE(std::abs(once[keys[i]] - mean), 6 * sd) << keys[i] << " drawn " << once[keys[i]] << " times, expected " << mean;
  }
  // Teeth: a uniform sampler would draw A about 3333 times, 37 sd away from its 500.
  EXPECT_GT(std::abs(kSeeds / 6.0 - kSeeds * 1 / total), 6 * std::sqrt(kSeeds * (1 / total) * (1 - 1 / total)));
  for (std::size_t i = 1; i < keys.size(); ++i) EXPECT_GT(thrice[keys[i]], thrice[keys[i - 1]]) << keys[i];
  // k >= n draws every key; a zero or too large weight is refused, naming the key.
  Generator g(1);
  auto all = weighted_sample(g, keys, weights, 9);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), keys.size());
  try {
    weighted_sample(g, keys, {1, 2, 0, 4, 10, 20}, 1);
    ADD_FAILURE() << "a zero weight was accepted";
  } catch (const DrawError& ex) {
    EXPECT_NE(std::string(ex.what()).find("enterprise C: weight 0 is not in 1..1000000"), std::string::npos) << ex.what();
  }
  EXPECT_THROW(weighted_sample(g, keys, {1, 2, 3, 4, 10, kMaxWeight + 1}, 1), DrawError);
  EXPECT_THROW(weighted_sample(g, keys, {1, 2}, 1), DrawError);
}

// The rule as docs/draw.md states it (a running sum over the keys not yet drawn), written the
// slow way: the tree-based implementation draws the same keys from the same generator.
TEST(DrawWeighted, IsTheLinearScanOfTheSpecification) {
  std::vector<std::string> keys;
  std::vector<std::uint64_t> weights;
  std::mt19937_64 mix(3);
  for (int i = 0; i < 300; ++i) keys.push_back(key("K", i)), weights.push_back(1 + mix() % 50);
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    Generator fast(seed), slow(seed);
    const auto got = weighted_sample(fast, keys, weights, 40);
    std::vector<std::uint64_t> left = weights;
    std::vector<std::string> want;
    for (int t = 0; t < 40; ++t) {
      std::uint64_t total = 0;
      for (auto w : left) total += w;
      const std::uint64_t r = slow.below(total);
      std::uint64_t run = 0;
      for (std::size_t i = 0; i < keys.size(); ++i) {
        run += left[i];
        if (r < run) {
          want.push_back(keys[i]);
          left[i] = 0;
          break;
        }
      }
    }
    ASSERT_EQ(got, want) << "seed " << seed;
    EXPECT_EQ(fast.next(), slow.next());  // the same raw outputs consumed
  }
}

TEST(Draw, AWeightedDrawMeetsItsQuotasAndRecordsTheWeights) {
  auto base = sample_inputs(0);
  base.weighted = true;
  base.weight = "1 + e.findings";
  base.weight_source = "test";
  for (auto& c : base.population) c.weight = c.key == "G0000" ? 1000 : 1;
  int g0 = 0;
  for (int seed = 1; seed <= 300; ++seed) {
    auto in = base;
    in.seed = static_cast<std::uint64_t>(seed);
    auto r = compute(in);
    ASSERT_EQ(r.strata[0].quota, 10u);
    ASSERT_EQ(r.selections.size(), 28u);
    for (const auto& s : r.selections) g0 += s.enterprise == "G0000";
  }
  EXPECT_GT(g0, 290);  // weight 1000 among 199 of weight 1, 10 draws: almost always
  EXPECT_EQ(inputs_json(inputs_from_json(inputs_json(base))), inputs_json(base));
  auto zero = base;
  zero.population[0].weight = 0;
  EXPECT_THROW(compute(zero), DrawError);
}

// A draw recorded before the plan's expressions and weights were recorded (its inputs lack
// those keys) still reads, recomputes to its result and verifies against the same inputs.
TEST_F(DrawStore, ADrawRecordedBeforeTheNewKeysStillVerifies) {
  auto in = sample_inputs(5);
  in.exclude_inspected_within_days = 90;
  in.population[3].last_inspected = "2026-11-01";
  auto old = nlohmann::json::parse(inputs_json(in));
  for (const char* k : {"population_record", "population_where", "roster_where", "inspected_within_days_source", "positive_list",
                        "weighted", "weight", "weight_source", "violations_sweep"})
    old.erase(k);
  for (auto& s : old["strata"]) s.erase("when");
  for (auto& c : old["population"]) c.erase("last_inspection"), c.erase("weight");
  const std::string text = old.dump(), result = result_json(compute(in));
  ensure_table(*st);
  SQLite::Statement ins(st->db(), "INSERT INTO _draw (created_at, period, seed, ruleset, ruleset_sha256, data_batch, inputs, "
                                  "inputs_sha256, result, result_sha256) VALUES ('t', '2026Q4', '5', 'test', 'abc', 3, ?, ?, ?, ?)");
  ins.bind(1, text);
  ins.bind(2, store::sha256_hex(text));
  ins.bind(3, result);
  ins.bind(4, store::sha256_hex(result));
  ins.exec();
  const auto rec = read(*st, st->db().getLastInsertRowid());
  EXPECT_EQ(result_json(compute(inputs_from_json(rec.inputs))), rec.result);
  EXPECT_TRUE(verify(rec, in).ok()) << verify(rec, in).problems.at(0);
  // Against inputs that now carry the plan's texts, verify names them.
  auto now = in;
  now.population_where = "e.status == 'operating'";
  const auto v = verify(rec, now);
  ASSERT_EQ(v.problems.size(), 1u);
  EXPECT_EQ(v.problems[0], "population.where: (none) at the draw, now `e.status == 'operating'`");
}

}  // namespace
}  // namespace eco::engine::draw
