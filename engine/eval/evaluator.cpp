#include "engine/eval/evaluator.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "dsl/cel/program.hpp"
#include "engine/eval/columnar.hpp"
#include "engine/eval/finding_builder.hpp"
#include "engine/eval/rule_program.hpp"
#include "engine/eval/schedule.hpp"
#include "engine/eval/verdict.hpp"
#include "engine/eval/waivers.hpp"

namespace eco::engine {

namespace cel = dsl::cel;
namespace model = dsl::model;
using model::Verdict;

cel::Value evaluate_constant(const model::CheckedExpr& e) {
  cel::Env env;
  auto program = cel::compile(e, env);
  auto act = program->activation();
  return cel::to_owned(program->evaluate(act));  // the program dies here
}

namespace {

const char* comparison_op(std::string_view f) {
  static const std::pair<std::string_view, const char*> ops[] = {{"_<_", "<"},   {"_<=_", "<="}, {"_>_", ">"},
                                                                 {"_>=_", ">="}, {"_==_", "=="}, {"_!=_", "!="},
                                                                 {"@in", "in"}};
  for (const auto& [name, op] : ops)
    if (name == f) return op;
  return nullptr;
}

// Walks the boolean structure of a requirement (&&, ||, !, ?:) and compiles each comparison
// and its operands. Comprehension bodies are not entered: their variables are bound only
// inside the macro.
void collect_comparisons(const dsl::ast::Expr& e, const model::CheckedExpr& checked, const cel::Env& env,
                         std::vector<CompiledRuleset::RuleProgram::Comparison>& out) {
  const auto* c = e.as<dsl::ast::Call>();
  if (!c || out.size() >= 16) return;
  if (const char* op = comparison_op(c->function); op && c->args.size() == 2) {
    cel::CompileOptions o;
    o.refs = &checked.refs;
    out.push_back({dsl::ast::to_cel(e), dsl::ast::to_cel(c->args[0]), op, dsl::ast::to_cel(c->args[1]),
                   cel::compile(e, env, o), cel::compile(c->args[0], env, o), cel::compile(c->args[1], env, o)});
    return;
  }
  if (c->function == "_&&_" || c->function == "_||_" || c->function == "!_" || c->function == "_?_:_")
    for (const auto& a : c->args) collect_comparisons(a, checked, env, out);
}

}  // namespace

namespace {
cel::Value as_enum_values(const cel::Value& v, const model::Type& t, const model::Schema& s);
}  // namespace

CompiledRuleset::CompiledRuleset(const model::Ruleset& ruleset)
    : ruleset_(&ruleset), history_(std::make_unique<ParamHistory>()) {
  const model::Schema& schema = ruleset.schema;
  // The entries of dated parameters, evaluated once: param_at(P, DATE) reads them.
  for (const auto& p : ruleset.params) history_->entries.push_back(parameter_history(p, schema));
  for (const model::Rule& rule : ruleset.rules) {
    auto rp = std::make_unique<RuleProgram>(schema);
    rp->env.set_param_history(&history_->entries);
    rp->env.set_ruleset(&ruleset);
    rp->rule = &rule;
    for (const auto& b : rule.bindings) rp->binding_slots.push_back(rp->env.declare_record(b.var, b.record));
    for (const auto& p : ruleset.params) rp->param_slots.push_back(rp->env.declare(p.name));
    if (!ruleset.find_param(std::string(model::kEvaluationDateName)))
      rp->as_of_slot = rp->env.declare(model::kEvaluationDateName);
    for (const auto& l : rule.lets) rp->lets.emplace_back(rp->env.declare(l.name), nullptr);
    for (std::size_t i = 0; i < rule.lets.size(); ++i) rp->lets[i].second = cel::compile(rule.lets[i].value, rp->env);
    for (const auto& b : rule.bindings)
      rp->binding_sources.push_back(b.source ? cel::compile(*b.source, rp->env, /*guards=*/false) : nullptr);
    if (rule.when) rp->when = cel::compile(*rule.when, rp->env);
    if (rule.deadline) rp->deadline = cel::compile(*rule.deadline, rp->env);
    rp->require = cel::compile(rule.require, rp->env);
    if (rule.met_on) rp->met_on = cel::compile(*rule.met_on, rp->env);
    auto compile_parts = [&](const model::Message& m, std::vector<RuleProgram::Part>& parts) {
      parts.clear();
      for (const auto& part : m.parts)
        parts.push_back({part.text, part.expr ? cel::compile(*part.expr, rp->env) : nullptr});
    };
    for (const auto& m : rule.messages) {
      if (m.verdict) {
        auto& w = rp->by_verdict[static_cast<std::size_t>(*m.verdict)];
        const bool en = m.lang == "en";
        compile_parts(m, en ? w.en : w.zh);
        (en ? w.has_en : w.has_zh) = true;
      } else {
        compile_parts(m, m.lang == "en" ? rp->message_en : rp->message_zh);
      }
    }
    for (const auto& u : rule.unknown_when) {
      RuleProgram::UnknownWhen uw;
      uw.cond = cel::compile(u.cond, rp->env);
      compile_parts(u.zh, uw.zh);
      if (u.en) compile_parts(*u.en, uw.en), uw.has_en = true;
      rp->unknown_when.push_back(std::move(uw));
    }
    collect_comparisons(rule.require.expr, rule.require, rp->env, rp->comparisons);
    std::size_t slots = rp->require->slot_count();
    for (auto* p : {rp->when.get(), rp->deadline.get(), rp->met_on.get()})
      if (p) slots = std::max(slots, p->slot_count());
    for (const auto& [slot, p] : rp->lets) slots = std::max({slots, p->slot_count(), std::size_t{slot} + 1});
    for (const auto& p : rp->binding_sources)
      if (p) slots = std::max(slots, p->slot_count());
    for (const auto& c : rp->comparisons)
      for (auto* p : {c.whole.get(), c.left.get(), c.right.get()}) slots = std::max(slots, p->slot_count());
    std::vector<const std::vector<RuleProgram::Part>*> all_parts{&rp->message_zh, &rp->message_en};
    for (const auto& w : rp->by_verdict) all_parts.insert(all_parts.end(), {&w.zh, &w.en});
    for (const auto& u : rp->unknown_when) {
      slots = std::max(slots, u.cond->slot_count());
      all_parts.insert(all_parts.end(), {&u.zh, &u.en});
    }
    for (const auto* parts : all_parts)
      for (const auto& part : *parts)
        if (part.expr) slots = std::max(slots, part.expr->slot_count());
    rp->slots = slots;
    rules_.push_back(std::move(rp));
  }
}

CompiledRuleset::~CompiledRuleset() = default;

namespace {

// Finds the chain of reference fields leading from `from` to `owner` (breadth first, short
// chains only: facility -> enterprise, permit_limit -> permit -> enterprise).
std::optional<std::vector<std::uint32_t>> owner_path(const model::Schema& s, std::uint32_t from, std::uint32_t owner) {
  struct Item {
    std::uint32_t record;
    std::vector<std::uint32_t> path;
  };
  std::vector<Item> frontier{{from, {}}};
  for (int depth = 0; depth < 4; ++depth) {
    std::vector<Item> next;
    for (const auto& it : frontier) {
      const auto& rt = s.records[it.record];
      for (std::uint32_t f = 0; f < rt.fields.size(); ++f) {
        if (!rt.fields[f].ref) continue;
        auto p = it.path;
        p.push_back(f);
        if (rt.fields[f].ref->target == owner) return p;
        next.push_back({rt.fields[f].ref->target, std::move(p)});
      }
    }
    frontier = std::move(next);
  }
  return std::nullopt;
}

// A parameter of an enum type (or a list of one) holds enum values, not plain strings, so that
// a Chinese message shows their labels: `{coking_industries}` reads 焦化, 钢铁.
cel::Value as_enum_values(const cel::Value& v, const model::Type& t, const model::Schema& s) {
  if (t.is(model::Kind::enum_) && t.enum_type && v.is(cel::ValueKind::string)) {
    // The name views the schema's own spelling, which outlives every evaluation.
    const int i = t.enum_type->find(v.text());
    if (i < 0) return v;
    return cel::Value::enumeration(static_cast<std::uint16_t>(t.enum_type - s.enums.data()),
                                   t.enum_type->values[static_cast<std::size_t>(i)].name);
  }
  if (t.is(model::Kind::list) && !t.params.empty() && t.params[0].is(model::Kind::enum_) && v.is(cel::ValueKind::list)) {
    std::vector<cel::Value> items;
    for (std::size_t i = 0; i < v.list_size(); ++i) items.push_back(as_enum_values(v.list_at(i), t.params[0], s));
    return cel::Value::list(std::move(items));
  }
  return v;
}

}  // namespace

std::vector<cel::DatedEntry> parameter_history(const model::Param& p, const model::Schema& schema) {
  std::vector<cel::DatedEntry> h;
  if (p.dated)
    for (const auto& e : p.entries)
      h.push_back({e.from.value_or(dsl::Date{}), as_enum_values(evaluate_constant(e.value), p.type, schema)});
  return h;
}

cel::Value parameter_value(const model::Param& p, dsl::Date on, const model::Schema& schema) {
  if (p.dated) return cel::value_at(parameter_history(p, schema), on, p.name);
  if (p.entries.empty()) return cel::Value();
  return as_enum_values(evaluate_constant(p.entries[0].value), p.type, schema);
}

std::vector<Finding> CompiledRuleset::evaluate(const Snapshot& snap, const EvalOptions& opt) const {
  std::vector<Finding> all;
  evaluate(snap, opt, [&](std::vector<Finding>& piece) {
    if (all.empty()) all = std::move(piece);
    else all.insert(all.end(), std::make_move_iterator(piece.begin()), std::make_move_iterator(piece.end()));
  });
  return all;
}

namespace {

using RuleProgram = CompiledRuleset::RuleProgram;
using Counts = std::array<std::uint64_t, model::kVerdictCount>;
using PlanRows = std::array<std::uint64_t, 2>;  // rows a plan decided, rows it left to the tree

// What every rule of one evaluation shares: the snapshot, the options, the parameter values
// in force on the evaluation date, the records findings belong to, the scope, the waivers.
struct Run {
  Run(const model::Ruleset& rs, const Snapshot& snap, const EvalOptions& opt);

