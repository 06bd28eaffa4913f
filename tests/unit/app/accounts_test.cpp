// app/accounts: Argon2id hashes that verify and reject, accounts added, re-passworded and
// disabled in a store made by init, linked to an inspector roster id (one enabled account per
// id, every change in the trail, the link table added to a store made before it), sign-in refused for a wrong password, an unknown name and a
// disabled account, the trail written by every change and refusing UPDATE, DELETE and REPLACE
// at the SQL level, and no password in any output: standard output, standard error, the log
// (spdlog, captured at trace level), the trail or the store file.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "app/accounts.hpp"
#include "app/store_runs.hpp"
#include "tests/support/store_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using namespace eco::app;
using eco::testing::TempDir;

const fs::path kFixture = fs::path(ECOAUDIT_SOURCE_DIR) / "tests/sweep/fixture";
constexpr const char* kPassword = "Secret-Horse-7351";
constexpr const char* kOther = "Other-Battery-0042";

TEST(PasswordHash, VerifiesTheRightPasswordAndRejectsOthers) {
  const std::string h = hash_password(kPassword);
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u) << h;
  EXPECT_EQ(h.find(kPassword), std::string::npos);
  EXPECT_TRUE(verify_password(h, kPassword));
  EXPECT_FALSE(verify_password(h, kOther));
  EXPECT_FALSE(verify_password(h, std::string(kPassword) + " "));
  EXPECT_FALSE(verify_password(h, ""));
  // Salted: the same password hashes differently each time, and both verify.
  const std::string h2 = hash_password(kPassword);
  EXPECT_NE(h, h2);
  EXPECT_TRUE(verify_password(h2, kPassword));
  // Malformed hashes verify nothing (and do not crash).
  EXPECT_FALSE(verify_password("", kPassword));
  EXPECT_FALSE(verify_password("$argon2id$v=19$garbage", kPassword));
  EXPECT_FALSE(verify_password(std::string(500, 'x'), kPassword));
}

TEST(AccountNames, RefusesWhatTheTrailCouldNotNameSafely) {
  EXPECT_EQ(account_name_problem("alice"), "");
  EXPECT_EQ(account_name_problem("李明"), "");
  EXPECT_NE(account_name_problem(""), "");
  EXPECT_NE(account_name_problem("a b"), "");
  EXPECT_NE(account_name_problem("a:b"), "");
  EXPECT_NE(account_name_problem("a/b"), "");
  EXPECT_NE(account_name_problem("a\nb"), "");
  EXPECT_NE(account_name_problem(std::string(65, 'a')), "");
}

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto init = run_init({db(), kFixture / "ruleset"});
    ASSERT_EQ(init.status, RunStatus::done) << init.errors;
    accounts_ = Accounts::open(db());
  }
  fs::path db() const { return dir_.path() / "store.db"; }
  Account add(const std::string& name, std::vector<Role> roles, std::vector<std::string> js = {},
              const char* password = kPassword) {
    return accounts_->add({name, std::move(roles), std::move(js)}, password, "os:test");
  }
  TempDir dir_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_F(AccountsTest, AddListAndSignIn) {
  const auto a = add("li", {Role::viewer, Role::inspector}, {"榆次区", "太谷区", "榆次区"});
  EXPECT_EQ(a.roles, (std::vector<Role>{Role::inspector, Role::viewer}));
  EXPECT_EQ(a.jurisdictions, (std::vector<std::string>{"太谷区", "榆次区"}));
  EXPECT_FALSE(a.disabled_at);
  add("admin", {Role::administrator});
  const auto all = accounts_->list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "admin");
  EXPECT_EQ(all[1].name, "li");
  auto signed_in = accounts_->authenticate("li", kPassword, "127.0.0.1");
  ASSERT_TRUE(signed_in);
  EXPECT_EQ(signed_in->name, "li");
  const auto p = signed_in->principal();
  EXPECT_TRUE(authorize(p, Action::view, Resource::enterprise, {JurisdictionField{"enterprise", "county"}, "榆次区"})
                  .allowed);
}

