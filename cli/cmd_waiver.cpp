// `ecoaudit waiver request|approve|reject|withdraw|list`: the workbench's waiver desk from the
// command line (docs/decisions.md), for scripts and for a bureau without the server. Parses,
// calls app/waivers.hpp, prints. The actor recorded is the operating system's user
// (`os:<login>`, as `ecoaudit user` records): the command line has no sign-in, and the desk's
// separation of duties holds between actors, so a request made here is approved by someone else
// (a rule author at the workbench, or another login).
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "app/accounts.hpp"
#include "app/waivers.hpp"
#include "cli/command.hpp"

namespace eco::cli {
namespace {

struct WaiverCmd {
  std::string db, ruleset;
  std::int64_t id = 0;
  std::string target, subject_type, subject, reason, basis, approver, note, state, format = "text";
  std::string from, until, on, as_of;
};

std::optional<dsl::Date> date_or_today(const std::string& text, const char* option) {
  if (text.empty()) return dsl::today();
  auto d = dsl::parse_date(text);
  if (!d) std::fprintf(stderr, "ecoaudit: error: %s: '%s' is not a date (YYYY-MM-DD)\n", option, text.c_str());
  return d;
}

void print(const app::Waiver& w, dsl::Date on) {
  std::printf("%lld %-9s %s %s:%s", static_cast<long long>(w.id), std::string(app::to_string(w.state)).c_str(),
              w.target.c_str(), w.subject_type.c_str(), w.subject.c_str());
  if (!w.waiver_key.empty()) {
    std::printf("  %s valid %s..%s", w.waiver_key.c_str(), w.valid_from.c_str(), w.valid_until.c_str());
    if (auto left = w.days_left(on)) {
      if (*left < 0) std::printf(" (expired)");
      else std::printf(" (%d days left)", *left);
    }
  } else {
    std::printf("  asked %s..%s", w.requested_from.c_str(), w.requested_until.c_str());
  }
  std::printf("  by %s\n", w.requested_by.c_str());
}

int run(const WaiverCmd& o, const char* what) {
  const std::string actor = app::os_actor();
  const auto on = date_or_today(o.as_of, "--as-of");
  if (!on) return kExitUsage;
  std::unique_ptr<app::WaiverDesk> desk;
  try {
    desk = app::WaiverDesk::open(o.db, o.ruleset);
  } catch (const app::WaiverError& e) {
    std::fprintf(stderr, "ecoaudit: error: %s\n", e.what());
    return kExitUsage;
  }
  try {
    const std::string cmd = what;
    if (cmd == "list") {
      app::WaiverFilter f;
      if (!o.state.empty())
        for (auto s : {app::WaiverState::pending, app::WaiverState::approved, app::WaiverState::rejected,
                       app::WaiverState::withdrawn})
          if (app::to_string(s) == o.state) f.state = s;
      const auto all = desk->list(f);
      if (o.format == "json") {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& w : all) out.push_back(app::to_json(w, *on));
        std::printf("%s\n", out.dump(2).c_str());
      } else {
        if (all.empty()) std::printf("no waiver requests in %s\n", o.db.c_str());
        for (const auto& w : all) print(w, *on);
      }
      return kExitOk;
    }
    app::Waiver w;
    if (cmd == "request") {
      const auto from = dsl::parse_date(o.from), until = dsl::parse_date(o.until);
      if (!from || !until) {
        std::fprintf(stderr, "ecoaudit: error: --from and --until are dates (YYYY-MM-DD)\n");
        return kExitUsage;
      }
      w = desk->request({o.target, o.subject_type, o.subject, *from, *until, o.reason}, actor, *on);
    } else if (cmd == "approve") {
      const auto cur = desk->find(o.id);
      if (!cur) throw app::WaiverError(app::WaiverError::Kind::not_found, "no waiver request " + std::to_string(o.id));
      // The days granted default to the days asked.
      const auto from = dsl::parse_date(o.from.empty() ? cur->requested_from : o.from);
      const auto until = dsl::parse_date(o.until.empty() ? cur->requested_until : o.until);
      if (!from || !until) {
        std::fprintf(stderr, "ecoaudit: error: --from and --until are dates (YYYY-MM-DD)\n");
        return kExitUsage;
      }
      w = desk->approve(o.id, {o.basis, o.approver, *from, *until}, actor);
    } else if (cmd == "reject") {
      w = desk->reject(o.id, o.note, actor);
    } else {
      const auto withdraw_on = date_or_today(o.on, "--on");
      if (!withdraw_on) return kExitUsage;
      w = desk->withdraw(o.id, o.reason, *withdraw_on, actor);
    }
    print(w, *on);
    return kExitOk;
  } catch (const app::WaiverError& e) {
    std::fprintf(stderr, "ecoaudit: error: %s\n", e.what());
    return e.kind() == app::WaiverError::Kind::store ? kExitUsage : kExitFindings;
  }
}

CLI::App* add_sub(CLI::App& parent, const char* name, const char* description, const std::shared_ptr<WaiverCmd>& o,
                  std::function<int()>& chosen) {
  CLI::App* sub = parent.add_subcommand(name, description);
  sub->add_option("--db", o->db, "Store file (made by ecoaudit init)")->required();
  sub->add_option("--ruleset", o->ruleset, "Ruleset folder (declares the waiver record)")->required();
  sub->add_option("--as-of", o->as_of, "The day the request is checked at and expiry counted from (default: today)");
  sub->callback([&chosen, o, name] { chosen = [o, name] { return run(*o, name); }; });
  return sub;
}

ECOAUDIT_COMMAND("waiver", "Waivers: request, approve, reject, withdraw (a new version, never a delete), list with expiry",
                 [](CLI::App& sub) {
                   auto o = std::make_shared<WaiverCmd>();
                   auto chosen = std::make_shared<std::function<int()>>();
                   sub.require_subcommand(1);
                   CLI::App* request = add_sub(sub, "request", "Request a waiver (pending until approved)", o, *chosen);
                   request->add_option("--target", o->target, "Rule id, or a requirement id a rule implements")->required();
                   request->add_option("--subject", o->subject, "The subject's key")->required();
                   request->add_option("--subject-type", o->subject_type, "The subject's record type (default: the rule's)");
                   request->add_option("--from", o->from, "First valid day (YYYY-MM-DD)")->required();
                   request->add_option("--until", o->until, "Last valid day (YYYY-MM-DD)")->required();
                   request->add_option("--reason", o->reason, "Why")->required();

                   CLI::App* approve = add_sub(sub, "approve", "Approve a pending request: writes the waiver record", o, *chosen);
                   approve->add_option("id", o->id, "The request's number")->required();
                   approve->add_option("--basis", o->basis, "Legal basis")->required();
                   approve->add_option("--approver", o->approver, "Approving authority or person")->required();
                   approve->add_option("--from", o->from, "First valid day (default: as asked)");
                   approve->add_option("--until", o->until, "Last valid day (default: as asked)");

                   CLI::App* reject = add_sub(sub, "reject", "Reject a pending request", o, *chosen);
                   reject->add_option("id", o->id, "The request's number")->required();
                   reject->add_option("--note", o->note, "Why")->required();

                   CLI::App* withdraw =
                       add_sub(sub, "withdraw", "Withdraw a request, or end an approved waiver the day before --on", o,
                               *chosen);
                   withdraw->add_option("id", o->id, "The request's number")->required();
                   withdraw->add_option("--reason", o->reason, "Why")->required();
                   withdraw->add_option("--on", o->on, "The day it no longer holds (default: today)");

                   CLI::App* list = add_sub(sub, "list", "List requests and waivers, newest first, with expiry", o, *chosen);
                   list->add_option("--state", o->state, "pending, approved, rejected or withdrawn")
                       ->check(CLI::IsMember({"pending", "approved", "rejected", "withdrawn"}));
                   list->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}));

                   return [chosen] { return *chosen ? (*chosen)() : kExitUsage; };
                 });

}  // namespace
}  // namespace eco::cli
