#!/usr/bin/env python3
"""The enforcement workbench's recording routes (issue 15 item 7; docs/workbench.md "Draw and
publish", "My inspections", "Enforcement actions"), on the enforcement fixture (tests/enforcement:
榆次示例热力 E1 in 榆次区 with GL-1 (no desulfurization: critical) and GL-2 (SO2 over the limit:
high), 太谷示例化工 E2 in 太谷区), one recorded sweep:

- draws: the administrator draws (201, the published list without inspector ids, counties or
  names); a rule author, an inspector, a viewer read the list but may not draw (403, nothing
  recorded); the list shows seed, as-of day, ruleset and batch; verify passes, and after a new
  import batch names the batch; an unknown draw is 404; a bad seed, a period that is not one
  (markup) and an as-of day outside the period 400, recording nothing.
- accounts standing for inspectors: the administrator adds `wangli` linked to the roster id ZF001
  and links the account `ZF005` to ZF006 (an id the roster does not hold is 400 naming it, the
  same link again 409, an inspector may not link, nothing written on a refusal; each change in
  the trail); the account `ZF002` is left unlinked (the naming convention before links).
- inspections: the 榆次区 inspector opens one of E1 from the draw (the draw's team) and targeted
  ones; "mine" is the team naming the account's roster id: `wangli` (linked to ZF001) sees the
  team ZF001+ZF002's as its own, listed first; the unlinked `ZF002` by its name; the account
  `ZF005`, linked to ZF006, is not matched by its name; `insp_a`, unlinked and named as no
  roster id, owns none. E2 (太谷区) is 404 for them, and the 太谷区 inspector cannot read or
  record on E1's (404, store unchanged); a viewer reads but may not record (403).
- outcomes: idempotent on request_id: the same submission sent twice records one row and
  answers the same body (the second with X-Replayed); the same id with other values is 400;
  without the CSRF token 403; an unknown outcome 400 naming the four.
- enforcement actions: a rectification order on the confirmed violation (under enforcement), a
  penalty, a referral; an illegal transition 409 naming the allowed ones and recording nothing;
  a legal one recorded; every change in the audit trail; a dismissed (not confirmed) finding
  refuses an action.
- the pages /draws, /inspections, /inspections/ID, /violations show them; a note with markup
  comes back escaped.
"""
import json

from harness import Server, check, main_args

RULESET = "tests/enforcement/ruleset"
PASSWORDS = {"ZF002": "Roster-ZF002-Pass-01", "wangli": "Wangli-Password-0002", "ZF005": "Roster-ZF005-Pass-03"}
E1, E2 = "91140702MA0K010007", "91140702MA0K02000E"


