// Pass 5: rules. The bindings are resolved in order (each sees the ones before it), then every
// expression of the rule is typed in that scope: `when` and `require` must be bool, a deadline
// a date. The checked expressions and what they use go into the model for the evaluator.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "dsl/check/context.hpp"
#include "dsl/check/suggest.hpp"
#include "dsl/check/typecheck.hpp"
#include "dsl/common/codes.hpp"

namespace eco::dsl::check {

using model::Kind;
using model::Type;

namespace {

std::vector<std::string> record_names(const model::Schema& s) {
  std::vector<std::string> out;
  for (const auto& r : s.records) out.push_back(r.name);
  return out;
}

bool names_variable_or_param(const Context& ctx, const std::vector<Variable>& vars, const std::string& n) {
  for (const auto& v : vars)
    if (v.name == n) return true;
  return ctx.rs.find_param(n) != nullptr;
}

// GCC 12 at -O2 reports a string member of the rule being built as maybe-uninitialized
// where run() copies the titles into it (a false positive: every member is constructed).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
struct RuleChecker {
  RuleChecker(Context& c, const ast::RuleDecl& r) : ctx(c), rd(r) {}

  Context& ctx;
  const ast::RuleDecl& rd;
  model::Rule rule;
  std::vector<Variable> vars;
  bool bindings_ok = true;

  void requirements() {
    for (const auto& req : rd.requirements) {
      rule.requirements.push_back(req.text);
      if (!ctx.has_catalogue || ctx.catalogue_index.count(req.text)) continue;
      auto& d = ctx.diags.error(code::kUnknownRequirement, req.range,
                                fmt::format("requirement '{}' is not in the catalogue {}", req.text,
                                            ctx.catalogue_path));
      std::vector<std::string> ids;
      for (const auto& r : ctx.rs.catalogue) ids.push_back(r.id);
      if (auto s = closest(req.text, ids)) add_note(d, fmt::format("did you mean '{}'?", *s));
    }
  }

  void severity() {
    if (!rd.severity) return;  // medium by default
    if (auto s = model::parse_severity(rd.severity->text)) {
      rule.severity = *s;
      return;
    }
    auto& d = ctx.diags.error(code::kBadSeverity, rd.severity->range,
                              fmt::format("unknown severity '{}'", rd.severity->text));
    auto s = closest(rd.severity->text, {"critical", "high", "medium", "low", "advice"});
    add_note(d, s ? fmt::format("did you mean '{}'? (critical, high, medium, low or advice)", *s)
                  : std::string("write critical, high, medium, low or advice"));
  }

  void bindings() {
    if (rd.bindings.empty()) {
      auto& d = ctx.diags.error(code::kMissingClause, rd.id.range,
                                fmt::format("rule '{}' has no `for` binding", rd.id.text));
      add_note(d, "say what the rule gives a verdict on, e.g. `for f in facility`");
      bindings_ok = false;
    }
    std::map<std::string, SourceRange> seen;
    for (std::size_t i = 0; i < rd.bindings.size(); ++i) {
      const ast::Binding& b = rd.bindings[i];
      model::Binding mb;
      mb.var = b.var.text;
      mb.range = b.range;
      auto [it, fresh] = seen.emplace(b.var.text, b.var.range);
      if (!fresh) {
        auto& d = ctx.diags.error(code::kDuplicate, b.var.range,
                                  fmt::format("variable '{}' is already bound in this rule", b.var.text));
        add_note(d, "first bound here", it->second);
      }
      const model::RecordType* rt = nullptr;
      const auto* id = b.source.as<ast::Ident>();
      if (id && !names_variable_or_param(ctx, vars, id->name)) {
        rt = ctx.rs.schema.find_record(id->name);
        if (!rt) {
          auto& d = ctx.diags.error(code::kUnknownRecord, b.source.range,
                                    fmt::format("unknown record type '{}'", id->name));
          if (auto s = closest(id->name, record_names(ctx.rs.schema)))
            add_note(d, fmt::format("did you mean '{}'?", *s));
        }
      } else {
        ExprChecker checker(ctx, vars, ExprOptions{false, false, "a `for` binding"});
        model::CheckedExpr src = checker.check(b.source);
        Type t = root_type(src);
        if (t.is(Kind::list) && !t.params.empty() && t.params[0].is(Kind::record)) {
          rt = t.params[0].record_type;
        } else if (!t.is(Kind::error)) {
          auto& d = ctx.diags.error(code::kTypeMismatch, b.source.range,
                                    fmt::format("a `for` binding ranges over a record type or a list of records, not {}",
                                                model::to_string(t)));
          if (t.is(Kind::record)) add_note(d, "a navigation names one record: use it directly in the expressions");
        }
        mb.source = std::move(src);
      }
      if (!rt) bindings_ok = false;
      mb.record = rt ? rt->index : 0;
      vars.push_back({mb.var, rt ? Type::record(rt) : Type::of(Kind::error), static_cast<std::uint32_t>(i)});
      rule.bindings.push_back(std::move(mb));
    }
  }

