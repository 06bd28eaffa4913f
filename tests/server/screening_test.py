#!/usr/bin/env python3
"""Screening through the server (docs/decisions.md), on the screening fixture (tests/screen):
the form generated from the `role screened` record; an uploaded document (JSON body, multipart)
and the form's values screened without storing anything; data errors naming the upload and the
field (422); a decision recorded under the signed-in officer's name (the application stored as a
batch, the decision append-only, its row in the audit trail) and listed per application; the
pages (upload or form -> decision -> record) with the CSRF token of the form; who may do what is
the matrix's `screening` row; markup in a value comes back inert.
"""
import base64
import pathlib
import re
import urllib.parse
import uuid

from harness import Server, check, fail, main_args

XSS = '<img src=x onerror="alert(1)">'


def form_post(client, path, fields):
    body = urllib.parse.urlencode(fields)
    return client.request("POST", path, body=body, content_type="application/x-www-form-urlencoded", csrf=False)


def multipart(client, path, name, content):
    boundary = uuid.uuid4().hex
    body = (("--%s\r\nContent-Disposition: form-data; name=\"document\"; filename=\"%s\"\r\n"
             "Content-Type: application/json\r\n\r\n" % (boundary, name)).encode("utf-8") + content +
            ("\r\n--%s--\r\n" % boundary).encode())
    return client.request("POST", path, body=body, content_type="multipart/form-data; boundary=" + boundary)