def main():
    eco, source = main_args()
    srv = Server(eco, source, ruleset=RULESET, data=None)
    data = srv.source / "tests/enforcement/data"
    rs = str(srv.ruleset)
    srv.run("import", "--db", str(srv.db), "--ruleset", rs, str(data / "enterprise.csv"), str(data / "facility.csv"),
            str(data / "inspector.csv"))
    srv.run("sweep", "--db", str(srv.db), "--ruleset", rs, "--as-of", "2026-03-20")
    # An account named by its roster id and not linked: the convention before links.
    srv.run("user", "add", "ZF002", "--db", str(srv.db), "--role", "inspector", "--jurisdiction", "榆次区",
            "--password-stdin", stdin=PASSWORDS["ZF002"] + "\n")
    with srv:
        admin, author, viewer = srv.client("admin"), srv.client("author"), srv.client("viewer")
        insp_a, insp_b, officer = srv.client("insp_a"), srv.client("insp_b"), srv.client("officer")

        # Draws.
        check(viewer.get("/api/draws").json() == {"draws": []}, "draws before any")
        before = srv.digest()
        for c in (author, insp_a, viewer):
            r = c.post("/api/draws", {"period": "2026Q1", "seed": "42"})
            check(r.status == 403, "a draw by a non-administrator: %r" % r)
        check(officer.get("/api/draws").status == 403, "a permit officer reads draws")
        check(srv.digest() == before, "a refused draw changed the store")
        check(admin.post("/api/draws", {"period": "2026Q1", "seed": "-1"}).status == 400, "a negative seed")
        check(admin.post("/api/draws", {"seed": "1"}).status == 400, "a draw without a period")
        r = admin.post("/api/draws", {"period": "2026Q1", "seed": "42", "as_of": "2026-03-21"})
        check(r.status == 201, "draw: %r" % r)
        pub = r.json()
        check(pub["draw"] == 1 and pub["seed"] == "42" and pub["as_of"] == "2026-03-21", "published: %r" % pub)
        check(sorted(s["enterprise"] for s in pub["selections"]) == [E1, E2], "selections: %r" % pub["selections"])
        check(all(s["inspectors"] == 2 for s in pub["selections"]), "team sizes: %r" % pub["selections"])
        check("ZF0" not in r.text() and "张伟" not in r.text(), "the published list names an inspector: %s" % r.text())
        draws = author.get("/api/draws").json()["draws"]
        check([(d["id"], d["period"], d["seed"], d["as_of"], d["ruleset"], d["population"], d["selected"])
               for d in draws] == [(1, "2026Q1", "42", "2026-03-21", "enffix", 2, 2)], "draws: %r" % draws)
        check(len(draws[0]["inputs_sha256"]) == 64 and draws[0]["data_batch"] >= 1, "draw record: %r" % draws[0])
        check(insp_b.get("/api/draws/1").json() == pub, "the published list read again")
        v = viewer.get("/api/draws/1/verify")
        check(v.status == 200 and v.json()["verified"] is True and v.json()["problems"] == [], "verify: %r" % v)
        check(viewer.get("/api/draws/9").status == 404 and viewer.get("/api/draws/9/verify").status == 404,
              "an unknown draw")
        page = viewer.get("/draws")
        check(page.status == 200 and 'id="draw-published"' in page.text() and E1 in page.text()
              and 'id="draw-form"' not in page.text(), "draws page as viewer: %r" % page)
        check('<li id="draw-population-where">' in page.text() and "e.status == &apos;operating&apos;" in page.text()
              and 'id="draw-inspected-within"' not in page.text() and 'id="draw-weight"' not in page.text(),
              "the draws page does not show the plan's criteria as its fixture has them")
        check('id="draw-form"' in admin.get("/draws").text(), "the administrator's draws page has no form")
        check("data-open-from-draw" not in page.text(), "the viewer's draws page offers to open an inspection")
        link = 'href="/inspections?open=%s&amp;draw=1#inspection-open"' % E1
        check(link in insp_a.get("/draws").text(), "the inspector's draws page has no link to open E1's inspection")
        form = insp_a.get("/inspections?open=%s&draw=1" % E1).text()
        check('value="%s"' % E1 in form and 'id="open-draw" name="draw" inputmode="numeric" pattern="[0-9]*" '
              'maxlength="12" value="1"' in form, "the inspections page's form is not filled in")
        # A period is a year, half year, quarter or month: markup is refused, nothing recorded.
        xss = "<img src=x onerror=alert(1)>"
        before = srv.digest()
        r = admin.post("/api/draws", {"period": xss, "seed": "7", "as_of": "2026-03-21"})
        check(r.status == 400 and "is not a year (2027)" in r.text(), "a draw with a hostile period: %r" % r)
        r = admin.post("/api/draws", {"period": "2026Q2", "seed": "7", "as_of": "2026-03-21"})
        check(r.status == 400 and "is not a day of the period 2026Q2" in r.text(), "an as-of day outside the period: %r" % r)
        check(srv.digest() == before, "a refused period changed the store")
        xss_form = insp_a.get("/inspections?open=%s" % "%3Cscript%3Ex%3C/script%3E").text()
        check("<script>x</script>" not in xss_form, "the ?open= value is not escaped")

        # Accounts standing for inspectors of the roster (the fixture's inspector records).
        before = srv.digest()
        new = {"name": "wangli", "roles": ["inspector"], "jurisdictions": ["榆次区"], "password": PASSWORDS["wangli"]}
        r = admin.post("/api/users", dict(new, inspector="ZF999"))
        check(r.status == 400 and "no inspector ZF999 in the roster" in r.text(), "an unknown roster id: %r" % r)
        r = admin.request("PUT", "/api/users/insp_a/inspector", {"inspector": "ZF404"})
        check(r.status == 400 and "no inspector ZF404 in the roster" in r.text(), "an unknown roster id: %r" % r)
        r = insp_a.request("PUT", "/api/users/insp_a/inspector", {"inspector": "ZF001"})
        check(r.status == 403, "an inspector linked their own account: %r" % r)
        check(srv.digest() == before, "a refused link changed the store")
        r = admin.post("/api/users", dict(new, inspector="ZF001"))
        check(r.status == 201 and r.json()["inspector"] == "ZF001" and "warning" not in r.json(), "wangli: %r" % r)
        r = admin.post("/api/users", {"name": "ZF005", "roles": ["inspector"], "jurisdictions": ["榆次区"],
                                      "inspector": "", "password": PASSWORDS["ZF005"]})
        check(r.status == 201 and r.json()["inspector"] is None, "ZF005 added unlinked: %r" % r)
        r = admin.request("PUT", "/api/users/ZF005/inspector", {"inspector": "ZF006"})
        check(r.status == 200 and r.json()["inspector"] == "ZF006", "ZF005 linked to ZF006: %r" % r)
        check(admin.request("PUT", "/api/users/ZF005/inspector", {"inspector": "ZF006"}).status == 409, "the same link")
        check(admin.request("PUT", "/api/users/ZF002/inspector", {}).status == 400, "a link without inspector")
        listed = {u["name"]: u["inspector"] for u in admin.get("/api/users").json()}
        check(listed["wangli"] == "ZF001" and listed["ZF005"] == "ZF006" and listed["ZF002"] is None
              and listed["insp_a"] is None, "the accounts' links: %r" % listed)
        users_page = admin.get("/users").text()
        check('<td data-inspector>ZF006</td>' in users_page and 'data-api="/api/users/ZF005/inspector"' in users_page,
              "the users page shows no link or no form to set it")
        trail = srv.sql("SELECT actor, action, object, detail FROM _audit WHERE object IN ('user:wangli', 'user:ZF005') "
                        "AND action LIKE 'user.%' ORDER BY id")
        check(trail == [("admin", "user.add", "user:wangli", "roles=inspector jurisdictions=榆次区 inspector=ZF001"),
                        ("admin", "user.add", "user:ZF005", "roles=inspector jurisdictions=榆次区"),
                        ("admin", "user.inspector", "user:ZF005", "inspector=ZF006 was=(none)")],
              "the trail of the links: %r" % trail)
        wangli, zf002, zf005 = (srv.client(), srv.client(), srv.client())
        for c, name in ((wangli, "wangli"), (zf002, "ZF002"), (zf005, "ZF005")):
            check(c.sign_in(name, PASSWORDS[name]).status == 201, "sign-in as %s" % name)

        # Inspections: from the draw and targeted.
        r = insp_a.post("/api/inspections", {"enterprise": E1, "draw": 1, "planned_on": "2026-03-25"})
        check(r.status == 201, "open from the draw: %r" % r)
        drawn = r.json()
        check(drawn["draw"] == 1 and len(drawn["inspectors"]) == 2 and not drawn["mine"], "from the draw: %r" % drawn)
        check(all(i.startswith("ZF00") for i in drawn["inspectors"]), "the draw's team: %r" % drawn["inspectors"])
        r = insp_a.post("/api/inspections", {"enterprise": E1, "planned_on": "2026-03-26",
                                              "inspectors": ["ZF001", "ZF002"]})
        check(r.status == 201, "targeted: %r" % r)
        insp = r.json()
        iid = insp["id"]
        check(not insp["mine"] and insp["draw"] == 0, "targeted inspection (insp_a stands for no inspector): %r" % insp)
        r = insp_a.post("/api/inspections", {"enterprise": E1, "planned_on": "2026-03-27",
                                              "inspectors": ["ZF005", "insp_a"]})
        check(r.status == 201, "targeted: %r" % r)
        other = r.json()["id"]
        # insp_a is no roster id: a team naming it is still not its own.
        check(not r.json()["mine"], "insp_a matched by a name the roster has not: %r" % r.json())
        own = lambda c: [(i["id"], i["mine"]) for i in c.get("/api/inspections").json()["inspections"]]
        # The draw's team is 榆次区's two inspectors, ZF001 and ZF002: theirs too.
        check(own(wangli) == [(iid, True), (drawn["id"], True), (other, False)], "wangli's: %r" % own(wangli))
        check(own(zf002) == [(iid, True), (drawn["id"], True), (other, False)], "ZF002's: %r" % own(zf002))
        check(own(zf005) == [(other, False), (iid, False), (drawn["id"], False)], "ZF005's: %r" % own(zf005))
        check(wangli.get("/api/inspections/%d" % iid).json()["mine"], "wangli's inspection read alone")
        check(not zf005.get("/api/inspections/%d" % other).json()["mine"], "ZF005 matched by name though linked")
        items = {(i["rule"], i["subject"]["key"]): i["item"] for i in insp["items"]}
        check(("fx.desulfurization", "GL-1") in items and ("fx.so2", "GL-2") in items, "checklist: %r" % insp["items"])
        before = srv.digest()
        check(insp_a.post("/api/inspections", {"enterprise": E2, "planned_on": "2026-03-26",
                                               "inspectors": ["a", "b"]}).status == 404, "another county's enterprise")
        check(viewer.post("/api/inspections", {"enterprise": E1, "inspectors": ["a", "b"]}).status == 403,
              "a viewer opened an inspection")
        check(srv.digest() == before, "a refused opening changed the store")
        mine = insp_a.get("/api/inspections").json()["inspections"]
        check([i["id"] for i in mine] == [other, iid, drawn["id"]] and not any(i["mine"] for i in mine),
              "insp_a's inspections: %r" % mine)
        check(insp_b.get("/api/inspections").json()["inspections"] == [], "太谷区's inspector sees 榆次区's")
        check(insp_b.get("/api/inspections/%d" % iid).status == 404, "太谷区's inspector reads 榆次区's")
        check(viewer.get("/api/inspections/%d" % iid).json()["items"] == insp["items"], "the viewer's read")
        check(viewer.get("/api/inspections/99").status == 404, "an unknown inspection")

        # Outcomes, idempotent on request_id.
        gl1, gl2 = items[("fx.desulfurization", "GL-1")], items[("fx.so2", "GL-2")]
        path1 = "/api/inspections/%d/items/%d" % (iid, gl1)
        sub = {"outcome": "confirmed", "note": "<script>alert(1)</script>现场无脱硫设施", "checked_on": "2026-03-26",
               "evidence_files": ["IMG_0001.jpg", "锅炉房.pdf"], "request_id": "c-0001"}
        before = srv.digest()
        check(insp_a.post(path1, sub, csrf=False).status == 403, "an outcome without the CSRF token")
        check(insp_b.post(path1, sub).status == 404, "太谷区's inspector recorded on 榆次区's")
        check(viewer.post(path1, sub).status == 403, "a viewer recorded an outcome")
        check(insp_a.post(path1, dict(sub, outcome="maybe", request_id="c-x")).status == 400, "an unknown outcome")
        check(srv.digest() == before, "a refused outcome changed the store")
        first = insp_a.post(path1, sub)
        check(first.status == 201 and first.json()["version"] == 1 and first.json()["state"] == "open",
              "outcome: %r" % first)
        again = insp_a.post(path1, sub)
        check(again.status == 201 and again.body == first.body and again.header("X-Replayed") == "true",
              "the resent submission: %r / %r" % (first, again))
        rows = srv.sql("SELECT COUNT(*) FROM _inspection_outcome WHERE inspection = ?", (iid,))[0][0]
        check(rows == 1, "a resent submission recorded %d rows" % rows)
        check(insp_a.post(path1, dict(sub, note="other")).status == 400, "the same request id with other values")
        r = insp_a.post("/api/inspections/%d/items/%d" % (iid, gl2),
                        {"outcome": "not_confirmed", "note": "监测数据为标定期间", "checked_on": "2026-03-26",
                         "request_id": "c-0002"})
        check(r.status == 201, "dismissal: %r" % r)
        detail = insp_a.get("/api/inspections/%d" % iid).json()
        outcomes = {(i["rule"], (i["outcome"] or {}).get("outcome")) for i in detail["items"]}
        check(("fx.desulfurization", "confirmed") in outcomes and ("fx.so2", "not_confirmed") in outcomes,
              "outcomes: %r" % outcomes)
        page = insp_a.get("/inspections/%d" % iid).text()
        check("<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page,
              "the note is not escaped on the page")
        check('data-outcome-form' in page and 'src="/static/enforcement.js"' in page, "the checklist form")
        check('data-recorded="confirmed"' in page, "the recorded outcome on the page")
        check('data-inspection="%d" class="mine"' % iid in wangli.get("/inspections").text(), "my inspections page")
        check('data-inspection="%d" class="mine"' % iid not in insp_a.get("/inspections").text(),
              "insp_a's inspections page marks another's as its own")

        # Enforcement actions.
        order = {"kind": "rectification_order", "rule": "fx.desulfurization", "subject": "GL-1",
                 "reference": "晋中环责改〔2026〕9号", "issued_on": "2026-03-27", "deadline": "2026-06-30",
                 "requirement": "建成脱硫设施并投运<script>alert(2)</script>", "request_id": "a-0001"}
        before = srv.digest()
        check(viewer.post("/api/violations/actions", order).status == 403, "a viewer recorded an action")
        check(insp_b.post("/api/violations/actions", order).status == 404, "太谷区's inspector acted on 榆次区's")
        check(insp_a.post("/api/violations/actions", order, csrf=False).status == 403, "an action without CSRF")
        check(srv.digest() == before, "a refused action changed the store")
        r = insp_a.post("/api/violations/actions", order)
        check(r.status == 201 and r.json()["state"] == "under_enforcement", "order: %r" % r)
        again = insp_a.post("/api/violations/actions", order)
        check(again.body == r.body and again.header("X-Replayed") == "true", "the resent order: %r" % again)
        r = insp_a.post("/api/violations/actions", {"kind": "penalty", "rule": "fx.desulfurization", "subject": "GL-1",
                                                    "reference": "晋中环罚〔2026〕3号", "issued_on": "2026-03-28",
                                                    "amount": "100000", "legal_basis": "《大气污染防治法》第九十九条",
                                                    "case_number": "JZ-2026-003"})
        check(r.status == 201, "penalty: %r" % r)
        r = insp_a.post("/api/violations/actions", {"kind": "penalty", "rule": "fx.desulfurization", "subject": "GL-1",
                                                    "reference": "x", "issued_on": "2026-03-28"})
        check(r.status == 400, "a penalty without its amount: %r" % r)
        r = insp_a.post("/api/violations/actions", dict(order, rule="fx.so2", subject="GL-2", request_id="a-0002"))
        check(r.status == 400, "an action on a dismissed finding: %r" % r)
        before = srv.digest()
        r = insp_a.post("/api/violations/state", {"rule": "fx.desulfurization", "subject": "GL-1", "to": "resolved",
                                                  "on": "2026-04-01", "reason": "跳过核实"})
        check(r.status == 409 and "cannot go from under_enforcement to resolved" in r.json()["message"]
              and "resolved_pending_verification" in r.json()["message"], "illegal transition: %r" % r)
        check(srv.digest() == before, "an illegal transition changed the store")
        r = insp_a.post("/api/violations/state", {"rule": "fx.desulfurization", "subject": "GL-1",
                                                  "to": "resolved_pending_verification", "on": "2026-06-20",
                                                  "reason": "企业报告已建成脱硫设施"})
        check(r.status == 201 and r.json()["from"] == "under_enforcement", "legal transition: %r" % r)
        vs = viewer.get("/api/violations").json()["violations"]
        check([(v["rule"], v["state"], [a["kind"] for a in v["actions"]]) for v in vs]
              == [("fx.desulfurization", "resolved_pending_verification", ["rectification_order", "penalty"])],
              "violations: %r" % vs)
        page = insp_a.get("/violations?rule=fx.so2&subject=GL-2").text()
        check('id="action-form"' in page and 'value="GL-2"' in page and 'data-state-form' in page,
              "the violations page's forms")
        check('id="action-form"' not in viewer.get("/violations").text(), "the viewer's page has the action form")
        check("<script>alert(2)</script>" not in page and "&lt;script&gt;alert(2)&lt;/script&gt;" in page,
              "the order's requirement is not escaped")
        trail = [r[0] for r in srv.sql("SELECT action FROM _audit ORDER BY id")]
        for a in ("draw.run", "draw.verify", "inspection.open", "inspection.outcome", "enforcement.rectification_order",
                  "enforcement.penalty", "enforcement.state"):
            check(a in trail, "the audit trail has no %s: %r" % (a, trail))
        check(trail.count("inspection.outcome") == 2 and trail.count("enforcement.rectification_order") == 1,
              "a resent submission audited twice: %r" % trail)

        # Links cleared through the API (null, as the users page's blank field sends ""), refused when
        # there is nothing to clear, and an id an unlinked account stands for by its name refused,
        # naming it (one inspector, one account); the trail has each change, and only those.
        r = admin.request("PUT", "/api/users/ZF005/inspector", {"inspector": None})
        check(r.status == 200 and r.json()["inspector"] is None, "ZF005's link cleared with null: %r" % r)
        r = admin.request("PUT", "/api/users/ZF005/inspector", {"inspector": ""})
        check(r.status == 409, "clearing a link that is not there: %r" % r)
        r = admin.request("PUT", "/api/users/wangli/inspector", {"inspector": "ZF002"})
        check(r.status == 400 and "account ZF002" in r.text(), "ZF002 stands for ZF002 by its name: %r" % r)
        r = admin.request("PUT", "/api/users/wangli/inspector", {"inspector": ""})
        check(r.status == 200 and r.json()["inspector"] is None, "wangli's link cleared with \"\": %r" % r)
        links = srv.sql("SELECT object, detail FROM _audit WHERE action = 'user.inspector' AND object IN "
                        "('user:wangli', 'user:ZF005') ORDER BY id")
        check(links == [("user:ZF005", "inspector=ZF006 was=(none)"), ("user:ZF005", "inspector=(none) was=ZF006"),
                        ("user:wangli", "inspector=(none) was=ZF001")], "the links' trail: %r" % links)

        # A new import batch: the draw no longer verifies, naming the batch.
        srv.run("import", "--db", str(srv.db), "--ruleset", rs, str(data / "history/h2/facility.csv"))
        v = viewer.get("/api/draws/1/verify").json()
        check(v["verified"] is False and any("batch" in p for p in v["problems"]), "verify after an import: %r" % v)


if __name__ == "__main__":
    main()
