#include "engine/eval/finding_builder.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "engine/findings/words.hpp"

namespace eco::engine::build {

namespace cel = dsl::cel;
namespace model = dsl::model;
using model::Verdict;
using words::Id;
using words::Lang;

std::string render(const cel::Value& v, const Snapshot* snap, Shown shown) {
  const bool zh = shown == Shown::in_zh;
  switch (v.kind()) {
    case cel::ValueKind::null_: return "";
    case cel::ValueKind::bool_:
      if (shown == Shown::as_data) return v.as_bool() ? "true" : "false";
      return words::word(v.as_bool() ? Id::value_true : Id::value_false, zh ? Lang::zh : Lang::en);
    case cel::ValueKind::int_: return fmt::format("{}", v.as_int());
    case cel::ValueKind::uint_: return fmt::format("{}", v.as_uint());
    // 15 significant digits: a sum of decimals shows as 247.28, not 247.28000000000003.
    case cel::ValueKind::double_: return fmt::format("{:.15g}", v.as_double());
    case cel::ValueKind::enum_:
      if (zh && snap && v.enum_index() < snap->schema().enums.size()) {
        const auto& e = snap->schema().enums[v.enum_index()];
        if (int i = e.find(v.text()); i >= 0 && !e.values[static_cast<std::size_t>(i)].label.empty())
          return e.values[static_cast<std::size_t>(i)].label;
      }
      return std::string(v.text());
    case cel::ValueKind::string:
    case cel::ValueKind::type: return std::string(v.text());
    case cel::ValueKind::date: return dsl::format_date(v.as_date());
    case cel::ValueKind::record:
      return snap ? snap->key_of(v.record_type(), static_cast<std::uint32_t>(v.row())) : "";
    case cel::ValueKind::list: {
      std::string out;
      for (std::size_t i = 0; i < v.list_size(); ++i) {
        if (i) out += ", ";
        out += render(v.list_at(i), snap, shown);
        if (out.size() > kMaxMessageBytes) break;  // too long to show anyway: stop building it
      }
      return out;
    }
    case cel::ValueKind::error:
    case cel::ValueKind::unknown: return "?";
    default: return cel::debug_string(v);
  }
}

namespace {

// A text in both languages.
struct Both {
  std::string zh, en;
  friend bool operator==(const Both&, const Both&) = default;
};

// A word of the catalog in both languages, with the same arguments.
Both both(Id id, std::initializer_list<words::Arg> args) {
  return Both{words::say(id, Lang::zh, args), words::say(id, Lang::en, args)};
}

std::string field_name(const model::Schema& s, std::uint32_t record, std::uint32_t field) {
  if (record >= s.records.size() || field >= s.records[record].fields.size()) return "?";
  return s.records[record].name + "." + s.records[record].fields[field].name;
}

// A missing field, and the reason its `verify` text gives (what to verify on site).
void missing_field(const model::Schema& s, std::uint32_t record, std::uint32_t field, Collected& out) {
  out.missing.push_back(field_name(s, record, field));
  if (record >= s.records.size() || field >= s.records[record].fields.size()) return;
  const model::Field& f = s.records[record].fields[field];
  if (f.verify.empty()) return;
  Both w = both(Id::verify_on_site, {{"verify", f.verify}, {"field", out.missing.back()}});
  Reason r{std::move(w.zh), std::move(w.en)};
  if (std::find(out.reasons.begin(), out.reasons.end(), r) == out.reasons.end()) out.reasons.push_back(std::move(r));
}

}  // namespace

void collect(const cel::Value& v, const model::Schema& s, Collected& out) {
  if (v.is_unknown()) {
    for (const auto& f : v.unknown_info().fields) missing_field(s, f.record, f.field, out);
    for (const auto& n : v.unknown_info().names) out.missing.push_back(n);
    for (const auto& r : v.unknown_info().reasons) {
      Reason reason{r.zh, r.en};
      if (std::find(out.reasons.begin(), out.reasons.end(), reason) == out.reasons.end()) out.reasons.push_back(reason);
    }
  } else if (v.is_error()) {
    const auto& e = v.error_info();
    if (e.has_field) missing_field(s, e.field.record, e.field.field, out);
    else if (out.error.empty()) {
      out.error = e.message;
      out.no_data = e.code == cel::ErrorCode::no_data;
      out.code = e.code;
    }
  }
}


namespace {

// The value of an expression as a trace shows it: missing fields and errors say why.
std::string trace_value(const cel::Value& v, const model::Schema& s, const Snapshot& snap) {
  if (!v.is_error_or_unknown()) return render(v, &snap);
  Collected why;
  collect(v, s, why);
  if (!why.missing.empty() || !why.reasons.empty()) {
    std::string out = "? (";
    if (!why.missing.empty()) out += "missing";
    for (const auto& m : why.missing) out += " " + m;
    for (const auto& r : why.reasons) out += (out.size() > 3 ? "; " : "") + r.en;
    return out + ")";
  }
  return "? (error: " + why.error + ")";
}

// Appends the trace of `e` and its sub-expressions: operators and calls show their operands,
// selections their operand unless it is a plain variable, macros the list they range over
// (their bodies bind variables that exist only inside the macro). Constants are not shown.
void trace_expr(const dsl::ast::Expr& e, const model::CheckedExpr& checked, const cel::Env& env, cel::Activation& act,
                const model::Schema& s, const Snapshot& snap, const char* clause, std::uint32_t depth,
                std::vector<TraceStep>& out) {
  namespace ast = dsl::ast;
  if (out.size() >= 200 || (depth > 0 && e.as<ast::Constant>())) return;
  cel::CompileOptions o;
  o.refs = &checked.refs;
  auto program = cel::compile(e, env, o);
  out.push_back({clause, depth, ast::to_cel(e), trace_value(program->evaluate(act), s, snap)});
  if (const auto* c = e.as<ast::Call>(); c && c->function == "_?_:_" && c->args.size() == 3) {
    // Only the branch the condition takes was evaluated.
    trace_expr(c->args[0], checked, env, act, s, snap, clause, depth + 1, out);
    cel::Value cond = cel::compile(c->args[0], env, o)->evaluate(act);
    if (cond.is(cel::ValueKind::bool_))
      trace_expr(c->args[cond.as_bool() ? 1 : 2], checked, env, act, s, snap, clause, depth + 1, out);
  } else if (c) {
    if (c->target) trace_expr(*c->target, checked, env, act, s, snap, clause, depth + 1, out);
    for (const auto& a : c->args) trace_expr(a, checked, env, act, s, snap, clause, depth + 1, out);
  } else if (const auto* sel = e.as<ast::Select>()) {
    if (sel->operand && !sel->operand->as<ast::Ident>())
      trace_expr(*sel->operand, checked, env, act, s, snap, clause, depth + 1, out);
  } else if (const auto* m = e.as<ast::Comprehension>()) {
    if (m->iter_range) trace_expr(*m->iter_range, checked, env, act, s, snap, clause, depth + 1, out);
  }
}

// The innermost sub-expression of `e` whose value is an error, with the checked expression it
// belongs to: operands before their operation, under ?: only the branch taken, a let followed
// into its value. Comprehension bodies are not entered (their variables exist only inside).
struct Culprit {
  const dsl::ast::Expr* e = nullptr;
  const model::CheckedExpr* ck = nullptr;
};

Culprit locate_error(const dsl::ast::Expr& e, const model::CheckedExpr& ck, const model::Rule& rule, const cel::Env& env,
                     cel::Activation& act, int depth) {
  namespace ast = dsl::ast;
  if (depth > 64) return {};
  cel::CompileOptions o;
  o.refs = &ck.refs;
  if (!cel::compile(e, env, o)->evaluate(act).is_error()) return {};
  auto child = [&](const ast::Expr& c) { return locate_error(c, ck, rule, env, act, depth + 1); };
  const Culprit self{&e, &ck};
  if (const auto* c = e.as<ast::Call>()) {
    if (c->function == "_?_:_" && c->args.size() == 3) {
      if (auto r = child(c->args[0]); r.e) return r;
      cel::Value cond = cel::compile(c->args[0], env, o)->evaluate(act);
      if (cond.is(cel::ValueKind::bool_))
        if (auto r = child(c->args[cond.as_bool() ? 1 : 2]); r.e) return r;
      return self;
    }
    if (c->target)
      if (auto r = child(*c->target); r.e) return r;
    for (const auto& a : c->args)
      if (auto r = child(a); r.e) return r;
  } else if (const auto* sel = e.as<ast::Select>()) {
    if (sel->operand)
      if (auto r = child(*sel->operand); r.e) return r;
  } else if (const auto* m = e.as<ast::Comprehension>()) {
    if (m->iter_range)
      if (auto r = child(*m->iter_range); r.e) return r;
  } else if (const auto* l = e.as<ast::CreateList>()) {
    for (const auto& x : l->elements)
      if (auto r = child(x); r.e) return r;
  } else if (const auto* id = e.as<ast::Ident>()) {
    for (const auto& let : rule.lets)
      if (let.name == id->name) {
        auto r = locate_error(let.value.expr, let.value, rule, env, act, depth + 1);
        return r.e ? r : self;
      }
  }
  return self;
}

// The fields an expression reads (`out`) and the lists of records it ranges over (`lists`), each
// in both languages as the catalog names them (by the schema's description and the path).
void fields_read(const dsl::ast::Expr& e, const model::CheckedExpr& ck, const model::Schema& s,
                 std::vector<Both>& out, std::vector<Both>& lists) {
  namespace ast = dsl::ast;
  if (auto it = ck.refs.find(e.id); it != ck.refs.end()) {
    const model::Ref& r = it->second;
    Both item;
    if ((r.kind == model::Ref::Kind::field || r.kind == model::Ref::Kind::nav) && r.record < s.records.size() &&
        r.index < s.records[r.record].fields.size()) {
      const auto& fd = s.records[r.record].fields[r.index];
      const std::string path = s.records[r.record].name + "." + fd.name;
      item = fd.description.empty() ? Both{path, path}
                                    : both(Id::field_described, {{"description", fd.description}, {"field", path}});
    } else if (r.kind == model::Ref::Kind::reverse && r.record < s.records.size() &&
               r.index < s.records[r.record].reverse_lists.size()) {
      const auto& rl = s.records[r.record].reverse_lists[r.index];
      const auto& child = s.records[rl.child];
      const std::string path = s.records[r.record].name + "." + rl.name;
      item = child.title.empty() ? Both{path, path} : both(Id::records_of, {{"title", child.title}, {"list", path}});
    }
    auto& to = r.kind == model::Ref::Kind::reverse ? lists : out;
    if (!item.zh.empty() && std::find(to.begin(), to.end(), item) == to.end()) to.push_back(std::move(item));
  }
  if (const auto* c = e.as<ast::Call>()) {
    if (c->target) fields_read(*c->target, ck, s, out, lists);
    for (const auto& a : c->args) fields_read(a, ck, s, out, lists);
  } else if (const auto* sel = e.as<ast::Select>()) {
    if (sel->operand) fields_read(*sel->operand, ck, s, out, lists);
  } else if (const auto* m = e.as<ast::Comprehension>()) {
    for (const auto* x : {m->iter_range.get(), m->accu_init.get(), m->loop_condition.get(), m->loop_step.get(),
                          m->result.get()})
      if (x) fields_read(*x, ck, s, out, lists);
  } else if (const auto* l = e.as<ast::CreateList>()) {
    for (const auto& x : l->elements) fields_read(x, ck, s, out, lists);
  }
}

// The words of an unknown finding that an evaluation failure (not a missing field) decided: what
// could not be computed, why in plain words, and what to do about it, so that an inspector is
// never left with an engine message alone. The engine's own message stays in Finding::error.
Both failure_words(const Collected& why, const model::Rule& rule, const cel::Env& env, cel::Activation& act,
                     const model::Schema& s, const std::string& title_en) {
  Culprit at;
  if (why.clause_expr) at = locate_error(why.clause_expr->expr, *why.clause_expr, rule, env, act, 0);
  std::vector<Both> fields, lists;
  std::string expr_text;
  if (at.e) {
    fields_read(*at.e, *at.ck, s, fields, lists);
    // Nothing to decide on: what is absent are the records of the lists, not their fields.
    if (why.code == cel::ErrorCode::no_data && !lists.empty()) fields = lists;
    expr_text = dsl::ast::to_cel(*at.e);
    if (expr_text.size() > 120) expr_text = expr_text.substr(0, 117) + "...";
  }
  // What a person does next depends on the kind of failure: absent records are verified on
  // site; an impossible value (a zero divisor, a number out of range) is a data question; a
  // failure no data can cause is the rule's, for its maintainers.
  Id cause = Id::error_generic;
  bool data_problem = true;
  switch (why.code) {
    case cel::ErrorCode::no_data: cause = Id::error_no_data; break;
    case cel::ErrorCode::division_by_zero:
    case cel::ErrorCode::modulus_by_zero: cause = Id::error_zero_divisor; break;
    case cel::ErrorCode::overflow: cause = Id::error_overflow; break;
    case cel::ErrorCode::range: cause = Id::error_range; break;
    case cel::ErrorCode::no_such_key: cause = Id::error_no_such_key; break;
    case cel::ErrorCode::conversion: cause = Id::error_conversion; break;
    default: data_problem = false; break;
  }
  const Id todo = why.code == cel::ErrorCode::no_data ? (fields.empty() ? Id::todo_find_records : Id::todo_find_records_of)
                  : data_problem                      ? (fields.empty() ? Id::todo_check_values : Id::todo_check_values_of)
                                                      : Id::todo_check_rule;
  auto in = [&](Lang lang) {
    const bool zh = lang == Lang::zh;
    std::string list;
    for (const auto& f : fields) list += (list.empty() ? "" : words::word(Id::list_separator, lang)) + (zh ? f.zh : f.en);
    const std::string where =
        expr_text.empty()
            ? std::string()
            : words::say(Id::failure_at, lang,
                         {{"clause", why.clause ? why.clause : words::word(Id::the_rule, lang)}, {"expr", expr_text}});
    return words::say(Id::failure, lang,
                      {{"title", zh ? rule.title_zh : title_en},
                       {"why", words::word(cause, lang)},
                       {"where", where},
                       {"todo", words::say(todo, lang, {{"fields", list}})},
                       {"error", why.error}});
  };
  return Both{in(Lang::zh), in(Lang::en)};
}


}  // namespace

EvidenceNames::EvidenceNames(const Snapshot& snap) {
  for (const auto& r : snap.schema().records) {
    records.emplace_back(r.name);
    fields.emplace_back();
    for (const auto& fd : r.fields) fields.back().emplace_back(fd.name);
  }
  for (const auto& path : snap.files()) files.emplace_back(path);
}

void add_trace(Finding& f, const RuleProgram& rp, cel::Activation& act, const Snapshot& snap) {
  const model::Rule& rule = *rp.rule;
  const model::Schema& schema = *rp.env.schema();
  for (const auto& l : rule.lets) {
    const std::string clause = "let " + l.name;
    trace_expr(l.value.expr, l.value, rp.env, act, schema, snap, clause.c_str(), 0, f.trace);
  }
  if (rule.when) trace_expr(rule.when->expr, *rule.when, rp.env, act, schema, snap, "when", 0, f.trace);
  for (const auto& u : rule.unknown_when) trace_expr(u.cond.expr, u.cond, rp.env, act, schema, snap, "unknown_when", 0, f.trace);
  const std::pair<const char*, const model::CheckedExpr*> clauses[] = {
      {"deadline", rule.deadline ? &*rule.deadline : nullptr},
      {"require", &rule.require},
      {"met_on", rule.met_on ? &*rule.met_on : nullptr}};
  for (const auto& [name, ce] : clauses)
    if (ce) trace_expr(ce->expr, *ce, rp.env, act, schema, snap, name, 0, f.trace);
}

namespace {

std::string render_message(const std::vector<RuleProgram::Part>& parts, bool zh, cel::Activation& act,
                           const Snapshot& snap) {
  std::string s;
  for (const auto& part : parts)
    s += part.expr ? render(part.expr->evaluate(act), &snap, zh ? Shown::in_zh : Shown::in_en) : part.text;
  return s;
}

// The words of a finding an evaluation limit decided.
void limit_words(Finding& f, const model::Rule& rule, const std::string& title_en) {
  const std::string& e = f.error;
  const Id kind = e.find(cel::kLimitString) != std::string::npos  ? Id::limit_string
                  : e.find(cel::kLimitList) != std::string::npos  ? Id::limit_list
                  : e.find(cel::kLimitSteps) != std::string::npos ? Id::limit_steps
                                                                  : Id::limit_message;
  f.message_zh = words::say(Id::limit, Lang::zh,
                            {{"title", rule.title_zh}, {"limit", words::word(kind, Lang::zh)}, {"error", e}});
  f.message_en =
      words::say(Id::limit, Lang::en, {{"title", title_en}, {"limit", words::word(kind, Lang::en)}, {"error", e}});
}

// The rule's message describes a breach, which an unknown is not: say what could not be
// decided and what is missing (the on-site checklist item, the document to request). Declared
// reasons first (a field's `verify` text, a declaration's reason); fields missing without one
// are listed after them.
void unknown_words(Finding& f, const RuleProgram& rp, Collected& why, cel::Activation& act,
                   const std::string& title_en) {
  const model::Rule& rule = *rp.rule;
  const model::Schema& schema = *rp.env.schema();
  std::string zh, en, why_zh, why_en;
  const std::string& reason_sep_zh = words::word(Id::reason_separator, Lang::zh);
  const std::string& reason_sep_en = words::word(Id::reason_separator, Lang::en);
  for (const auto& r : f.reasons) {
    why_zh += (why_zh.empty() ? "" : reason_sep_zh) + r.zh;
    why_en += (why_en.empty() ? "" : reason_sep_en) + r.en;
  }
  for (const auto& m : f.missing) {
    const auto* fd = schema.find_field_path(m);
    if (fd && !fd->verify.empty()) continue;
    const std::string d = fd ? fd->description : "";
    const Both item = d.empty() ? Both{m, m} : both(Id::field_described, {{"description", d}, {"field", m}});
    zh += (zh.empty() ? "" : words::word(Id::list_separator, Lang::zh)) + item.zh;
    en += (en.empty() ? "" : words::word(Id::list_separator, Lang::en)) + item.en;
  }
  if (!why_zh.empty()) {
    if (!zh.empty()) why_zh += reason_sep_zh + words::say(Id::missing, Lang::zh, {{"fields", zh}});
    if (!en.empty()) why_en += reason_sep_en + words::say(Id::missing, Lang::en, {{"fields", en}});
  } else if (zh.empty()) {
    why.error = f.error;  // moved into the finding before
    Both w = failure_words(why, rule, rp.env, act, schema, title_en);
    f.message_zh = std::move(w.zh);
    f.message_en = std::move(w.en);
    return;
  } else {
    why_zh = words::say(Id::missing, Lang::zh, {{"fields", zh}});
    why_en = words::say(Id::missing, Lang::en, {{"fields", en}});
  }
  f.message_zh = words::say(Id::cannot_decide, Lang::zh, {{"title", rule.title_zh}, {"why", why_zh}});
  f.message_en = words::say(Id::cannot_decide, Lang::en, {{"title", title_en}, {"why", why_en}});
}

}  // namespace

void write_messages(Finding& f, const RuleProgram& rp, Collected& why, int reason, cel::Activation& act,
                    const Snapshot& snap) {
  const model::Rule& rule = *rp.rule;
  std::sort(why.missing.begin(), why.missing.end());
  why.missing.erase(std::unique(why.missing.begin(), why.missing.end()), why.missing.end());
  f.missing = std::move(why.missing);
  f.error = std::move(why.error);
  f.reasons = std::move(why.reasons);
  const std::string& title_en = rule.title_en.empty() ? rule.title_zh : rule.title_en;
  const auto& own = rp.by_verdict[static_cast<std::size_t>(f.verdict)];
  if (f.verdict == Verdict::error) {
    limit_words(f, rule, title_en);
  } else if (reason >= 0) {
    // unknown_when: the rule's own reason is what the inspector is to verify.
    const auto& uw = rp.unknown_when[static_cast<std::size_t>(reason)];
    f.message_zh = render_message(uw.zh, true, act, snap);
    f.message_en = uw.has_en ? render_message(uw.en, false, act, snap)
                             : words::say(Id::cannot_decide, Lang::en, {{"title", title_en}, {"why", f.message_zh}});
    f.reasons.push_back(Reason{f.message_zh, uw.has_en ? f.message_en : f.message_zh});
  } else if (f.verdict == Verdict::pass || f.verdict == Verdict::not_applicable) {
    // The rule's message describes a breach; a pass or a subject the rule does not apply
    // to (shown with --verdicts all) says so instead.
    const Id id = f.verdict == Verdict::pass ? Id::complies : Id::not_applicable;
    f.message_zh = words::say(id, Lang::zh, {{"title", rule.title_zh}});
    f.message_en = words::say(id, Lang::en, {{"title", title_en}});
  } else if (f.verdict == Verdict::unknown) {
    unknown_words(f, rp, why, act, title_en);
  } else {
    f.message_zh = render_message(rp.message_zh, true, act, snap);
    f.message_en = render_message(rp.message_en, false, act, snap);
  }
  // `message VERDICT`: the rule's own words for this verdict replace the default ones
  // (not the reason of an unknown_when, which is more specific).
  if (reason < 0 && f.verdict != Verdict::error) {
    if (own.has_zh) f.message_zh = render_message(own.zh, true, act, snap);
    if (own.has_en) f.message_en = render_message(own.en, false, act, snap);
  }
  if (f.message_zh.size() > kMaxMessageBytes || f.message_en.size() > kMaxMessageBytes || act.exceeded) {
    // The message limit, or a limit met while rendering the message.
    f.verdict = Verdict::error;
    f.error = fmt::format("evaluation limit exceeded: {}", act.exceeded ? act.exceeded : kLimitMessage);
    f.deadline.reset();
    f.met_on.reset();
    f.days_overdue.reset();
    f.days_left.reset();
    limit_words(f, rule, title_en);
  }
}

void add_conditions(Finding& f, const RuleProgram& rp, cel::Activation& act, const Snapshot& snap) {
  // Exact sizes: a sweep holds every finding, and doubling growth left a third unused.
  f.conditions.reserve(rp.comparisons.size());
  for (const auto& c : rp.comparisons) {
    ConditionCheck cc{c.text, c.left_text, c.op, c.right_text, "", "", std::nullopt};
    cel::Value l = c.left->evaluate(act), r = c.right->evaluate(act), w = c.whole->evaluate(act);
    cc.left_value = render(l, &snap);
    cc.right_value = render(r, &snap);
    for (auto* s : {&cc.left_value, &cc.right_value})
      if (s->size() > 1024) {
        // Cut at a character boundary (a value is UTF-8; reports refuse broken text).
        std::size_t cut = 1000;
        while (cut > 0 && (static_cast<unsigned char>((*s)[cut]) & 0xc0) == 0x80) --cut;
        *s = s->substr(0, cut) + fmt::format("... ({} bytes)", s->size());
      }
    if (w.is(cel::ValueKind::bool_)) cc.holds = w.as_bool();
    f.conditions.push_back(std::move(cc));
  }
}

void add_evidence(Finding& f, const RecordingAccessor& rec, const Snapshot& snap, const EvidenceNames& names) {
  auto reads = rec.reads;
  std::sort(reads.begin(), reads.end());
  reads.erase(std::unique(reads.begin(), reads.end()), reads.end());
  f.evidence.reserve(reads.size());
  for (const auto& r : reads) {
    EvidenceItem ev;
    ev.record = names.records[r.record];
    ev.key = snap.key_of(r.record, r.row);
    ev.field = names.fields[r.record][r.field];
    ev.value = snap.display(r.record, r.row, r.field);
    ev.missing = !snap.table(r.record).columns[r.field].present[r.row];
    const Provenance& p = snap.provenance(r.record, r.row);
    ev.batch = p.batch;
    if (p.file < names.files.size()) ev.file = names.files[p.file];
    ev.line = p.line;
    f.evidence.push_back(std::move(ev));
  }
}

}  // namespace eco::engine::build
