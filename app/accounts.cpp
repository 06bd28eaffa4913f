#include "app/accounts.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sodium.h>

#include "engine/store/store.hpp"

namespace eco::app {
namespace {

namespace fs = std::filesystem;

// The tables and their guards. The trail's triggers make append-only a property of the store,
// not of this code: any program writing through SQLite (the server, a script) meets them. An
// INSERT OR REPLACE would delete the row it replaces without firing a DELETE trigger (SQLite
// fires them for REPLACE only with recursive_triggers on), hence the BEFORE INSERT guard.
constexpr const char* kCreateSql[] = {
    "CREATE TABLE IF NOT EXISTS _user (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
    "password_hash TEXT NOT NULL, created_at TEXT NOT NULL, password_changed_at TEXT NOT NULL, "
    "disabled_at TEXT)",
    "CREATE TABLE IF NOT EXISTS _user_role (user INTEGER NOT NULL REFERENCES _user(id), role TEXT NOT NULL, "
    "PRIMARY KEY (user, role))",
    "CREATE TABLE IF NOT EXISTS _user_jurisdiction (user INTEGER NOT NULL REFERENCES _user(id), "
    "jurisdiction TEXT NOT NULL, PRIMARY KEY (user, jurisdiction))",
    // At most one roster id per account (the primary key); a row removed clears the link (the
    // trail keeps what it was).
    "CREATE TABLE IF NOT EXISTS _user_inspector (user INTEGER PRIMARY KEY REFERENCES _user(id), "
    "inspector TEXT NOT NULL)",
    "CREATE TRIGGER IF NOT EXISTS _user__no_delete BEFORE DELETE ON _user BEGIN "
    "SELECT RAISE(ABORT, 'accounts are never deleted: disable the account instead'); END",
    "CREATE TABLE IF NOT EXISTS _audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, "
    "action TEXT NOT NULL, object TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')",
    "CREATE TRIGGER IF NOT EXISTS _audit__no_update BEFORE UPDATE ON _audit BEGIN "
    "SELECT RAISE(ABORT, 'the audit trail is append-only: its rows cannot be changed'); END",
    "CREATE TRIGGER IF NOT EXISTS _audit__no_delete BEFORE DELETE ON _audit BEGIN "
    "SELECT RAISE(ABORT, 'the audit trail is append-only: its rows cannot be deleted'); END",
    "CREATE TRIGGER IF NOT EXISTS _audit__no_replace BEFORE INSERT ON _audit "
    "WHEN EXISTS (SELECT 1 FROM _audit WHERE id = NEW.id) BEGIN "
    "SELECT RAISE(ABORT, 'the audit trail is append-only: its rows cannot be replaced'); END",
};

void init_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw AccountError("libsodium could not be initialised");
  });
}

// A hash to verify unknown names against, so that signing in as one costs what a wrong
// password costs. Made once, of random bytes nobody knows.
const std::string& dummy_hash() {
  static const std::string hash = [] {
    init_sodium();
    unsigned char random[32];
    randombytes_buf(random, sizeof random);
    char hex[sizeof random * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, random, sizeof random);
    std::string h = hash_password(hex);
    sodium_memzero(hex, sizeof hex);
    return h;
  }();
  return hash;
}

bool has_table(SQLite::Database& db, const char* name) {
  SQLite::Statement q(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  q.bind(1, name);
  return q.executeStep();
}

std::string roles_text(const std::vector<Role>& roles) {
  std::string out;
  for (Role r : roles) out += (out.empty() ? "" : ",") + std::string(to_string(r));
  return out;
}

std::string join(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ",") + v;
  return out;
}

void append(SQLite::Database& db, std::string_view actor, std::string_view action, std::string_view object,
            std::string_view detail) {
  SQLite::Statement ins(db, "INSERT INTO _audit (at, actor, action, object, detail) VALUES (?, ?, ?, ?, ?)");
  ins.bind(1, engine::store::utc_now());
  ins.bind(2, std::string(actor));
  ins.bind(3, std::string(action));
  ins.bind(4, std::string(object));
  ins.bind(5, std::string(detail));
  ins.exec();
}

