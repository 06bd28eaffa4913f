#!/usr/bin/env python3
"""No record or field name of the Jinzhong schema is written as a string literal in the C++ of
engine/, reports/, app/, server/ or cli/ (issue 13 item 1): the engine knows a ruleset's records by
their declared roles (`role owner`, `role waiver`, `validate uscc` ...), never by name.

  names_test.py check SOURCE_DIR   fails listing every literal that names a schema record or field
  names_test.py self-test          checks that the check finds what it must and skips what it may

The names are read from rulesets/jinzhong/schema/*.rules: every record name and every field
name. A literal is a hit when its whole text is such a name, or `record.field` of them. Output
keys and labels that are not read from records are allowed, each listed below with its reason;
a name looked up with find_record() or find_field() never is.
"""
import os
import re
import sys

# Literals allowed anywhere: words of the output (JSON keys, CSV columns, template variables,
# label keys) that happen to be spelt like a schema field, but name no record field.
GENERIC = {
    "id": "a JSON key of the output (a waiver's id, a draw's id), not a field read from records",
    "name": "a JSON key of the output (a parameter's, a record type's, a stratum's name)",
    "key": "a JSON key of the output (a subject's key)",
    "status": "a JSON key of the output",
    "kind": "a JSON key of the output",
    "year": "a JSON key of the output",
    "county": "a JSON key of the draw record (the plan names the county field: population.county_field)",
    "period": "a JSON key of the draw record",
    "note": "a JSON key of the output",
    "source": "a JSON key of the output (a parameter's source)",
    "value": "a JSON key of the output (an evidence value)",
    "field": "a JSON key of the output (evidence, documents to request)",
    "category": "a JSON key of the output",
    "description": "a JSON key of the output (a field's description)",
    "title": "a JSON key of the output (a rule's title)",
    "rule": "a JSON key of the output (a finding's rule)",
    "type": "a JSON key of the output (a field's type)",
    "label": "a JSON key of the output (an enum value's label)",
    "confidence": "a JSON key of the output (a parameter's confidence)",
    "reason": "a JSON key of the output",
    "subject": "a JSON key of the output (a finding's subject)",
    "verdict": "a JSON key of the output",
    "message": "a JSON key of the output",
    "error": "a JSON key of the output",
    "deadline": "a JSON key of the output",
    "stratum": "a JSON key of the draw record",
    "inspectors": "a JSON key of the draw record",
    "seed": "a JSON key of the draw record",
    "unit": "a JSON key of the output",
    "date": "a type name of the rule language",
    "level": "a JSON key of the output",
}