TEST_F(AccountsTest, AWrongPasswordAnUnknownNameAndADisabledAccountCannotSignIn) {
  add("li", {Role::inspector}, {"榆次区"});
  EXPECT_FALSE(accounts_->authenticate("li", kOther));
  EXPECT_FALSE(accounts_->authenticate("li", ""));
  EXPECT_FALSE(accounts_->authenticate("nobody", kPassword));
  EXPECT_TRUE(accounts_->authenticate("li", kPassword));
  accounts_->disable("li", "os:test");
  EXPECT_FALSE(accounts_->authenticate("li", kPassword));
  const auto li = accounts_->find("li");
  ASSERT_TRUE(li);
  EXPECT_TRUE(li->disabled_at);  // the row is kept
  EXPECT_TRUE(li->principal().disabled);
  EXPECT_FALSE(authorize(li->principal(), Action::view, Resource::ruleset).allowed);
  EXPECT_THROW(accounts_->disable("li", "os:test"), AccountError);
  EXPECT_THROW(accounts_->set_password("li", kOther, "os:test"), AccountError);
  // The trail names each attempt; an unknown name is not written down (it may be a password).
  std::vector<std::string> seen;
  for (const auto& e : accounts_->trail()) seen.push_back(e.actor + " " + e.action + " " + e.object);
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "os:test user.add user:li", "(anonymous) sign_in.failed user:li",
                      "(anonymous) sign_in.failed user:li", "(anonymous) sign_in.failed user:(unknown)",
                      "li sign_in user:li", "os:test user.disable user:li", "(anonymous) sign_in.failed user:li"}));
}

TEST_F(AccountsTest, ChangingThePasswordRetiresTheOldOne) {
  add("wang", {Role::viewer});
  accounts_->set_password("wang", kOther, "os:test");
  EXPECT_FALSE(accounts_->authenticate("wang", kPassword));
  EXPECT_TRUE(accounts_->authenticate("wang", kOther));
  EXPECT_THROW(accounts_->set_password("nobody", kOther, "os:test"), AccountError);
  EXPECT_THROW(accounts_->set_password("wang", "short", "os:test"), AccountError);
}

TEST_F(AccountsTest, RefusedRequestsWriteNothing) {
  add("wang", {Role::viewer});
  const auto before = accounts_->trail().size();
  EXPECT_THROW(add("wang", {Role::viewer}), AccountError);                           // duplicate
  EXPECT_THROW(add("zhao", {}), AccountError);                                       // no role
  EXPECT_THROW(add("zhao", {Role::inspector}), AccountError);                        // inspector, no jurisdiction
  EXPECT_THROW(add("zhao", {Role::viewer}, {"榆次区"}), AccountError);               // jurisdiction, no inspector
  EXPECT_THROW(add("zhao", {Role::viewer}, {}, "too-short"), AccountError);         // < 10 bytes
  EXPECT_THROW(add("zhao-zhao-1", {Role::viewer}, {}, "zhao-zhao-1"), AccountError);  // password = name
  EXPECT_THROW(add("zhao", {Role::viewer}, {}, std::string(2000, 'p').c_str()), AccountError);
  EXPECT_THROW(add("bad name", {Role::viewer}), AccountError);
  EXPECT_EQ(accounts_->list().size(), 1u);
  EXPECT_EQ(accounts_->trail().size(), before);
}

TEST_F(AccountsTest, TheTrailRefusesEditsAndAccountsRefuseDeletion) {
  add("li", {Role::inspector}, {"榆次区"});
  accounts_->record("li", "enterprise.view", "enterprise:911401000000000001");
  SQLite::Database raw(db().string(), SQLite::OPEN_READWRITE);
  auto fails = [&](const std::string& sql, const std::string& why) {
    try {
      raw.exec(sql);
      ADD_FAILURE() << "accepted: " << sql;
    } catch (const SQLite::Exception& ex) {
      EXPECT_NE(std::string(ex.what()).find(why), std::string::npos) << ex.what();
    }
  };
  fails("UPDATE _audit SET actor = 'someone else'", "cannot be changed");
  fails("DELETE FROM _audit", "cannot be deleted");
  fails("DELETE FROM _audit WHERE id = 1", "cannot be deleted");
  fails("INSERT OR REPLACE INTO _audit (id, at, actor, action, object) VALUES (1, 'x', 'x', 'x', 'x')",
        "cannot be replaced");
  fails("DELETE FROM _user", "never deleted");
  const auto trail = accounts_->trail();
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[0].action, "user.add");
  EXPECT_EQ(trail[0].detail, "roles=inspector jurisdictions=榆次区");
  EXPECT_EQ(trail[1].action, "enterprise.view");
  EXPECT_EQ(trail[1].object, "enterprise:911401000000000001");
  // Appending still works, and reopening keeps everything (the tables are created once).
  accounts_.reset();
  accounts_ = Accounts::open(db());
  EXPECT_EQ(accounts_->trail(1).size(), 1u);
  accounts_->record("admin", "audit_trail.export", "audit_trail");
  EXPECT_EQ(accounts_->trail().size(), 3u);
}

