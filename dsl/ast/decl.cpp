#include "dsl/ast/decl.hpp"

namespace eco::dsl::ast {

namespace {

std::string q(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string type_str(const TypeRef& t) {
  std::string s = t.name.text;
  if (!t.args.empty()) {
    s += "<";
    for (std::size_t i = 0; i < t.args.size(); ++i) s += (i ? ", " : "") + type_str(t.args[i]);
    s += ">";
  }
  return s;
}

struct Dumper {
  std::string& out;

  void operator()(const EnumDecl& d) {
    out += "enum " + d.name.text;
    if (d.title) out += " " + q(d.title->value);
    out += "\n";
    for (const auto& v : d.values) {
      out += "  value " + q(v.value.text);
      if (v.label) out += " " + q(v.label->value);
      out += "\n";
    }
  }
  void operator()(const RecordDecl& d) {
    out += "record " + d.name.text;
    if (d.title) out += " " + q(d.title->value);
    for (const auto& r : d.roles) out += " role " + r.text;
    out += "\n";
    for (const auto& f : d.fields) {
      out += "  field " + f.name.text + (f.optional ? "?" : "") + " ";
      if (f.type) out += type_str(*f.type);
      if (f.ref) {
        out += "ref " + f.ref->target.text;
        if (f.ref->nav) out += " as " + f.ref->nav->text;
        if (f.ref->reverse) out += " reverse " + f.ref->reverse->text;
      }
      if (f.key) out += " key";
      if (f.description) out += " " + q(f.description->value);
      if (f.verify) out += " verify " + q(f.verify->value);
      if (f.origin) out += " origin " + q(f.origin->value);
      for (const auto& r : f.roles) out += " role " + r.text;
      if (f.validator) out += " validate " + f.validator->text;
      out += "\n";
    }
  }
  void operator()(const ParamDecl& d) {
    out += "param " + d.name.text + ": " + type_str(d.type) + (d.dated ? " by date" : "");
    if (d.description) out += " description " + q(d.description->value);
    out += "\n";
    for (const auto& v : d.values) {
      out += "  value ";
      if (v.effective_from) out += dump(*v.effective_from) + ": ";
      out += dump(v.value);
      if (v.source) out += " source " + q(v.source->value);
      if (v.confidence) out += " confidence " + v.confidence->text;
      if (v.basis) out += " basis " + v.basis->text;
      out += "\n";
    }
  }
  void operator()(const RuleDecl& d) {
    out += "rule " + d.id.text + " " + q(d.title.value) + "\n";
    if (d.title_en) out += "  en " + q(d.title_en->value) + "\n";
    for (const auto& r : d.requirements) out += "  requirement " + r.text + "\n";
    for (const auto& c : d.citations) out += "  cite " + q(c.section.value) + " " + q(c.quote.value) + "\n";
    if (d.severity) out += "  severity " + d.severity->text + "\n";
    if (d.basis) out += "  basis " + d.basis->text + "\n";
    for (const auto& b : d.bindings) out += "  for " + b.var.text + " in " + dump(b.source) + "\n";
    for (const auto& l : d.lets) out += "  let " + l.var.text + " = " + dump(l.value) + "\n";
    if (d.when) out += "  when " + dump(*d.when) + "\n";
    if (d.deadline) out += "  deadline " + dump(*d.deadline) + "\n";
    if (d.require) out += "  require " + dump(*d.require) + "\n";
    if (d.met_on) out += "  met_on " + dump(*d.met_on) + "\n";
    auto parts = [&](const MessageTemplate& m) {
      for (const auto& p : m.parts) {
        if (const auto* s = std::get_if<std::string>(&p.part)) out += " " + q(*s);
        else out += " {" + dump(std::get<Expr>(p.part)) + "}";
      }
    };
    for (const auto& u : d.unknown_when) {
      out += "  unknown_when " + dump(u.cond) + " zh";
      parts(u.zh);
      if (u.en) {
        out += " en";
        parts(*u.en);
      }
      out += "\n";
    }
    for (const auto& m : d.messages) {
      out += "  message " + (m.verdict ? m.verdict->text + " " : std::string()) + m.lang.text;
      parts(m);
      out += "\n";
    }
  }
  void operator()(const CalendarDecl& d) {
    out += "calendar " + d.name.text;
    if (d.title) out += " " + q(d.title->value);
    out += "\n";
    for (const auto& y : d.years) {
      out += "  year " + y.year.text;
      if (y.source) out += " source " + q(y.source->value);
      if (y.confidence) out += " confidence " + y.confidence->text;
      out += "\n";
      for (const auto* days : {&y.holidays, &y.workdays})
        for (const auto& day : *days) {
          out += std::string(days == &y.holidays ? "    holiday " : "    workday ") + day.text.text;
          if (day.label) out += " " + q(day.label->value);
          out += "\n";
        }
    }
  }
  void operator()(const GuardDecl& d) {
    out += d.kind.text + " " + d.var.text + " in " + d.record.text + (d.kind.text == "complete" ? " list" : " fields");
    for (std::size_t i = 0; i < d.names.size(); ++i) out += (i ? ", " : " ") + d.names[i].text;
    out += " when " + dump(d.when);
    if (d.reason_zh) out += " reason " + q(d.reason_zh->value);
    if (d.reason_en) out += " reason en " + q(d.reason_en->value);
    out += "\n";
  }
  void operator()(const MigrationDecl& d) {
    out += "migration " + q(d.id.value);
    if (d.title) out += " " + q(d.title->value);
    out += "\n";
    for (const auto& st : d.steps) {
      out += "  " + st.verb.text;
      if (st.verb.text == "rename" && st.record_rename) out += " record " + st.from.text + " -> " + st.record.text;
      else if (st.verb.text == "rename") out += " field " + st.record.text + "." + st.from.text + " -> " + st.field.text;
      else if (st.verb.text == "map") {
        out += " " + st.enum_name.text;
        for (std::size_t i = 0; i < st.values.size(); ++i) out += (i ? ", " : " ") + q(st.values[i].text);
        out += " -> " + q(st.to.text);
      } else {
        out += " " + st.record.text + "." + st.field.text;
        if (st.verb.text == "convert") out += " from " + st.from.text;
        if (st.verb.text == "require") out += " default " + q(st.to.text);
        if (st.verb.text == "split") {
          out += " " + q(st.from.text) + " ->";
          for (std::size_t i = 0; i < st.choices.size(); ++i) {
            const auto& c = st.choices[i];
            out += (i ? ", " : " ") + q(c.value.text);
            if (c.when_field) out += " when " + c.when_field->text + " = " + q(c.when_value->text);
          }
        }
      }
      out += "\n";
    }
  }
  void operator()(const TestDecl& d) {
    out += "test " + d.rule.text + " " + q(d.name.value) + "\n";
    if (d.as_of) out += "  as_of " + dump(*d.as_of) + "\n";
    for (const auto& g : d.given) {
      out += "  given " + g.record.text + "\n";
      for (const auto& f : g.fields) out += "    " + f.field.text + " = " + dump(f.value) + "\n";
    }
    for (const auto& e : d.expectations) {
      out += "  expect " + e.verdict.text + " on " + q(e.subject.text) + "\n";
      for (const auto& m : e.message_checks) out += "    message " + m.op.text + " " + q(m.text.value) + "\n";
    }
  }
};

}  // namespace

std::string dump(const File& f) {
  std::string out;
  if (f.header) out += "ruleset " + f.header->id.text + " " + q(f.header->title.value) + "\n";
  for (const auto& i : f.includes) out += "include " + q(i.path.value) + "\n";
  for (const auto& d : f.decls) std::visit(Dumper{out}, d);
  return out;
}

}  // namespace eco::dsl::ast
