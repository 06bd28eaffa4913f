#pragma once
// The findings JSON document (schema: reports/json/findings.schema.json, "version": 1):
//   {"version": 1, "run": {...}, "findings": [...], "resolved": [...], "decisions": [...]}
// `resolved` lists the previous sweep's findings that a recorded sweep no longer has.
// Deterministic: the same run and findings give identical bytes apart from run.generated_at.
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "engine/findings/finding.hpp"

namespace eco::reports {

inline constexpr int kFindingsJsonVersion = 1;

// Writes the document while its findings arrive, in pieces: the head (version and run) at
// construction, each piece's findings as they are added, then the members after the findings
// (resolved, decisions) and the final newline at finish(). The bytes are those of
// write_findings_json for the concatenated pieces, however they are split. `out` must outlive
// the writer; the writer holds at most 1 MiB of text, never the findings.
class FindingsJsonWriter {
 public:
  FindingsJsonWriter(std::ostream& out, const engine::RunInfo& run);
  ~FindingsJsonWriter();
  FindingsJsonWriter(const FindingsJsonWriter&) = delete;
  FindingsJsonWriter& operator=(const FindingsJsonWriter&) = delete;

  void add(const engine::Finding& finding);
  void add(const std::vector<engine::Finding>& piece);
  // Findings added so far.
  std::size_t count() const { return count_; }
  // Ends the document. `decisions` (screening) refer to findings by their index in the order
  // they were added. Call once; nothing may be added after it.
  void finish(const std::vector<engine::ResolvedFinding>& resolved = {},
              const std::vector<engine::ApplicationDecision>& decisions = {});

 private:
  std::ostream& os_;
  std::string buf_;
  std::size_t count_ = 0;
};

// Writes the whole document to `out`, pretty-printed with two-space indentation and a final
// newline, one finding at a time (memory does not grow with the number of findings).
// `decisions` (screening) refer to findings by their index in `findings`.
void write_findings_json(std::ostream& out, const engine::RunInfo& run, const std::vector<engine::Finding>& findings,
                         const std::vector<engine::ResolvedFinding>& resolved = {},
                         const std::vector<engine::ApplicationDecision>& decisions = {});

// The same document as a string.
std::string findings_json(const engine::RunInfo& run, const std::vector<engine::Finding>& findings,
                          const std::vector<engine::ResolvedFinding>& resolved = {},
                          const std::vector<engine::ApplicationDecision>& decisions = {});

}  // namespace eco::reports
