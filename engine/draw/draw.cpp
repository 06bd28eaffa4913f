#include "engine/draw/draw.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <set>
#include <string_view>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/store/schema_sql.hpp"
#include "engine/store/store.hpp"

namespace eco::engine::draw {

using json = nlohmann::ordered_json;

Generator::Generator(std::uint64_t seed) : mt_(seed) {}

std::uint64_t Generator::next() { return mt_(); }

std::uint64_t Generator::below(std::uint64_t n) {
  if (n == 0) throw DrawError("below(0)");
  // 2^64 mod n computed in 64 bits: (2^64 - n) mod n == 2^64 mod n.
  const std::uint64_t rem = (0 - n) % n;
  const std::uint64_t limit = 0 - rem;  // 2^64 - rem; 0 means 2^64 (rem == 0: every x accepted)
  for (;;) {
    std::uint64_t x = mt_();
    if (rem == 0 || x < limit) return x % n;
  }
}

std::vector<std::string> sample(Generator& g, std::vector<std::string> items, std::size_t k) {
  const std::size_t n = items.size();
  k = std::min(k, n);
  for (std::size_t i = 0; i < k; ++i) {
    std::size_t j = i + static_cast<std::size_t>(g.below(n - i));
    std::swap(items[i], items[j]);
  }
  items.resize(k);
  return items;
}

std::vector<std::string> weighted_sample(Generator& g, const std::vector<std::string>& items,
                                         const std::vector<std::uint64_t>& weights, std::size_t k) {
  const std::size_t n = items.size();
  if (weights.size() != n) throw DrawError("a weighted draw needs one weight per enterprise");
  for (std::size_t i = 0; i < n; ++i)
    if (weights[i] < 1 || weights[i] > kMaxWeight)
      throw DrawError(fmt::format("enterprise {}: weight {} is not in 1..{}", items[i], weights[i], kMaxWeight));
  k = std::min(k, n);
  // A Fenwick tree of the weights: the running sums the rule scans are read in O(log n), so k
  // draws among n cost O((n + k) log n) instead of O(n k). A drawn key's weight becomes 0, which
  // is what "the keys not yet drawn" means for the running sum.
  std::vector<std::uint64_t> tree(n + 1, 0), left = weights;
  std::uint64_t total = 0;
  for (std::size_t i = 1; i <= n; ++i) {
    tree[i] += weights[i - 1];
    total += weights[i - 1];
    if (const std::size_t up = i + (i & (~i + 1)); up <= n) tree[up] += tree[i];
  }
  std::size_t top = 1;
  while (top * 2 <= n) top *= 2;
  std::vector<std::string> out;
  for (std::size_t t = 0; t < k; ++t) {
    std::uint64_t rest = g.below(total);
    // The largest count of leading keys whose weights sum to at most r: the key after them is
    // the first at which the running sum exceeds r (it has a weight: a drawn key adds nothing).
    std::size_t pos = 0;
    for (std::size_t step = top; step > 0; step /= 2)
      if (pos + step <= n && tree[pos + step] <= rest) {
        pos += step;
        rest -= tree[pos];
      }
    out.push_back(items[pos]);
    const std::uint64_t w = left[pos];
    left[pos] = 0;
    total -= w;
    for (std::size_t i = pos + 1; i <= n; i += i & (~i + 1)) tree[i] -= w;
  }
  return out;
}

PeriodDays period_days(const std::string& period) {
  auto bad = [&] {
    return DrawError(fmt::format("period \"{}\" is not a year (2027), a half year (2027-H1), a quarter (2027-Q1 or "
                                 "2027Q1) or a month (2027-03)",
                                 period));
  };
  auto digits = [](std::string_view v) { return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }); };
  if (period.size() < 4 || !digits(std::string_view(period).substr(0, 4))) throw bad();
  const int year = std::stoi(period.substr(0, 4));
  if (year < 1000) throw bad();
  std::string_view rest = std::string_view(period).substr(4);
  unsigned first_month = 1, months = 12;
  if (!rest.empty()) {
    const bool dash = rest.front() == '-';
    if (dash) rest.remove_prefix(1);
    if (rest.size() == 2 && (rest[0] == 'Q' || rest[0] == 'H') && rest[1] >= '1' && rest[1] <= (rest[0] == 'Q' ? '4' : '2')) {
      months = rest[0] == 'Q' ? 3 : 6;
      first_month = static_cast<unsigned>(rest[1] - '1') * months + 1;
    } else if (dash && rest.size() == 2 && digits(rest) && std::stoi(std::string(rest)) >= 1 && std::stoi(std::string(rest)) <= 12) {
      first_month = static_cast<unsigned>(std::stoi(std::string(rest)));
      months = 1;
    } else {
      throw bad();
    }
  }
  using namespace std::chrono;
  const year_month first{std::chrono::year{year}, month{first_month}};
  const year_month last = first + std::chrono::months{months - 1};
  const year_month_day_last end{last.year(), month_day_last{last.month()}};
  return {fmt::format("{:04}-{:02}-01", year, first_month),
          fmt::format("{:04}-{:02}-{:02}", static_cast<int>(end.year()), static_cast<unsigned>(end.month()),
                      static_cast<unsigned>(end.day()))};
}

