#pragma once
// Internal to engine/eval: a rule compiled once (CompiledRuleset::RuleProgram) — the programs
// of its clauses, lets, messages, unknown_when reasons and requirement comparisons over one
// Env whose slots hold the bindings, parameters and the evaluation date. Read by the evaluator
// (evaluator.cpp) and the finding builder (finding_builder.cpp).
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dsl/cel/program.hpp"
#include "dsl/model/ruleset.hpp"
#include "engine/eval/evaluator.hpp"

namespace eco::engine {

struct CompiledRuleset::RuleProgram {
  const dsl::model::Rule* rule = nullptr;
  dsl::cel::Env env;
  std::vector<std::uint32_t> binding_slots;
  std::vector<std::unique_ptr<dsl::cel::Program>> binding_sources;  // null for the first binding
  std::vector<std::uint32_t> param_slots;                      // per Ruleset::params index
  std::optional<std::uint32_t> as_of_slot;                     // the evaluation date, unless a param shadows it
  std::unique_ptr<dsl::cel::Program> when, deadline, require, met_on;
  std::vector<std::pair<std::uint32_t, std::unique_ptr<dsl::cel::Program>>> lets;  // (slot, value), in order
  struct Part {
    std::string text;
    std::unique_ptr<dsl::cel::Program> expr;
  };
  std::vector<Part> message_zh, message_en;
  // `message VERDICT [zh|en]`: that verdict's own wording, per language (unset: the default).
  struct Wording {
    std::vector<Part> zh, en;
    bool has_zh = false, has_en = false;
  };
  std::array<Wording, dsl::model::kVerdictCount> by_verdict;
  // unknown_when COND "reason": in order.
  struct UnknownWhen {
    std::unique_ptr<dsl::cel::Program> cond;
    std::vector<Part> zh, en;
    bool has_en = false;
  };
  std::vector<UnknownWhen> unknown_when;
  // The requirement's comparisons outside macros, compiled on their own for explanations.
  struct Comparison {
    std::string text, left_text, op, right_text;
    std::unique_ptr<dsl::cel::Program> whole, left, right;
  };
  std::vector<Comparison> comparisons;
  std::vector<std::uint32_t> owner_path;  // ref fields from the subject to the owner record
  bool subject_is_owner = false;
  std::size_t slots = 0;

  explicit RuleProgram(const dsl::model::Schema& schema) : env(&schema) {}
};

struct CompiledRuleset::ParamHistory {
  std::vector<std::vector<dsl::cel::DatedEntry>> entries;  // by Ruleset::params index
};

}  // namespace eco::engine
