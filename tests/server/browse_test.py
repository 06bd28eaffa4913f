#!/usr/bin/env python3
"""The browsing area (server/routes/browse.cpp) on the browse fixture (tests/unit/app/
browse_fixture: four enterprises in three counties, the county declared `role jurisdiction`),
swept once: inspectors see only their county's enterprises, findings and counts; another
county's enterprise named by id is refused (403) and its audit neither runs nor is recorded;
a view of an audit is a row of the audit trail; filters, errors and the CSV export.

insp_a is the inspector of 榆次区 (E1 甲焦化, E4 100%_纯钢), insp_b of 太谷区 (E2 乙钢铁)."""
import urllib.parse

from harness import Server, check, main_args

FIXTURE = "tests/unit/app/browse_fixture"


def trail(srv, action):
    return srv.sql("SELECT actor, object FROM _audit WHERE action = ? ORDER BY id", (action,))


def main():
    eco, source = main_args()
    srv = Server(eco, source, ruleset=FIXTURE, data=FIXTURE + "/store")
    srv.run("sweep", "--db", str(srv.db), "--ruleset", str(srv.ruleset), "--as-of", "2024-12-31",
            "--format", "json", "--out", str(srv.dir / "sweep.json"))
    with srv:
        a, b, viewer, officer = (srv.client(u) for u in ("insp_a", "insp_b", "viewer", "officer"))

        # The search: limited to the inspector's county, whole for a viewer.
        r = a.get("/api/enterprises")
        check(r.status == 200, "search as insp_a: %r" % r)
        check(sorted(e["id"] for e in r.json()["items"]) == ["E1", "E4"], "insp_a's search: %r" % r.json())
        check(r.json()["total"] == 2, "insp_a's total: %r" % r.json())
        check(viewer.get("/api/enterprises").json()["total"] == 4, "a viewer sees every enterprise")
        r = a.get("/api/enterprises?q=" + urllib.parse.quote("乙"))
        check(r.json()["total"] == 0, "insp_a finds 太谷区's 乙钢铁 by name: %r" % r.json())
        r = viewer.get("/api/enterprises?county=" + urllib.parse.quote("太谷区"))
        check([e["id"] for e in r.json()["items"]] == ["E2"], "search by county: %r" % r.json())
        e1 = a.get("/api/enterprises/E1")
        check(e1.status == 200 and e1.json()["jurisdiction"] == "榆次区", "E1 as insp_a: %r" % e1)

        # Another county's enterprise by id: 403, its audit neither runs nor is recorded; an id
        # that is not there is refused to an inspector too (no probing), 404 to a viewer.
        check(a.get("/api/enterprises/E2").status == 403, "insp_a reads 太谷区's E2")
        r = a.get("/api/enterprises/E2/audit")
        check(r.status == 403 and r.code() == "forbidden", "insp_a audits 太谷区's E2: %r" % r)
        check(trail(srv, "enterprise.audit.view") == [], "a refused audit is in the trail")
        check(a.get("/api/enterprises/E9").status == 403, "an unknown id as an inspector")
        check(viewer.get("/api/enterprises/E9").status == 404, "an unknown id as a viewer")
        check(b.get("/api/enterprises/E2").status == 200, "insp_b reads their own E2")

        # The live audit of one's own enterprise, recorded in the trail.
        r = a.get("/api/enterprises/E1/audit?as_of=2024-12-31")
        check(r.status == 200, "E1's audit as insp_a: %r" % r)
        check(r.json()["findings"] == 2 and r.json()["enterprise"]["name"] == "甲焦化", "E1's audit: %r" % r.json())
        check(len(r.json()["report"]["findings"]) == 2, "the audit's report: %r" % r.json()["report"])
        check(trail(srv, "enterprise.audit.view") == [("insp_a", "enterprise:E1")],
              "the trail: %r" % trail(srv, "enterprise.audit.view"))
        check(a.get("/api/enterprises/E1/audit?as_of=someday").status == 400, "a bad as_of")

        # Findings: limited, filtered, refused to a role without the grant.
        r = a.get("/api/findings")
        check(r.status == 200, "findings as insp_a: %r" % r)
        keys = sorted(f["subject_key"] for f in r.json()["items"])
        check(keys == ["E1", "E4", "F1"] and r.json()["total"] == 3, "insp_a's findings: %r" % keys)
        check(b.get("/api/findings").json()["total"] == 1, "insp_b's findings (F3)")
        check(viewer.get("/api/findings").json()["total"] == 6, "a viewer's findings")
        r = viewer.get("/api/findings?verdict=violation&county=" + urllib.parse.quote("榆次区"))
        check(r.json()["total"] == 3, "violations in 榆次区: %r" % r.json())
        r = viewer.get("/api/findings?area=AIR&limit=1&offset=1")
        check(r.json()["total"] == 3 and len(r.json()["items"]) == 1, "AIR findings, second page: %r" % r.json())
        for bad in ("severity=urgent", "area=XYZ", "limit=0", "offset=x", "county=" + urllib.parse.quote("北京")):
            r = viewer.get("/api/findings?" + bad)
            check(r.status == 400 and r.code() == "bad_request", "findings?%s: %r" % (bad, r))
        check(officer.get("/api/findings").status == 403, "a permit officer lists findings")

        # The export: exactly what the filters select, inside the jurisdictions.
        r = a.get("/api/findings/csv")
        check(r.status == 200 and r.header("Content-Type").startswith("text/csv"), "csv as insp_a: %r" % r)
        text = r.body.decode("utf-8-sig")
        check(text.count("\n") == 4, "csv rows: %r" % text)
        check("甲焦化" in text and "乙钢铁" not in text and "丙焦化" not in text, "csv content: %r" % text)
        r = viewer.get("/api/findings/xlsx?area=AIR")
        check(r.status == 200 and r.body[:2] == b"PK", "xlsx: %r" % r)
        check(len(trail(srv, "finding.export")) == 2, "exports in the trail")

        # The dashboard: the inspector's county only.
        d = b.get("/api/dashboard").json()
        check(d["findings"] == 1 and d["sweep"]["as_of"] == "2024-12-31", "insp_b's dashboard: %r" % d)
        check([t["key"] for t in d["by_dimension"]["county"]] == ["太谷区"], "insp_b's counties: %r" % d)
        d = viewer.get("/api/dashboard").json()
        check(d["findings"] == 6 and d["violations"] == 4 and len(d["trend"]) == 1, "the dashboard: %r" % d)
        check(d["trend"][0]["by_verdict"] == d["by_verdict"], "the trend's counts per verdict: %r" % d["trend"])
        check(viewer.get("/api/dashboard?area=NOPE").status == 400, "an unknown area")
    print("browse: ok")


if __name__ == "__main__":
    main()
