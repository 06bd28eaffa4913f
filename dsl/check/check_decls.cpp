// Pass 4b: the working-day calendar and the `complete` / `valid` declarations (after the
// parameters, which their conditions may read; before the rules, which use them).
//
// A calendar is data the law publishes once a year (the State Council's holiday arrangement):
// each year says where it comes from, every day is a real day of that year, no day is both a
// holiday and a working day. A declaration's condition is a bool over its one variable and
// the parameters, and never reads what the declaration itself governs.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "dsl/check/context.hpp"
#include "dsl/check/suggest.hpp"
#include "dsl/check/typecheck.hpp"
#include "dsl/common/codes.hpp"

namespace eco::dsl::check {

namespace {

// 1970-01-01 was a Thursday: 0 = Monday ... 6 = Sunday.
int weekday(Date d) { return ((d.days % 7) + 7 + 3) % 7; }

void check_calendar(Context& ctx, const ast::CalendarDecl& cd) {
  if (!ctx.rs.calendars.empty()) {
    auto& d = ctx.diags.error(code::kNoCalendar, cd.name.range,
                              fmt::format("a ruleset has one working-day calendar; '{}' is a second one", cd.name.text));
    add_note(d, "the first one is here", ctx.rs.calendars.front().range);
    return;
  }
  model::Calendar cal;
  cal.name = cd.name.text;
  cal.title = cd.title ? cd.title->value : "";
  cal.range = cd.name.range;
  std::map<int, SourceRange> years_seen;
  for (const auto& y : cd.years) {
    model::CalendarYear out;
    out.range = y.range;
    const std::string& t = y.year.text;
    const bool digits = t.size() == 4 && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) {
      ctx.diags.error(code::kCalendarDay, y.year.range, fmt::format("'{}' is not a year: write four digits, e.g. 2021", t));
      continue;
    }
    out.year = std::stoi(t);
    if (auto [it, fresh] = years_seen.emplace(out.year, y.year.range); !fresh) {
      auto& d = ctx.diags.error(code::kCalendarClash, y.year.range, fmt::format("year {} is given twice", out.year));
      add_note(d, "first given here", it->second);
      continue;
    }
    if (!y.source || y.source->value.find_first_not_of(" \t") == std::string::npos) {
      auto& d = ctx.diags.error(code::kCalendarNoSource, y.year.range,
                                fmt::format("calendar year {} has no source", out.year));
      add_note(d, "name the notice it copies: source \"国务院办公厅关于2021年部分节假日安排的通知 国办发明电〔2020〕27号\"");
    } else {
      out.source = y.source->value;
    }
    if (y.confidence) {
      if (auto c = model::parse_confidence(y.confidence->text)) out.confidence = *c;
      else {
        auto& d = ctx.diags.error(code::kBadConfidence, y.confidence->range,
                                  fmt::format("unknown confidence '{}'", y.confidence->text));
        add_note(d, "write high, medium or unverified");
      }
    }
    // Every day listed, with where: a day twice (or both a holiday and a working day) is an error.
    std::map<std::int32_t, SourceRange> listed;
    auto add_days = [&](const ast::CalendarDay& day, bool holiday) {
      const std::string& text = day.text.text;
      const auto dots = text.find("..");
      const std::string first = text.substr(0, dots);
      const std::string last = dots == std::string::npos ? first : text.substr(dots + 2);
      auto a = parse_date(first), b = parse_date(last);
      if (!a || !b) {
        ctx.diags.error(code::kCalendarDay, day.text.range,
                        fmt::format("'{}' is not a day or a range of days: write 2021-02-07 or 2021-02-11..2021-02-17 "
                                    "naming real days",
                                    text));
        return;
      }
      if (*b < *a) {
        ctx.diags.error(code::kCalendarDay, day.text.range, fmt::format("the range {} ends before it begins", text));
        return;
      }
      if (to_ymd(*a).year != out.year || to_ymd(*b).year != out.year) {
        auto& d = ctx.diags.error(code::kCalendarDay, day.text.range,
                                  fmt::format("{} is not in {}: list each day under its own year", text, out.year));
        add_note(d, "a holiday that begins on the last days of the year before is listed from January 1st; "
                    "say so in its label");
        return;
      }
      if (!holiday && *a != *b) {
        ctx.diags.error(code::kCalendarDay, day.text.range, "working days are listed one by one, not as a range");
        return;
      }
      for (Date cur = *a; cur <= *b; ++cur.days) {
        if (auto [it, fresh] = listed.emplace(cur.days, day.text.range); !fresh) {
          auto& d = ctx.diags.error(code::kCalendarClash, day.text.range,
                                    fmt::format("{} is listed twice in calendar year {}", format_date(cur), out.year));
          add_note(d, "listed first here", it->second);
          return;
        }
        if (holiday) {
          out.holidays.emplace_back(cur, day.label ? day.label->value : "");
        } else {
          if (weekday(cur) < 5)
            ctx.diags.warning(code::kWorkdayNotWeekend, day.text.range,
                              fmt::format("{} is a weekday, a working day anyway: an adjusted working day is a "
                                          "Saturday or a Sunday",
                                          format_date(cur)));
          out.workdays.push_back(cur);
        }
      }
    };
    for (const auto& h : y.holidays) add_days(h, true);
    for (const auto& w : y.workdays) add_days(w, false);
    cal.years.push_back(std::move(out));
  }
  std::sort(cal.years.begin(), cal.years.end(), [](const auto& a, const auto& b) { return a.year < b.year; });
  if (cal.years.empty())
    ctx.diags.error(code::kMissingClause, cd.name.range,
                    fmt::format("calendar '{}' has no year: write year 2021 source \"...\" holidays ... workdays ...",
                                cd.name.text));
  ctx.rs.calendars.push_back(std::move(cal));
}

void check_guard(Context& ctx, const ast::GuardDecl& gd) {
  const bool complete = gd.kind.text == "complete";
  const char* bad = complete ? code::kBadComplete : code::kBadValid;
  const model::RecordType* rt = ctx.rs.schema.find_record(gd.record.text);
  if (!rt) {
    std::vector<std::string> names;
    for (const auto& r : ctx.rs.schema.records) names.push_back(r.name);
    auto& d = ctx.diags.error(code::kUnknownRecord, gd.record.range, fmt::format("unknown record type '{}'", gd.record.text));
    if (auto s = closest(gd.record.text, names)) add_note(d, fmt::format("did you mean '{}'?", *s));
    return;
  }
  model::Guard g;
  g.kind = complete ? model::Guard::Kind::complete : model::Guard::Kind::valid;
  g.var = gd.var.text;
  g.record = rt->index;
  g.range = gd.range;
  bool ok = true;
  for (const auto& n : gd.names) {
    int idx = complete ? rt->find_reverse(n.text) : rt->find_field(n.text);
    if (idx < 0) {
      std::vector<std::string> names;
      if (complete)
        for (const auto& r : rt->reverse_lists) names.push_back(r.name);
      else
        for (const auto& f : rt->fields) names.push_back(f.name);
      auto& d = ctx.diags.error(bad, n.range,
                                complete ? fmt::format("record '{}' has no reverse list '{}'", rt->name, n.text)
                                         : fmt::format("record '{}' has no field '{}'", rt->name, n.text));
      if (auto s = closest(n.text, names)) add_note(d, fmt::format("did you mean '{}'?", *s));
      else if (complete) add_note(d, "a `complete` declaration names a list that a reference gives the record (`reverse NAME`)");
      ok = false;
      continue;
    }
    const auto target = static_cast<std::uint32_t>(idx);
    if (!complete && rt->fields[target].key) {
      ctx.diags.error(bad, n.range, fmt::format("'{}' is a key field: a record's identity is never invalid", n.text));
      ok = false;
      continue;
    }
    const model::Guard* other = ctx.rs.find_guard(g.kind, g.record, target);
    const bool repeated = std::find(g.targets.begin(), g.targets.end(), target) != g.targets.end();
    if (other || repeated) {
      auto& d = ctx.diags.error(bad, n.range,
                                fmt::format("'{}.{}' is already declared {}", rt->name, n.text, gd.kind.text));
      if (other) add_note(d, "declared here", other->range);
      ok = false;
      continue;
    }
    g.targets.push_back(target);
  }
  if (!gd.reason_zh || gd.reason_zh->value.find_first_not_of(" \t") == std::string::npos) {
    auto& d = ctx.diags.error(code::kGuardNoReason, gd.kind.range,
                              fmt::format("a `{}` declaration needs a reason: what an inspector is to do when it "
                                          "makes a verdict unknown",
                                          gd.kind.text));
    add_note(d, complete ? "e.g. reason \"接收单位在本局辖区外, 其经营许可证不在本库中: 请索取许可证复印件\""
                         : "e.g. reason \"监测数据未标记为有效 (HJ 75): 请核查该月有效数据\"");
    ok = false;
  } else {
    g.reason_zh = gd.reason_zh->value;
    g.reason_en = gd.reason_en ? gd.reason_en->value : g.reason_zh;
  }
  ExprOptions opts;
  opts.what = fmt::format("the condition of a `{}` declaration", gd.kind.text);
  ExprChecker checker(ctx, {Variable{g.var, model::Type::record(rt), 0}}, opts);
  g.when = checker.check(gd.when);
  const model::Type t = root_type(g.when);
  if (!t.is(model::Kind::bool_) && !t.is(model::Kind::dyn) && !t.is(model::Kind::error)) {
    ctx.diags.error(code::kNotBool, gd.when.range,
                    fmt::format("the condition of a `{}` declaration must be bool, not {}", gd.kind.text,
                                model::to_string(t)));
    ok = false;
  }
  // The condition decides whether the list or the fields can be believed: it cannot read them.
  for (const auto& [id, ref] : g.when.refs) {
    const bool field_read = !complete && ref.kind == model::Ref::Kind::field;
    const bool list_read = complete && ref.kind == model::Ref::Kind::reverse;
    if ((field_read || list_read) && ref.record == g.record &&
        std::find(g.targets.begin(), g.targets.end(), ref.index) != g.targets.end()) {
      ctx.diags.error(bad, gd.when.range,
                      fmt::format("the condition reads '{}', which this declaration governs", ref.name));
      ok = false;
      break;
    }
  }
  if (ok && !g.targets.empty()) ctx.rs.guards.push_back(std::move(g));
}

}  // namespace

void check_calendars_and_guards(Context& ctx) {
  for (const auto& f : ctx.files)
    for (const auto& decl : f.decls)
      if (const auto* cd = std::get_if<ast::CalendarDecl>(&decl)) check_calendar(ctx, *cd);
  for (const auto& f : ctx.files)
    for (const auto& decl : f.decls)
      if (const auto* gd = std::get_if<ast::GuardDecl>(&decl)) check_guard(ctx, *gd);
}

}  // namespace eco::dsl::check
