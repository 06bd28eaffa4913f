// The enforcement workflow (engine/enforcement): the state machine's transitions, the checklist
// an inspection gets, the evidence digest that tells whether a dismissed finding's data changed,
// the rectification order as a finding, and the records in the store (append-only, versions of
// an outcome, the states an action and an outcome move, the overlay a sweep applies).
#include <gtest/gtest.h>

#include <set>

#include <SQLiteCpp/SQLiteCpp.h>

#include "engine/enforcement/records.hpp"
#include "engine/enforcement/workflow.hpp"
#include "engine/sweeps/history.hpp"
#include "tests/unit/engine/store_fixture.hpp"

namespace eco::engine::testing {
namespace {

namespace en = engine::enforcement;
using dsl::model::Severity;
using dsl::model::Verdict;
using en::State;

TEST(EnforcementStates, EveryTransitionIsAllowedOrRefusedAsDocumented) {
  const State all[] = {State::open, State::under_enforcement, State::resolved_pending_verification, State::resolved};
  const std::set<std::pair<State, State>> allowed = {
      {State::open, State::under_enforcement},
      {State::open, State::resolved_pending_verification},
      {State::under_enforcement, State::resolved_pending_verification},
      {State::resolved_pending_verification, State::resolved},
      {State::resolved_pending_verification, State::under_enforcement},
      {State::resolved, State::open},
  };
  for (auto from : all)
    for (auto to : all) {
      const auto refused = en::check_transition(from, to);
      EXPECT_EQ(refused.empty(), allowed.count({from, to}) == 1) << en::to_string(from) << " -> " << en::to_string(to);
    }
  EXPECT_EQ(en::check_transition(State::open, State::resolved),
            "a violation cannot go from open to resolved (a violation is resolved only after its rectification is "
            "verified: first resolved_pending_verification); from open it can go to: under_enforcement, "
            "resolved_pending_verification");
  EXPECT_EQ(en::check_transition(State::under_enforcement, State::under_enforcement),
            "a violation cannot go from under_enforcement to under_enforcement (it is already under_enforcement); from "
            "under_enforcement it can go to: resolved_pending_verification");
}

TEST(EnforcementStates, NamesRoundTripAndUnknownNamesAreRefused) {
  for (auto s : {State::open, State::under_enforcement, State::resolved_pending_verification, State::resolved})
    EXPECT_EQ(en::parse_state(en::to_string(s)), s);
  for (auto o : {en::Outcome::confirmed, en::Outcome::not_confirmed, en::Outcome::corrected_on_site, en::Outcome::not_verified})
    EXPECT_EQ(en::parse_outcome(en::to_string(o)), o);
  for (auto k : {en::ActionKind::rectification_order, en::ActionKind::penalty, en::ActionKind::referral})
    EXPECT_EQ(en::parse_action_kind(en::to_string(k)), k);
  EXPECT_FALSE(en::parse_state("closed"));
  EXPECT_FALSE(en::parse_outcome("dismissed"));
  EXPECT_FALSE(en::parse_action_kind("warning"));
}

Finding finding(const std::string& rule, const std::string& key, Verdict v, Severity s = Severity::high,
                const std::string& value = "false") {
  Finding f;
  f.rule = rule;
  f.title_zh = "标题 " + rule;
  f.title_en = "title " + rule;
  f.subject_record = "facility";
  f.subject_key = key;
  f.owner = {"enterprise", "E1"};
  f.verdict = v;
  f.severity = s;
  f.message_zh = "消息 " + key;
  f.message_en = "message " + key;
  EvidenceItem e;
  e.record = "facility";
  e.key = key;
  e.field = "desulfurization";
  e.value = value;
  e.batch = 1;
  e.file = "a.csv";
  e.line = 2;
  f.evidence.push_back(e);
  return f;
}

TEST(EnforcementDigest, ChangesWithTheValuesOnlyNotTheirProvenanceOrOrder) {
  auto a = finding("r", "F1", Verdict::violation);
  auto b = a;
  b.evidence[0].batch = 7;
  b.evidence[0].file = "b.csv";
  b.evidence[0].line = 9;
  EXPECT_EQ(en::evidence_digest(a), en::evidence_digest(b));
  EvidenceItem more = a.evidence[0];
  more.field = "so2_mg";
  more.value = "80";
  a.evidence.push_back(more);
  b.evidence.insert(b.evidence.begin(), more);
  EXPECT_EQ(en::evidence_digest(a), en::evidence_digest(b));
  b.evidence[0].value = "90";
  EXPECT_NE(en::evidence_digest(a), en::evidence_digest(b));
  auto c = a;
  c.evidence[1].missing = true;
  c.evidence[1].value = "";
  auto d = a;
  d.evidence[1].value = "";
  EXPECT_NE(en::evidence_digest(c), en::evidence_digest(d));  // missing is not the empty text
  EXPECT_EQ(en::evidence_digest(a).size(), 32u);
}

TEST(EnforcementChecklist, TheLatestSweepsOpenFindingsMostSevereFirst) {
  std::vector<Finding> fs = {
      finding("b.low", "F1", Verdict::violation, Severity::low),
      finding("a.unknown", "F2", Verdict::unknown, Severity::critical),
      finding("a.crit", "F3", Verdict::violation, Severity::critical),
      finding("a.late", "F4", Verdict::late, Severity::critical),
      finding("c.upcoming", "F5", Verdict::upcoming, Severity::critical),
      finding("c.gone", "F6", Verdict::violation, Severity::critical),  // not in the latest sweep
  };
  fs[1].reasons.push_back({"现场核实脱硫设施", "verify on site"});
  std::vector<en::FindingId> swept;
  for (const auto& f : fs)
    if (f.rule != "c.gone") swept.push_back(en::id_of(f));
  const auto items = en::checklist(fs, swept);
  std::vector<std::string> order;
  for (const auto& it : items) order.push_back(std::to_string(it.item) + ":" + it.finding.rule + ":" + it.verdict);
  EXPECT_EQ(order, (std::vector<std::string>{"1:a.crit:violation", "2:a.late:late", "3:a.unknown:unknown",
                                             "4:b.low:violation"}));
  EXPECT_EQ(items[2].verify_zh, "消息 F2 / 现场核实脱硫设施");
  EXPECT_EQ(items[0].evidence_digest, en::evidence_digest(fs[2]));
  EXPECT_EQ(items[0].owner_key, "E1");
}

en::Order order(State state) {
  en::Order o;
  o.id = 4;
  o.violation = {"r", "facility", "F1"};
  o.owner_record = "enterprise";
  o.owner_key = "E1";
  o.severity = "critical";
  o.reference = "晋中环改〔2026〕1号";
  o.requirement = "建成脱硫设施";
  o.issued_on = "2026-11-06";
  o.deadline = "2026-11-30";
  o.state = state;
  return o;
}

TEST(EnforcementOrder, UpcomingUntilItsDeadlineThenAViolationCitingTheOrderUnlessVerified) {
  const auto due = en::order_finding(order(State::under_enforcement), *dsl::parse_date("2026-11-30"));
  EXPECT_EQ(due.verdict, Verdict::upcoming);
  EXPECT_EQ(due.days_left.value_or(-1), 0);
  EXPECT_EQ(due.rule, en::kOrderRule);
  EXPECT_EQ(due.subject_record, en::kOrderRecord);
  EXPECT_EQ(due.subject_key, "4");
  EXPECT_EQ(due.owner.key, "E1");
  EXPECT_EQ(due.severity, Severity::critical);
  ASSERT_EQ(due.citations.size(), 1u);
  EXPECT_EQ(due.citations[0].section, "晋中环改〔2026〕1号");
  EXPECT_EQ(due.citations[0].quote, "建成脱硫设施");
  const auto late = en::order_finding(order(State::resolved_pending_verification), *dsl::parse_date("2026-12-03"));
  EXPECT_EQ(late.verdict, Verdict::violation);
  EXPECT_EQ(late.days_overdue.value_or(-1), 3);
  EXPECT_NE(late.message_zh.find("晋中环改〔2026〕1号"), std::string::npos);
  EXPECT_NE(late.message_en.find("resolved_pending_verification"), std::string::npos);
  EXPECT_EQ(en::order_finding(order(State::resolved), *dsl::parse_date("2026-12-03")).verdict, Verdict::pass);
}

// A store with a recorded sweep holding the two findings of facility F1 and F2.
struct Workflow : ::testing::Test {
  TempDir dir;
  std::unique_ptr<dsl::model::Schema> schema = make_schema();
  std::unique_ptr<store::Store> st = store::Store::open(dir.path() / "s.db", *schema, store::OpenOptions{.create = true});
  std::vector<Finding> swept = {finding("r.crit", "F1", Verdict::violation, Severity::critical),
                                finding("r.high", "F2", Verdict::violation, Severity::high, "80")};
  en::Provenance who{"张伟", "unit test"};

