#include "engine/enforcement/workflow.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "engine/findings/words.hpp"
#include "engine/store/schema_sql.hpp"

namespace eco::engine::enforcement {

namespace {

constexpr std::array<const char*, 4> kOutcomes = {"confirmed", "not_confirmed", "corrected_on_site", "not_verified"};
constexpr std::array<const char*, 4> kStates = {"open", "under_enforcement", "resolved_pending_verification", "resolved"};
constexpr std::array<const char*, 3> kKinds = {"rectification_order", "penalty", "referral"};

template <class E, std::size_t N>
std::optional<E> parse(const std::array<const char*, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i)
    if (text == names[i]) return static_cast<E>(i);
  return std::nullopt;
}

}  // namespace

FindingId id_of(const Finding& f) {
  return {f.rule, f.subject_record, f.subject_key};
}

const char* to_string(Outcome o) { return kOutcomes[static_cast<std::size_t>(o)]; }
std::optional<Outcome> parse_outcome(std::string_view text) { return parse<Outcome>(kOutcomes, text); }
const char* to_string(State s) { return kStates[static_cast<std::size_t>(s)]; }
std::optional<State> parse_state(std::string_view text) { return parse<State>(kStates, text); }
const char* to_string(ActionKind k) { return kKinds[static_cast<std::size_t>(k)]; }
std::optional<ActionKind> parse_action_kind(std::string_view text) { return parse<ActionKind>(kKinds, text); }

std::vector<State> next_states(State from) {
  switch (from) {
    case State::open: return {State::under_enforcement, State::resolved_pending_verification};
    case State::under_enforcement: return {State::resolved_pending_verification};
    case State::resolved_pending_verification: return {State::resolved, State::under_enforcement};
    case State::resolved: return {State::open};
  }
  return {};
}

std::string check_transition(State from, State to) {
  const auto next = next_states(from);
  if (std::find(next.begin(), next.end(), to) != next.end()) return "";
  std::string allowed;
  for (auto s : next) allowed += (allowed.empty() ? "" : ", ") + std::string(to_string(s));
  // The two refusals people meet most get their reason: a resolution is verified before it
  // counts, and a state is not entered twice.
  std::string why;
  if (from == to) why = fmt::format(" (it is already {})", to_string(to));
  else if (to == State::resolved)
    why = " (a violation is resolved only after its rectification is verified: first resolved_pending_verification)";
  return fmt::format("a violation cannot go from {} to {}{}; from {} it can go to: {}", to_string(from), to_string(to), why,
                     to_string(from), allowed);
}

std::string evidence_digest(const Finding& f) {
  // Provenance (batch, file, line) is left out on purpose: the same values imported again are
  // the same data. Sorted and de-duplicated, so the order in which a rule read them is irrelevant.
  std::set<std::tuple<std::string, std::string, std::string, std::string, bool>> items;
  for (const auto& e : f.evidence) items.emplace(e.record.str(), e.key, e.field.str(), e.value, e.missing);
  std::string canon;
  for (const auto& [record, key, field, value, missing] : items)
    canon += fmt::format("{}:{}\x1f{}:{}\x1f{}:{}\x1f{}:{}\x1f{}\x1e", record.size(), record, key.size(), key,
                         field.size(), field, value.size(), value, missing ? 1 : 0);
  return store::sha256_hex(canon).substr(0, 32);
}

namespace {

int verdict_rank(dsl::model::Verdict v) {
  using dsl::model::Verdict;
  return v == Verdict::violation ? 0 : v == Verdict::late ? 1 : 2;
}

std::string join_reasons(const Finding& f, bool zh) {
  std::string out = zh ? f.message_zh : f.message_en;
  for (const auto& r : f.reasons) {
    const auto& text = zh ? r.zh : r.en;
    if (!text.empty() && out.find(text) == std::string::npos) out += (out.empty() ? "" : " / ") + text;
  }
  return out;
}

}  // namespace

