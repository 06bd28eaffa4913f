// app/authorization: the role × resource × action matrix, every cell pinned by the table below
// (a change of a grant in app/authorization.cpp fails here, naming the cell), and authorize():
// disabled accounts, an inspector's jurisdictions, a ruleset that declares no jurisdiction field.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "app/authorization.hpp"
#include "app/ruleset.hpp"

namespace {

using namespace eco::app;

// The expected matrix: per role, resource=letters (v view, e edit, r run, a approve, x export),
// '*' when the grant holds only inside the user's jurisdictions. A resource not named: nothing.
// docs/accounts.md shows the same table; change the three together.
const std::map<std::string, std::string> kExpected = {
    {"administrator",
     "dashboard=v sweep=vr schedule=ve import_batch=ver ruleset=v parameter=v user=ve audit_trail=vx draw=vr"},
    {"rule_author",
     "dashboard=v enterprise=v finding=vx sweep=v waiver=va ruleset=ve parameter=ve draft_impact=vr draw=v"},
    {"inspector",
     "dashboard=v* enterprise=v* inspection_record=ve* finding=vx* waiver=ve* ruleset=v parameter=v draw=v "
     "enforcement_action=ve*"},
    {"permit_officer", "dashboard=v enterprise=v screening=verx ruleset=v parameter=v"},
    {"viewer",
     "dashboard=v enterprise=v inspection_record=v finding=vx sweep=v screening=v waiver=v ruleset=v parameter=v "
     "draw=v enforcement_action=v"},
};

char letter(Action a) {
  switch (a) {
    case Action::view: return 'v';
    case Action::edit: return 'e';
    case Action::run: return 'r';
    case Action::approve: return 'a';
    case Action::export_: return 'x';
  }
  return '?';
}

TEST(Authorization, EveryCellOfTheMatrixIsAsDocumented) {
  std::size_t cells = 0, granted = 0;
  for (Role role : kAllRoles) {
    const auto row = kExpected.find(std::string(to_string(role)));
    ASSERT_NE(row, kExpected.end()) << to_string(role);
    std::map<std::string, std::string> expected;
    std::istringstream in(row->second);
    for (std::string item; in >> item;) {
      const auto eq = item.find('=');
      ASSERT_TRUE(parse_resource(item.substr(0, eq))) << "unknown resource in the expected table: " << item;
      expected[item.substr(0, eq)] = item.substr(eq + 1);
    }
    for (Resource resource : kAllResources) {
      const std::string cell = expected[std::string(to_string(resource))];
      for (Action action : kAllActions) {
        ++cells;
        const bool want = cell.find(letter(action)) != std::string::npos;
        granted += want;
        EXPECT_EQ(role_grants(role, action, resource), want)
            << to_string(role) << " × " << to_string(resource) << " × " << to_string(action);
      }
      EXPECT_EQ(jurisdiction_scoped(role, resource), cell.find('*') != std::string::npos)
          << to_string(role) << " × " << to_string(resource) << ": limited to jurisdictions";
    }
  }
  EXPECT_EQ(cells, 5u * 16u * 5u);
  EXPECT_EQ(granted, 63u);  // the table above, counted: a stray grant changes it
}

TEST(Authorization, NamesRoundTripAndUnknownNamesAreRefused) {
  for (Role r : kAllRoles) EXPECT_EQ(parse_role(to_string(r)), r);
  for (Resource r : kAllResources) EXPECT_EQ(parse_resource(to_string(r)), r);
  for (Action a : kAllActions) EXPECT_EQ(parse_action(to_string(a)), a);
  EXPECT_FALSE(parse_role("admin"));
  EXPECT_FALSE(parse_role("Administrator"));
  EXPECT_FALSE(parse_role(""));
  EXPECT_FALSE(parse_resource("users"));
  EXPECT_FALSE(parse_action("delete"));
  EXPECT_EQ(to_string(Action::export_), "export");
}

const Target kCounty{JurisdictionField{"enterprise", "county"}, std::nullopt};
Target object_in(std::string county) { return {JurisdictionField{"enterprise", "county"}, std::move(county)}; }

TEST(Authorization, InspectorSeesOnlyTheirJurisdictions) {
  const Principal insp{"li", {Role::inspector}, {"榆次区", "太谷区"}, false};
  auto own = authorize(insp, Action::view, Resource::enterprise, object_in("榆次区"));
  EXPECT_TRUE(own.allowed);
  EXPECT_FALSE(own.limit_to);
  auto other = authorize(insp, Action::view, Resource::enterprise, object_in("平遥县"));
  EXPECT_FALSE(other.allowed);
  EXPECT_EQ(other.denial, Denial::outside_jurisdictions);
  auto blank = authorize(insp, Action::view, Resource::enterprise, object_in(""));
  EXPECT_FALSE(blank.allowed);
  EXPECT_EQ(blank.denial, Denial::jurisdiction_unknown);
  // A list: allowed, limited to the inspector's values.
  auto list = authorize(insp, Action::view, Resource::finding, kCounty);
  ASSERT_TRUE(list.allowed);
  ASSERT_TRUE(list.limit_to);
  EXPECT_EQ(*list.limit_to, (std::vector<std::string>{"榆次区", "太谷区"}));
  // Unscoped grants of the same role are not limited.
  auto rules = authorize(insp, Action::view, Resource::ruleset, kCounty);
  EXPECT_TRUE(rules.allowed);
  EXPECT_FALSE(rules.limit_to);
  // What the role does not grant stays refused, in or out of the jurisdictions.
  auto approve = authorize(insp, Action::approve, Resource::waiver, object_in("榆次区"));
  EXPECT_FALSE(approve.allowed);
  EXPECT_EQ(approve.denial, Denial::role);
}

TEST(Authorization, WithoutADeclaredJurisdictionFieldScopedAccessIsRefused) {
  const Principal insp{"li", {Role::inspector}, {"榆次区"}, false};
  const Target none{std::nullopt, std::string("榆次区")};
  auto one = authorize(insp, Action::view, Resource::enterprise, none);
  EXPECT_FALSE(one.allowed);
  EXPECT_EQ(one.denial, Denial::no_jurisdiction_field);
  auto list = authorize(insp, Action::view, Resource::dashboard, {});
  EXPECT_FALSE(list.allowed);
  EXPECT_EQ(list.denial, Denial::no_jurisdiction_field);
  // Unscoped grants do not depend on the field.
  EXPECT_TRUE(authorize(insp, Action::view, Resource::parameter, {}).allowed);
  // A viewer's view of enterprises is unscoped: unaffected.
  const Principal viewer{"wang", {Role::viewer}, {}, false};
  EXPECT_TRUE(authorize(viewer, Action::view, Resource::enterprise, {}).allowed);
}

TEST(Authorization, NoJurisdictionFieldIsGuessedFromTheSchemasNames) {
  // The fixture's enterprise has a county field; without a declaration it is not the
  // jurisdiction (docs/accounts.md): scoped access stays refused rather than scoped by a guess.
  eco::dsl::model::Schema schema;
  eco::dsl::model::RecordType enterprise;
  enterprise.name = "enterprise";
  eco::dsl::model::Field county;
  county.name = "county";
  enterprise.fields.push_back(county);
  schema.records.push_back(enterprise);
  EXPECT_FALSE(declared_jurisdiction(schema));
}

TEST(Authorization, AnUnscopedRoleWinsOverAScopedOne) {
  const Principal both{"zhao", {Role::inspector, Role::viewer}, {"榆次区"}, false};
  auto r = authorize(both, Action::view, Resource::enterprise, object_in("平遥县"));
  EXPECT_TRUE(r.allowed);
  EXPECT_FALSE(r.limit_to);
  // Editing inspection records is the inspector's alone: still limited.
  EXPECT_FALSE(authorize(both, Action::edit, Resource::inspection_record, object_in("平遥县")).allowed);
  EXPECT_TRUE(authorize(both, Action::edit, Resource::inspection_record, object_in("榆次区")).allowed);
}

TEST(Authorization, DisabledAccountsAndAccountsWithoutRolesMayDoNothing) {
  Principal admin{"root", {Role::administrator}, {}, false};
  EXPECT_TRUE(authorize(admin, Action::edit, Resource::user).allowed);
  admin.disabled = true;
  for (Resource res : kAllResources)
    for (Action act : kAllActions) {
      auto r = authorize(admin, act, res, kCounty);
      EXPECT_FALSE(r.allowed);
      EXPECT_EQ(r.denial, Denial::disabled);
    }
  const Principal nobody{"nobody", {}, {}, false};
  for (Resource res : kAllResources)
    for (Action act : kAllActions) EXPECT_FALSE(authorize(nobody, act, res, kCounty).allowed);
}

TEST(Authorization, EveryDenialIsDescribed) {
  for (Denial d : {Denial::none, Denial::disabled, Denial::role, Denial::no_jurisdiction_field,
                   Denial::outside_jurisdictions, Denial::jurisdiction_unknown})
    EXPECT_FALSE(describe(d).empty());
}

}  // namespace