  // The chain of references from a subject record to `target` (empty: it is the target).
  std::optional<std::vector<std::uint32_t>> path_to(std::uint32_t from, const model::RecordType* target) const {
    if (!target) return std::nullopt;
    if (target->index == from) return std::vector<std::uint32_t>{};
    return owner_path(schema, from, target->index);
  }
  // Follows a chain from a row: the row of the record it leads to, or -1 (a missing reference).
  std::int64_t follow(std::uint32_t rec, std::int64_t row, const std::vector<std::uint32_t>& path) const {
    for (std::uint32_t field : path) {
      const auto& nav = snap.table(rec).nav[field];
      row = nav.empty() ? -1 : nav[static_cast<std::size_t>(row)];
      if (row < 0) return row;
      rec = schema.records[rec].fields[field].ref->target;
    }
    return row;
  }
  // An activation with the rule's parameters and the evaluation date bound.
  cel::Activation activation(const RuleProgram& rp) const {
    cel::Activation act;
    act.slots.resize(std::max<std::size_t>(rp.slots, rp.env.size()));
    act.records = &snap;
    for (std::size_t i = 0; i < rp.param_slots.size(); ++i) act.slots[rp.param_slots[i]] = param_values[i];
    if (rp.as_of_slot) act.slots[*rp.as_of_slot] = cel::Value::date(opt.as_of);
    return act;
  }