def main():
    eco, source = main_args()
    apps = pathlib.Path(source) / "tests/screen/apps"
    srv = Server(eco, source, ruleset=pathlib.Path(source) / "tests/screen/ruleset",
                 data=pathlib.Path(source) / "tests/screen/store")
    with srv:
        officer, viewer, insp = srv.client("officer"), srv.client("viewer"), srv.client("insp_a")

        form = officer.get("/api/screening/form")
        check(form.status == 200, "form: %r" % form)
        f = form.json()
        check(f["record"] == "application", "form record: %r" % f)
        fields = {x["name"]: x for x in f["fields"]}
        check(fields["industry"]["type"] == "enum" and fields["industry"]["options"][1]["label"]["zh"] == "钢铁",
              "enum field: %r" % fields["industry"])
        check(fields["id"]["required"] and not fields["coal_power"]["required"], "required flags")
        check(insp.get("/api/screening/form").status == 403, "an inspector has no screening cell")

        # A dry run stores nothing, whoever runs it; a viewer may not run one.
        before = srv.digest()
        mixed = (apps / "mixed.json").read_text(encoding="utf-8")
        check(viewer.post("/api/screenings", {"documents": [{"name": "m.json", "content": mixed}]}).status == 403,
              "a viewer screened")
        r = officer.post("/api/screenings", {"as_of": "2024-06-01", "documents": [{"name": "申请.json", "content": mixed}]})
        check(r.status == 200, "screen: %r" % r)
        decided = {d["application_id"]: d["decision"] for d in r.json()["decisions"]}
        check(decided == {"A-REJECT": "reject", "A-DOCS": "conditional", "A-OK": "approve", "A-SMALL": "reject",
                          "A-ELSEWHERE": "conditional"}, "decisions: %r" % decided)
        check(r.json()["recorded"] == [], "a dry run recorded")
        values = {"id": "A-OK", "applicant_id": "91140700MA0TCR001R", "project_name": "合规置换项目",
                  "industry": "steel", "added_capacity_t": "100000", "replaced_capacity_t": 125000,
                  "coal_power": False, "source_id": "91140700MA0TCR001R"}
        r = officer.post("/api/screenings", {"as_of": "2024-06-01", "form": values})
        check(r.status == 200 and r.json()["decisions"][0]["decision"] == "approve", "form screen: %r" % r)
        r = multipart(officer, "/api/screenings?as_of=2024-06-01", "../../etc/evil.json", mixed.encode("utf-8"))
        check(r.status == 200 and len(r.json()["decisions"]) == 5, "multipart screen: %r" % r)
        bad = officer.post("/api/screenings", {"documents": [{"name": "bad.json",
                                                              "content": (apps / "bad.json").read_text()}]})
        check(bad.status == 422 and bad.code() == "rejected", "bad document: %r" % bad)
        check(bad.json()["errors"][0]["file"] == "bad.json", "errors name the upload: %r" % bad.json())
        check(officer.post("/api/screenings", {"form": {"pipeline": "x"}}).status == 400, "unknown field accepted")
        check(officer.post("/api/screenings", {}).status == 400, "nothing to screen accepted")
        check(srv.digest() == before, "screening without recording changed the store")

        # Recording: the officer's name, the batch, the trail; listed per application.
        xml = (apps / "approve.xml").read_text(encoding="utf-8")
        check(viewer.post("/api/screenings/record", {"documents": [{"name": "a.xml", "content": xml}]}).status == 403,
              "a viewer recorded")
        check(srv.digest() == before, "a refused recording changed the store")
        b64 = base64.b64encode(xml.encode("utf-8")).decode()
        r = officer.post("/api/screenings/record", {"as_of": "2024-06-01", "note": "材料齐全",
                                                    "documents": [{"name": "approve.xml", "content_base64": b64}]})
        check(r.status == 201, "record: %r" % r)
        rec = r.json()["recorded"]
        check(len(rec) == 1 and rec[0]["officer"] == "officer" and rec[0]["application"] == "A-CHIP", "recorded: %r" % rec)
        check(rec[0]["batch"] > 0 and rec[0]["source"] == "approve.xml", "provenance: %r" % rec)
        listed = viewer.get("/api/screenings/decisions?application=A-CHIP")
        check(listed.status == 200 and [d["id"] for d in listed.json()] == [rec[0]["id"]], "listed: %r" % listed)
        trail = srv.sql("SELECT actor, object FROM _audit WHERE action = 'screening.record'")
        check(trail == [("officer", "application:A-CHIP")], "trail: %r" % trail)

        # The pages: the form's values -> the decision page -> record -> the decisions page.
        page = officer.get("/screening")
        check(page.status == 200 and "项目名称" in page.text(), "screening page: %r" % page)
        csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text())
        check(csrf is not None, "the page's forms carry the CSRF token")
        fields = {"_csrf": csrf.group(1), "mode": "form", "as_of": "2024-06-01", "field:id": "A-XSS",
                  "field:project_name": XSS, "field:industry": "electronics", "field:coal_power": "false",
                  "field:applicant_id": "91140700MA0TCR0030"}
        check(form_post(officer, "/screening", dict(fields, _csrf="wrong")).status == 403, "a wrong CSRF token passed")
        result = form_post(officer, "/screening", fields)
        check(result.status == 200, "decision page: %r" % result)
        html = result.text()
        check("予以批准" in html, "the decision is shown")
        check(XSS not in html and "&lt;img" in html, "markup in a value came back live")
        recorded = form_post(officer, "/screening/record", dict(fields, note="页面记录"))
        check(recorded.status == 303, "record page: %r" % recorded)
        where = recorded.header("Location")
        check(where.endswith("/screening/decisions?application=A-XSS"), "redirect: %r" % where)
        dpage = viewer.get("/screening/decisions?application=A-XSS")
        check(dpage.status == 200 and "页面记录" in dpage.text() and XSS not in dpage.text(), "decisions page")
        bad_page = form_post(officer, "/screening", dict(fields, **{"field:industry": "shipyard"}))
        check(bad_page.status == 422 and "industry" in bad_page.text(), "bad values on the page: %r" % bad_page)
        try:
            srv.sql("UPDATE _screening_decision SET decision = 'approve'")
            fail("a recorded decision was changed")
        except Exception as e:
            check("append-only" in str(e), "update refused for another reason: %s" % e)
    print("screening: form, dry runs (json, form, multipart), errors, record, pages, trail: ok")


if __name__ == "__main__":
    main()