TEST_F(AccountsTest, WhatTheStoreRefusesIsAnAccountErrorAndWritesNothing) {
  add("wang", {Role::viewer});
  {
    // Stands for any failure of SQLite inside a change (a lock held too long, a full disk).
    SQLite::Database raw(db().string(), SQLite::OPEN_READWRITE);
    raw.exec("CREATE TRIGGER test_refuse BEFORE INSERT ON _user_role BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
  }
  try {
    add("zhao", {Role::viewer});
    ADD_FAILURE() << "added";
  } catch (const AccountError& ex) {
    EXPECT_NE(std::string(ex.what()).find("disk on fire"), std::string::npos) << ex.what();
    EXPECT_NE(std::string(ex.what()).find("store.db"), std::string::npos) << ex.what();
  }
  EXPECT_FALSE(accounts_->find("zhao"));  // the account's row rolled back with its roles
  EXPECT_EQ(accounts_->trail().size(), 1u);
}

TEST_F(AccountsTest, AnAccountStandsForOneInspectorAndEveryChangeIsInTheTrail) {
  NewAccount n{"wangli", {Role::inspector}, {"榆次区"}, "ZF001"};
  const auto a = accounts_->add(n, kPassword, "os:test");
  EXPECT_EQ(a.inspector, "ZF001");
  add("zhao", {Role::inspector}, {"榆次区"});
  EXPECT_FALSE(accounts_->find("zhao")->inspector);
  EXPECT_EQ(accounts_->list().at(0).name, "wangli");
  EXPECT_EQ(accounts_->list().at(0).inspector, "ZF001");

  EXPECT_EQ(accounts_->set_inspector("wangli", "ZF002", "admin").inspector, "ZF002");
  EXPECT_EQ(accounts_->find("wangli")->inspector, "ZF002");
  const auto before = accounts_->trail().size();
  // Refused, nothing written: the link it has, an id another enabled account stands for (named),
  // a blank id, an unknown account.
  EXPECT_THROW(accounts_->set_inspector("wangli", "ZF002", "admin"), AccountError);
  try {
    accounts_->set_inspector("zhao", "ZF002", "admin");
    ADD_FAILURE() << "two accounts for one inspector";
  } catch (const AccountError& ex) {
    EXPECT_NE(std::string(ex.what()).find("ZF002 is already the account wangli's"), std::string::npos) << ex.what();
  }
  EXPECT_THROW(accounts_->add({"li", {Role::viewer}, {}, "ZF002"}, kPassword, "os:test"), AccountError);
  EXPECT_THROW(accounts_->set_inspector("zhao", " ", "admin"), AccountError);
  EXPECT_THROW(accounts_->set_inspector("zhao", "ZF\n01", "admin"), AccountError);
  EXPECT_THROW(accounts_->set_inspector("nobody", "ZF009", "admin"), AccountError);
  EXPECT_THROW(accounts_->set_inspector("zhao", std::nullopt, "admin"), AccountError);  // no link to clear
  EXPECT_NE(new_account_problem({"li", {Role::viewer}, {}, ""}), "");
  EXPECT_EQ(accounts_->trail().size(), before);
  EXPECT_FALSE(accounts_->find("zhao")->inspector);
  EXPECT_FALSE(accounts_->find("li"));

  // Cleared, then free for another account; a disabled account's link blocks nobody.
  EXPECT_FALSE(accounts_->set_inspector("wangli", std::nullopt, "admin").inspector);
  EXPECT_EQ(accounts_->set_inspector("zhao", "ZF002", "admin").inspector, "ZF002");
  accounts_->disable("zhao", "admin");
  EXPECT_THROW(accounts_->set_inspector("zhao", "ZF003", "admin"), AccountError);  // disabled
  EXPECT_EQ(accounts_->set_inspector("wangli", "ZF002", "admin").inspector, "ZF002");
  EXPECT_EQ(accounts_->find("zhao")->inspector, "ZF002");  // kept, as the account is

  std::vector<std::string> seen;
  for (const auto& e : accounts_->trail())
    if (e.object == "user:wangli" || e.action == "user.inspector") seen.push_back(e.actor + " " + e.action + " " + e.object + " " + e.detail);
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "os:test user.add user:wangli roles=inspector jurisdictions=榆次区 inspector=ZF001",
                      "admin user.inspector user:wangli inspector=ZF002 was=ZF001",
                      "admin user.inspector user:wangli inspector=(none) was=ZF002",
                      "admin user.inspector user:zhao inspector=ZF002 was=(none)",
                      "admin user.inspector user:wangli inspector=ZF002 was=(none)"}));
}