  const Snapshot& snap;
  const EvalOptions& opt;
  const model::Schema& schema;
  std::vector<cel::Value> param_values;
  std::vector<ParamUse> param_uses;
  const model::RecordType* owner = nullptr;
  const model::RecordType* application = nullptr;
  const model::RecordType* scope = nullptr;
  bool scope_missing = false;   // a scope naming a record type the schema lacks: nothing to do
  std::vector<bool> in_scope;   // rows of the scope record the evaluation is limited to
  std::vector<std::uint32_t> scope_rows;  // the same, ascending
  WaiverIndex waivers;          // by subject key: a finding looks only at its subject's
  build::EvidenceNames names;
};

Run::Run(const model::Ruleset& rs, const Snapshot& s, const EvalOptions& o)
    : snap(s), opt(o), schema(rs.schema), names(s) {
  // Parameter values in force on the evaluation date, computed once per run.
  for (const auto& p : rs.params) {
    ParamUse use{p.name, "", "", model::Confidence::high};
    if (p.dated) {
      for (const auto& e : p.entries)
        if (e.from && *e.from <= opt.as_of) {
          use.source = e.source;
          use.confidence = e.confidence;
        }
    } else if (!p.entries.empty()) {
      use.source = p.entries[0].source;
      use.confidence = p.entries[0].confidence;
    }
    cel::Value v = parameter_value(p, opt.as_of, schema);
    use.value = build::render(v, nullptr);
    param_values.push_back(std::move(v));
    param_uses.push_back(std::move(use));
  }
  owner = schema.owner();
  application = opt.screened_record.empty() ? schema.screened() : schema.find_record(opt.screened_record);
  if (opt.scope) {
    scope = schema.find_record(opt.scope->record);
    if (!scope) {
      scope_missing = true;
      return;
    }
    in_scope.assign(snap.rows(scope->index), false);
    for (const auto& k : opt.scope->keys)
      if (auto row = snap.find(scope->index, k)) in_scope[*row] = true;
    for (std::uint32_t r = 0; r < in_scope.size(); ++r)
      if (in_scope[r]) scope_rows.push_back(r);
  }
  waivers = WaiverIndex::from_snapshot(snap);
}

// One rule evaluated over its subjects: the verdict of each (verdict.hpp), the findings built
// for those to report (finding_builder.hpp), the columnar plan's blocks and the tree's rows.
// Const and shared by the threads of a piece; each thread has its own activation.
class RuleRun {
 public:
  RuleRun(const Run& run, const RuleProgram& rp);
  bool skipped() const { return run_.opt.scope && !to_scope_; }  // no way to the scope record
  // Evaluates subject rows [begin, end) of the first binding into `out`, `counts`, `plan_rows`.
  void run_range(std::uint32_t begin, std::uint32_t end, std::vector<Finding>& out, Counts& counts,
                 PlanRows& plan_rows) const;