  model::CheckedExpr expr(const ast::Expr& e, const char* what, bool warn_optional,
                         std::vector<std::string> guards = {}) {
    ExprOptions opts;
    opts.warn_optional = warn_optional;
    opts.guards = std::move(guards);
    opts.what = what;
    ExprChecker checker(ctx, vars, opts);
    return checker.check(e);
  }

  void conditions() {
    if (rd.when) {
      rule.when = expr(*rd.when, "`when`", true);
      Type t = root_type(*rule.when);
      if (!t.is(Kind::bool_) && !t.is(Kind::dyn) && !t.is(Kind::error))
        ctx.diags.error(code::kNotBool, rd.when->range,
                        fmt::format("the `when` condition must be bool, not {}", model::to_string(t)));
    }
    if (rd.deadline) {
      rule.deadline = expr(*rd.deadline, "`deadline`", true, rd.when ? proven_present(*rd.when) : std::vector<std::string>{});
      Type t = root_type(*rule.deadline);
      if (!t.is(Kind::date) && !t.is(Kind::dyn) && !t.is(Kind::error)) {
        auto& d = ctx.diags.error(code::kDeadlineNotDate, rd.deadline->range,
                                  fmt::format("the deadline must be a date, not {}", model::to_string(t)));
        add_note(d, "write a date (2022-10-31), a date parameter, or a date field");
      }
    }
    if (rd.met_on) {
      // A missing met_on date is expected (not met yet), so it is not a W001 read.
      rule.met_on = expr(*rd.met_on, "`met_on`", false);
      Type t = root_type(*rule.met_on);
      if (!t.is(Kind::date) && !t.is(Kind::dyn) && !t.is(Kind::error))
        ctx.diags.error(code::kDeadlineNotDate, rd.met_on->range,
                        fmt::format("`met_on` must be a date, not {}", model::to_string(t)));
    }
    if (!rd.require) {
      auto& d = ctx.diags.error(code::kMissingClause, rd.id.range,
                                fmt::format("rule '{}' has no `require` clause", rd.id.text));
      add_note(d, "state the requirement: `require <bool expression that holds when the subject complies>`");
    } else {
      // `require` is evaluated only where `when` holds: what `when` tests with has() is present.
      rule.require = expr(*rd.require, "`require`", true, rd.when ? proven_present(*rd.when) : std::vector<std::string>{});
      Type t = root_type(rule.require);
      if (!t.is(Kind::bool_) && !t.is(Kind::dyn) && !t.is(Kind::error))
        ctx.diags.error(code::kNotBool, rd.require->range,
                        fmt::format("the `require` condition must be bool, not {}", model::to_string(t)));
    }
  }

  // A message or reason template: its holes typed in the rule's scope. More holes than the
  // evaluator renders (kMaxTemplateHoles) is D013: such a message could only end in an error.
  model::Message template_of(const ast::MessageTemplate& m, const char* what) {
    model::Message mm;
    mm.lang = m.lang.text.empty() ? "zh" : m.lang.text;
    std::size_t holes = 0;
    for (const auto& part : m.parts) {
      model::MessagePart mp;
      if (const auto* text = std::get_if<std::string>(&part.part)) {
        mp.text = *text;
      } else {
        ++holes;
        mp.expr = expr(std::get<ast::Expr>(part.part), what, false);
      }
      mm.parts.push_back(std::move(mp));
    }
    if (holes > model::kMaxTemplateHoles) {
      auto& d = ctx.diags.error(code::kTemplateTooLarge, m.range,
                                fmt::format("this template has {} holes; at most {} are rendered", holes,
                                            model::kMaxTemplateHoles));
      add_note(d, "a finding's message is read by a person: name the few values that decide it");
    }
    return mm;
  }