  std::int64_t inspect() {
    en::Inspection in;
    in.ruleset = "rs";
    in.sweep = 1;
    in.owner_record = "enterprise";
    in.owner_key = "E1";
    in.planned_on = "2026-11-05";
    in.inspectors = {"ZF001", "ZF002"};
    std::vector<en::FindingId> ids;
    for (const auto& f : swept) ids.push_back(en::id_of(f));
    in.items = en::checklist(swept, ids);
    return en::record_inspection(*st, in, who);
  }
};

TEST_F(Workflow, AnInspectionNeedsTwoInspectorsAProvenanceAndADate) {
  en::Inspection in;
  in.owner_key = "E1";
  in.planned_on = "2026-11-05";
  in.inspectors = {"ZF001"};
  EXPECT_THROW(en::record_inspection(*st, in, who), en::RecordError);
  in.inspectors.push_back("ZF002");
  EXPECT_THROW(en::record_inspection(*st, in, {"", "x"}), en::RecordError);
  in.planned_on = "2026-11-31";
  EXPECT_THROW(en::record_inspection(*st, in, who), en::RecordError);
  EXPECT_FALSE(st->db().tableExists("_inspection"));  // nothing written
}

TEST_F(Workflow, OutcomesAreVersionedAndTheRecordsAreAppendOnly) {
  const auto id = inspect();
  const auto in = en::read_inspection(*st, id);
  ASSERT_EQ(in.items.size(), 2u);
  EXPECT_EQ(in.items[0].finding.rule, "r.crit");
  EXPECT_EQ(in.inspectors, (std::vector<std::string>{"ZF001", "ZF002"}));
  en::record_outcome(*st, id, 2, en::Outcome::confirmed, "", "2026-11-05", {}, who);
  const auto v2 = en::record_outcome(*st, id, 2, en::Outcome::not_confirmed, "标定期间数据", "2026-11-06",
                                     {"cems.pdf", "台账.jpg"}, who);
  EXPECT_EQ(v2.version, 2);
  const auto all = en::outcomes(*st, id);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].evidence_files, (std::vector<std::string>{"cems.pdf", "台账.jpg"}));
  EXPECT_EQ(all[1].recorded_by, "张伟");
  EXPECT_EQ(all[1].source, "unit test");
  EXPECT_THROW(en::record_outcome(*st, id, 3, en::Outcome::confirmed, "", "2026-11-05", {}, who), en::RecordError);
  EXPECT_THROW(en::record_outcome(*st, 99, 1, en::Outcome::confirmed, "", "2026-11-05", {}, who), en::RecordError);
  for (const char* sql : {"UPDATE _inspection_outcome SET outcome = 'confirmed'", "DELETE FROM _inspection_item",
                          "UPDATE _inspection SET owner_key = 'E2'"})
    EXPECT_THROW(st->db().exec(sql), SQLite::Exception) << sql;
}