 private:
  struct Subject {
    cel::Activation& act;
    std::vector<Finding>& out;
    Counts& counts;
    PlanRows& plan_rows;
  };
  // Decides the subject bound in `act`; builds its finding (into `out`) when it is to be
  // reported and this is the evaluation to build it (the recording one when evidence is wanted).
  Verdict decide(cel::Activation& act, std::uint32_t subject_row, bool record_evidence, std::vector<Finding>& out) const;
  // The verdict alone; `why` and `reason` say what an unknown could not decide.
  Outcome verdict_of(cel::Activation& act, build::Collected& why, int& reason) const;
  Finding make_finding(cel::Activation& act, const Outcome& d, build::Collected& why, int reason, std::uint32_t subject_row,
                const build::RecordingAccessor* recorder) const;
  // The subject `row` of the last binding, its variables bound: evaluated by the tree.
  void leaf(Subject& s, const model::Binding& binding, std::uint32_t row) const;
  // The outcomes of a block of `n` rows a plan decided: counted, skipped, or evaluated.
  template <class Bind>
  void settle(Subject& s, const columnar::RowOutcome* o, std::uint32_t n, Bind&& bind) const;
  void nested_blocks(Subject& s, std::uint32_t begin, std::uint32_t end, columnar::Workspace& ws) const;
  void single_binding(Subject& s, std::uint32_t begin, std::uint32_t end, columnar::Workspace* ws) const;
  void bindings(Subject& s, std::size_t level, std::uint32_t row) const;