// An unlinked account named by a roster id stands for it (the name fallback): linking another
// account to that id is refused, naming it; once an enabled account is linked to an id, an
// unlinked account named by it no longer stands for it (inspector_linked, read by the inspections
// list). Ids with a space or "(none)" would make the trail's "inspector=ID was=ID" ambiguous.
TEST_F(AccountsTest, TheNameFallbackCountsAsStandingForTheInspectorAndALinkWinsOverIt) {
  add("ZF002", {Role::inspector}, {"榆次区"});
  add("wangli", {Role::inspector}, {"榆次区"});
  const auto before = accounts_->trail().size();
  try {
    accounts_->set_inspector("wangli", "ZF002", "admin");
    ADD_FAILURE() << "linked to an id an unlinked account stands for by its name";
  } catch (const AccountError& ex) {
    EXPECT_NE(std::string(ex.what()).find("ZF002 is already the account ZF002's"), std::string::npos) << ex.what();
  }
  EXPECT_THROW(accounts_->add({"li", {Role::inspector}, {"榆次区"}, "ZF002"}, kPassword, "os:test"), AccountError);
  EXPECT_EQ(accounts_->trail().size(), before);
  EXPECT_FALSE(accounts_->inspector_linked("ZF002"));
  // The account named ZF002 may itself be linked to its own id (then it stands by its link).
  EXPECT_EQ(accounts_->set_inspector("ZF002", "ZF002", "admin").inspector, "ZF002");
  EXPECT_TRUE(accounts_->inspector_linked("ZF002"));
  // Disabled, the named account blocks nobody.
  accounts_->disable("ZF002", "admin");
  EXPECT_FALSE(accounts_->inspector_linked("ZF002"));
  EXPECT_EQ(accounts_->set_inspector("wangli", "ZF002", "admin").inspector, "ZF002");
  EXPECT_TRUE(accounts_->inspector_linked("ZF002"));
  // Ids the trail could not tell apart.
  for (const char* bad : {"ZF1 was=ZF9", "ZF001 ", " ZF001", "(none)", "ZF\t01"})
    EXPECT_THROW(accounts_->set_inspector("wangli", std::string(bad), "admin"), AccountError) << bad;
  EXPECT_EQ(accounts_->find("wangli")->inspector, "ZF002");
}

TEST_F(AccountsTest, AStoreMadeBeforeTheLinkGetsItsTableOnOpen) {
  add("wang", {Role::viewer});
  accounts_.reset();
  {
    // The store as it was before accounts could stand for an inspector.
    SQLite::Database raw(db().string(), SQLite::OPEN_READWRITE);
    raw.exec("DROP TABLE _user_inspector");
  }
  accounts_ = Accounts::open(db());
  const auto wang = accounts_->find("wang");
  ASSERT_TRUE(wang);
  EXPECT_FALSE(wang->inspector);
  EXPECT_EQ(accounts_->set_inspector("wang", "ZF005", "os:test").inspector, "ZF005");
  EXPECT_EQ(accounts_->trail().back().action, "user.inspector");
}

TEST_F(AccountsTest, OpeningWhatIsNotAStoreFails) {
  EXPECT_THROW(Accounts::open(dir_.path() / "missing.db"), AccountError);
  const auto other = dir_.path() / "other.db";
  { SQLite::Database d(other.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE); d.exec("CREATE TABLE t (x)"); }
  EXPECT_THROW(Accounts::open(other), AccountError);
  EXPECT_THROW(Accounts::open(dir_.path() / "text.txt"), AccountError);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(AccountsTest, NoPasswordInAnyOutputLogOrFile) {
  // Everything logged, at every level, goes to `log` too.
  std::ostringstream log;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  auto logger = spdlog::default_logger();
  logger->sinks().push_back(sink);
  const auto level = logger->level();
  logger->set_level(spdlog::level::trace);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  add("li", {Role::inspector}, {"榆次区"});
  accounts_->set_password("li", kOther, "os:test");
  accounts_->authenticate("li", kPassword);  // the old one, now wrong
  accounts_->authenticate("li", kOther);
  accounts_->authenticate(kPassword, kPassword);  // a password typed as the name
  std::string refused;
  try {
    add("zhao", {Role::viewer}, {}, "short-pw");
  } catch (const AccountError& ex) {
    refused = ex.what();
  }
  const std::string out = ::testing::internal::GetCapturedStdout();
  const std::string err = ::testing::internal::GetCapturedStderr();
  logger->set_level(level);
  logger->sinks().pop_back();
  EXPECT_FALSE(refused.empty());
  std::string trail;
  for (const auto& e : accounts_->trail()) trail += e.actor + e.action + e.object + e.detail + "\n";
  accounts_.reset();  // the store's file and its log, all written
  std::string files;
  for (const auto& entry : fs::directory_iterator(dir_.path())) files += slurp(entry.path());
  for (const std::string pw : {kPassword, kOther, "short-pw"}) {
    EXPECT_EQ(out.find(pw), std::string::npos) << "stdout";
    EXPECT_EQ(err.find(pw), std::string::npos) << "stderr";
    EXPECT_EQ(log.str().find(pw), std::string::npos) << "log";
    EXPECT_EQ(refused.find(pw), std::string::npos) << "error message";
    EXPECT_EQ(trail.find(pw), std::string::npos) << "trail";
    EXPECT_EQ(files.find(pw), std::string::npos) << "store files";
  }
}

}  // namespace
