#pragma once
// Internal to engine/eval: the finding builder. Once the verdict of a (rule, subject) pair is
// decided (verdict.hpp), it writes what the finding says: the messages in Chinese and English
// (the rule's own words, or what could not be decided and what to verify, in the words of the
// catalog, engine/findings/words.hpp), the evidence (every
// field the decision read, with its provenance), the requirement's comparisons with their
// values, and the `--explain` trace.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dsl/cel/program.hpp"
#include "dsl/model/ruleset.hpp"
#include "engine/eval/rule_program.hpp"
#include "engine/findings/finding.hpp"
#include "engine/snapshot/snapshot.hpp"

namespace eco::engine::build {

// Logs every field the evaluation reads so that a finding can show its evidence. Only used
// when re-evaluating a subject whose verdict needs explaining, never on the fast path.
class RecordingAccessor final : public dsl::cel::RecordAccessor {
 public:
  explicit RecordingAccessor(const Snapshot& s) : s_(s) {}
  const dsl::model::Schema& schema() const override { return s_.schema(); }
  bool field(std::uint32_t record, std::uint64_t row, std::uint32_t field, dsl::cel::Value& out) const override {
    reads.push_back({record, static_cast<std::uint32_t>(row), field});
    return s_.field(record, row, field, out);
  }
  bool navigate(std::uint32_t record, std::uint64_t row, std::uint32_t field, dsl::cel::Value& out) const override {
    reads.push_back({record, static_cast<std::uint32_t>(row), field});
    return s_.navigate(record, row, field, out);
  }
  std::span<const std::uint32_t> reverse(std::uint32_t record, std::uint64_t row, std::uint32_t idx) const override {
    return s_.reverse(record, row, idx);
  }
  struct Read {
    std::uint32_t record, row, field;
    auto operator<=>(const Read&) const = default;
  };
  mutable std::vector<Read> reads;

 private:
  const Snapshot& s_;
};

// The most bytes of one rendered message (or evidence value): beyond, the finding is `error`.
inline constexpr std::size_t kMaxMessageBytes = 64u << 10;
inline constexpr const char* kLimitMessage = "a message longer than 64 KiB";

// Where a rendered value is shown: as data (evidence, comparisons, traces, parameters: CEL's
// spelling) or inside a message of one language, which reads it aloud: an enum value by its
// schema label in Chinese (the label of coking, not `coking`), a boolean by the words of the
// catalog (engine/findings/words.json).
enum class Shown : std::uint8_t { as_data, in_zh, in_en };

// Renders a value the way messages and evidence show it to people.
std::string render(const dsl::cel::Value& v, const Snapshot* snap, Shown shown = Shown::as_data);

// What made a clause undecidable: missing fields (and their `verify` reasons), declared
// reasons, the first error.
struct Collected {
  std::vector<std::string> missing;
  std::vector<Reason> reasons;
  std::string error;
  bool no_data = false;  // the error is an aggregate over no records (nothing to decide on)
  dsl::cel::ErrorCode code = dsl::cel::ErrorCode::generic;
  // The clause whose evaluation failed with `error` (to locate the failing expression).
  const char* clause = nullptr;
  const dsl::model::CheckedExpr* clause_expr = nullptr;
};

// Adds what `v` (an unknown or error value; other values add nothing) says is missing or wrong.
void collect(const dsl::cel::Value& v, const dsl::model::Schema& s, Collected& out);

// Names and paths evidence repeats, allocated once per evaluation and shared by every finding.
struct EvidenceNames {
  explicit EvidenceNames(const Snapshot& snap);
  std::vector<SharedText> records, files;
  std::vector<std::vector<SharedText>> fields;
};

using RuleProgram = CompiledRuleset::RuleProgram;

// The trace of every clause of the rule (lets, when, unknown_when, deadline, require, met_on)
// evaluated under `act`, into f.trace.
void add_trace(Finding& f, const RuleProgram& rp, dsl::cel::Activation& act, const Snapshot& snap);

// Moves `why` into the finding (missing fields sorted, the error, the reasons) and writes its
// messages: an evaluation limit's words, the reason of the unknown_when that held (its index,
// or -1), pass / not-applicable words, what an unknown could not decide, or the rule's message
// (its own per-verdict wording first). A message over kMaxMessageBytes, or a limit met while
// rendering, makes the finding `error`.
void write_messages(Finding& f, const RuleProgram& rp, Collected& why, int reason, dsl::cel::Activation& act,
                    const Snapshot& snap);

// The requirement's comparisons with their operands' values (cut at 1,000 bytes), into f.conditions.
void add_conditions(Finding& f, const RuleProgram& rp, dsl::cel::Activation& act, const Snapshot& snap);

// Every field `rec` recorded as read, once, in (record, row, field) order, into f.evidence.
void add_evidence(Finding& f, const RecordingAccessor& rec, const Snapshot& snap, const EvidenceNames& names);

}  // namespace eco::engine::build