std::size_t quota(std::size_t n, std::uint32_t rate_bp) {
  std::uint64_t k = (static_cast<std::uint64_t>(n) * rate_bp + 9999) / 10000;
  return static_cast<std::size_t>(std::min<std::uint64_t>(k, n));
}

std::uint32_t parse_rate(const std::string& text) {
  // Exact decimal arithmetic: a rate is a legal proportion, never rounded through a double.
  std::string t = text;
  bool percent = !t.empty() && t.back() == '%';
  if (percent) t.pop_back();
  auto dot = t.find('.');
  std::string whole = t.substr(0, dot), frac = dot == std::string::npos ? "" : t.substr(dot + 1);
  auto digits = [](const std::string& s) { return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); };
  int places = percent ? 2 : 4;  // basis points: 1% = 100 bp, 1.0 = 10000 bp
  if (whole.empty() || whole.size() > 6 || !digits(whole) || !digits(frac) || frac.size() > static_cast<std::size_t>(places))
    throw DrawError(fmt::format("rate \"{}\" is not a proportion like \"25%\", \"12.5%\" or \"0.25\"", text));
  std::uint64_t v = std::stoull(whole);
  for (int i = 0; i < places; ++i) v = v * 10 + (i < static_cast<int>(frac.size()) ? frac[i] - '0' : 0);
  if (v > 10000) throw DrawError(fmt::format("rate \"{}\" is above 100%", text));
  return static_cast<std::uint32_t>(v);
}

std::vector<std::int64_t> recorded_ids(store::Store& st, const std::string& ruleset) {
  std::vector<std::int64_t> out;
  try {
    if (!st.db().tableExists("_draw")) return out;
    SQLite::Statement q(st.db(), "SELECT id FROM _draw WHERE ? = '' OR ruleset = ? ORDER BY id DESC");
    q.bind(1, ruleset);
    q.bind(2, ruleset);
    while (q.executeStep()) out.push_back(q.getColumn(0).getInt64());
  } catch (const SQLite::Exception& ex) {
    throw store::StoreError(fmt::format("{}: cannot list the recorded draws: {}", st.path().string(), ex.what()));
  }
  return out;
}

namespace {

std::chrono::sys_days parse_date(const std::string& s, const char* what) {
  int y = 0;
  unsigned m = 0, d = 0;
  char extra = 0;
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &extra) != 3)
    throw DrawError(fmt::format("{} \"{}\" is not a date YYYY-MM-DD", what, s));
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) throw DrawError(fmt::format("{} \"{}\" is not a valid date", what, s));
  return std::chrono::sys_days{ymd};
}

}  // namespace

