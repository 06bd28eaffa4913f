#!/usr/bin/env python3
"""The enforcement area through the server (docs/enforcement.md "Compliance history" and "Change
notices"), on the enforcement fixture (tests/enforcement: 榆次示例热力 E1 in 榆次区, 太谷示例化工
E2 in 太谷区) with three recorded sweeps of the history data (h1, h1, h2):

- /api/history: the quarter grid (E1 violation then significant, E2 unknown then in compliance,
  a quarter without a sweep unknown); an inspector of 榆次区 sees E1 only, and asking for E2 is
  404; a bad number of quarters is 400; anonymous is 401.
- /history: the grid page, each cell with its status; the 榆次区 inspector's page does not name E2.
- /api/changes and /feeds/changes.atom: the Atom document parses (python's xml), is Atom 1.0
  (namespace, feed id/title/updated/author, each entry's id/title/updated/content), its entry ids
  are tag URIs that stay the same when fetched again and after a new sweep (the new sweep's
  entries are added, the old ones keep their ids), and the 榆次区 inspector's feed has 榆次区
  entries only.
- /api/watchlist and /watchlist: the watch list of the latest sweep (GL-2, significant by
  repetition), jurisdiction-limited for inspectors, ?days= overriding the policy's days.
"""
import xml.etree.ElementTree as ET

from harness import Server, check, main_args

RULESET = "tests/enforcement/ruleset"
E1, E2 = "91140702MA0K010007", "91140702MA0K02000E"
ATOM = "{http://www.w3.org/2005/Atom}"


def cells(grid, key):
    for row in grid["enterprises"]:
        if row["enterprise_id"] == key:
            return [(c["quarter"], c["status"], len(c["sweeps"])) for c in row["quarters"]]
    return None


def feed(client, path="/feeds/changes.atom"):
    r = client.get(path)
    check(r.status == 200, "feed: %r" % r)
    check(r.header("Content-Type").startswith("application/atom+xml"), "feed type: %r" % r.header("Content-Type"))
    root = ET.fromstring(r.body)  # raises on a document that is not well-formed XML
    check(root.tag == ATOM + "feed", "root element: %s" % root.tag)
    for child in ("id", "title", "updated"):
        check(root.find(ATOM + child) is not None and root.find(ATOM + child).text, "feed without %s" % child)
    check(root.find(ATOM + "author/" + ATOM + "name") is not None, "feed without an author")
    entries = root.findall(ATOM + "entry")
    for e in entries:
        for child in ("id", "title", "updated", "content"):
            check(e.find(ATOM + child) is not None and e.find(ATOM + child).text, "entry without %s" % child)
        check(e.find(ATOM + "id").text.startswith("tag:ecoaudit,2026:changes/enffix/sweep/"),
              "entry id: %s" % e.find(ATOM + "id").text)
    ids = [e.find(ATOM + "id").text for e in entries]
    check(len(ids) == len(set(ids)), "entry ids repeat: %r" % ids)
    return root, {e.find(ATOM + "id").text: e.find(ATOM + "title").text for e in entries}