# Literals allowed in one file: (path, literal) -> reason.
ALLOWED = {
    ("reports/json/findings_json.cpp", "waiver"): "the JSON key of a finding's waiver (findings.schema.json)",
    ("reports/json/findings_json.cpp", "legal_basis"): "the JSON key of a waiver's basis (findings.schema.json)",
    ("reports/json/findings_json.cpp", "approver"): "the JSON key of a waiver's approver (findings.schema.json)",
    ("reports/json/findings_json.cpp", "valid_from"): "the JSON key of a waiver's first day (findings.schema.json)",
    ("reports/json/findings_json.cpp", "valid_until"): "the JSON key of a waiver's last day (findings.schema.json)",
    ("reports/json/findings_json.cpp", "enterprise_id"): "the JSON key of a finding's owner (findings.schema.json)",
    ("reports/json/findings_json.cpp", "application_id"): "the JSON key of a finding's screened record and a decision's (findings.schema.json)",
    ("reports/json/findings_json.cpp", "project_name"): "the JSON key of a decision's name (findings.schema.json)",
    ("reports/html/html_report.cpp", "waiver"): "a variable of the mustache templates (reports/templates)",
    ("reports/html/html_report.cpp", "legal_basis"): "a variable of the mustache templates",
    ("reports/html/html_report.cpp", "approver"): "a variable of the mustache templates",
    ("reports/html/html_report.cpp", "valid_from"): "a variable of the mustache templates",
    ("reports/html/html_report.cpp", "valid_until"): "a variable of the mustache templates",
    ("reports/html/html_report.cpp", "application_id"): "a variable of the mustache templates",
    ("reports/html/html_report.cpp", "project_name"): "a variable of the mustache templates",
    ("reports/html/html_report.cpp", "enterprise"): "a label key of the report catalogue (reports/common.cpp)",
    ("reports/xlsx/findings_xlsx.cpp", "enterprise"): "a label key of the report catalogue (reports/common.cpp)",
    ("reports/common.cpp", "enterprise"): "a label key of the report catalogue: the word for an owner",
    ("engine/draw/draw.cpp", "enterprise"): "a JSON key of the recorded draw (docs/draw.md): the drawn unit, not a record read by name",
    ("app/draws.cpp", "enterprise"): "a JSON key and CSV column of the published draw (docs/draw.md)",
    ("app/inspections.cpp", "enterprise"): "a JSON key of the recorded draw's selections (docs/draw.md), read to find the drawn team",
    ("cli/cmd_watchlist.cpp", "enterprise_id"): "the JSON key of a watch-list entry's owner, as in a finding (findings.schema.json)",
    ("app/authorization.cpp", "enterprise"): "a resource name of the workbench's role matrix (docs/accounts.md): the owner records, whatever the schema calls them; never looked up as a record",
    ("app/schedules.cpp", "month"): "the name of a schedule expression's fourth field in its error messages (crontab(5)), not a record field",
    ("server/routes/users.cpp", "inspector"): "a JSON key of an account and of its requests: the inspector roster id it stands for (docs/accounts.md), not a record read by name (the roster's record comes from the draw plan)",
    ("cli/cmd_user.cpp", "inspector"): "the JSON key of `user list --format json` and the name of set-inspector's argument: an account's roster id (docs/accounts.md), not a record read by name",
    ("app/staged_imports.cpp", "code"): "a JSON key of a staged import's validation report (an import error's code, docs/jobs.md)",
    ("app/authorization.cpp", "waiver"): "a resource name of the workbench's role matrix (docs/accounts.md): waivers, whatever record holds them; never looked up as a record",
    ("app/screening_desk.cpp", "application"): "a JSON key and column of a recorded decision (docs/decisions.md): the screened record's key, whatever the record is called",
    ("app/screening_desk.cpp", "project_name"): "a JSON key of a recorded decision (docs/decisions.md), as findings.schema.json names a decision's; the value comes from the `role name` field",
    ("app/waivers.cpp", "approver"): "a JSON key of a waiver request's events and approval (docs/decisions.md); the waiver record's field is found by its role",
    ("app/waivers.cpp", "valid_from"): "a JSON key of a waiver request's events and approval (docs/decisions.md); the waiver record's field is found by its role",
    ("app/waivers.cpp", "valid_until"): "a JSON key of a waiver request's events and approval (docs/decisions.md); the waiver record's field is found by its role",
    ("cli/cmd_waiver.cpp", "waiver"): "the command's name (`ecoaudit waiver`), not a record",
    ("reports/changes.cpp", "enterprise_id"): "the JSON key of a change notice's owner, as in a finding (findings.schema.json)",
    ("reports/compliance.cpp", "enterprise_id"): "the JSON key and CSV column of a compliance history row's owner, as in a finding",
    ("reports/xlsx/findings_xlsx.cpp", "enterprise_id"): "a column of the compliance history workbook's Quarters sheet, as in its CSV",
    ("server/routes/enforcement.cpp", "enterprise"): "the query parameter naming one owner (?enterprise=KEY), whatever the schema calls it",
}
# The keys of a ruleset's HJ 212 declaration (monitoring/hj212.json, docs/monitoring.md): the
# declaration maps them to the ruleset's own records and fields, as roles do.
for _key in ("mn", "code", "facility", "pollutant", "month", "hours_valid", "validity", "outlet", "avg", "max_hourly"):
    ALLOWED[("engine/ingest/hj212.cpp", _key)] = "a key of the HJ 212 declaration file (docs/monitoring.md), naming the ruleset's field"

# The workbench server's own words (server/): keys of its JSON that are not record fields.
ALLOWED[("server/http/server.cpp", "code")] = "the JSON key of an error response ({\"code\",\"message\"}, docs/server.md)"
ALLOWED[("server/http/openapi.cpp", "code")] = "the error response's key in the OpenAPI document's Error schema"
ALLOWED[("server/http/openapi.cpp", "components")] = "a key of the OpenAPI document (components.schemas)"
ALLOWED[("server/http/router.cpp", "method")] = "a JSON key of `ecoaudit serve --list-routes` (a route's HTTP method)"
# The workbench API's JSON keys and query parameters (docs/server.md, docs/decisions.md, docs/jobs.md):
# output and request keys of the API, not names the engine assumes of the schema. The browse API
# still calls the owner "enterprise" in its JSON (generic name wanted: see the session notes).
for _rel, _keys, _why in (
    ("server/routes/browse.cpp", ("enterprise", "subject_record", "subject_key"),
     "a JSON key or query parameter of the browse API (/api/enterprises, /api/findings): the owner and a finding's subject"),
    ("server/routes/browse_pages.cpp", ("enterprise",),
     "the query parameter of the findings page (the browse API's: one owner's findings) and its template's key"),
    ("server/routes/imports.cpp", ("code",), "a JSON key of an import error in the imports API (its diagnostic code)"),
    ("server/routes/screening.cpp", ("code", "application", "project_name"),
     "a JSON key or query parameter of the screening API (an error's code; the recorded decision's application id and project name)"),
    ("server/routes/waivers.cpp", ("valid_from", "valid_until", "approver"),
     "a JSON key of the waivers API (a request's period and its approver), mapped to the ruleset's declared waiver roles in app/waivers"),
):
    for _key in _keys:
        ALLOWED[(_rel, _key)] = _why