std::vector<ChecklistItem> checklist(const std::vector<Finding>& findings, const std::vector<FindingId>& latest_sweep) {
  using dsl::model::Verdict;
  const std::set<FindingId> swept(latest_sweep.begin(), latest_sweep.end());
  std::vector<const Finding*> chosen;
  for (const auto& f : findings)
    if ((f.verdict == Verdict::violation || f.verdict == Verdict::late || f.verdict == Verdict::unknown) &&
        f.rule != kOrderRule && swept.count(id_of(f)))
      chosen.push_back(&f);
  std::stable_sort(chosen.begin(), chosen.end(), [](const Finding* a, const Finding* b) {
    return std::tuple(-static_cast<int>(a->severity), verdict_rank(a->verdict), a->rule, a->subject_record, a->subject_key) <
           std::tuple(-static_cast<int>(b->severity), verdict_rank(b->verdict), b->rule, b->subject_record, b->subject_key);
  });
  std::vector<ChecklistItem> out;
  for (const auto* f : chosen) {
    ChecklistItem it;
    it.item = static_cast<std::int64_t>(out.size()) + 1;
    it.finding = id_of(*f);
    it.owner_key = f->owner.key;
    it.verdict = std::string(dsl::model::to_string(f->verdict));
    it.severity = std::string(dsl::model::to_string(f->severity));
    it.title_zh = f->title_zh;
    it.title_en = f->title_en;
    it.verify_zh = join_reasons(*f, true);
    it.verify_en = join_reasons(*f, false);
    it.evidence_digest = evidence_digest(*f);
    out.push_back(std::move(it));
  }
  return out;
}

Finding order_finding(const Order& order, dsl::Date as_of) {
  using dsl::model::Verdict;
  namespace w = words;
  Finding f;
  f.rule = kOrderRule;
  f.title_zh = w::word(w::Id::order_title, w::Lang::zh);
  f.title_en = w::word(w::Id::order_title, w::Lang::en);
  // The order itself is the basis: its document number and what it requires.
  f.citations = SharedList<dsl::model::Citation>{dsl::model::Citation{order.reference, order.requirement}};
  f.severity = dsl::model::parse_severity(order.severity).value_or(dsl::model::Severity::medium);
  f.subject_record = kOrderRecord;
  f.subject_key = std::to_string(order.id);
  f.owner = {order.owner_record, order.owner_key};
  const auto deadline = dsl::parse_date(order.deadline).value_or(dsl::Date{});
  f.deadline = deadline;
  const std::string days = std::to_string(std::abs(as_of.days - deadline.days));
  const std::string state = to_string(order.state);
  auto say = [&](w::Id id, w::Lang lang) {
    return w::say(id, lang,
                  {{"reference", order.reference},
                   {"issued", order.issued_on},
                   {"deadline", order.deadline},
                   {"days", days},
                   {"requirement", order.requirement},
                   {"state", state}});
  };
  w::Id id;
  if (order.state == State::resolved) {
    f.verdict = Verdict::pass;
    id = w::Id::order_resolved;
  } else if (as_of <= deadline) {
    f.verdict = Verdict::upcoming;
    f.days_left = deadline.days - as_of.days;
    id = w::Id::order_due;
  } else {
    f.verdict = Verdict::violation;
    f.days_overdue = as_of.days - deadline.days;
    id = w::Id::order_overdue;
  }
  f.message_zh = say(id, w::Lang::zh);
  f.message_en = say(id, w::Lang::en);
  // The evidence: the order's record in the store (its deadline) and the violation's state.
  EvidenceItem e;
  e.record = kOrderRecord;
  e.key = f.subject_key;
  e.field = "deadline";
  e.value = order.deadline;
  f.evidence.push_back(e);
  e.field = "state";
  e.value = state;
  f.evidence.push_back(std::move(e));
  return f;
}

}  // namespace eco::engine::enforcement
