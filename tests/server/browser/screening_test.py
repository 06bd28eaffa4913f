#!/usr/bin/env python3
"""Screening applications in a real browser (webui.py's checks on every page), as the permit
officer on the screening fixture (tests/screen), in Chinese at laptop width and in English at
tablet width, each on a fresh store:
  - an application document chosen in the page's file input (read by /static/screening.js into
    the form) is screened: one card per application with its decision, the reasons of a refusal
    and the documents to request; nothing is stored by screening alone (the API's decision list
    stays empty);
  - recorded with a note, the decisions are listed under the officer's name on the decisions
    page and by the API;
  - the form generated from the schema's application record, filled in and sent, gives the
    decision of that application.
"""
import pathlib

from webui import By, args, check, each_combo, run

AS_OF = "2024-06-01"
EXPECTED = {"A-REJECT": "reject", "A-DOCS": "conditional", "A-OK": "approve", "A-SMALL": "reject"}


def cards(b):
    out = {}
    for c in b.find_all("section.decision"):
        title = b.find("h2", c).text
        decision = [k[len("decision-"):] for k in c.get_attribute("class").split() if k.startswith("decision-")][0]
        out[title.split(" · ")[0].strip()] = (decision, c)
    return out


def upload(b, apps):
    b.open("/screening")
    form = b.find("form[data-screening-upload]")
    b.find("input[data-document-file]", form).send_keys(str(apps / "mixed.json"))
    # screening.js reads the file into the form.
    b.wait_until("the document to be read into the form",
                 lambda: b.find('input[name="document_base64"]', form).get_attribute("value"))
    check(b.find('input[name="document_name"]', form).get_attribute("value") == "mixed.json", "the document's name")
    b.fill(form, {"as_of": AS_OF})
    b.reloaded(lambda: b.submit(form))
    got = cards(b)
    for app, decision in EXPECTED.items():
        check(app in got and got[app][0] == decision, "%s: %r (cards %r)" % (app, got.get(app), sorted(got)))
    refused = got["A-REJECT"][1]
    check(b.find_all("li", refused) and b.find("li strong", refused).text, "a refusal without its reasons")
    docs = got["A-DOCS"][1]
    check(b.find_all("code", docs), "a conditional decision without documents to request: %r" % docs.text)
    check(b.api("GET", "/api/screenings/decisions")[1] == [], "screening alone stored a decision")
    b.check_layout()
    b.shot("screened-upload")
    return len(got)


def record(b, lang, n):
    note = "材料齐全，现场核实" if lang == "zh" else "documents complete"
    form = b.find('form[action="/screening/record"]')
    b.fill(form, {"note": note})
    b.reloaded(lambda: b.submit(form))
    check(b.path().startswith("/screening/decisions"), "after recording: %s" % b.path())
    status, rec = b.api("GET", "/api/screenings/decisions")
    check(status == 200 and len(rec) == n, "recorded: %d %r" % (status, rec))
    check(all(d["officer"] == "officer" and d["note"] == note for d in rec), "recorded: %r" % rec)
    rows = b.find_all("table.decisions tbody tr") or b.find_all("main table tbody tr")
    text = " ".join(r.text for r in rows)
    check("officer" in text and note in text and "A-REJECT" in text, "the decisions page: %r" % text[:500])
    b.check_layout()
    b.shot("recorded")


def by_form(b, lang):
    b.open("/screening")
    form = b.find("form.screening-form")
    app_id = "A-FORM-" + lang.upper()
    b.fill(form, {"field:id": app_id, "field:project_name": "电子元件项目" if lang == "zh" else "electronics plant",
                  "field:industry": "electronics", "field:coal_power": "false",
                  "field:applicant_id": "91140700MA0TCR0030", "as_of": AS_OF})
    b.shot("screening-form")
    b.reloaded(lambda: b.submit(form))
    got = cards(b)
    check(list(got) == [app_id] and got[app_id][0] == "approve", "the form's application: %r" % got)
    check(b.find(".verdict", got[app_id][1]).text.strip() != "", "no decision label")
    b.check_layout()
    b.shot("screened-form")


def scenario(b, apps, lang, size):
    b.set_size(size)
    b.sign_in("officer", next_path="/screening")
    b.open("/screening?lang=" + lang)
    b.lang = lang
    b.check_layout()
    b.shot("screening")
    n = upload(b, apps)
    record(b, lang, n)
    by_form(b, lang)
    b.sign_out()


def main():
    eco, source, shots = args()
    apps = pathlib.Path(source).resolve() / "tests/screen/apps"
    each_combo(eco, source, shots / "screening", lambda b, lang, size: scenario(b, apps, lang, size),
               ruleset="tests/screen/ruleset", data="tests/screen/store")


if __name__ == "__main__":
    run(main)