# The workbench's draws and inspections (server/routes/draws.cpp, inspections.cpp).
ALLOWED[("server/routes/draws.cpp", "enterprise")] = "the JSON key of a published draw's selection (docs/draw.md), read back for the page"
ALLOWED[("server/routes/inspections.cpp", "enterprise")] = "the key of the request opening an inspection and the query parameter naming one owner, whatever the schema calls it"
ALLOWED[("server/routes/inspections.cpp", "enterprise_id")] = "the JSON key of an inspection's owner, as in a finding (findings.schema.json)"
ALLOWED[("server/routes/inspections.cpp", "checked_on")] = "the JSON key of an inspection outcome's day (the engine's own _inspection_outcome record, docs/enforcement.md), not the schema's field"
# The watch list's JSON (`ecoaudit watchlist --format json`, /api/watchlist) is written by app/enforcement.cpp.
ALLOWED[("app/enforcement.cpp", "enterprise_id")] = "the JSON key of a watch-list entry's owner, as in a finding (findings.schema.json)"
ALLOWED[("server/routes/enforcement.cpp", "enterprise_id")] = "a key of the watch list page's template data (the entry's owner, as in the JSON)"
for _key in ("issued_on", "legal_basis"):
    ALLOWED[("server/routes/enforcement.cpp", _key)] = "a JSON key of an enforcement action in /api/violations (the engine's own _action record, docs/enforcement.md), not the schema's field"

# The random draw's optional records of the Jinzhong schema (schema/inspection.rules, the
# enterprise's positive_list) share their names with words of the engine's own output, command
# line and roles; none of these reads a schema field (the draw reads the fields its plan names).
for _rel, _key, _why in (
    ("engine/draw/draw.cpp", "positive_list", "a JSON key of the draw's recorded inputs (a population member's flag and the plan's condition: exclusions.positive_list)"),
    ("app/draws.cpp", "positive_list", "a key of the draw plan and of the published list (exclusions.positive_list: the condition, an expression the plan writes, docs/draw.md)"),
    ("server/routes/draws.cpp", "positive_list", "a key of the published list's API schema (exclusions.positive_list: the plan's condition, docs/draw.md)"),
    ("engine/draw/draw.cpp", "inspector", "a JSON key of the draw's recorded inputs (a recusal's inspector; the plan names the record: inspectors.recusal)"),
    ("app/draws.cpp", "inspection", "a key of the draw plan (exclusions.inspection: it names the record, docs/draw.md)"),
    ("server/routes/inspections.cpp", "inspection", "a JSON key, page name and route parameter of the inspections API and pages (the engine's own _inspection record)"),
    ("reports/json/findings_json.cpp", "inspection", "the JSON key of a finding's enforcement inspection (the engine's own _inspection record, findings.schema.json)"),
    ("reports/html/html_report.cpp", "inspection", "a template variable of a finding's enforcement inspection (the engine's own _inspection record)"),
    ("server/routes/enforcement.cpp", "inspection", "a JSON key of an enforcement action in /api/violations (the engine's own _inspection record)"),
    ("cli/cmd_inspection.cpp", "inspection", "the name of the command `ecoaudit inspection`"),
    ("app/authorization.cpp", "inspector", "the name of an account role (docs/server.md)"),
    ("cli/cmd_user.cpp", "active", "a word of `ecoaudit user list` (an account not disabled)"),
):
    ALLOWED[(_rel, _key)] = _why

CPP_DIRS = ["engine", "reports", "app", "cli", "server"]