  // Whether the rule can ever give `v` (W008 for a message nobody would read).
  std::optional<std::string> never_given(model::Verdict v) const {
    using model::Verdict;
    const bool advice = rule.severity == model::Severity::advice;
    switch (v) {
      case Verdict::late:
        if (!rd.deadline || !rd.met_on) return "a rule gives `late` only with both `deadline` and `met_on`";
        break;
      case Verdict::upcoming:
        if (!rd.deadline) return "a rule gives `upcoming` only with a `deadline`";
        break;
      case Verdict::advice:
        if (!advice) return "only a rule of severity advice gives `advice`";
        break;
      case Verdict::violation:
        if (advice) return "a rule of severity advice gives `advice`, never `violation`";
        break;
      case Verdict::not_applicable:
        if (!rd.when) return "a rule without `when` applies to every subject";
        break;
      default: break;
    }
    return std::nullopt;
  }

  void messages() {
    std::map<std::pair<std::string, std::string>, SourceRange> seen;  // (verdict, lang)
    for (const auto& m : rd.messages) {
      model::Message mm = template_of(m, "a message hole");
      if (m.verdict) {
        auto v = model::parse_verdict(m.verdict->text);
        if (!v || *v == model::Verdict::waived || *v == model::Verdict::error) {
          auto& d = ctx.diags.error(code::kBadMessageVerdict, m.verdict->range,
                                    v ? std::string(*v == model::Verdict::waived
                                                        ? "a waived finding keeps the words of the verdict it waives"
                                                        : "an error finding's words name the evaluation limit it exceeded")
                                      : fmt::format("unknown verdict '{}' in a message", m.verdict->text));
          const std::vector<std::string> all = {"violation", "late", "upcoming", "unknown", "pass", "not_applicable", "advice"};
          auto s = v ? std::nullopt : closest(m.verdict->text, all);
          add_note(d, s ? fmt::format("did you mean '{}'?", *s)
                        : std::string("write violation, late, upcoming, unknown, pass, not_applicable or advice, or "
                                      "no verdict for the rule's default wording"));
          continue;
        }
        mm.verdict = v;
        if (auto why = never_given(*v)) {
          auto& d = ctx.diags.warning(code::kMessageNeverUsed, m.verdict->range,
                                      fmt::format("the rule never gives '{}': this message is never used", m.verdict->text));
          add_note(d, *why);
        }
      }
      auto key = std::pair{m.verdict ? m.verdict->text : std::string(), mm.lang};
      auto [it, fresh] = seen.emplace(key, m.range);
      if (!fresh) {
        auto& d = ctx.diags.error(code::kRepeatedClause, m.range,
                                  fmt::format("'message{}{}' is given more than once", m.verdict ? " " + m.verdict->text : "",
                                              " " + mm.lang));
        add_note(d, "first given here", it->second);
        continue;
      }
      rule.messages.push_back(std::move(mm));
    }
  }

  // unknown_when COND "reason": a bool condition over the rule's scope (evaluated only where
  // `when` holds, so what `when` tests with has() is present) and its reason templates.
  void unknown_whens() {
    for (const auto& u : rd.unknown_when) {
      model::UnknownWhen mu;
      mu.range = u.range;
      mu.cond = expr(u.cond, "`unknown_when`", true, rd.when ? proven_present(*rd.when) : std::vector<std::string>{});
      Type t = root_type(mu.cond);
      if (!t.is(Kind::bool_) && !t.is(Kind::dyn) && !t.is(Kind::error))
        ctx.diags.error(code::kNotBool, u.cond.range,
                        fmt::format("the `unknown_when` condition must be bool, not {}", model::to_string(t)));
      mu.zh = template_of(u.zh, "an `unknown_when` reason");
      if (u.en) mu.en = template_of(*u.en, "an `unknown_when` reason");
      rule.unknown_when.push_back(std::move(mu));
    }
  }

