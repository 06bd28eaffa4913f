#include "engine/screening/decisions.hpp"

#include <algorithm>
#include <unordered_map>

namespace eco::engine::screening {

namespace {

using dsl::model::Severity;
using dsl::model::Verdict;

std::string describe(const dsl::model::Schema& schema, const std::string& missing) {
  const auto* f = schema.find_field_path(missing);
  return f ? f->description : "";
}

}  // namespace

std::vector<ApplicationDecision> decide(const dsl::model::Schema& schema, const std::vector<Finding>& findings,
                                        const std::vector<DecisionInput>& applications) {
  std::unordered_map<std::string, std::size_t> index;
  std::vector<ApplicationDecision> out;
  out.reserve(applications.size());
  for (const auto& a : applications) {
    index.emplace(a.application_id, out.size());
    ApplicationDecision d;
    d.application_id = a.application_id;
    d.project_name = a.project_name;
    out.push_back(std::move(d));
  }
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    auto it = index.find(f.screened.key);
    if (f.screened.key.empty() || it == index.end()) continue;
    ApplicationDecision& d = out[it->second];
    switch (f.verdict) {
      case Verdict::violation:
        // A prohibition breached rejects; what the plan only flags for review (advice) is a
        // condition of the approval, never a rejection.
        (f.severity == Severity::advice ? d.conditions : d.reasons).push_back(i);
        break;
      case Verdict::advice: d.conditions.push_back(i); break;
      case Verdict::error:  // not evaluated to the end: as undecided as an unknown
        d.unknowns.push_back(i);
        break;
      case Verdict::unknown:
        d.unknowns.push_back(i);
        for (const auto& m : f.missing) {
          auto doc = std::find_if(d.documents.begin(), d.documents.end(), [&](const DocumentRequest& r) { return r.field == m; });
          if (doc == d.documents.end()) {
            d.documents.push_back({m, describe(schema, m), {}});
            doc = d.documents.end() - 1;
          }
          if (std::find(doc->rules.begin(), doc->rules.end(), f.rule) == doc->rules.end()) doc->rules.push_back(f.rule);
        }
        break;
      default: break;  // pass, not_applicable, waived, and the dated verdicts do not decide a screening
    }
  }
  for (auto& d : out)
    d.decision = !d.reasons.empty()                                  ? Decision::reject
                 : !d.unknowns.empty() || !d.conditions.empty() ? Decision::conditional
                                                                     : Decision::approve;
  return out;
}

}  // namespace eco::engine::screening