TEST(Authorization, TheJurisdictionFieldIsTheOneTheRulesetDeclares) {
  // Jinzhong declares `role jurisdiction` on enterprise.county (rulesets/jinzhong/schema).
  eco::dsl::SourceManager sm;
  auto checked = eco::app::load_checked_ruleset(std::string(ECOAUDIT_SOURCE_DIR) + "/rulesets/jinzhong", sm);
  ASSERT_TRUE(checked.ruleset) << checked.errors;
  auto field = declared_jurisdiction(checked.ruleset->schema);
  ASSERT_TRUE(field);
  EXPECT_EQ(field->record, "enterprise");
  EXPECT_EQ(field->field, "county");

  // The declaration is read from the roles, whatever the field is called.
  eco::dsl::model::Schema schema;
  eco::dsl::model::RecordType firm;
  firm.name = "firm";
  for (const char* n : {"code", "district"}) {
    eco::dsl::model::Field f;
    f.name = n;
    firm.fields.push_back(f);
  }
  schema.records.push_back(firm);
  schema.roles.owner = 0;
  EXPECT_FALSE(declared_jurisdiction(schema));  // an owner, no declared field
  schema.roles.owner_jurisdiction = 1;
  field = declared_jurisdiction(schema);
  ASSERT_TRUE(field);
  EXPECT_EQ(field->record, "firm");
  EXPECT_EQ(field->field, "district");
}
