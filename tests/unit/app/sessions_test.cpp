// app/sessions: only the token's hash stored; a token resolves to its session until its expiry
// or idle timeout, after which it is refused and its row deleted; activity recorded at most
// once a minute; sign-out and per-user removal; CSRF comparison. app/audit_trail: pages newest
// first, filters by actor and by an action family, limits.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "app/accounts.hpp"
#include "app/audit_trail.hpp"
#include "app/sessions.hpp"
#include "app/store_runs.hpp"
#include "tests/support/store_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using namespace eco::app;
using eco::testing::TempDir;

const fs::path kFixture = fs::path(ECOAUDIT_SOURCE_DIR) / "tests/sweep/fixture";

class SessionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto init = run_init({dir_.path() / "store.db", kFixture / "ruleset"});
    ASSERT_EQ(init.status, RunStatus::done) << init.errors;
    accounts_ = Accounts::open(dir_.path() / "store.db");
    sessions_ = std::make_unique<Sessions>(*accounts_);
  }
  int rows() {
    SQLite::Statement q(accounts_->db(), "SELECT count(*) FROM _session");
    q.executeStep();
    return q.getColumn(0).getInt();
  }
  TempDir dir_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<Sessions> sessions_;
  SessionPolicy policy_{std::chrono::seconds(3600), std::chrono::seconds(600)};
};

TEST_F(SessionsTest, StoresOnlyTheHashAndResolvesTheToken) {
  const auto s = sessions_->create("li", policy_, 1000);
  EXPECT_EQ(s.token.size(), 43u);
  EXPECT_EQ(s.session.csrf.size(), 43u);
  EXPECT_NE(s.token, s.session.csrf);
  EXPECT_EQ(s.session.expires, 4600);
  SQLite::Statement q(accounts_->db(), "SELECT token_hash FROM _session");
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getString(), Sessions::hash_token(s.token));
  EXPECT_EQ(q.getColumn(0).getString().find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(q.getColumn(0).getString().size(), 64u);
  const auto got = sessions_->resolve(s.token, policy_, 1010);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->user, "li");
  EXPECT_EQ(got->csrf, s.session.csrf);
  EXPECT_FALSE(sessions_->resolve(s.token + "x", policy_, 1010));
  EXPECT_FALSE(sessions_->resolve("", policy_, 1010));
  EXPECT_NE(sessions_->create("li", policy_, 1000).token, s.token);  // a new one each time
}

TEST_F(SessionsTest, ExpiredAndIdleSessionsAreRefusedAndDeleted) {
  const auto a = sessions_->create("li", policy_, 1000);
  EXPECT_TRUE(sessions_->resolve(a.token, policy_, 1599));   // idle 599 s
  EXPECT_TRUE(sessions_->resolve(a.token, policy_, 2100));   // touched at 1599: idle 501 s
  EXPECT_FALSE(sessions_->resolve(a.token, policy_, 4600));  // the lifetime is over
  EXPECT_EQ(rows(), 0);
  const auto b = sessions_->create("li", policy_, 1000);
  EXPECT_TRUE(sessions_->resolve(b.token, policy_, 1030));   // not touched (under a minute)
  EXPECT_FALSE(sessions_->resolve(b.token, policy_, 1600));  // idle 600 s since 1000
  EXPECT_EQ(rows(), 0);
}

TEST_F(SessionsTest, SignOutRemovesAndPurgeClears) {
  const auto a = sessions_->create("li", policy_, 1000);
  const auto b = sessions_->create("li", policy_, 1000);
  const auto c = sessions_->create("wang", policy_, 1000);
  EXPECT_TRUE(sessions_->remove(a.token));
  EXPECT_FALSE(sessions_->remove(a.token));
  EXPECT_EQ(sessions_->remove_user("li", b.session.token_hash), 0);  // b kept
  EXPECT_EQ(sessions_->remove_user("li"), 1);
  EXPECT_EQ(rows(), 1);
  EXPECT_EQ(sessions_->purge(policy_, 1100), 0);
  EXPECT_EQ(sessions_->purge(policy_, 1600), 1);  // c idle
  EXPECT_FALSE(sessions_->resolve(c.token, policy_, 1100));
}

TEST(Csrf, ComparesWholeTokens) {
  EXPECT_TRUE(csrf_matches("abc", "abc"));
  EXPECT_FALSE(csrf_matches("abc", "abd"));
  EXPECT_FALSE(csrf_matches("abc", "ab"));
  EXPECT_FALSE(csrf_matches("", ""));  // a session always has one: empty never matches
}

TEST_F(SessionsTest, TrailPagesNewestFirstWithFilters) {
  for (int i = 0; i < 7; ++i) accounts_->record(i % 2 ? "li" : "wang", i % 3 ? "user.add" : "sign_in", "o" + std::to_string(i));
  accounts_->record("li", "user_x", "not a user. action");
  auto p = trail_page(*accounts_, {.limit = 3});
  EXPECT_EQ(p.total, 8);
  ASSERT_EQ(p.entries.size(), 3u);
  EXPECT_EQ(p.entries[0].object, "not a user. action");
  EXPECT_GT(p.entries[0].id, p.entries[1].id);
  p = trail_page(*accounts_, {.actor = "li", .limit = 50});
  EXPECT_EQ(p.total, 4);
  p = trail_page(*accounts_, {.action = "user.", .limit = 50});
  EXPECT_EQ(p.total, 4);  // user.add only, not user_x
  p = trail_page(*accounts_, {.action = "sign_in", .limit = 50});
  EXPECT_EQ(p.total, 3);
  p = trail_page(*accounts_, {.offset = 6, .limit = 3});
  EXPECT_EQ(p.entries.size(), 2u);
  p = trail_page(*accounts_, {.limit = 0});
  EXPECT_EQ(p.entries.size(), 8u);
  EXPECT_THROW(trail_page(*accounts_, {.limit = kMaxTrailPage + 1}), AccountError);
  EXPECT_THROW(trail_page(*accounts_, {.offset = -1}), AccountError);
}

}  // namespace
