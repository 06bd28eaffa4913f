#pragma once
// Random inspection draws (双随机): which enterprises are inspected in a period, and which
// inspectors go, drawn so that anyone holding the recorded inputs gets the same result.
//
// The algorithm (docs/draw.md states it for re-implementation in any language):
//   generator   std::mt19937_64 seeded with the 64-bit seed (its output sequence is fixed by
//               the C++ standard; no std::*_distribution is used, those are implementation-defined)
//   below(n)    a uniform integer in [0, n): draw x (64-bit raw output) until
//               x < 2^64 - (2^64 mod n), return x mod n (rejection removes the modulo bias)
//   quota       per stratum, ceil(eligible * rate_bp / 10000), at most `eligible`
//   enterprises strata in their declared order; within a stratum the eligible keys are sorted
//               bytewise (UTF-8) and the first `quota` positions of a partial Fisher-Yates
//               shuffle are taken: for i in 0..k-1: j = i + below(n - i); swap(a[i], a[j])
//   weighted    (a plan with a weight: integers 1..kMaxWeight) instead, `quota` successive
//               draws without replacement: W = the weights of the keys not yet drawn,
//               r = below(W), and the key drawn is the first not yet drawn, in key order,
//               at which the running sum of those weights exceeds r
//   inspectors  then, for each selected enterprise in selection order, the candidates are the
//               roster's inspectors (sorted by id) of the enterprise's county (when
//               same_county), minus those with a recusal for it; the first team_size of a
//               partial Fisher-Yates shuffle of them form the team, listed in draw order.
// Every enterprise of a stratum is thus selected with probability quota/eligible.
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace eco::engine::store {
class Store;
}