void canonicalise(DrawInputs& in) {
  std::sort(in.population.begin(), in.population.end(), [](const Candidate& a, const Candidate& b) { return a.key < b.key; });
  std::sort(in.roster.begin(), in.roster.end(), [](const Inspector& a, const Inspector& b) { return a.id < b.id; });
  std::sort(in.recusals.begin(), in.recusals.end(), [](const Recusal& a, const Recusal& b) {
    return std::tie(a.inspector, a.enterprise) < std::tie(b.inspector, b.enterprise);
  });
  in.recusals.erase(std::unique(in.recusals.begin(), in.recusals.end(),
                                [](const Recusal& a, const Recusal& b) { return a.inspector == b.inspector && a.enterprise == b.enterprise; }),
                    in.recusals.end());
}

DrawResult compute(const DrawInputs& in) {
  if (in.team_size < 2) throw DrawError("an inspection needs at least two inspectors (team_size >= 2)");
  DrawResult r;
  std::map<std::string, std::size_t> stratum_index;
  for (const auto& s : in.strata) {
    if (!stratum_index.emplace(s.name, r.strata.size()).second) throw DrawError(fmt::format("stratum \"{}\" declared twice", s.name));
    r.strata.push_back({s.name, 0, 0, 0, 0});
  }
  std::optional<std::chrono::sys_days> cutoff;
  if (in.exclude_inspected_within_days > 0)
    cutoff = parse_date(in.as_of, "as_of") - std::chrono::days{in.exclude_inspected_within_days};
  std::vector<std::vector<std::string>> eligible(in.strata.size());
  std::map<std::string, const Candidate*> by_key;
  for (const auto& c : in.population) {
    auto it = stratum_index.find(c.stratum);
    if (it == stratum_index.end()) throw DrawError(fmt::format("enterprise {} is in undeclared stratum \"{}\"", c.key, c.stratum));
    if (!by_key.emplace(c.key, &c).second) throw DrawError(fmt::format("enterprise {} appears twice in the population", c.key));
    auto& so = r.strata[it->second];
    ++so.population;
    // An inspection on day cutoff+1 .. as_of is "within the interval"; one on the cutoff day is not.
    if (cutoff && !c.last_inspected.empty() && parse_date(c.last_inspected, "inspection date") > *cutoff) {
      r.excluded.push_back({c.key, "inspected " + c.last_inspected});
      ++so.excluded;
    } else if (in.exclude_positive_list && c.positive_list) {
      r.excluded.push_back({c.key, "positive list"});
      ++so.excluded;
    } else {
      eligible[it->second].push_back(c.key);
    }
  }
  Generator g(in.seed);
  for (std::size_t s = 0; s < in.strata.size(); ++s) {
    auto& keys = eligible[s];
    std::sort(keys.begin(), keys.end());
    auto& so = r.strata[s];
    so.eligible = keys.size();
    so.quota = quota(keys.size(), in.strata[s].rate_bp);
    std::vector<std::string> drawn;
    if (in.weighted) {
      std::vector<std::uint64_t> weights;
      for (const auto& k : keys) weights.push_back(by_key.at(k)->weight);
      drawn = weighted_sample(g, keys, weights, so.quota);
    } else {
      drawn = sample(g, keys, so.quota);
    }
    for (auto& k : drawn) r.selections.push_back({so.name, k, by_key.at(k)->county, {}});
  }
  std::set<std::pair<std::string, std::string>> recused;
  for (const auto& x : in.recusals) recused.emplace(x.inspector, x.enterprise);
  std::vector<const Inspector*> roster;
  for (const auto& i : in.roster) roster.push_back(&i);
  std::sort(roster.begin(), roster.end(), [](const Inspector* a, const Inspector* b) { return a->id < b->id; });
  for (auto& sel : r.selections) {
    std::vector<std::string> cands;
    for (const auto* i : roster)
      if ((!in.same_county || i->county == sel.county) && !recused.count({i->id, sel.enterprise})) cands.push_back(i->id);
    if (cands.size() < in.team_size)
      throw DrawError(fmt::format("enterprise {} ({}): only {} inspector(s) without a recusal{}, {} needed", sel.enterprise,
                                  sel.county, cands.size(), in.same_county ? " in its county" : "", in.team_size));
    sel.inspectors = sample(g, std::move(cands), in.team_size);
  }
  return r;
}

