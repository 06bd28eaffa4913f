#!/usr/bin/env python3
"""The ruleset area on the Jinzhong ruleset: /api/ruleset lists every rule of the ruleset's files
once, grouped by the area of its first requirement, each with its citations; the parameters
answer every `param` declared, each value with a source and a confidence; the coverage is the
command line's (`ecoaudit coverage --format json`: the same app run behind both front ends);
the three pages render in Chinese and English for every role the matrix lets view them."""
import json
import pathlib
import re
import subprocess

from harness import ROLE_USERS, Server, check, main_args


def declared(source, word):
    names = []
    for f in sorted(pathlib.Path(source, "rulesets/jinzhong").rglob("*.rules")):
        names += re.findall(r"^\s*%s ([a-z_0-9.-]+)" % word, f.read_text(encoding="utf-8"), re.M)
    return names


def main():
    eco, source = main_args()
    with Server(eco, source, ruleset="rulesets/jinzhong", data=None) as srv:
        c = srv.client("viewer")
        r = c.get("/api/ruleset")
        check(r.status == 200, "GET /api/ruleset: %r" % r)
        doc = r.json()
        check(doc["id"] == "jinzhong" and len(doc["sha256"]) == 64, "ruleset id/sha256: %r" % doc["id"])
        ids = [rule["id"] for area in doc["areas"] for rule in area["rules"]]
        check(sorted(ids) == sorted(declared(source, "rule")), "the rules differ from the ruleset's files")
        for area in doc["areas"]:
            for rule in area["rules"]:
                first = rule["requirements"][0] if rule["requirements"] else ""
                check(first.split("-")[0] == area["area"], "%s filed under %s" % (rule["id"], area["area"]))
                check(rule["citations"] and all(x["section"] and x["quote"] for x in rule["citations"]),
                      "%s: no citation" % rule["id"])
        params = c.get("/api/ruleset/parameters").json()
        check(sorted(p["name"] for p in params) == sorted(declared(source, "param")),
              "the parameters differ from the ruleset's files")
        for p in params:
            check(p["entries"], "%s: no value" % p["name"])
            for e in p["entries"]:
                check(e["value"] and e["source"] and e["confidence"] in ("high", "medium", "unverified"),
                      "%s: value/source/confidence %r" % (p["name"], e))
        cov = c.get("/api/ruleset/coverage").json()
        cli = json.loads(subprocess.run([eco, "coverage", str(srv.ruleset), "--format", "json"],
                                        capture_output=True, text=True).stdout)
        check(cov["encoded"] == cli["summary"]["encoded"] and cov["without_rule"] == cli["summary"]["without_rule"]
              and cov["need"] == cli["summary"]["requirements_needing_rules"],
              "coverage differs from the command line: %r vs %r" % (cov, cli["summary"]))
        words = {"ok": "ok", "no_rule": "NO RULE", "indicator": "indicator (no rule needed)",
                 "out_of_reach": "out of reach of record data"}  # the command line's words
        check([(q["id"], q["rules"], q["tests"], words[q["status"]]) for q in cov["requirements"]] ==
              [(q["requirement"], q["rules"], q["tests"], q["status"]) for q in cli["requirements"]],
              "the requirements differ from the command line's")
        for role, user in ROLE_USERS.items():
            client = srv.client(user)
            for lang, word in (("zh", "规则"), ("en", "Rules")):
                for path in ("/ruleset", "/ruleset/parameters", "/ruleset/coverage"):
                    r = client.get(path + "?lang=" + lang)
                    check(r.status == 200, "%s as %s (%s): %r" % (path, role, lang, r))
                    check(word in r.text(), "%s (%s): the navigation lacks %s" % (path, lang, word))
            page = client.get("/ruleset").text()
            check(page.count('<article class="rule card">') == len(ids), "the rules page lacks rules")
    print("ruleset area: %d rules, %d parameters, coverage as the command line's" % (len(ids), len(params)))


if __name__ == "__main__":
    main()