std::vector<Account> select_accounts(SQLite::Database& db, const std::string& where, std::string_view name) {
  std::vector<Account> out;
  SQLite::Statement q(db, "SELECT id, name, created_at, password_changed_at, disabled_at, i.inspector FROM _user "
                          "LEFT JOIN _user_inspector i ON i.user = _user.id " + where + " ORDER BY name");
  if (!where.empty()) q.bind(1, std::string(name));
  while (q.executeStep()) {
    Account a;
    a.id = q.getColumn(0).getInt64();
    a.name = q.getColumn(1).getString();
    a.created_at = q.getColumn(2).getString();
    a.password_changed_at = q.getColumn(3).getString();
    if (!q.getColumn(4).isNull()) a.disabled_at = q.getColumn(4).getString();
    if (!q.getColumn(5).isNull()) a.inspector = q.getColumn(5).getString();
    out.push_back(std::move(a));
  }
  for (auto& a : out) {
    SQLite::Statement r(db, "SELECT role FROM _user_role WHERE user = ?");
    r.bind(1, a.id);
    while (r.executeStep())
      if (auto role = parse_role(r.getColumn(0).getString())) a.roles.push_back(*role);
    std::sort(a.roles.begin(), a.roles.end());
    SQLite::Statement j(db, "SELECT jurisdiction FROM _user_jurisdiction WHERE user = ? ORDER BY jurisdiction");
    j.bind(1, a.id);
    while (j.executeStep()) a.jurisdictions.push_back(j.getColumn(0).getString());
  }
  return out;
}

// The enabled account other than `self` that stands for roster id `inspector`, "" when none: linked
// to it, or unlinked and named by it (the name fallback, app/inspections.hpp: such an account
// stands for the id as much as a link does).
std::string linked_elsewhere(SQLite::Database& db, const std::string& inspector, std::int64_t self) {
  SQLite::Statement q(db, "SELECT u.name FROM _user_inspector i JOIN _user u ON u.id = i.user "
                          "WHERE i.inspector = ?1 AND u.disabled_at IS NULL AND u.id != ?2 "
                          "UNION SELECT u.name FROM _user u WHERE u.name = ?1 AND u.disabled_at IS NULL AND u.id != ?2 "
                          "AND NOT EXISTS (SELECT 1 FROM _user_inspector i WHERE i.user = u.id) ORDER BY 1");
  q.bind(1, inspector);
  q.bind(2, self);
  return q.executeStep() ? q.getColumn(0).getString() : "";
}

void refuse_if_linked(SQLite::Database& db, const std::string& inspector, std::int64_t self) {
  if (auto other = linked_elsewhere(db, inspector, self); !other.empty())
    throw AccountError(fmt::format("the inspector {} is already the account {}'s: an inspector stands for one enabled "
                                   "account (clear that link first)",
                                   inspector, other));
}

void check_password(std::string_view password, std::string_view name) {
  if (password.size() < kMinPasswordBytes)
    throw AccountError(fmt::format("the password is too short: give at least {} bytes (as many ASCII characters)", kMinPasswordBytes));
  if (password.size() > kMaxPasswordBytes)
    throw AccountError(fmt::format("the password is too long: give at most {} bytes", kMaxPasswordBytes));
  if (password == name) throw AccountError("the password is the account's name: choose another");
}

// Runs `f`, turning what SQLite throws (a lock held past the busy timeout, a read-only or full
// disk, two adds of one name racing) into an AccountError naming the store; the transaction
// inside `f` has rolled back by then.
template <class F>
auto guarded(const std::string& path, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SQLite::Exception& ex) {
    throw AccountError(fmt::format("{}: the store's accounts could not be read or written: {}", path, ex.what()));
  }
}

}  // namespace