std::string inputs_json(const DrawInputs& in) {
  json j;
  j["seed"] = std::to_string(in.seed);  // text: JSON readers lose 64-bit integers above 2^53
  j["period"] = in.period;
  j["as_of"] = in.as_of;
  j["ruleset"] = in.ruleset;
  j["ruleset_sha256"] = in.ruleset_sha256;
  j["data_batch"] = in.data_batch;
  j["exclude_inspected_within_days"] = in.exclude_inspected_within_days;
  j["exclude_positive_list"] = in.exclude_positive_list;
  j["same_county"] = in.same_county;
  j["team_size"] = in.team_size;
  j["inspector_names_public"] = in.inspector_names_public;
  j["population_record"] = in.population_record;
  j["population_where"] = in.population_where;
  j["roster_where"] = in.roster_where;
  j["inspected_within_days_source"] = in.inspected_within_days_source;
  j["positive_list"] = in.positive_list;
  j["weighted"] = in.weighted;
  j["weight"] = in.weight;
  j["weight_source"] = in.weight_source;
  j["violations_sweep"] = in.violations_sweep;
  json strata = json::array();
  for (const auto& s : in.strata)
    strata.push_back({{"name", s.name}, {"label", s.label}, {"rate_bp", s.rate_bp}, {"rate_source", s.rate_source},
                      {"when", s.when}});
  j["strata"] = std::move(strata);
  json pop = json::array();
  for (const auto& c : in.population)
    pop.push_back({{"key", c.key}, {"stratum", c.stratum}, {"county", c.county}, {"last_inspected", c.last_inspected},
                   {"positive_list", c.positive_list}, {"last_inspection", c.last_inspection}, {"weight", c.weight}});
  j["population"] = std::move(pop);
  json roster = json::array();
  for (const auto& i : in.roster) roster.push_back({{"id", i.id}, {"county", i.county}, {"name", i.name}});
  j["roster"] = std::move(roster);
  json rec = json::array();
  for (const auto& x : in.recusals) rec.push_back({{"inspector", x.inspector}, {"enterprise", x.enterprise}});
  j["recusals"] = std::move(rec);
  return j.dump();
}

std::string result_json(const DrawResult& r) {
  json j;
  json strata = json::array();
  for (const auto& s : r.strata)
    strata.push_back({{"name", s.name}, {"population", s.population}, {"excluded", s.excluded}, {"eligible", s.eligible},
                      {"quota", s.quota}});
  j["strata"] = std::move(strata);
  json ex = json::array();
  for (const auto& e : r.excluded) ex.push_back({{"enterprise", e.enterprise}, {"reason", e.reason}});
  j["excluded"] = std::move(ex);
  json sel = json::array();
  for (const auto& s : r.selections)
    sel.push_back({{"stratum", s.stratum}, {"enterprise", s.enterprise}, {"county", s.county}, {"inspectors", s.inspectors}});
  j["selections"] = std::move(sel);
  return j.dump();
}