namespace eco::engine::draw {

// A draw that cannot be made or verified (no inspector team possible, bad recorded inputs).
// The message is for users.
class DrawError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The sampling primitive: a specified generator and unbiased bounded integers from its raw
// 64-bit outputs.
class Generator {
 public:
  explicit Generator(std::uint64_t seed);
  std::uint64_t next();                // the next raw output of mt19937_64
  std::uint64_t below(std::uint64_t n);  // uniform in [0, n); n > 0
 private:
  std::mt19937_64 mt_;
};

// Selects k of `items` (order as given) by partial Fisher-Yates; returns them in draw order.
std::vector<std::string> sample(Generator& g, std::vector<std::string> items, std::size_t k);

// ceil(n * rate_bp / 10000), at most n. rate_bp: the rate in basis points (2500 = 25%).
std::size_t quota(std::size_t n, std::uint32_t rate_bp);

// Selects k of `items` (order as given) with probability proportional to `weights` (same
// length, each 1..kMaxWeight), without replacement: the weighted rule above. Returns them in
// draw order. Throws DrawError on a weight out of range.
inline constexpr std::uint64_t kMaxWeight = 1'000'000;
std::vector<std::string> weighted_sample(Generator& g, const std::vector<std::string>& items,
                                         const std::vector<std::uint64_t>& weights, std::size_t k);

// Parses a rate "25%", "12.5%" or "0.25" into basis points exactly (at most 2 decimals of a
// percent); throws DrawError otherwise or when above 100%.
std::uint32_t parse_rate(const std::string& text);

// The days a period names, first and last (YYYY-MM-DD): a year "2027", a half "2027-H1", a
// quarter "2027-Q1" (or "2027Q1") or a month "2027-03". Throws DrawError otherwise.
struct PeriodDays {
  std::string first, last;
};
PeriodDays period_days(const std::string& period);

// One enterprise of the declared population (the records passing the population filter).
struct Candidate {
  std::string key;             // the record's key
  std::string stratum;         // name of the stratum it belongs to
  std::string county;          // for inspectors of the same county ("" = any)
  std::string last_inspected;  // YYYY-MM-DD of the latest inspection on or before as_of, "" = none
  bool positive_list = false;  // on the positive list (正面清单)
  // Which inspection last_inspected is ("inspection JC-1": a record of the ruleset; "EcoAudit
  // inspection 3": one opened in EcoAudit); "" with no date. Recorded, never decides.
  std::string last_inspection;
  std::uint64_t weight = 0;    // a weighted draw: its weight (1..kMaxWeight); 0 otherwise
};

struct StratumSpec {
  std::string name, label;
  std::uint32_t rate_bp = 0;
  std::string rate_source;     // where the rate comes from (plan text, notice)
  std::string when;            // the plan's condition (expression text), "" = the rest
};

struct Inspector {
  std::string id, county, name;
};

struct Recusal {
  std::string inspector, enterprise;
};

// Everything a draw depends on, as recorded in the store.
struct DrawInputs {
  std::uint64_t seed = 0;
  std::string period;                    // e.g. "2026Q4"
  std::string as_of;                     // YYYY-MM-DD: the day the exclusion interval counts back from
  std::string ruleset, ruleset_sha256;
  std::int64_t data_batch = 0;           // latest import batch of the store when drawn
  // What the plan said (expression texts): the members were computed from them. They decide
  // nothing in compute(); --verify names a changed one.
  std::string population_record, population_where, roster_where;
  std::int64_t exclude_inspected_within_days = 0;  // 0: no exclusion by earlier inspection
  std::string inspected_within_days_source;        // why that interval (published)
  bool exclude_positive_list = false;
  std::string positive_list;                       // the positive list's condition (expression text)
  // A weighted draw: each candidate's `weight` decides (the weighted rule above); `weight` the
  // expression that gave them, `weight_source` why (published).
  bool weighted = false;
  std::string weight, weight_source;
  // The recorded sweep whose open violations the plan's expressions read (0: none read).
  std::int64_t violations_sweep = 0;
  bool same_county = true;
  std::uint32_t team_size = 2;
  bool inspector_names_public = false;
  std::vector<StratumSpec> strata;
  std::vector<Candidate> population;     // sorted by key
  std::vector<Inspector> roster;         // sorted by id
  std::vector<Recusal> recusals;         // sorted
};

struct Selection {
  std::string stratum, enterprise, county;
  std::vector<std::string> inspectors;   // ids, draw order
};

struct StratumOutcome {
  std::string name;
  std::size_t population = 0, excluded = 0, eligible = 0, quota = 0;
};

struct Exclusion {
  std::string enterprise, reason;        // reason: "inspected YYYY-MM-DD" | "positive list"
};

struct DrawResult {
  std::vector<StratumOutcome> strata;
  std::vector<Exclusion> excluded;       // by key
  std::vector<Selection> selections;     // strata in order, draw order within
};

// Puts the inputs' lists in their canonical order (population by key, roster by id, recusals).
void canonicalise(DrawInputs& in);

// Makes the draw. Throws DrawError when a candidate names an undeclared stratum, a date is
// malformed, or a selected enterprise cannot get team_size inspectors.
DrawResult compute(const DrawInputs& in);

// Canonical JSON texts (fixed key order, no spaces): what is recorded and hashed.
std::string inputs_json(const DrawInputs& in);
std::string result_json(const DrawResult& r);
DrawInputs inputs_from_json(const std::string& text);  // throws DrawError

// A draw as recorded in the store (table _draw, append-only: triggers refuse UPDATE and DELETE).
struct RecordedDraw {
  std::int64_t id = 0;
  std::string created_at, period, ruleset, ruleset_sha256;
  std::int64_t data_batch = 0;
  std::uint64_t seed = 0;
  std::string inputs, inputs_sha256, result, result_sha256;
};

// Creates the table and its triggers when missing (needs a writable store).
void ensure_table(store::Store& st);
// Records a draw in one transaction; returns its id. Throws store::StoreError.
std::int64_t record(store::Store& st, const DrawInputs& in, const DrawResult& r);
// Reads a recorded draw; throws DrawError when there is none with `id`.
RecordedDraw read(store::Store& st, std::int64_t id);
// The ids of the recorded draws of `ruleset` (every ruleset's when empty), newest first; none
// when the store has no draw table yet. Throws store::StoreError.
std::vector<std::int64_t> recorded_ids(store::Store& st, const std::string& ruleset = "");

// What --verify found: empty `problems` means the draw recomputes bit for bit from inputs equal
// to the current ones.
struct Verification {
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};
// Checks the recorded hashes, recomputes the draw from the recorded inputs and compares it with
// the recorded result, and compares the recorded inputs with `current` (the inputs rebuilt now
// from the store and ruleset with the recorded seed, period and as_of), naming each difference.
Verification verify(const RecordedDraw& rec, const DrawInputs& current);

}  // namespace eco::engine::draw