std::string hash_password(std::string_view password) {
  init_sodium();
  if (password.size() > kMaxPasswordBytes)
    throw AccountError(fmt::format("the password is too long: give at most {} bytes", kMaxPasswordBytes));
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw AccountError("the password could not be hashed: out of memory");
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  init_sodium();
  // crypto_pwhash_str_verify reads a NUL-terminated string of at most STRBYTES.
  if (hash.size() >= crypto_pwhash_STRBYTES || hash.find('\0') != std::string_view::npos) return false;
  const std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

std::string account_name_problem(std::string_view name) {
  if (name.empty()) return "the account name is empty";
  if (name.size() > 64) return "the account name is longer than 64 bytes";
  for (unsigned char c : name)
    if (c <= 0x20 || c == 0x7f || c == ':' || c == '/')
      return "the account name holds a space, a control character, ':' or '/'";
  return "";
}

std::string roster_id_problem(std::string_view id) {
  if (id.find_first_not_of(" \t") == std::string_view::npos) return "the inspector roster id is empty";
  if (id.size() > 64) return "the inspector roster id is longer than 64 bytes";
  // No space either: the trail's detail is "inspector=ID was=ID", which a space could forge, and
  // "(none)" is how that detail says there is no link.
  for (unsigned char c : id)
    if (c <= 0x20 || c == 0x7f) return "the inspector roster id holds a space or a control character";
  if (id == "(none)") return "the inspector roster id '(none)' is reserved: clear the link instead";
  return "";
}

std::string new_account_problem(const NewAccount& account) {
  if (auto p = account_name_problem(account.name); !p.empty()) return p;
  if (account.roles.empty()) return "give the account at least one role";
  const bool inspector = std::find(account.roles.begin(), account.roles.end(), Role::inspector) != account.roles.end();
  if (inspector && account.jurisdictions.empty())
    return "an inspector needs at least one jurisdiction (the values of the ruleset's jurisdiction field)";
  if (!inspector && !account.jurisdictions.empty())
    return "jurisdictions limit inspectors only: give the account the inspector role or no jurisdiction";
  for (const auto& j : account.jurisdictions)
    if (j.empty()) return "a jurisdiction is empty";
  if (account.inspector)
    if (auto p = roster_id_problem(*account.inspector); !p.empty()) return p;
  return "";
}

std::unique_ptr<Accounts> Accounts::open(const fs::path& db) {
  std::error_code ec;
  if (!fs::is_regular_file(db, ec))
    throw AccountError(fmt::format("{}: no such store (make one with ecoaudit init)", db.string()));
  try {
    auto handle = std::make_unique<SQLite::Database>(db.string(), SQLite::OPEN_READWRITE);
    handle->setBusyTimeout(300000);
    if (!has_table(*handle, "_meta") || !has_table(*handle, "_batch"))
      throw AccountError(fmt::format("{}: not an EcoAudit store (make one with ecoaudit init)", db.string()));
    SQLite::Transaction tx(*handle);
    for (const char* sql : kCreateSql) handle->exec(sql);
    tx.commit();
    return std::unique_ptr<Accounts>(new Accounts(db.string(), std::move(handle)));
  } catch (const SQLite::Exception& ex) {
    throw AccountError(fmt::format("{}: cannot open the store's accounts: {}", db.string(), ex.what()));
  }
}

Accounts::Accounts(std::string path, std::unique_ptr<SQLite::Database> db) : path_(std::move(path)), db_(std::move(db)) {}
Accounts::~Accounts() = default;

Account Accounts::add(const NewAccount& account, std::string_view password, std::string_view actor) {
  return guarded(path_, [&] {
    if (auto p = new_account_problem(account); !p.empty()) throw AccountError(p);
    check_password(password, account.name);
    if (find(account.name)) throw AccountError(fmt::format("an account named {} already exists", account.name));
    std::vector<Role> roles = account.roles;
    std::sort(roles.begin(), roles.end());
    roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
    std::vector<std::string> js = account.jurisdictions;
    std::sort(js.begin(), js.end());
    js.erase(std::unique(js.begin(), js.end()), js.end());
    const std::string hash = hash_password(password);
    SQLite::Transaction tx(*db_);
    if (account.inspector) refuse_if_linked(*db_, *account.inspector, 0);
    const std::string now = engine::store::utc_now();
    SQLite::Statement ins(*db_, "INSERT INTO _user (name, password_hash, created_at, password_changed_at) "
                                "VALUES (?, ?, ?, ?)");
    ins.bind(1, account.name);
    ins.bind(2, hash);
    ins.bind(3, now);
    ins.bind(4, now);
    ins.exec();
    const std::int64_t id = db_->getLastInsertRowid();
    for (Role r : roles) {
      SQLite::Statement q(*db_, "INSERT INTO _user_role (user, role) VALUES (?, ?)");
      q.bind(1, id);
      q.bind(2, std::string(to_string(r)));
      q.exec();
    }
    for (const auto& j : js) {
      SQLite::Statement q(*db_, "INSERT INTO _user_jurisdiction (user, jurisdiction) VALUES (?, ?)");
      q.bind(1, id);
      q.bind(2, j);
      q.exec();
    }
    if (account.inspector) {
      SQLite::Statement q(*db_, "INSERT INTO _user_inspector (user, inspector) VALUES (?, ?)");
      q.bind(1, id);
      q.bind(2, *account.inspector);
      q.exec();
    }
    std::string detail = "roles=" + roles_text(roles);
    if (!js.empty()) detail += " jurisdictions=" + join(js);
    if (account.inspector) detail += " inspector=" + *account.inspector;
    append(*db_, actor, "user.add", "user:" + account.name, detail);
    tx.commit();
    return *find(account.name);
  });
}

void Accounts::set_password(std::string_view name, std::string_view password, std::string_view actor) {
  return guarded(path_, [&] {
    auto a = find(name);
    if (!a) throw AccountError(fmt::format("no account named {}", name));
    if (a->disabled_at) throw AccountError(fmt::format("the account {} is disabled", name));
    check_password(password, name);
    const std::string hash = hash_password(password);
    SQLite::Transaction tx(*db_);
    SQLite::Statement q(*db_, "UPDATE _user SET password_hash = ?, password_changed_at = ? WHERE id = ?");
    q.bind(1, hash);
    q.bind(2, engine::store::utc_now());
    q.bind(3, a->id);
    q.exec();
    append(*db_, actor, "user.passwd", "user:" + a->name, "");
    tx.commit();
  });
}

void Accounts::disable(std::string_view name, std::string_view actor) {
  return guarded(path_, [&] {
    auto a = find(name);
    if (!a) throw AccountError(fmt::format("no account named {}", name));
    if (a->disabled_at) throw AccountError(fmt::format("the account {} is already disabled", name));
    SQLite::Transaction tx(*db_);
    SQLite::Statement q(*db_, "UPDATE _user SET disabled_at = ? WHERE id = ?");
    q.bind(1, engine::store::utc_now());
    q.bind(2, a->id);
    q.exec();
    append(*db_, actor, "user.disable", "user:" + a->name, "");
    tx.commit();
  });
}

Account Accounts::set_inspector(std::string_view name, const std::optional<std::string>& inspector,
                               std::string_view actor) {
  return guarded(path_, [&] {
    if (inspector)
      if (auto p = roster_id_problem(*inspector); !p.empty()) throw AccountError(p);
    // The account is read inside the writing transaction (IMMEDIATE: the write lock first), so the
    // refusals and the trail's `was=` are of the state the change replaces, whatever another
    // process committed just before.
    SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
    auto a = find(name);
    if (!a) throw AccountError(fmt::format("no account named {}", name));
    if (a->disabled_at) throw AccountError(fmt::format("the account {} is disabled", name));
    if (a->inspector == inspector)
      throw AccountError(inspector ? fmt::format("the account {} already stands for the inspector {}", name, *inspector)
                                   : fmt::format("the account {} stands for no inspector", name));
    if (inspector) {
      refuse_if_linked(*db_, *inspector, a->id);
      SQLite::Statement q(*db_, "INSERT INTO _user_inspector (user, inspector) VALUES (?, ?) "
                                "ON CONFLICT(user) DO UPDATE SET inspector = excluded.inspector");
      q.bind(1, a->id);
      q.bind(2, *inspector);
      q.exec();
    } else {
      SQLite::Statement q(*db_, "DELETE FROM _user_inspector WHERE user = ?");
      q.bind(1, a->id);
      q.exec();
    }
    append(*db_, actor, "user.inspector", "user:" + a->name,
           "inspector=" + inspector.value_or("(none)") + " was=" + a->inspector.value_or("(none)"));
    tx.commit();
    return *find(name);
  });
}

bool Accounts::inspector_linked(std::string_view inspector) {
  return guarded(path_, [&] {
    SQLite::Statement q(*db_, "SELECT 1 FROM _user_inspector i JOIN _user u ON u.id = i.user "
                              "WHERE i.inspector = ? AND u.disabled_at IS NULL");
    q.bind(1, std::string(inspector));
    return q.executeStep();
  });
}

std::vector<Account> Accounts::list() {
  return guarded(path_, [&] { return select_accounts(*db_, "", ""); });
}

std::optional<Account> Accounts::find(std::string_view name) {
  auto found = guarded(path_, [&] { return select_accounts(*db_, "WHERE name = ?", name); });
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::optional<Account> Accounts::authenticate(std::string_view name, std::string_view password, std::string_view from) {
  return guarded(path_, [&] {
    std::optional<std::string> hash;
    {
      SQLite::Statement q(*db_, "SELECT password_hash FROM _user WHERE name = ?");
      q.bind(1, std::string(name));
      if (q.executeStep()) hash = q.getColumn(0).getString();
    }
    // Verify even for an unknown name or a disabled account: the time taken must not tell them apart.
    const bool verified = verify_password(hash ? *hash : dummy_hash(), password) && hash.has_value();
    auto account = verified ? find(name) : std::nullopt;
    const bool ok = account && !account->disabled_at;
    // A name no account has is not written down: people type their password into the name field.
    const std::string object = hash ? "user:" + std::string(name) : "user:(unknown)";
    record(ok ? name : std::string_view("(anonymous)"), ok ? "sign_in" : "sign_in.failed", object,
           from.empty() ? "" : "from=" + std::string(from));
    return ok ? account : std::optional<Account>();
  });
}

std::int64_t Accounts::record(std::string_view actor, std::string_view action, std::string_view object,
                              std::string_view detail) {
  return guarded(path_, [&] {
    SQLite::Transaction tx(*db_);
    append(*db_, actor, action, object, detail);
    const std::int64_t id = db_->getLastInsertRowid();
    tx.commit();
    return id;
  });
}

std::vector<AuditEntry> Accounts::trail(std::int64_t after) {
  return guarded(path_, [&] {
    std::vector<AuditEntry> out;
    SQLite::Statement q(*db_, "SELECT id, at, actor, action, object, detail FROM _audit WHERE id > ? ORDER BY id");
    q.bind(1, after);
    while (q.executeStep())
      out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                     q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString()});
    return out;
  });
}

void append_trail(SQLite::Database& db, std::string_view actor, std::string_view action, std::string_view object,
                  std::string_view detail) {
  for (const char* sql : kCreateSql) db.exec(sql);
  append(db, actor, action, object, detail);
}

std::string os_actor() {
  const passwd* pw = getpwuid(geteuid());
  return "os:" + std::string(pw && pw->pw_name ? pw->pw_name : std::to_string(geteuid()));
}

}  // namespace eco::app
