#pragma once
// Who may do what: the five roles of the bureau's workbench and the ONE role × resource × action
// matrix every front end checks (the HTTP server calls authorize() for every endpoint and page;
// the matrix is the table kRoleGrants in authorization.cpp and nowhere else). docs/accounts.md
// explains each cell.
//
// Inspectors are limited to the jurisdictions assigned to them. A jurisdiction is a VALUE of the
// field of the owner record that the ruleset declares as the jurisdiction (the county for
// Jinzhong); which field that is comes from the ruleset, never from C++ (see
// JurisdictionField). The caller reads the value from the object it is about to show or change
// and passes it; authorize() compares values only.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/model/schema.hpp"

namespace eco::app {

enum class Role { administrator, rule_author, inspector, permit_officer, viewer };

// What the workbench shows or changes. Each is one kind of object of the pages and API.
enum class Resource {
  dashboard,          // the latest sweep's dashboard and its trend
  enterprise,         // an enterprise's records, the search, its live audit page
  inspection_record,  // on-site inspection records
  finding,            // findings lists, filters, their export
  sweep,              // sweeps: history, run one now
  schedule,           // recurring sweeps
  import_batch,       // imports: upload, validation report, commit or discard, batch list
  screening,          // screening of applications and the recorded decisions
  waiver,             // waivers: request, withdraw, approve
  ruleset,            // rules by area with citations, coverage of the plan
  parameter,          // the ruleset's parameters (value, source, confidence)
  draft_impact,       // the impact of a draft ruleset on the store
  user,               // accounts
  audit_trail,        // the append-only audit trail
  draw,               // random inspection draws (双随机): run one, the recorded draws, verify, the published list
  enforcement_action, // orders to rectify, penalty decisions, referrals and a violation's state transitions
};

enum class Action {
  view,     // read it
  edit,     // create, change or withdraw it (a request, a record, a decision, an account)
  run,      // start a job on it (a sweep, an import, a screening, an impact run, an audit)
  approve,  // approve what someone else asked for (a waiver)
  export_,  // download what is shown (CSV, XLSX)
};

inline constexpr Role kAllRoles[] = {Role::administrator, Role::rule_author, Role::inspector, Role::permit_officer,
                                     Role::viewer};
inline constexpr Resource kAllResources[] = {
    Resource::dashboard, Resource::enterprise,   Resource::inspection_record, Resource::finding,
    Resource::sweep,     Resource::schedule,     Resource::import_batch,      Resource::screening,
    Resource::waiver,    Resource::ruleset,      Resource::parameter,         Resource::draft_impact,
    Resource::user,      Resource::audit_trail,  Resource::draw,              Resource::enforcement_action};
inline constexpr Action kAllActions[] = {Action::view, Action::edit, Action::run, Action::approve, Action::export_};

// Names as stored and typed ("administrator", "rule_author", ...; "inspection_record";
// "export"). The parse functions return nullopt for a name that is not one.
std::string_view to_string(Role r);
std::string_view to_string(Resource r);
std::string_view to_string(Action a);
std::optional<Role> parse_role(std::string_view name);
std::optional<Resource> parse_resource(std::string_view name);
std::optional<Action> parse_action(std::string_view name);

// Whether the matrix grants `action` on `resource` to `role` (jurisdictions aside).
bool role_grants(Role role, Action action, Resource resource);

// Whether the role's grant on `resource` holds only inside the user's jurisdictions (an
// inspector's enterprises, inspection records, findings, waivers, dashboard).
bool jurisdiction_scoped(Role role, Resource resource);

// The field of the owner record whose values are jurisdictions, as the ruleset declares it
// (`role jurisdiction`, docs/rule-language.md "Roles and validators"). A ruleset that declares
// none has none, and authorize() then refuses every jurisdiction-scoped access: an inspector
// sees no enterprise rather than every one.
struct JurisdictionField {
  std::string record;  // the owner record type ("enterprise")
  std::string field;   // its field ("county")
};

// The jurisdiction field the checked schema declares (the owner record's field with `role
// jurisdiction`), for the server to put in every Target; nullopt when the schema declares no
// owner or no such field. It never guesses from names ("county", "区县"): a guessed field
// would scope an inspector by the wrong values.
std::optional<JurisdictionField> declared_jurisdiction(const dsl::model::Schema& schema);

// The user as authorize() needs them (see accounts.hpp for the stored account).
struct Principal {
  std::string name;
  std::vector<Role> roles;
  std::vector<std::string> jurisdictions;  // values of the declared jurisdiction field
  bool disabled = false;
};

enum class Denial {
  none,                    // allowed
  disabled,                // the account is disabled
  role,                    // no role of the user grants the action on the resource
  no_jurisdiction_field,   // only a scoped grant applies and the ruleset declares no jurisdiction field
  outside_jurisdictions,   // only a scoped grant applies and the object lies outside the user's
  jurisdiction_unknown,    // only a scoped grant applies and the object's jurisdiction is empty or not given
};

struct Authorization {
  bool allowed = false;
  Denial denial = Denial::role;
  // For an allowed request that named no object (a list, a search, the dashboard): when set,
  // the caller must show only objects whose jurisdiction is one of these values; unset, the
  // grant is not limited. Always unset when an object's jurisdiction was given.
  std::optional<std::vector<std::string>> limit_to;
};

// The object a request is about, as far as jurisdictions go.
struct Target {
  // The ruleset's declared jurisdiction field (nullopt: the ruleset declares none).
  std::optional<JurisdictionField> field;
  // The object's jurisdiction value when the request is about one object; nullopt for a list
  // (the result then carries limit_to). An empty string is an object without a value.
  std::optional<std::string> jurisdiction;
};

// Whether `user` may do `action` on `resource`. A disabled user may do nothing. Among the
// user's roles an unscoped grant wins; a scoped one (an inspector's) allows an object whose
// jurisdiction is one of the user's, and a list limited to them.
Authorization authorize(const Principal& user, Action action, Resource resource, const Target& target = {});

// One sentence saying why a request was refused, for a log line or an error response.
std::string describe(Denial d);

}  // namespace eco::app
