#pragma once
// Accounts of the bureau's workbench and the audit trail, kept in the store (docs/accounts.md).
//
// Tables (names starting with '_' are the store's own, never a record type's):
//   _user               one row per account, never deleted (disabling keeps it: the trail
//                       names it); the password only as an Argon2id hash (libsodium's
//                       crypto_pwhash_str, OPSLIMIT/MEMLIMIT_INTERACTIVE)
//   _user_role          (user, role): the roles of authorization.hpp, by name
//   _user_jurisdiction  (user, value): values of the ruleset's declared jurisdiction field
//   _user_inspector     (user, inspector): the inspector roster id the account stands for (the
//                       key of a record of the draw plan's roster, docs/draw.md), at most one;
//                       the workbench marks the inspections whose team names it as the account's
//                       own (docs/workbench.md "My inspections")
//   _audit              the append-only audit trail: triggers refuse UPDATE and DELETE, and an
//                       INSERT that would replace a row
// The tables are created on first use, in any store `ecoaudit init` made (a store made before a
// table existed gets it the same way, empty); nothing else of the store is touched.
//
// Passwords are never logged, printed, stored or kept in an error message: the functions take
// them by view, hash or verify them and forget them. Every change of an account is recorded in
// the trail in the same transaction as the change itself.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "app/authorization.hpp"

namespace SQLite {
class Database;
}

namespace eco::app {

// A request the accounts refuse (an unknown or duplicate name, a weak password, a store that is
// not one): the message is a sentence for the user, without any password.
class AccountError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Account {
  std::int64_t id = 0;
  std::string name;
  std::vector<Role> roles;                 // sorted as kAllRoles
  std::vector<std::string> jurisdictions;  // sorted
  std::string created_at, password_changed_at;  // UTC, ISO 8601
  std::optional<std::string> disabled_at;
  std::optional<std::string> inspector;         // the roster id it stands for; nullopt: none
  Principal principal() const { return {name, roles, jurisdictions, disabled_at.has_value()}; }
};

struct NewAccount {
  std::string name;
  std::vector<Role> roles;
  std::vector<std::string> jurisdictions;
  std::optional<std::string> inspector;  // the roster id it stands for (see set_inspector)
};

// One row of the audit trail.
struct AuditEntry {
  std::int64_t id = 0;
  std::string at;      // UTC, ISO 8601 with milliseconds
  std::string actor;   // who: an account's name, or "os:<login>" for the command line
  std::string action;  // what: "user.add", "user.passwd", "user.disable", "user.inspector", "sign_in", "sign_in.failed", ...
  std::string object;  // on what: "user:alice", "enterprise:9114...", "sweep:12"
  std::string detail;  // more, never a password ("roles=inspector jurisdictions=榆次区")
};

// The shortest and longest passwords accepted, in bytes.
inline constexpr std::size_t kMinPasswordBytes = 10;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// Argon2id through libsodium. hash_password throws AccountError when the password is refused
// (length) or memory is short; verify_password is false for a wrong password or a malformed hash.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view hash, std::string_view password);

// Whether `name` may name an account: 1 to 64 bytes of UTF-8 without spaces, control
// characters, ':' or '/' (the trail's object syntax). Returns the reason it may not, or "".
std::string account_name_problem(std::string_view name);

// Whether `id` may be an account's inspector roster id: 1 to 64 bytes without control characters
// and not blank. Returns the reason it may not, or "". Whether the roster holds it is the front
// end's check (app::roster_ids): the accounts do not know the ruleset.
std::string roster_id_problem(std::string_view id);

// Why `account` cannot be added, whatever the password and the accounts already there (a bad
// name, no role, an inspector without jurisdiction, jurisdictions without the inspector role, an
// empty jurisdiction, a bad roster id), or "". Accounts::add checks it too; a front end asks first, so that it
// does not ask for a password the request would waste.
std::string new_account_problem(const NewAccount& account);

class Accounts {
 public:
  // Opens the accounts of the store at `db` (made by `ecoaudit init`; not created here),
  // creating their tables on first use. Throws AccountError for a missing file or one that is
  // not an EcoAudit store.
  static std::unique_ptr<Accounts> open(const std::filesystem::path& db);
  ~Accounts();
  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;

  // Each change below is recorded in the trail as done by `actor`, in its transaction. They
  // throw AccountError (nothing written) for a refused request, and for a store that cannot
  // be read or written (locked past the busy timeout, read-only, full): every function here
  // throws AccountError and nothing else for what the store says.
  // add: a new name, at least one role, jurisdictions if and only if the roles include
  // inspector (an inspector without any could see nothing of what is theirs).
  Account add(const NewAccount& account, std::string_view password, std::string_view actor);
  void set_password(std::string_view name, std::string_view password, std::string_view actor);
  // Disabling an already disabled account is refused (nothing to record).
  void disable(std::string_view name, std::string_view actor);
  // Links the account to the inspector roster id `inspector` (nullopt: removes the link),
  // recorded as "user.inspector" with the new and the former id. Refused: no such account, a
  // disabled one, a bad id (roster_id_problem), the link it already has (nothing to record), an
  // id another enabled account stands for, by a link or, unlinked, by its name (naming it: one
  // inspector, one account). add()
  // refuses the last two alike. The roster itself is not checked here (roster_id_problem).
  Account set_inspector(std::string_view name, const std::optional<std::string>& inspector, std::string_view actor);

  std::vector<Account> list();
  std::optional<Account> find(std::string_view name);
  // Whether an enabled account is linked to roster id `inspector` (an unlinked account named by
  // that id then does not stand for it: the link wins over the name fallback).
  bool inspector_linked(std::string_view inspector);

  // Signs in: the account when it exists, is enabled and the password verifies; nullopt
  // otherwise, after the same work (an unknown name is verified against a dummy hash, so its
  // time does not tell that the name is unknown). Records sign_in or sign_in.failed.
  std::optional<Account> authenticate(std::string_view name, std::string_view password, std::string_view from = "");

  // Appends a row to the trail (in its own transaction) and returns its id.
  std::int64_t record(std::string_view actor, std::string_view action, std::string_view object,
                      std::string_view detail = "");
  // The trail, oldest first, from id `after` on (0: from the start).
  std::vector<AuditEntry> trail(std::int64_t after = 0);

  SQLite::Database& db() { return *db_; }

 private:
  Accounts(std::string path, std::unique_ptr<SQLite::Database> db);
  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
};

// Appends a row to the trail through `db`, a connection to the store, inside the caller's
// transaction (creating the accounts' tables when the store has none yet): a change recorded
// elsewhere in the store and its row in the trail then commit or roll back together (a
// recorded screening decision, a waiver granted or withdrawn, a schedule added, a staged import committed). Throws what SQLite throws.
void append_trail(SQLite::Database& db, std::string_view actor, std::string_view action, std::string_view object,
                  std::string_view detail = "");

// The name the command line records as the actor: "os:<login of the effective user>".
std::string os_actor();

}  // namespace eco::app
