// ecoaudit user add|passwd|disable|set-inspector|list --db FILE: the accounts of the bureau's
// workbench (app/accounts.hpp, docs/accounts.md). A password is read from the terminal without echo, or
// from standard input with --password-stdin (scripts); never from a flag, where it would sit in
// the shell's history and in every process listing.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "app/draws.hpp"
#include "cli/command.hpp"

namespace eco::cli {
namespace {

struct UserCmd {
  std::string db;
  std::string ruleset;    // "": the roster is not checked (a warning says so)
  std::string name;
  std::string inspector;  // the roster id an account stands for ("": none)
  bool no_inspector = false;
  std::vector<std::string> roles, jurisdictions;
  bool password_stdin = false;
  std::string format = "text";
};

// Wipes a password from memory before its string goes (explicit_bzero is not optimised away).
struct Secret {
  std::string text;
  ~Secret() {
    if (!text.empty()) explicit_bzero(text.data(), text.size());
  }
};

// Turns terminal echo off for its lifetime.
class NoEcho {
 public:
  NoEcho() {
    if (tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  ~NoEcho() {
    if (active_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  NoEcho(const NoEcho&) = delete;
  NoEcho& operator=(const NoEcho&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

bool read_line(Secret& out) {
  if (!std::getline(std::cin, out.text)) return false;
  if (!out.text.empty() && out.text.back() == '\r') out.text.pop_back();
  return true;
}

// The password: the first line of standard input with --password-stdin, else typed twice at the
// terminal (once when `confirm` is false). Throws AccountError saying what to do otherwise.
void read_password(const UserCmd& o, bool confirm, Secret& out) {
  if (o.password_stdin) {
    if (!read_line(out) || out.text.empty())
      throw app::AccountError("--password-stdin: standard input holds no password (one line expected)");
    return;
  }
  if (!isatty(STDIN_FILENO))
    throw app::AccountError("standard input is not a terminal: pipe the password in with --password-stdin");
  NoEcho quiet;
  std::fprintf(stderr, "password for %s: ", o.name.c_str());
  std::fflush(stderr);
  const bool got = read_line(out);
  std::fprintf(stderr, "\n");
  if (!got || out.text.empty()) throw app::AccountError("no password typed");
  if (!confirm) return;
  Secret again;
  std::fprintf(stderr, "the same password again: ");
  std::fflush(stderr);
  read_line(again);
  std::fprintf(stderr, "\n");
  if (again.text != out.text) throw app::AccountError("the two passwords differ: nothing was changed");
}

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::vector<std::string> role_names(const std::vector<app::Role>& roles) {
  std::vector<std::string> out;
  for (auto r : roles) out.emplace_back(app::to_string(r));
  return out;
}

// Refuses (AccountError naming it) a roster id the draw plan's roster does not hold, when
// --ruleset gives the roster; warns on standard error when it cannot be checked.
void check_roster(const UserCmd& o, const std::string& id) {
  if (o.ruleset.empty()) {
    std::fprintf(stderr, "ecoaudit: warning: the inspector %s was not checked against the roster: give --ruleset DIR "
                 "to check it\n", id.c_str());
    return;
  }
  const auto roster = app::roster_ids({.db = o.db, .ruleset = o.ruleset, .ids = {id}});
  if (roster.status != app::RunStatus::done)
    throw app::AccountError("the inspector " + id + " could not be checked against the roster: " + roster.errors);
  if (!roster.declared()) {
    std::fprintf(stderr, "ecoaudit: warning: the inspector %s was not checked: the ruleset has no draw plan (%s) "
                 "declaring a roster\n", id.c_str(), roster.plan.c_str());
    return;
  }
  if (!roster.known.count(id))
    throw app::AccountError("no inspector " + id + " in the roster: the store has no " + roster.record +
                            " record with that key (" + roster.plan + " \"inspectors\")");
}

int run_add(app::Accounts& accounts, const UserCmd& o) {
  app::NewAccount n{o.name, {}, o.jurisdictions};
  if (!o.inspector.empty()) n.inspector = o.inspector;
  for (const auto& r : o.roles) {
    auto role = app::parse_role(r);
    if (!role)
      throw app::AccountError("unknown role " + r +
                              ": give administrator, rule_author, inspector, permit_officer or viewer");
    n.roles.push_back(*role);
  }
  // Refuse a bad name or roles before asking for a password the request would then waste.
  if (auto p = app::new_account_problem(n); !p.empty()) throw app::AccountError(p);
  if (accounts.find(o.name)) throw app::AccountError("an account named " + o.name + " already exists");
  if (n.inspector) check_roster(o, *n.inspector);
  Secret password;
  read_password(o, true, password);
  const auto a = accounts.add(n, password.text, app::os_actor());
  std::printf("added user %s: roles %s", a.name.c_str(), joined(role_names(a.roles), ", ").c_str());
  if (!a.jurisdictions.empty()) std::printf("; jurisdictions %s", joined(a.jurisdictions, ", ").c_str());
  if (a.inspector) std::printf("; inspector %s", a.inspector->c_str());
  std::printf("\n");
  return kExitOk;
}

int run_passwd(app::Accounts& accounts, const UserCmd& o) {
  auto a = accounts.find(o.name);
  if (!a) throw app::AccountError("no account named " + o.name);
  if (a->disabled_at) throw app::AccountError("the account " + o.name + " is disabled");
  Secret password;
  read_password(o, true, password);
  accounts.set_password(o.name, password.text, app::os_actor());
  std::printf("changed the password of user %s\n", o.name.c_str());
  return kExitOk;
}

int run_disable(app::Accounts& accounts, const UserCmd& o) {
  accounts.disable(o.name, app::os_actor());
  std::printf("disabled user %s (the account stays in the store and in the audit trail)\n", o.name.c_str());
  return kExitOk;
}

int run_set_inspector(app::Accounts& accounts, const UserCmd& o) {
  if (o.no_inspector == !o.inspector.empty())
    throw app::AccountError("give the inspector roster id, or --none to clear the link (not both)");
  std::optional<std::string> id;
  if (!o.no_inspector) id = o.inspector;
  if (id)
    if (auto p = app::roster_id_problem(*id); !p.empty()) throw app::AccountError(p);
  // The account's own refusals (no such account, a disabled one, no change) before the roster's.
  if (auto a = accounts.find(o.name); a && !a->disabled_at && a->inspector != id && id) check_roster(o, *id);
  const auto a = accounts.set_inspector(o.name, id, app::os_actor());
  if (a.inspector)
    std::printf("user %s stands for the inspector %s\n", a.name.c_str(), a.inspector->c_str());
  else
    std::printf("user %s stands for no inspector\n", a.name.c_str());
  return kExitOk;
}

int run_list(app::Accounts& accounts, const UserCmd& o) {
  const auto users = accounts.list();
  if (o.format == "json") {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& a : users)
      out.push_back({{"name", a.name},
                     {"roles", role_names(a.roles)},
                     {"jurisdictions", a.jurisdictions},
                     {"created_at", a.created_at},
                     {"password_changed_at", a.password_changed_at},
                     {"disabled_at", a.disabled_at ? nlohmann::ordered_json(*a.disabled_at) : nullptr},
                     {"inspector", a.inspector ? nlohmann::ordered_json(*a.inspector) : nullptr}});
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  if (users.empty()) std::printf("no users in %s\n", o.db.c_str());
  for (const auto& a : users) {
    // Status first: a name's width on screen is not its length in bytes (李明).
    std::printf("%-8s %s  roles %s", a.disabled_at ? "disabled" : "active", a.name.c_str(),
                joined(role_names(a.roles), ",").c_str());
    if (!a.jurisdictions.empty()) std::printf("  jurisdictions %s", joined(a.jurisdictions, ",").c_str());
    if (a.inspector) std::printf("  inspector %s", a.inspector->c_str());
    std::printf("  created %s", a.created_at.c_str());
    if (a.disabled_at) std::printf("  disabled %s", a.disabled_at->c_str());
    std::printf("\n");
  }
  return kExitOk;
}

int run_user(const UserCmd& o, int (*action)(app::Accounts&, const UserCmd&)) {
  std::unique_ptr<app::Accounts> accounts;
  try {
    accounts = app::Accounts::open(o.db);
  } catch (const app::AccountError& ex) {
    std::fprintf(stderr, "ecoaudit: error: %s\n", ex.what());
    return kExitUsage;
  }
  try {
    return action(*accounts, o);
  } catch (const app::AccountError& ex) {
    std::fprintf(stderr, "ecoaudit: error: %s\n", ex.what());
    return kExitFindings;
  }
}

CLI::App* add_sub(CLI::App& user, const char* name, const char* description, const std::shared_ptr<UserCmd>& o,
                  std::function<int()>& chosen, int (*action)(app::Accounts&, const UserCmd&)) {
  CLI::App* sub = user.add_subcommand(name, description);
  sub->add_option("--db", o->db, "Store file (made by ecoaudit init)")->required()->check(non_blank());
  sub->callback([&chosen, o, action] { chosen = [o, action] { return run_user(*o, action); }; });
  return sub;
}

ECOAUDIT_COMMAND("user", "Manage the accounts of the workbench: add, passwd, disable, set-inspector, list", [](CLI::App& sub) {
  auto o = std::make_shared<UserCmd>();
  auto chosen = std::make_shared<std::function<int()>>();
  sub.require_subcommand(1);
  const char* pw_help = "Read the password from the first line of standard input (for scripts) instead of the terminal";
  const char* ruleset_help =
      "Ruleset folder whose draw plan (draw.json) declares the inspector roster: the roster id is checked against "
      "the store's records of it (without: not checked, with a warning)";

  CLI::App* add = add_sub(sub, "add", "Add an account", o, *chosen, run_add);
  add->add_option("name", o->name, "Account name (what the user signs in with)")->required()->check(non_blank());
  add->add_option("--role", o->roles,
                  "Role, repeated or comma-separated: administrator, rule_author, inspector, permit_officer, viewer")
      ->required()
      ->delimiter(',')
      ->check(non_blank());
  add->add_option("--jurisdiction", o->jurisdictions,
                  "An inspector's jurisdiction (a value of the ruleset's jurisdiction field), repeated or "
                  "comma-separated")
      ->delimiter(',')
      ->check(non_blank());
  add->add_option("--inspector", o->inspector,
                  "The inspector roster id the account stands for (the key of its record in the roster): the "
                  "workbench's \"my inspections\" are those whose team names it")
      ->check(non_blank());
  add->add_option("--ruleset", o->ruleset, ruleset_help)->check(non_blank());
  add->add_flag("--password-stdin", o->password_stdin, pw_help);

  CLI::App* passwd = add_sub(sub, "passwd", "Change an account's password", o, *chosen, run_passwd);
  passwd->add_option("name", o->name, "Account name")->required()->check(non_blank());
  passwd->add_flag("--password-stdin", o->password_stdin, pw_help);

  CLI::App* disable = add_sub(sub, "disable", "Disable an account (it stays in the store and the trail)", o,
                              *chosen, run_disable);
  disable->add_option("name", o->name, "Account name")->required()->check(non_blank());

  CLI::App* set_inspector = add_sub(sub, "set-inspector",
                                    "Link an account to the inspector roster id it stands for, or clear the link", o,
                                    *chosen, run_set_inspector);
  set_inspector->add_option("name", o->name, "Account name")->required()->check(non_blank());
  set_inspector->add_option("inspector", o->inspector, "The inspector roster id (the key of its record in the roster)")
      ->check(non_blank());
  set_inspector->add_flag("--none", o->no_inspector, "Clear the link: the account stands for no inspector");
  set_inspector->add_option("--ruleset", o->ruleset, ruleset_help)->check(non_blank());

  CLI::App* list = add_sub(sub, "list", "List the accounts (never their passwords or hashes)", o, *chosen, run_list);
  list->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();

  return [chosen] { return *chosen ? (*chosen)() : kExitUsage; };
});

}  // namespace
}  // namespace eco::cli