  // `basis`: the legal basis of the rule's deadline, and what it implies about the rule.
  void basis() {
    if (!rd.basis) return;
    rule.basis = parse_basis_name(ctx, *rd.basis);
    if (!rule.basis) return;
    using model::Basis;
    const Basis b = *rule.basis;
    if (b == Basis::advice && rule.severity != model::Severity::advice) {
      auto& d = ctx.diags.warning(code::kAdviceBasisBreach, rd.basis->range,
                                  fmt::format("basis advice, but severity {} gives `violation` where the requirement fails",
                                              model::to_string(rule.severity)));
      add_note(d, "what the plan only encourages is `severity advice`: reported as a recommendation, never a violation");
    }
    if ((b == Basis::plan_date || b == Basis::plan_period_end || b == Basis::grace_period) && !rd.deadline) {
      auto& d = ctx.diags.warning(code::kBasisNeedsDeadline, rd.basis->range,
                                  fmt::format("basis {} names a deadline, but the rule has no `deadline` clause",
                                              model::to_string(b)));
      add_note(d, b == Basis::grace_period
                      ? "a grace period is part of the deadline (e.g. `deadline m.found_on + days(15)`): without it the "
                        "requirement is breached at once"
                      : "write the date as `deadline <date parameter>`, so that an unmet requirement is upcoming until then");
    }
    if (rule.deadline) {
      auto from_param = model::deadline_param_basis(ctx.rs, *rule.deadline);
      if (from_param.basis && *from_param.basis != b) {
        auto& d = ctx.diags.warning(code::kBasisDisagrees, rd.basis->range,
                                    fmt::format("basis {} differs from the basis {} declared by {}", model::to_string(b),
                                                model::to_string(*from_param.basis), from_param.from));
        add_note(d, "the rule and the parameter it reads its deadline from should say the same");
      }
    }
  }

  void params_used() {
    std::set<std::uint32_t> used;
    auto scan = [&](const model::CheckedExpr& c) {
      for (const auto& [id, ref] : c.refs)
        if (ref.kind == model::Ref::Kind::param) used.insert(ref.index);
    };
    for (const auto& b : rule.bindings)
      if (b.source) scan(*b.source);
    for (const auto& l : rule.lets) scan(l.value);
    if (rule.when) scan(*rule.when);
    if (rule.deadline) scan(*rule.deadline);
    if (rule.met_on) scan(*rule.met_on);
    scan(rule.require);
    auto scan_message = [&](const model::Message& m) {
      for (const auto& p : m.parts)
        if (p.expr) scan(*p.expr);
    };
    for (const auto& m : rule.messages) scan_message(m);
    for (const auto& u : rule.unknown_when) {
      scan(u.cond);
      scan_message(u.zh);
      if (u.en) scan_message(*u.en);
    }
    rule.params_used.assign(used.begin(), used.end());
  }

  // `let NAME = EXPR`: a named value over the bindings (and earlier lets), usable in every
  // later clause and message. Its name may not repeat a binding, a let or a parameter.
  void lets() {
    for (const auto& l : rd.lets) {
      const std::string& n = l.var.text;
      auto clash = std::find_if(vars.begin(), vars.end(), [&](const Variable& v) { return v.name == n; });
      if (clash != vars.end() || ctx.rs.find_param(n)) {
        ctx.diags.error(code::kDuplicate, l.var.range,
                        clash != vars.end() ? fmt::format("'{}' already names a variable of this rule", n)
                                            : fmt::format("'{}' already names a parameter; a let may not shadow it", n));
        continue;
      }
      // Reads of optional fields are warned about where the let is used, not here.
      model::CheckedExpr value = expr(l.value, "a `let` value", false);
      Type t = root_type(value);
      vars.push_back({n, t, static_cast<std::uint32_t>(vars.size())});
      rule.lets.push_back({n, std::move(value), l.range});
    }
  }

  model::Rule run() {
    rule.id = rd.id.text;
    rule.title_zh = rd.title.value;
    if (rd.title_en) rule.title_en = rd.title_en->value;
    rule.range = rd.range;
    for (const auto& c : rd.citations) rule.citations.push_back({c.section.value, c.quote.value});
    requirements();
    severity();
    bindings();
    // With a binding unresolved every expression would only repeat that error.
    if (bindings_ok) {
      lets();
      conditions();
      unknown_whens();
      messages();
      basis();
      params_used();
    } else if (!rd.require) {
      conditions();
    }
    return std::move(rule);
  }
};
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace

void check_rules(Context& ctx) {
  std::map<std::string, SourceRange> seen;
  for (const auto& f : ctx.files)
    for (const auto& decl : f.decls) {
      const auto* rd = std::get_if<ast::RuleDecl>(&decl);
      if (!rd) continue;
      auto [it, fresh] = seen.emplace(rd->id.text, rd->id.range);
      RuleChecker rc(ctx, *rd);
      model::Rule rule = rc.run();
      if (!fresh) {
        auto& d = ctx.diags.error(code::kDuplicateRule, rd->id.range,
                                  fmt::format("rule '{}' is already declared", rd->id.text));
        add_note(d, "first declared here", it->second);
        continue;
      }
      ctx.rs.rules.push_back(std::move(rule));
    }
}

}  // namespace eco::dsl::check