DrawInputs inputs_from_json(const std::string& text) {
  try {
    json j = json::parse(text);
    DrawInputs in;
    in.seed = std::stoull(j.at("seed").get<std::string>());
    in.period = j.at("period").get<std::string>();
    in.as_of = j.at("as_of").get<std::string>();
    in.ruleset = j.at("ruleset").get<std::string>();
    in.ruleset_sha256 = j.at("ruleset_sha256").get<std::string>();
    in.data_batch = j.at("data_batch").get<std::int64_t>();
    in.exclude_inspected_within_days = j.at("exclude_inspected_within_days").get<std::int64_t>();
    in.exclude_positive_list = j.at("exclude_positive_list").get<bool>();
    in.same_county = j.at("same_county").get<bool>();
    in.team_size = j.at("team_size").get<std::uint32_t>();
    in.inspector_names_public = j.at("inspector_names_public").get<bool>();
    // Keys added since the first recorded draws (issue 15's expressions, weights) are read with
    // their neutral values when absent: an older record still recomputes as it was made.
    auto text = [](const json& o, const char* key) { return o.value(key, std::string()); };
    in.population_record = text(j, "population_record");
    in.population_where = text(j, "population_where");
    in.roster_where = text(j, "roster_where");
    in.inspected_within_days_source = text(j, "inspected_within_days_source");
    in.positive_list = text(j, "positive_list");
    in.weighted = j.value("weighted", false);
    in.weight = text(j, "weight");
    in.weight_source = text(j, "weight_source");
    in.violations_sweep = j.value("violations_sweep", std::int64_t{0});
    for (const auto& s : j.at("strata"))
      in.strata.push_back({s.at("name").get<std::string>(), s.at("label").get<std::string>(), s.at("rate_bp").get<std::uint32_t>(),
                           s.at("rate_source").get<std::string>(), text(s, "when")});
    for (const auto& c : j.at("population"))
      in.population.push_back({c.at("key").get<std::string>(), c.at("stratum").get<std::string>(), c.at("county").get<std::string>(),
                               c.at("last_inspected").get<std::string>(), c.at("positive_list").get<bool>(),
                               text(c, "last_inspection"), c.value("weight", std::uint64_t{0})});
    for (const auto& i : j.at("roster"))
      in.roster.push_back({i.at("id").get<std::string>(), i.at("county").get<std::string>(), i.at("name").get<std::string>()});
    for (const auto& x : j.at("recusals"))
      in.recusals.push_back({x.at("inspector").get<std::string>(), x.at("enterprise").get<std::string>()});
    return in;
  } catch (const DrawError&) {
    throw;
  } catch (const std::exception& ex) {
    throw DrawError(fmt::format("the recorded inputs cannot be read: {}", ex.what()));
  }
}

namespace {
constexpr const char* kTableSql[] = {
    "CREATE TABLE IF NOT EXISTS _draw (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, period TEXT NOT NULL, "
    "seed TEXT NOT NULL, ruleset TEXT NOT NULL, ruleset_sha256 TEXT NOT NULL, data_batch INTEGER NOT NULL, "
    "inputs TEXT NOT NULL, inputs_sha256 TEXT NOT NULL, result TEXT NOT NULL, result_sha256 TEXT NOT NULL)",
    // A recorded draw is evidence of how inspections were assigned: it is never changed afterwards.
    "CREATE TRIGGER IF NOT EXISTS _draw__no_update BEFORE UPDATE ON _draw "
    "BEGIN SELECT RAISE(ABORT, 'a recorded draw cannot be changed'); END",
    "CREATE TRIGGER IF NOT EXISTS _draw__no_delete BEFORE DELETE ON _draw "
    "BEGIN SELECT RAISE(ABORT, 'a recorded draw cannot be deleted'); END",
};
}  // namespace

void ensure_table(store::Store& st) {
  try {
    for (const char* sql : kTableSql) st.db().exec(sql);
  } catch (const SQLite::Exception& ex) {
    throw store::StoreError(fmt::format("{}: cannot create the draw table: {}", st.path().string(), ex.what()));
  }
}

std::int64_t record(store::Store& st, const DrawInputs& in, const DrawResult& r) {
  try {
    SQLite::Transaction tx(st.db());
    for (const char* sql : kTableSql) st.db().exec(sql);
    std::string ij = inputs_json(in), rj = result_json(r);
    SQLite::Statement ins(st.db(),
                          "INSERT INTO _draw (created_at, period, seed, ruleset, ruleset_sha256, data_batch, inputs, "
                          "inputs_sha256, result, result_sha256) VALUES (?,?,?,?,?,?,?,?,?,?)");
    ins.bind(1, store::utc_now());
    ins.bind(2, in.period);
    ins.bind(3, std::to_string(in.seed));
    ins.bind(4, in.ruleset);
    ins.bind(5, in.ruleset_sha256);
    ins.bind(6, static_cast<std::int64_t>(in.data_batch));
    ins.bind(7, ij);
    ins.bind(8, store::sha256_hex(ij));
    ins.bind(9, rj);
    ins.bind(10, store::sha256_hex(rj));
    ins.exec();
    std::int64_t id = st.db().getLastInsertRowid();
    tx.commit();
    return id;
  } catch (const SQLite::Exception& ex) {
    throw store::StoreError(fmt::format("{}: cannot record the draw: {}", st.path().string(), ex.what()));
  }
}