TEST_F(Workflow, AnActionPutsAnOpenViolationUnderEnforcementAndTransitionsAreChecked) {
  const en::FindingId v = en::id_of(swept[0]);
  en::Action a;
  a.kind = en::ActionKind::rectification_order;
  a.violation = v;
  a.owner_record = "enterprise";
  a.owner_key = "E1";
  a.severity = "critical";
  a.reference = "改〔2026〕1号";
  a.issued_on = "2026-11-06";
  a.deadline = "2026-11-30";
  EXPECT_THROW(en::record_action(*st, a, who), en::RecordError);  // no requirement
  a.requirement = "建成脱硫设施";
  a.deadline = "2026-11-01";
  EXPECT_THROW(en::record_action(*st, a, who), en::RecordError);  // deadline before issue
  a.deadline = "2026-11-30";
  en::record_action(*st, a, who);
  EXPECT_EQ(en::current_state(*st, v), State::under_enforcement);
  try {
    en::transition(*st, v, State::resolved, "2026-11-20", "done", who);
    FAIL() << "under_enforcement -> resolved was allowed";
  } catch (const en::RecordError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot go from under_enforcement to resolved"), std::string::npos) << e.what();
  }
  en::transition(*st, v, State::resolved_pending_verification, "2026-11-20", "企业报告整改完成", who);
  en::transition(*st, v, State::resolved, "2026-11-25", "复查确认", who);
  const auto ts = en::transitions(*st, v);
  ASSERT_EQ(ts.size(), 3u);
  EXPECT_EQ(ts[0].from, State::open);
  EXPECT_EQ(ts[0].action, 1);
  EXPECT_EQ(ts[2].to, State::resolved);
  a.kind = en::ActionKind::penalty;
  a.amount = "5万";
  a.legal_basis = "《大气污染防治法》第九十九条";
  a.case_number = "罚〔2026〕3号";
  EXPECT_THROW(en::record_action(*st, a, who), en::RecordError);  // not a number of yuan
  a.amount = "50000";
  en::record_action(*st, a, who);  // a penalty after the resolution: recorded, the state stays
  EXPECT_EQ(en::current_state(*st, v), State::resolved);
  EXPECT_THROW(st->db().exec("DELETE FROM _violation_state"), SQLite::Exception);
  EXPECT_THROW(st->db().exec("UPDATE _enforcement_action SET amount = '1'"), SQLite::Exception);
}