  const Run& run_;
  const RuleProgram& rp_;
  const model::Rule& rule_;
  const std::uint32_t subject_record_;
  std::optional<std::vector<std::uint32_t>> to_owner_, to_application_, to_scope_;
  // What every finding of the rule shares, built once per rule (SharedList).
  SharedList<model::Citation> citations_;
  SharedList<std::string> requirements_;
  SharedList<ParamUse> params_;
  bool unverified_ = false;
  // A scoped rule: the rows of its first binding to visit, ascending, found through the
  // snapshot's index instead of visiting every row. One binding: the subject rows that lead to
  // the scope (the only rows leaf() would not skip). `for x in T  for y in x.children` whose
  // subject leads to the scope through its parent x: the rows of T that lead to the scope (the
  // others have only children that leaf() would skip). Unset: every row is visited.
  std::optional<std::vector<std::uint32_t>> scoped_rows_;
  // The column-at-a-time plan for the rule's `when` and `require` (engine/eval/columnar.hpp):
  // rows it decides are not evaluated one by one unless a finding is to be built for them.
  std::unique_ptr<columnar::ColumnarPlan> plan_;
  Verdict breach_;
};

RuleRun::RuleRun(const Run& run, const RuleProgram& rp)
    : run_(run), rp_(rp), rule_(*rp.rule), subject_record_(rule_.bindings.back().record),
      to_owner_(run.path_to(subject_record_, run.owner)),
      to_application_(run.path_to(subject_record_, run.application)),
      to_scope_(run.path_to(subject_record_, run.scope)),
      citations_(rule_.citations),
      requirements_(rule_.requirements),
      breach_(rule_.severity == model::Severity::advice ? Verdict::advice : Verdict::violation) {
  std::vector<ParamUse> used;
  for (std::uint32_t pi : rule_.params_used) {
    if (pi >= run.param_uses.size()) continue;
    used.push_back(run.param_uses[pi]);
    if (run.param_uses[pi].confidence == model::Confidence::unverified) unverified_ = true;
  }
  params_ = SharedList<ParamUse>(std::move(used));
  // The rows of `record` that lead to the scope along `path`, ascending.
  const auto rows_to_scope = [&](std::uint32_t record, const std::vector<std::uint32_t>& path) {
    if (path.empty()) return run.scope_rows;  // the record is the scope record
    std::vector<std::uint32_t> rows;
    const auto& index = run.snap.rows_by_target(record, path);
    for (std::uint32_t t : run.scope_rows)
      rows.insert(rows.end(), index.rows.begin() + index.offsets[t], index.rows.begin() + index.offsets[t + 1]);
    std::sort(rows.begin(), rows.end());  // several scope rows: back to row order
    return rows;
  };
  if (run.opt.scope && to_scope_ && rule_.bindings.size() == 1) {
    scoped_rows_ = rows_to_scope(subject_record_, *to_scope_);
  } else if (run.opt.scope && to_scope_ && !to_scope_->empty()) {
    // A child y of x holds x's key in the reverse list's field: when the subject's way to the
    // scope is that field, then x's way, y leads to the scope exactly when x does.
    if (const auto rev = columnar::reverse_binding(rule_, run.schema)) {
      const auto& list = run.schema.records[rev->first].reverse_lists[rev->second];
      const auto parent = run.path_to(rev->first, run.scope);
      if (parent && to_scope_->front() == list.child_field && parent->size() + 1 == to_scope_->size() &&
          std::equal(parent->begin(), parent->end(), to_scope_->begin() + 1))
        scoped_rows_ = rows_to_scope(rev->first, *parent);
    }
  }
  // Scoped evaluations (an audit, a screening) have few subjects: the tree alone is faster.
  if (!run.opt.scope && run.opt.columnar) {
    cel::Activation constants = run.activation(rp);
    plan_ = columnar::ColumnarPlan::compile(rule_, rp.env, constants, run.snap);
  }
}

Outcome RuleRun::verdict_of(cel::Activation& act, build::Collected& why, int& reason) const {
  const model::Schema& schema = run_.schema;
  // A condition's outcome; what failed is kept for an unknown finding's words (the clause,
  // then the expression).
  auto note = [&](const cel::Value& v, const char* clause, const model::CheckedExpr* ce) {
    build::collect(v, schema, why);
    if (!why.error.empty() && !why.clause) why.clause = clause, why.clause_expr = ce;
  };
  auto truth = [&](const cel::Value& v, const char* clause, const model::CheckedExpr* ce, const char* not_bool) {
    if (v.is(cel::ValueKind::bool_)) return v.as_bool() ? Truth::yes : Truth::no;
    note(v, clause, ce);
    if (!v.is_error_or_unknown()) why.error = not_bool;
    return Truth::undecidable;
  };
  // Lets first: an error or missing value is kept in the slot and surfaces where it is used.
  act.steps = 0;  // the comprehension step limit is per subject
  act.exceeded = nullptr;
  for (const auto& [slot, p] : rp_.lets) act.slots[slot] = p->evaluate(act);
  Outcome d;
  bool decided = false;
  if (rp_.when) {
    if (auto v = decide_when(truth(rp_.when->evaluate(act), "when", &*rule_.when, "applicability condition is not a bool"))) {
      d.verdict = *v;
      decided = true;
    }
  }
  // unknown_when, in order, where the rule applies: the first that holds (or cannot be
  // decided) makes the verdict unknown.
  for (std::size_t i = 0; !decided && i < rp_.unknown_when.size(); ++i) {
    const Truth t = truth(rp_.unknown_when[i].cond->evaluate(act), "unknown_when", &rule_.unknown_when[i].cond,
                          "unknown_when condition is not a bool");
    if (unknown_when_decides(t)) {
      d.verdict = Verdict::unknown;
      if (t == Truth::yes) reason = static_cast<int>(i);
      decided = true;
    }
  }
  if (!decided) {
    // A deadline that cannot be computed (a missing date) leaves the verdict unknown only
    // when the requirement is not met: a met one passes, as lateness cannot be shown.
    DeadlineValue deadline;
    if (rp_.deadline) {
      cel::Value v = rp_.deadline->evaluate(act);
      if (v.is(cel::ValueKind::date)) {
        deadline = {DeadlineValue::State::date, v.as_date()};
      } else {
        note(v, "deadline", &*rule_.deadline);
        deadline.state = DeadlineValue::State::undecidable;
      }
    }
    const Truth r = truth(rp_.require->evaluate(act), "require", &rule_.require, "requirement is not a bool");
    std::optional<dsl::Date> met;
    if (r == Truth::yes) {
      why = {};
      if (rp_.met_on)
        if (cel::Value m = rp_.met_on->evaluate(act); m.is(cel::ValueKind::date)) met = m.as_date();
    }
    d = decide_requirement(r, deadline, met, run_.opt.as_of, rule_.severity);
  }
  if (act.exceeded) {
    // An evaluation limit was exceeded somewhere (even where && or || absorbed the error):
    // nothing is decided for this subject, and the finding names the limit.
    d = limit_exceeded();
    why = {};
    why.error = fmt::format("evaluation limit exceeded: {}", act.exceeded);
    reason = -1;
  }
  return d;
}

Verdict RuleRun::decide(cel::Activation& act, std::uint32_t subject_row, bool record_evidence,
                        std::vector<Finding>& out) const {
  const EvalOptions& opt = run_.opt;
  std::unique_ptr<build::RecordingAccessor> recorder;
  const cel::RecordAccessor* saved = act.records;
  if (record_evidence) {
    recorder = std::make_unique<build::RecordingAccessor>(run_.snap);
    act.records = recorder.get();
  }
  // The verdict is decided before any Finding exists: most subjects pass, and a Finding (two
  // dozen strings and vectors) built and dropped per subject was a third of a sweep's
  // evaluation time.
  build::Collected why;
  int reason = -1;  // the unknown_when that held
  const Outcome d = verdict_of(act, why, reason);
  act.records = saved;
  const bool passing = d.verdict == Verdict::pass || d.verdict == Verdict::not_applicable;
  if (opt.verdict_counts) return d.verdict;  // counting only: nothing more to build
  if (!record_evidence) {
    // Fast path: a passing subject is dropped here; one that will be reported is built by
    // the caller's second, recording evaluation when evidence is wanted.
    if (passing && !opt.keep_all) return d.verdict;
    if (opt.evidence) return d.verdict;
  }
  out.push_back(make_finding(act, d, why, reason, subject_row, recorder.get()));
  return out.back().verdict;
}

Finding RuleRun::make_finding(cel::Activation& act, const Outcome& d, build::Collected& why, int reason,
                              std::uint32_t subject_row, const build::RecordingAccessor* recorder) const {
  const Snapshot& snap = run_.snap;
  const EvalOptions& opt = run_.opt;
  Finding f;
  f.verdict = d.verdict;
  f.deadline = d.deadline;
  f.met_on = d.met_on;
  f.days_overdue = d.days_overdue;
  f.days_left = d.days_left;
  if (recorder && !opt.trace_subject.empty() && snap.key_of(subject_record_, subject_row) == opt.trace_subject)
    build::add_trace(f, rp_, act, snap);
  f.rule = rule_.id;
  f.title_zh = rule_.title_zh;
  f.title_en = rule_.title_en;
  f.citations = citations_;
  f.requirements = requirements_;
  f.severity = rule_.severity;
  f.subject_record = run_.schema.records[subject_record_].name;
  f.subject_key = snap.key_of(subject_record_, subject_row);
  // The owner: the schema's owner record the subject leads to, or the subject itself when the
  // schema declares none (a ruleset without `role owner` still groups findings by something).
  if (!run_.owner) {
    f.owner = {f.subject_record, f.subject_key};
  } else if (to_owner_) {
    if (auto row = run_.follow(subject_record_, subject_row, *to_owner_); row >= 0)
      f.owner = {run_.owner->name, snap.key_of(run_.owner->index, static_cast<std::uint32_t>(row))};
  }
  if (to_application_)
    if (auto row = run_.follow(subject_record_, subject_row, *to_application_); row >= 0)
      f.screened = {run_.application->name, snap.key_of(run_.application->index, static_cast<std::uint32_t>(row))};
  build::write_messages(f, rp_, why, reason, act, snap);
  f.params = params_;
  f.rests_on_unverified = unverified_;
  if (recorder) {
    build::add_conditions(f, rp_, act, snap);
    build::add_evidence(f, *recorder, snap, run_.names);
  }
  // Waivers: a recorded exemption valid today turns a violation or unknown into waived; an
  // expired one leaves the verdict and says until when it was waived.
  if (f.verdict == Verdict::violation || f.verdict == Verdict::unknown || f.verdict == Verdict::late ||
      f.verdict == Verdict::advice)
    if (auto w = run_.waivers.find(rule_, f.subject_record, f.subject_key, opt.as_of)) {
      if (!w->expired) f.verdict = Verdict::waived;
      f.waiver = std::move(w);
    }
  return f;
}

void RuleRun::leaf(Subject& s, const model::Binding& binding, std::uint32_t row) const {
  const EvalOptions& opt = run_.opt;
  if (to_scope_ && opt.scope) {
    const std::int64_t s_row = run_.follow(binding.record, row, *to_scope_);
    if (s_row < 0 || !run_.in_scope[static_cast<std::size_t>(s_row)]) return;
  }
  Verdict v = decide(s.act, row, false, s.out);
  if (opt.verdict_counts) {
    ++s.counts[static_cast<std::size_t>(v)];
    return;
  }
  bool passing = v == Verdict::pass || v == Verdict::not_applicable;
  if (opt.evidence && (!passing || opt.keep_all)) decide(s.act, row, true, s.out);
}

// Rows a plan decided are counted or skipped; the others, and those to be reported, go to the
// tree evaluator. bind(k) binds the variables of the block's row k and returns its subject row.
template <class Bind>
void RuleRun::settle(Subject& s, const columnar::RowOutcome* o, std::uint32_t n, Bind&& bind) const {
  const EvalOptions& opt = run_.opt;
  const auto left = std::count(o, o + n, columnar::RowOutcome::undecided);
  s.plan_rows[0] += static_cast<std::uint64_t>(n - left);
  s.plan_rows[1] += static_cast<std::uint64_t>(left);
  if (opt.verdict_counts) {
    // Counted with one vectorisable pass per outcome (a histogram's increments of one counter
    // depend on each other and cost more than the evaluation).
    const auto pass = std::count(o, o + n, columnar::RowOutcome::pass);
    const auto na = std::count(o, o + n, columnar::RowOutcome::not_applicable);
    s.counts[static_cast<std::size_t>(Verdict::pass)] += static_cast<std::uint64_t>(pass);
    s.counts[static_cast<std::size_t>(Verdict::not_applicable)] += static_cast<std::uint64_t>(na);
    s.counts[static_cast<std::size_t>(breach_)] += static_cast<std::uint64_t>(n - left - pass - na);
    if (left == 0) return;
  }
  const auto& subject = rule_.bindings.back();
  for (std::uint32_t k = 0; k < n; ++k) {
    if (o[k] != columnar::RowOutcome::undecided) {
      if (opt.verdict_counts) continue;                                       // counted above
      if (o[k] != columnar::RowOutcome::violated && !opt.keep_all) continue;  // a pass, or n/a
      if (o[k] == columnar::RowOutcome::violated && opt.evidence) {
        // Known to be reported: straight to the evaluation that records evidence.
        decide(s.act, bind(k), true, s.out);
        continue;
      }
    }
    leaf(s, subject, bind(k));
  }
}

// for x in T  for y in x.children: the (x, y) pairs of x in [begin, end), in the order the
// tree evaluator enumerates them (x by row, then its children as listed), in blocks.
void RuleRun::nested_blocks(Subject& s, std::uint32_t begin, std::uint32_t end, columnar::Workspace& ws) const {
  const auto [parent_record, list] = *plan_->nested();
  const Table& pt = run_.snap.table(parent_record);
  const auto& off = pt.reverse_offsets[list];
  const auto& kids = pt.reverse_rows[list];
  if (off.empty()) return;
  std::array<std::uint32_t, columnar::kBlockRows> parents, children;
  std::array<columnar::RowOutcome, columnar::kBlockRows> outcome;
  std::uint32_t parent = begin;
  for (std::uint32_t p = off[begin]; p < off[end];) {
    const std::uint32_t n = schedule::nested_block(off, kids, p, off[end], parent, parents, children);
    plan_->decide(parents.data(), children.data(), n, ws, outcome.data());
    settle(s, outcome.data(), n, [&](std::uint32_t k) {
      s.act.slots[rp_.binding_slots[0]] = cel::Value::record(rule_.bindings[0].record, parents[k]);
      s.act.slots[rp_.binding_slots[1]] = cel::Value::record(rule_.bindings[1].record, children[k]);
      return children[k];
    });
    p += n;
  }
}

// One binding (most rules): blocks of the plan, or a plain loop; no recursion.
void RuleRun::single_binding(Subject& s, std::uint32_t begin, std::uint32_t end, columnar::Workspace* ws) const {
  const auto& binding = rule_.bindings[0];
  const std::uint32_t slot = rp_.binding_slots[0];
  if (plan_) {
    std::array<columnar::RowOutcome, columnar::kBlockRows> outcome;
    for (std::uint32_t b = begin; b < end; b += columnar::kBlockRows) {
      const std::uint32_t e = std::min(end, b + columnar::kBlockRows);
      plan_->decide(b, e, *ws, outcome.data());
      settle(s, outcome.data(), e - b, [&](std::uint32_t k) {
        s.act.slots[slot] = cel::Value::record(binding.record, b + k);
        return b + k;
      });
    }
    return;
  }
  if (scoped_rows_) {
    // The same rows leaf() keeps of [begin, end), in the same order.
    auto it = std::lower_bound(scoped_rows_->begin(), scoped_rows_->end(), begin);
    for (; it != scoped_rows_->end() && *it < end; ++it) {
      s.act.slots[slot] = cel::Value::record(binding.record, *it);
      leaf(s, binding, *it);
    }
    return;
  }
  for (std::uint32_t r = begin; r < end; ++r) {
    s.act.slots[slot] = cel::Value::record(binding.record, r);
    leaf(s, binding, r);
  }
}

// Binding `level` bound to `row`, then the later bindings over every row of their type or the
// list their source gives.
void RuleRun::bindings(Subject& s, std::size_t level, std::uint32_t row) const {
  const auto& binding = rule_.bindings[level];
  s.act.slots[rp_.binding_slots[level]] = cel::Value::record(binding.record, row);
  if (level + 1 == rule_.bindings.size()) return leaf(s, binding, row);
  const auto& src = rp_.binding_sources[level + 1];
  if (!src) {
    for (std::uint32_t r = 0; r < run_.snap.rows(rule_.bindings[level + 1].record); ++r) bindings(s, level + 1, r);
    return;
  }
  cel::Value list = src->evaluate(s.act);
  if (!list.is(cel::ValueKind::list)) return;
  for (std::size_t i = 0; i < list.list_size(); ++i) {
    cel::Value item = list.list_at(i);
    if (item.is(cel::ValueKind::record)) bindings(s, level + 1, static_cast<std::uint32_t>(item.row()));
  }
}

void RuleRun::run_range(std::uint32_t begin, std::uint32_t end, std::vector<Finding>& out, Counts& counts,
                        PlanRows& plan_rows) const {
  cel::Activation act = run_.activation(rp_);
  Subject s{act, out, counts, plan_rows};
  std::shared_ptr<columnar::Workspace> ws = plan_ ? plan_->workspace() : nullptr;
  if (plan_ && plan_->nested()) return nested_blocks(s, begin, end, *ws);
  if (rule_.bindings.size() == 1) return single_binding(s, begin, end, ws.get());
  if (scoped_rows_) {
    // The same parents whose children leaf() keeps, of [begin, end), in the same order.
    for (auto it = std::lower_bound(scoped_rows_->begin(), scoped_rows_->end(), begin);
         it != scoped_rows_->end() && *it < end; ++it)
      bindings(s, 0, *it);
    return;
  }
  for (std::uint32_t r = begin; r < end; ++r) bindings(s, 0, r);
}

}  // namespace

void CompiledRuleset::evaluate(const Snapshot& snap, const EvalOptions& opt, const FindingSink& sink) const {
  const model::Ruleset& rs = *ruleset_;
  const Run run(rs, snap, opt);
  if (run.scope_missing) return;
  for (const auto& rp : rules_) {
    const model::Rule& rule = *rp->rule;
    if (!opt.rules.empty() && std::find(opt.rules.begin(), opt.rules.end(), rule.id) == opt.rules.end()) continue;
    if (rule.bindings.empty()) continue;
    const RuleRun rr(run, *rp);
    if (rr.skipped()) continue;
    const auto n = static_cast<std::uint32_t>(snap.rows(rule.bindings[0].record));
    // A scoped evaluation (an audit) has a handful of subjects per rule: starting threads for
    // each rule cost more than evaluating them.
    const unsigned threads = opt.scope ? 1u : schedule::thread_count(n, opt.threads);
    std::vector<Counts> counts(threads, Counts{});
    std::vector<PlanRows> plan_rows(threads, PlanRows{});
    // Counting builds no findings: one piece, so that threads start once per rule.
    const std::uint32_t piece_rows = opt.verdict_counts ? std::max<std::uint32_t>(n, 1) : kSinkPieceRows;
    std::vector<std::vector<Finding>> parts(threads);
    std::vector<Finding> piece;
    const auto rule_index = static_cast<std::size_t>(&rule - rs.rules.data());
    std::uint32_t rows_done = 0;
    schedule::run_pieces(
        n, piece_rows, threads,
        [&](schedule::Range r, unsigned t) { rr.run_range(r.begin, r.end, parts[t], counts[t], plan_rows[t]); },
        [&] {
          piece.clear();
          for (auto& p : parts) {
            if (piece.empty()) std::swap(piece, p);
            else piece.insert(piece.end(), std::make_move_iterator(p.begin()), std::make_move_iterator(p.end()));
            p.clear();
          }
          if (!piece.empty()) sink(piece);
          // Pieces are consecutive ranges of piece_rows rows (the last one shorter).
          rows_done += std::min(piece_rows, n - rows_done);
          if (opt.after_piece) opt.after_piece(rule_index, rows_done, n);
        });
    if (opt.columnar_rows) {
      if (opt.columnar_rows->size() < rs.rules.size()) opt.columnar_rows->resize(rs.rules.size());
      for (const auto& p : plan_rows) {
        (*opt.columnar_rows)[rule_index][0] += p[0];
        (*opt.columnar_rows)[rule_index][1] += p[1];
      }
    }
    if (opt.verdict_counts) {
      if (opt.verdict_counts->size() < rs.rules.size()) opt.verdict_counts->resize(rs.rules.size());
      for (const auto& c : counts)
        for (std::size_t v = 0; v < c.size(); ++v) (*opt.verdict_counts)[rule_index][v] += c[v];
    }
  }
}

}  // namespace eco::engine
