#pragma once
// Screening decisions: from the findings about each application to approve / conditional /
// reject (engine/findings/finding.hpp states the rule), with the reasons, the conditions and
// the documents the permit officer must request.
#include <string>
#include <vector>

#include "dsl/model/ruleset.hpp"
#include "engine/findings/finding.hpp"

namespace eco::engine::screening {

struct DecisionInput {
  std::string application_id;
  std::string project_name;  // shown with the decision; may be empty
};

// One decision per entry of `applications`, in that order. A finding belongs to an
// application when its application_id is the application's key. A document to request is a
// field named in an unknown finding's `missing` list ("record.field"), described from the
// schema, listed once with every rule that needs it, in order of first appearance.
std::vector<ApplicationDecision> decide(const dsl::model::Schema& schema, const std::vector<Finding>& findings,
                                        const std::vector<DecisionInput>& applications);

}  // namespace eco::engine::screening
