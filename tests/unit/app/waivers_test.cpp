// app/: waivers at the workbench without the server, on the sweep fixture (facility F-OPEN
// violates fx.retrofit, requirement AIR-03): a request is pending and waives nothing; approved
// by someone else it writes the waiver record as an import batch and the next audit shows the
// finding waived; withdrawn, a new version of the record ends it the day before and the finding
// is a violation again (the old version in the store's history); the requests and their events
// are append-only and every step has its row in the audit trail.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "app/store_runs.hpp"
#include "app/sweep.hpp"
#include "app/waivers.hpp"
#include "tests/support/store_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using eco::app::RunStatus;
using eco::app::WaiverError;
using eco::app::WaiverState;
using eco::testing::dump;
using eco::testing::TempDir;

const fs::path kFixture = fs::path(ECOAUDIT_SOURCE_DIR) / "tests/sweep/fixture";
constexpr const char* kOwner = "91140700MA0TWP0017";  // 晋中焦化: F-OPEN's enterprise

eco::dsl::Date date(const char* text) { return *eco::dsl::parse_date(text); }

class Waivers : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(eco::app::run_init({db(), kFixture / "ruleset"}).status, RunStatus::done);
    eco::app::ImportRequest import;
    import.db = db();
    import.ruleset = kFixture / "ruleset";
    import.paths = {kFixture / "store"};
    ASSERT_EQ(eco::app::run_import(import).status, RunStatus::done);
    desk_ = eco::app::WaiverDesk::open(db(), kFixture / "ruleset");
  }
  fs::path db() const { return dir_.path() / "store.db"; }

  // The verdict of fx.retrofit on F-OPEN in an audit of its enterprise on `on`, and its waiver.
  std::pair<std::string, nlohmann::json> audit(const char* on) {
    eco::app::AuditRequest r;
    r.db = db();
    r.ruleset = kFixture / "ruleset";
    r.as_of = date(on);
    r.owner = kOwner;
    r.rules = {"fx.retrofit"};
    std::ostringstream console;
    r.reports.formats = {eco::reports::Format::json};
    r.reports.console = &console;
    const auto out = eco::app::run_audit(r);
    EXPECT_EQ(out.status, RunStatus::done) << out.errors;
    const auto report = nlohmann::json::parse(console.str());
    for (const auto& f : report["findings"])
      if (f["subject"]["key"] == "F-OPEN") return {f["verdict"].get<std::string>(), f["waiver"]};
    return {"(none)", nullptr};
  }

  eco::app::WaiverRequestInput input() const {
    eco::app::WaiverRequestInput in;
    in.target = "AIR-03";
    in.subject = "F-OPEN";
    in.from = date("2024-10-01");
    in.until = date("2025-09-30");
    in.reason = "设施停产待拆除";
    return in;
  }

  TempDir dir_;
  std::unique_ptr<eco::app::WaiverDesk> desk_;
};