LITERAL = re.compile(
    r'//[^\n]*|/\*.*?\*/|R"(?P<delim>[^(\s]*)\((?P<raw>.*?)\)(?P=delim)"|"(?P<text>(?:[^"\\\n]|\\.)*)"|\'(?:[^\'\\\n]|\\.)+\'',
    re.S)


def schema_names(src):
    names = set()
    folder = os.path.join(src, "rulesets", "jinzhong", "schema")
    for fn in sorted(os.listdir(folder)):
        if not fn.endswith(".rules"):
            continue
        with open(os.path.join(folder, fn), encoding="utf-8") as f:
            in_record = False
            for line in f:
                line = line.split("#")[0]
                m = re.match(r"\s*record\s+([A-Za-z_][A-Za-z0-9_]*)", line)
                if m:
                    names.add(m.group(1))
                    in_record = True
                    continue
                if in_record and re.match(r"\s*}", line):
                    in_record = False
                    continue
                m = re.match(r"\s+([A-Za-z_][A-Za-z0-9_]*)\??\s*:", line)
                if in_record and m:
                    names.add(m.group(1))
    return names


LOOKUP = re.compile(r"find_(record|field)\s*\(\s*$")


def literals(text):
    """(line, literal text, is the argument of a find_record/find_field call) of every string
    literal outside comments."""
    for m in LITERAL.finditer(text):
        if m.group(0).startswith(("//", "/*", "'")):
            continue
        body = m.group("raw") if m.group("raw") is not None else m.group("text")
        yield text.count("\n", 0, m.start()) + 1, body, bool(LOOKUP.search(text[max(0, m.start() - 40):m.start()]))


def is_name(lit, names):
    parts = lit.split(".")
    return len(parts) <= 2 and all(p in names for p in parts) and lit != ""


def hits(path, rel, text, names):
    out = []
    for line, lit, lookup in literals(text):
        # A record or field looked up by a schema name is never an output key.
        if not is_name(lit, names) or (not lookup and (lit in GENERIC or (rel, lit) in ALLOWED)):
            continue
        out.append(f"{rel}:{line}: \"{lit}\" names a record or field of the Jinzhong schema")
    return out


def check(src):
    names = schema_names(src)
    if len(names) < 50 or "waiver" not in names or "enterprise" not in names:
        print(f"read only {len(names)} names from rulesets/jinzhong/schema: the reader is broken")
        return 1
    found = []
    for d in CPP_DIRS:
        for root, _, files in os.walk(os.path.join(src, d)):
            for fn in sorted(files):
                if not fn.endswith((".cpp", ".hpp")):
                    continue
                path = os.path.join(root, fn)
                rel = os.path.relpath(path, src)
                with open(path, encoding="utf-8") as f:
                    found += hits(path, rel, f.read(), names)
    for h in found:
        print(h)
    if found:
        print(f"{len(found)} literal(s) name the Jinzhong schema: declare what the engine needs in the rule "
              "language (docs/rule-language.md, \"Roles and validators\") or, for an output key, list it in "
              "tests/contracts/names_test.py with its reason")
        return 1
    print(f"contracts.names: no schema name among the literals of {', '.join(CPP_DIRS)} ({len(names)} names)")
    return 0


def self_test():
    names = {"enterprise", "waiver", "valid_from", "waste_code"}
    bad = 'auto* w = s.find_record("waiver");\nint f = r.find_field("waste_code");\nx("enterprise.valid_from");\n'
    assert len(hits("x", "engine/x.cpp", bad, names)) == 3, hits("x", "engine/x.cpp", bad, names)
    raw = 'auto q = R"sql(waiver)sql";\n'
    assert len(hits("x", "engine/x.cpp", raw, names)) == 1
    fine = ('// find_record("waiver") in a comment\n/* "enterprise" */\nauto s = "the enterprise";\n'
            'char c = \'"\';\nauto t = "enterprise_id";\n')
    assert hits("x", "engine/x.cpp", fine, names) == [], hits("x", "engine/x.cpp", fine, names)
    generic = 'int n = owner.find_field("name");\nj["name"] = 1;\n'
    assert len(hits("x", "cli/x.cpp", generic, names | {"name"})) == 1, hits("x", "cli/x.cpp", generic, names | {"name"})
    allowed = 'key("waiver");\n'
    assert hits("x", "reports/json/findings_json.cpp", allowed, names) == []
    assert len(hits("x", "reports/other.cpp", allowed, names)) == 1
    print("contracts.names self test: passed")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2]))
    if len(sys.argv) == 2 and sys.argv[1] == "self-test":
        sys.exit(self_test())
    print(__doc__)
    sys.exit(2)