TEST_F(Workflow, TheOverlayDropsADismissedFindingUntilItsDataChangesAndMarksTheOthers) {
  const auto id = inspect();
  en::record_outcome(*st, id, 1, en::Outcome::confirmed, "", "2026-11-05", {}, who);
  en::record_outcome(*st, id, 2, en::Outcome::not_confirmed, "", "2026-11-05", {}, who);
  auto ov = en::read_overlay(*st);
  auto piece = swept;
  piece.push_back(finding("r.other", "F3", Verdict::violation));
  EXPECT_EQ(en::apply(ov, piece), 1u);
  ASSERT_EQ(piece.size(), 2u);
  EXPECT_EQ(piece[0].rule, "r.crit");
  ASSERT_TRUE(piece[0].enforcement);
  EXPECT_EQ(piece[0].enforcement->state, "open");
  EXPECT_EQ(piece[0].enforcement->inspection, id);
  EXPECT_EQ(piece[0].enforcement->item, 1);
  EXPECT_EQ(piece[0].enforcement->outcome, "confirmed");
  EXPECT_FALSE(piece[1].enforcement);  // nothing concerns it
  // The value the dismissal rested on changed: reported again, with the inspection's outcome.
  std::vector<Finding> changed = {finding("r.high", "F2", Verdict::violation, Severity::high, "90")};
  EXPECT_EQ(en::apply(ov, changed), 0u);
  ASSERT_TRUE(changed[0].enforcement);
  EXPECT_EQ(changed[0].enforcement->outcome, "not_confirmed");
  // A correction of the outcome (a newer version) stands instead.
  en::record_outcome(*st, id, 2, en::Outcome::confirmed, "复核", "2026-11-07", {}, who);
  ov = en::read_overlay(*st);
  piece = swept;
  EXPECT_EQ(en::apply(ov, piece), 0u);
}

TEST_F(Workflow, CorrectedOnSiteAwaitsVerification) {
  const auto id = inspect();
  en::record_outcome(*st, id, 1, en::Outcome::corrected_on_site, "当场整改", "2026-11-05", {"photo.jpg"}, who);
  EXPECT_EQ(en::current_state(*st, en::id_of(swept[0])), State::resolved_pending_verification);
  EXPECT_EQ(en::current_state(*st, en::id_of(swept[1])), State::open);
}

TEST_F(Workflow, OrdersBecomeFindingsOfTheirOwnerFromTheirIssueDay) {
  en::Action a;
  a.violation = en::id_of(swept[0]);
  a.owner_record = "enterprise";
  a.owner_key = "E1";
  a.severity = "critical";
  a.reference = "改1";
  a.issued_on = "2026-11-06";
  a.deadline = "2026-11-30";
  a.requirement = "建成";
  en::record_action(*st, a, who);
  const auto ov = en::read_overlay(*st);
  EXPECT_TRUE(en::order_findings(ov, *dsl::parse_date("2026-11-05"), "", false).empty());
  EXPECT_TRUE(en::order_findings(ov, *dsl::parse_date("2026-12-05"), "E2", false).empty());
  const auto fs = en::order_findings(ov, *dsl::parse_date("2026-12-05"), "E1", false);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].verdict, Verdict::violation);
}

}  // namespace
}  // namespace eco::engine::testing