TEST_F(Waivers, ApprovedRequestWaivesTheFindingAndWithdrawalEndsIt) {
  EXPECT_EQ(audit("2024-12-31").first, "violation");
  const auto req = desk_->request(input(), "inspector1", date("2024-12-01"));
  EXPECT_EQ(req.state, WaiverState::pending);
  EXPECT_EQ(req.subject_type, "facility");  // the rule's subject record that holds the key
  EXPECT_EQ(req.owner_record, "enterprise");
  EXPECT_EQ(req.owner_key, kOwner);
  EXPECT_EQ(req.requested_by, "inspector1");
  EXPECT_FALSE(req.days_left(date("2024-12-31")));
  EXPECT_EQ(audit("2024-12-31").first, "violation") << "a pending request waives nothing";

  eco::app::WaiverApproval ok{"晋环函〔2024〕12号", "晋中市生态环境局", date("2024-11-01"), date("2025-06-30")};
  try {
    desk_->approve(req.id, ok, "inspector1");
    ADD_FAILURE() << "the requester approved their own request";
  } catch (const WaiverError& e) {
    EXPECT_EQ(e.kind(), WaiverError::Kind::forbidden);
  }
  const auto approved = desk_->approve(req.id, ok, "author1");
  EXPECT_EQ(approved.state, WaiverState::approved);
  EXPECT_EQ(approved.waiver_key, "WR-" + std::to_string(req.id));
  EXPECT_EQ(approved.valid_from, "2024-11-01");
  EXPECT_EQ(approved.valid_until, "2025-06-30");
  EXPECT_GT(approved.batch, 0);
  EXPECT_EQ(approved.days_left(date("2024-12-31")), 181);
  const auto batches = eco::engine::store::Store::list_batches(db());
  ASSERT_EQ(batches.back().id, approved.batch);
  EXPECT_EQ(batches.back().files.at(0).path.substr(batches.back().files.at(0).path.rfind('/') + 1),
            "waiver-request-" + std::to_string(req.id) + ".json");

  const auto [verdict, waiver] = audit("2024-12-31");
  EXPECT_EQ(verdict, "waived");
  EXPECT_EQ(waiver["id"], approved.waiver_key);
  EXPECT_EQ(waiver["legal_basis"], "晋环函〔2024〕12号");
  EXPECT_EQ(waiver["approver"], "晋中市生态环境局");
  EXPECT_EQ(audit("2024-10-15").first, "violation") << "before the days granted";

  try {
    desk_->approve(req.id, ok, "author2");
    ADD_FAILURE() << "approved twice";
  } catch (const WaiverError& e) {
    EXPECT_EQ(e.kind(), WaiverError::Kind::conflict);
  }

  const auto withdrawn = desk_->withdraw(req.id, "已复产", date("2025-02-01"), "inspector1");
  EXPECT_EQ(withdrawn.state, WaiverState::withdrawn);
  EXPECT_EQ(withdrawn.valid_until, "2025-01-31");
  EXPECT_GT(withdrawn.batch, approved.batch);
  EXPECT_EQ(withdrawn.days_left(date("2025-02-01")), -1);
  EXPECT_EQ(audit("2025-01-31").first, "waived");
  const auto [after, ended] = audit("2025-02-01");
  EXPECT_EQ(after, "violation");
  EXPECT_EQ(ended["expired"], true);
  EXPECT_EQ(ended["valid_until"], "2025-01-31");

  SQLite::Database conn(db().string(), SQLite::OPEN_READWRITE);
  SQLite::Statement history(conn, "SELECT valid_until FROM _history_waiver WHERE id = ?");
  history.bind(1, approved.waiver_key);
  ASSERT_TRUE(history.executeStep());
  EXPECT_EQ(history.getColumn(0).getString(), "2025-06-30") << "the approved version stays in the history";
  EXPECT_THROW(conn.exec("UPDATE _waiver_request SET reason = ''"), SQLite::Exception);
  EXPECT_THROW(conn.exec("DELETE FROM _waiver_request"), SQLite::Exception);
  EXPECT_THROW(conn.exec("UPDATE _waiver_event SET action = 'approve'"), SQLite::Exception);
  EXPECT_THROW(conn.exec("DELETE FROM _waiver_event"), SQLite::Exception);
  EXPECT_THROW(conn.exec("INSERT OR REPLACE INTO _waiver_event SELECT * FROM _waiver_event WHERE id = 1"),
               SQLite::Exception);

  std::vector<std::string> actions;
  for (const auto& e : eco::app::Accounts::open(db())->trail())
    if (e.action.starts_with("waiver.")) actions.push_back(e.action + " " + e.actor);
  EXPECT_EQ(actions, (std::vector<std::string>{"waiver.request inspector1", "waiver.approve author1",
                                               "waiver.withdraw inspector1"}));
  const auto j = eco::app::to_json(withdrawn, date("2025-02-01"));
  EXPECT_EQ(j["state"], "withdrawn");
  EXPECT_EQ(j["expired"], true);
  EXPECT_EQ(j["events"].size(), 2u);
}