def main():
    eco, source = main_args()
    srv = Server(eco, source, ruleset=RULESET, data=None)
    data = srv.source / "tests/enforcement/data"
    rs = str(srv.ruleset)

    def sweep(as_of):
        srv.run("sweep", "--db", str(srv.db), "--ruleset", rs, "--as-of", as_of)

    srv.run("import", "--db", str(srv.db), "--ruleset", rs, str(data / "history/h1/enterprise.csv"),
            str(data / "history/h1/facility.csv"), str(data / "inspector.csv"))
    sweep("2025-11-15")
    sweep("2026-02-10")
    srv.run("import", "--db", str(srv.db), "--ruleset", rs, str(data / "history/h2/facility.csv"))
    sweep("2026-03-20")
    with srv:
        viewer, insp_a, insp_b = srv.client("viewer"), srv.client("insp_a"), srv.client("insp_b")
        check(srv.client("admin").get("/api/history").status == 403, "an administrator sees no enterprise")

        # The quarter grid.
        r = viewer.get("/api/history?quarters=4")
        check(r.status == 200, "history: %r" % r)
        grid = r.json()
        check(grid["quarters"] == ["2025Q2", "2025Q3", "2025Q4", "2026Q1"], "quarters: %r" % grid["quarters"])
        check(cells(grid, E1) == [("2025Q2", "unknown", 0), ("2025Q3", "unknown", 0), ("2025Q4", "violation", 1),
                                  ("2026Q1", "significant_non_compliance", 2)], "E1: %r" % cells(grid, E1))
        check(cells(grid, E2) == [("2025Q2", "unknown", 0), ("2025Q3", "unknown", 0), ("2025Q4", "unknown", 1),
                                  ("2026Q1", "unknown", 2)], "E2: %r" % cells(grid, E2))
        check(viewer.get("/api/history?quarters=0").status == 400, "0 quarters accepted")
        check(viewer.get("/api/history?as_of=2026-02-30").status == 400, "a day that does not exist accepted")
        check(srv.client().get("/api/history").status == 401, "anonymous history")

        mine = insp_a.get("/api/history").json()
        check([row["enterprise_id"] for row in mine["enterprises"]] == [E1], "inspector of 榆次区: %r" % mine)
        check(insp_a.get("/api/history?enterprise=" + E2).status == 404, "inspector of 榆次区 saw E2")
        check(insp_b.get("/api/history?enterprise=" + E2).status == 200, "inspector of 太谷区 refused E2")
        check(viewer.get("/api/history?enterprise=91140702MA0K04000X").status == 404, "no such enterprise")

        page = viewer.get("/history")
        check(page.status == 200 and 'class="list qgrid"' in page.text(), "grid page: %r" % page)
        check('data-status="significant_non_compliance"' in page.text() and 'data-status="no_sweep"' in page.text(),
              "grid page statuses")
        page_a = insp_a.get("/history").text()
        check(E1 in page_a and E2 not in page_a, "inspector's grid page shows another jurisdiction")

        # Change notices: JSON, then the feed.
        ch = viewer.get("/api/changes").json()
        check([s["sweep"] for s in ch["sweeps"]] == [3], "changes of the latest sweep: %r" % ch)
        groups = {g["jurisdiction"]: g for g in ch["sweeps"][0]["groups"]}
        check(sorted(groups) == ["太谷区", "榆次区"], "groups: %r" % groups)
        check([e["subject"]["key"] for e in groups["榆次区"]["new"]] == ["GL-1"], "new in 榆次区: %r" % groups["榆次区"])
        check([e["subject"]["key"] for e in groups["太谷区"]["resolved"]] == ["GL-3"], "resolved: %r" % groups["太谷区"])

        root, entries = feed(viewer)
        ids = set(entries)
        check(len(ids) >= 3, "entries of three sweeps: %r" % entries)
        _, again = feed(viewer)
        check(set(again) == ids, "entry ids changed between two fetches")
        _, mine = feed(insp_a)
        check(mine and all("榆次区" in title for title in mine.values()), "inspector's feed: %r" % mine)
        check(not set(mine) - ids, "an inspector's entry has an id the full feed does not")
        check(srv.client().get("/feeds/changes.atom").status in (302, 303, 401), "anonymous feed")

        # The watch list as of sweep 3: GL-2 (E1, 榆次区) reported in 3 sweeps, unresolved since
        # 2025-11-15 (125 days, more than the fixture's 30) without an action; GL-1 is new.
        wl = viewer.get("/api/watchlist")
        check(wl.status == 200, "watch list: %r" % wl)
        wl = wl.json()
        check(wl["sweep"] == 3 and wl["as_of"] == "2026-03-20", "watch list sweep: %r" % wl)
        check([(e["enterprise_id"], e["subject"]["key"], e["jurisdiction"], e["days_unresolved"]) for e in wl["entries"]]
              == [(E1, "GL-2", "榆次区", 125)], "watch list entries: %r" % wl["entries"])
        check(wl["entries"][0]["why"] == ["reported in 3 sweeps (>= 3)"], "why: %r" % wl["entries"][0])
        check(insp_a.get("/api/watchlist").json()["entries"] == wl["entries"], "inspector of 榆次区's watch list")
        check(insp_b.get("/api/watchlist").json()["entries"] == [], "inspector of 太谷区 sees 榆次区's violation")
        check(viewer.get("/api/watchlist?days=125").json()["entries"] == [], "more than 125 days: none")
        check(viewer.get("/api/watchlist?days=-1").status == 400, "negative days accepted")
        check(srv.client().get("/api/watchlist").status == 401, "anonymous watch list")
        page = viewer.get("/watchlist")
        check(page.status == 200 and 'data-enterprise="%s"' % E1 in page.text()
              and "/history?enterprise=" + E1 in page.text(), "watch list page: %r" % page)
        page_b = insp_b.get("/watchlist")
        check(page_b.status == 200 and E1 not in page_b.text(), "inspector of 太谷区's watch list page names E1")

        # A new sweep: the old entries keep their ids, new ones are added.
        srv.run("import", "--db", str(srv.db), "--ruleset", rs, str(data / "history/h3/enterprise.csv"),
                str(data / "history/h3/facility.csv"))
        sweep("2026-08-05")
        _, after = feed(viewer)
        check(ids < set(after), "after a new sweep: old %r, now %r" % (sorted(ids), sorted(after)))
        check(any("/sweep/4/" in i for i in after), "no entry of sweep 4")


if __name__ == "__main__":
    main()