RecordedDraw read(store::Store& st, std::int64_t id) {
  try {
    if (!st.db().tableExists("_draw")) throw DrawError(fmt::format("{} has no recorded draws", st.path().string()));
    SQLite::Statement q(st.db(),
                        "SELECT id, created_at, period, seed, ruleset, ruleset_sha256, data_batch, inputs, inputs_sha256, "
                        "result, result_sha256 FROM _draw WHERE id = ?");
    q.bind(1, static_cast<std::int64_t>(id));
    if (!q.executeStep()) throw DrawError(fmt::format("{} has no draw {}", st.path().string(), id));
    RecordedDraw d;
    d.id = q.getColumn(0).getInt64();
    d.created_at = q.getColumn(1).getString();
    d.period = q.getColumn(2).getString();
    try {
      d.seed = std::stoull(q.getColumn(3).getString());
    } catch (const std::exception&) {
      throw DrawError(fmt::format("draw {}: the recorded seed \"{}\" is not a number", id, q.getColumn(3).getString()));
    }
    d.ruleset = q.getColumn(4).getString();
    d.ruleset_sha256 = q.getColumn(5).getString();
    d.data_batch = q.getColumn(6).getInt64();
    d.inputs = q.getColumn(7).getString();
    d.inputs_sha256 = q.getColumn(8).getString();
    d.result = q.getColumn(9).getString();
    d.result_sha256 = q.getColumn(10).getString();
    return d;
  } catch (const SQLite::Exception& ex) {
    throw store::StoreError(fmt::format("{}: cannot read draw {}: {}", st.path().string(), id, ex.what()));
  }
}

namespace {

template <class T, class Key>
void diff_lists(std::vector<std::string>& problems, const std::string& what, const std::vector<T>& was,
                const std::vector<T>& now, Key key) {
  std::map<std::string, std::string> a, b;
  for (const auto& x : was) a[key(x)] = json(x).dump();
  for (const auto& x : now) b[key(x)] = json(x).dump();
  std::vector<std::string> added, removed, changed;
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (it == b.end()) removed.push_back(k);
    else if (it->second != v) changed.push_back(k);
  }
  for (const auto& [k, v] : b)
    if (!a.count(k)) added.push_back(k);
  auto list = [](const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size() && i < 5; ++i) s += (i ? ", " : "") + v[i];
    if (v.size() > 5) s += fmt::format(", ... ({} in all)", v.size());
    return s;
  };
  if (!added.empty()) problems.push_back(fmt::format("{}: added since the draw: {}", what, list(added)));
  if (!removed.empty()) problems.push_back(fmt::format("{}: removed since the draw: {}", what, list(removed)));
  if (!changed.empty()) problems.push_back(fmt::format("{}: changed since the draw: {}", what, list(changed)));
}

}  // namespace

void to_json(json& j, const Candidate& c) {
  j = json{{"stratum", c.stratum}, {"county", c.county}, {"last_inspected", c.last_inspected}, {"positive_list", c.positive_list},
           {"last_inspection", c.last_inspection}, {"weight", c.weight}};
}
void to_json(json& j, const Inspector& i) { j = json{{"county", i.county}, {"name", i.name}}; }
void to_json(json& j, const Recusal&) { j = json::object(); }
// A stratum's condition is compared on its own, with both texts shown.
void to_json(json& j, const StratumSpec& s) {
  j = json{{"label", s.label}, {"rate_bp", s.rate_bp}, {"rate_source", s.rate_source}};
}

