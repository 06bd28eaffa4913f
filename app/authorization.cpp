#include "app/authorization.hpp"

#include <algorithm>
#include <array>

namespace eco::app {
namespace {

// Action flags of one cell row.
constexpr unsigned V = 1u << static_cast<unsigned>(Action::view);
constexpr unsigned E = 1u << static_cast<unsigned>(Action::edit);
constexpr unsigned R = 1u << static_cast<unsigned>(Action::run);
constexpr unsigned A = 1u << static_cast<unsigned>(Action::approve);
constexpr unsigned X = 1u << static_cast<unsigned>(Action::export_);

struct Grant {
  Role role;
  Resource resource;
  unsigned actions;
  bool scoped;  // only inside the user's jurisdictions
};

// THE matrix. A (role, resource) pair absent here grants nothing. docs/accounts.md gives each
// row's reason; tests/unit/app/authorization_test.cpp pins every cell, so a change here is a
// change there and in the docs. Least privilege: the administrator runs the system (accounts,
// schedules, imports, sweeps, the trail) but reads no enterprise's file; nobody approves
// what they can request (an inspector requests a waiver, a rule author approves it).
constexpr Grant kRoleGrants[] = {
    {Role::administrator, Resource::dashboard, V, false},
    {Role::administrator, Resource::sweep, V | R, false},
    {Role::administrator, Resource::schedule, V | E, false},
    {Role::administrator, Resource::import_batch, V | E | R, false},
    {Role::administrator, Resource::ruleset, V, false},
    {Role::administrator, Resource::parameter, V, false},
    {Role::administrator, Resource::user, V | E, false},
    {Role::administrator, Resource::audit_trail, V | X, false},
    {Role::administrator, Resource::draw, V | R, false},

    {Role::rule_author, Resource::dashboard, V, false},
    {Role::rule_author, Resource::enterprise, V, false},
    {Role::rule_author, Resource::finding, V | X, false},
    {Role::rule_author, Resource::sweep, V, false},
    {Role::rule_author, Resource::waiver, V | A, false},
    {Role::rule_author, Resource::ruleset, V | E, false},
    {Role::rule_author, Resource::parameter, V | E, false},
    {Role::rule_author, Resource::draft_impact, V | R, false},
    {Role::rule_author, Resource::draw, V, false},

    {Role::inspector, Resource::dashboard, V, true},
    {Role::inspector, Resource::enterprise, V, true},
    {Role::inspector, Resource::inspection_record, V | E, true},
    {Role::inspector, Resource::finding, V | X, true},
    {Role::inspector, Resource::waiver, V | E, true},
    {Role::inspector, Resource::ruleset, V, false},
    {Role::inspector, Resource::parameter, V, false},
    {Role::inspector, Resource::draw, V, false},
    {Role::inspector, Resource::enforcement_action, V | E, true},

    {Role::permit_officer, Resource::dashboard, V, false},
    {Role::permit_officer, Resource::enterprise, V, false},
    {Role::permit_officer, Resource::screening, V | E | R | X, false},
    {Role::permit_officer, Resource::ruleset, V, false},
    {Role::permit_officer, Resource::parameter, V, false},

    {Role::viewer, Resource::dashboard, V, false},
    {Role::viewer, Resource::enterprise, V, false},
    {Role::viewer, Resource::inspection_record, V, false},
    {Role::viewer, Resource::finding, V | X, false},
    {Role::viewer, Resource::sweep, V, false},
    {Role::viewer, Resource::screening, V, false},
    {Role::viewer, Resource::waiver, V, false},
    {Role::viewer, Resource::ruleset, V, false},
    {Role::viewer, Resource::parameter, V, false},
    {Role::viewer, Resource::draw, V, false},
    {Role::viewer, Resource::enforcement_action, V, false},
};

const Grant* find_grant(Role role, Resource resource) {
  for (const auto& g : kRoleGrants)
    if (g.role == role && g.resource == resource) return &g;
  return nullptr;
}

constexpr std::array<std::string_view, 5> kRoleNames = {"administrator", "rule_author", "inspector", "permit_officer",
                                                        "viewer"};
constexpr std::array<std::string_view, 16> kResourceNames = {
    "dashboard", "enterprise", "inspection_record", "finding",      "sweep", "schedule",    "import_batch",
    "screening", "waiver",     "ruleset",           "parameter",    "draft_impact", "user", "audit_trail",
    "draw",      "enforcement_action"};
constexpr std::array<std::string_view, 5> kActionNames = {"view", "edit", "run", "approve", "export"};

template <class E, std::size_t N>
std::optional<E> parse_name(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return static_cast<E>(i);
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Role r) { return kRoleNames.at(static_cast<std::size_t>(r)); }
std::string_view to_string(Resource r) { return kResourceNames.at(static_cast<std::size_t>(r)); }
std::string_view to_string(Action a) { return kActionNames.at(static_cast<std::size_t>(a)); }
std::optional<Role> parse_role(std::string_view name) { return parse_name<Role>(kRoleNames, name); }
std::optional<Resource> parse_resource(std::string_view name) { return parse_name<Resource>(kResourceNames, name); }
std::optional<Action> parse_action(std::string_view name) { return parse_name<Action>(kActionNames, name); }

bool role_grants(Role role, Action action, Resource resource) {
  const Grant* g = find_grant(role, resource);
  return g && (g->actions & (1u << static_cast<unsigned>(action))) != 0;
}

bool jurisdiction_scoped(Role role, Resource resource) {
  const Grant* g = find_grant(role, resource);
  return g && g->scoped;
}

std::optional<JurisdictionField> declared_jurisdiction(const dsl::model::Schema& schema) {
  const auto* owner = schema.owner();
  const int f = schema.roles.owner_jurisdiction;
  if (!owner || f < 0) return std::nullopt;
  return JurisdictionField{owner->name, owner->fields[static_cast<std::size_t>(f)].name};
}

Authorization authorize(const Principal& user, Action action, Resource resource, const Target& target) {
  Authorization out;
  if (user.disabled) {
    out.denial = Denial::disabled;
    return out;
  }
  bool scoped_grant = false;
  for (Role role : user.roles) {
    if (!role_grants(role, action, resource)) continue;
    if (!jurisdiction_scoped(role, resource)) {
      // An unscoped grant (a viewer who is also an inspector) is not narrowed by the other.
      out.allowed = true;
      out.denial = Denial::none;
      return out;
    }
    scoped_grant = true;
  }
  if (!scoped_grant) return out;  // Denial::role
  // Only scoped grants apply. Without a declared field no value can be compared: refuse (an
  // inspector then sees nothing scoped rather than everything; docs/accounts.md).
  if (!target.field) {
    out.denial = Denial::no_jurisdiction_field;
    return out;
  }
  if (!target.jurisdiction) {
    out.allowed = true;
    out.denial = Denial::none;
    out.limit_to = user.jurisdictions;
    return out;
  }
  if (target.jurisdiction->empty()) {
    out.denial = Denial::jurisdiction_unknown;
    return out;
  }
  const auto& js = user.jurisdictions;
  if (std::find(js.begin(), js.end(), *target.jurisdiction) == js.end()) {
    out.denial = Denial::outside_jurisdictions;
    return out;
  }
  out.allowed = true;
  out.denial = Denial::none;
  return out;
}

std::string describe(Denial d) {
  switch (d) {
    case Denial::none: return "allowed";
    case Denial::disabled: return "the account is disabled";
    case Denial::role: return "no role of the account allows this";
    case Denial::no_jurisdiction_field:
      return "the ruleset declares no jurisdiction field, so an access limited to jurisdictions is refused";
    case Denial::outside_jurisdictions: return "the object lies outside the jurisdictions assigned to the account";
    case Denial::jurisdiction_unknown: return "the object has no jurisdiction value, so an access limited to "
                                              "jurisdictions is refused";
  }
  return "refused";
}

}  // namespace eco::app