TEST_F(Waivers, RequestsNameWhatTheStoreHolds) {
  const std::string before = dump(db());
  auto expect_refused = [&](eco::app::WaiverRequestInput in, WaiverError::Kind kind, const char* words) {
    try {
      desk_->request(in, "inspector1", date("2024-12-01"));
      ADD_FAILURE() << "accepted: " << words;
    } catch (const WaiverError& e) {
      EXPECT_EQ(e.kind(), kind) << e.what();
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  auto in = input();
  in.target = "AIR-99";
  expect_refused(in, WaiverError::Kind::bad_request, "neither a rule nor a requirement");
  in = input();
  in.subject = "F-NOPE";
  expect_refused(in, WaiverError::Kind::bad_request, "no subject 'F-NOPE'");
  in = input();
  in.subject_type = "enterprise";  // AIR-03's rule is about facilities
  expect_refused(in, WaiverError::Kind::bad_request, "no enterprise 'F-OPEN'");
  in = input();
  in.until = date("2024-01-01");
  expect_refused(in, WaiverError::Kind::bad_request, "before it starts");
  in = input();
  in.reason = "  ";
  expect_refused(in, WaiverError::Kind::bad_request, "reason");
  // Limited to jurisdictions: the fixture declares no jurisdiction field, so no subject is in any.
  try {
    desk_->request(input(), "inspector1", date("2024-12-01"), std::vector<std::string>{"榆次区"});
    ADD_FAILURE() << "a scoped request outside the jurisdictions was accepted";
  } catch (const WaiverError& e) {
    EXPECT_EQ(e.kind(), WaiverError::Kind::forbidden);
  }
  // The waiver tables are made, nothing else changes.
  SQLite::Database conn(db().string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(conn, "SELECT count(*) FROM _waiver_request");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getInt(), 0);
}

TEST_F(Waivers, RejectAndWithdrawPendingAndListWithExpiry) {
  const auto a = desk_->request(input(), "inspector1", date("2024-12-01"));
  auto in = input();
  in.target = "fx.permit";
  in.subject = "F-STEEL";
  in.subject_type = "facility";
  const auto b = desk_->request(in, "inspector2", date("2024-12-01"));
  in.target = "fx.insurance";
  in.subject = kOwner;
  in.subject_type = "";
  const auto c = desk_->request(in, "inspector2", date("2024-12-01"));
  EXPECT_EQ(c.subject_type, "enterprise");
  EXPECT_EQ(c.owner_key, kOwner);

  try {
    desk_->reject(a.id, "", "author1");
    ADD_FAILURE() << "rejected without a reason";
  } catch (const WaiverError& e) {
    EXPECT_EQ(e.kind(), WaiverError::Kind::bad_request);
  }
  EXPECT_EQ(desk_->reject(a.id, "依据不足", "author1").state, WaiverState::rejected);
  EXPECT_EQ(desk_->withdraw(b.id, "不再需要", date("2024-12-02"), "inspector2").state, WaiverState::withdrawn);
  try {
    desk_->withdraw(b.id, "again", date("2024-12-02"), "inspector2");
    ADD_FAILURE() << "withdrew a withdrawn request";
  } catch (const WaiverError& e) {
    EXPECT_EQ(e.kind(), WaiverError::Kind::conflict);
  }
  try {
    desk_->approve(a.id, {"b", "a", date("2024-12-01"), date("2024-12-31")}, "author1");
    ADD_FAILURE() << "approved a rejected request";
  } catch (const WaiverError& e) {
    EXPECT_EQ(e.kind(), WaiverError::Kind::conflict);
  }
  EXPECT_EQ(desk_->find(c.id)->state, WaiverState::pending);
}

TEST_F(Waivers, ListIsNewestFirstAndFilters) {
  const auto a = desk_->request(input(), "inspector1", date("2024-12-01"));
  auto in = input();
  in.target = "fx.insurance";
  in.subject = kOwner;
  const auto b = desk_->request(in, "inspector2", date("2024-12-01"));
  desk_->approve(b.id, {"依据", "批准机关", date("2024-12-01"), date("2024-12-31")}, "author1");
  const auto all = desk_->list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, b.id);
  EXPECT_EQ(all[1].id, a.id);
  eco::app::WaiverFilter pending;
  pending.state = WaiverState::pending;
  ASSERT_EQ(desk_->list(pending).size(), 1u);
  EXPECT_EQ(desk_->list(pending)[0].id, a.id);
  eco::app::WaiverFilter scoped;
  scoped.limit_to = std::vector<std::string>{"榆次区"};
  EXPECT_TRUE(desk_->list(scoped).empty());
  EXPECT_EQ(all[0].days_left(date("2025-01-01")), -1);
  EXPECT_FALSE(desk_->find(999));
  try {
    desk_->withdraw(b.id, "late", date("2025-01-05"), "inspector2");
    ADD_FAILURE() << "withdrew an expired waiver";
  } catch (const WaiverError& e) {
    EXPECT_EQ(e.kind(), WaiverError::Kind::conflict);
  }
}

}  // namespace