Verification verify(const RecordedDraw& rec, const DrawInputs& current) {
  Verification v;
  auto& p = v.problems;
  if (store::sha256_hex(rec.inputs) != rec.inputs_sha256) p.push_back("the recorded inputs do not match their recorded SHA-256");
  if (store::sha256_hex(rec.result) != rec.result_sha256) p.push_back("the recorded result does not match its recorded SHA-256");
  DrawInputs was;
  try {
    was = inputs_from_json(rec.inputs);
  } catch (const DrawError& ex) {
    p.push_back(ex.what());
    return v;
  }
  if (std::to_string(was.seed) != std::to_string(rec.seed) || was.period != rec.period || was.ruleset != rec.ruleset ||
      was.ruleset_sha256 != rec.ruleset_sha256 || was.data_batch != rec.data_batch)
    p.push_back("the draw's columns (seed, period, ruleset, data batch) differ from its recorded inputs");
  try {
    std::string again = result_json(compute(was));
    if (again != rec.result) p.push_back("recomputing the draw from its recorded inputs gives a different result");
  } catch (const DrawError& ex) {
    p.push_back(fmt::format("the draw cannot be recomputed from its recorded inputs: {}", ex.what()));
  }
  // The recorded inputs against the ones rebuilt now: any difference means the draw could not
  // be reproduced from today's store and ruleset.
  if (was.ruleset != current.ruleset) p.push_back(fmt::format("ruleset: drawn with {}, now {}", was.ruleset, current.ruleset));
  if (was.ruleset_sha256 != current.ruleset_sha256)
    p.push_back(fmt::format("ruleset files changed: SHA-256 {} at the draw, now {}", was.ruleset_sha256, current.ruleset_sha256));
  if (was.data_batch != current.data_batch)
    p.push_back(fmt::format("data: latest import batch {} at the draw, now {}", was.data_batch, current.data_batch));
  auto flag = [&](const char* what, auto a, auto b) {
    if (a != b) p.push_back(fmt::format("{}: {} at the draw, now {}", what, a, b));
  };
  // The plan's texts: a changed condition is named with both texts (the members it gave are
  // compared below).
  auto said = [&](const char* what, const std::string& a, const std::string& b) {
    auto shown = [](const std::string& t) { return t.empty() ? std::string("(none)") : "`" + t + "`"; };
    if (a != b) p.push_back(fmt::format("{}: {} at the draw, now {}", what, shown(a), shown(b)));
  };
  said("population record", was.population_record, current.population_record);
  said("population.where", was.population_where, current.population_where);
  for (const auto& s : was.strata)
    for (const auto& t : current.strata)
      if (s.name == t.name) said(fmt::format("strata {}.when", s.name).c_str(), s.when, t.when);
  said("exclusions.positive_list", was.positive_list, current.positive_list);
  said("inspectors.where", was.roster_where, current.roster_where);
  said("weight", was.weight, current.weight);
  said("weight source", was.weight_source, current.weight_source);
  flag("exclude_inspected_within_days", was.exclude_inspected_within_days, current.exclude_inspected_within_days);
  said("inspected_within_days_source", was.inspected_within_days_source, current.inspected_within_days_source);
  flag("exclude_positive_list", was.exclude_positive_list, current.exclude_positive_list);
  flag("weighted", was.weighted, current.weighted);
  if (was.violations_sweep != current.violations_sweep)
    p.push_back(fmt::format("the latest sweep (whose open violations the plan reads): {} at the draw, now {}", was.violations_sweep,
                            current.violations_sweep));
  flag("same_county", was.same_county, current.same_county);
  flag("team_size", was.team_size, current.team_size);
  flag("inspector_names_public", was.inspector_names_public, current.inspector_names_public);
  diff_lists(p, "strata (quotas)", was.strata, current.strata, [](const StratumSpec& s) { return s.name; });
  diff_lists(p, "population", was.population, current.population, [](const Candidate& c) { return c.key; });
  diff_lists(p, "inspector roster", was.roster, current.roster, [](const Inspector& i) { return i.id; });
  diff_lists(p, "recusals", was.recusals, current.recusals,
             [](const Recusal& r) { return r.inspector + " / " + r.enterprise; });
  return v;
}

}  // namespace eco::engine::draw
