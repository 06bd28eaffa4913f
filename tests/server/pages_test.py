#!/usr/bin/env python3
"""The browsing pages (server/routes/browse_pages.cpp) on the browse fixture (tests/unit/app/
browse_fixture: four enterprises in three counties, the county declared `role jurisdiction`),
swept twice:

- the dashboard: every count is a link to the findings list, and the list it opens holds
  exactly that many findings (the latest sweep's tallies and every sweep of the trend, with and
  without filters);
- the enterprise search and the findings list: filters, paging and its bounds;
- the live audit page: the reports' audit (findings with messages, evidence, citations, the
  on-site checklist) inside the workbench, with the print button and the print stylesheet;
  recorded in the trail; another county's enterprise refused and not recorded;
- the export: the CSV holds exactly the rows the list shows page after page, the XLSX names the
  filters, the file's name too;
- jurisdictions: an inspector's pages name no enterprise, county or count of another county;
- XSS: a hostile enterprise name and hostile filter values come back inert.

insp_a is the inspector of 榆次区 (E1 甲焦化, E4 100%_纯钢), insp_b of 太谷区 (E2 乙钢铁);
E3 丙焦化 is in 介休市 (no inspector's)."""
import csv
import html
import io
import pathlib
import re
import shutil
import urllib.parse
import zipfile

from harness import Server, check, main_args
from html_check import inline_problems

FIXTURE = "tests/unit/app/browse_fixture"
NAMES = {"E1": "甲焦化", "E2": "乙钢铁", "E3": "丙焦化", "E4": "100%_纯钢"}
COUNTY = {"E1": "榆次区", "E2": "太谷区", "E3": "介休市", "E4": "榆次区"}


def q(s):
    return urllib.parse.quote(s)


def page(client, path, status=200):
    r = client.get(path)
    check(r.status == status, "%s: %r" % (path, r))
    check((r.header("Content-Type") or "").startswith("text/html"), "%s: not HTML" % path)
    return r.text()


def total_of(text, element):
    m = re.search(r'id="%s" data-total="(\d+)"' % element, text)
    check(m, "no %s in the page:\n%s" % (element, text[:2000]))
    return int(m.group(1))


def count_links(text, owners=False):
    """Every link of the dashboard to the findings list, with the count it shows: the counts of
    findings, or (owners) the count of enterprises with violations."""
    out = []
    for m in re.finditer(r'<a[^>]*href="(/findings[^"]*)"([^>]*)>(?:<span class="n">)?(\d+)<', text):
        if ('data-count="owners"' in m.group(2)) == owners:
            out.append((html.unescape(m.group(1)), int(m.group(3))))
    return out


def rows_of(text):
    """The findings list's rows: (rule, subject, enterprise)."""
    return re.findall(r'<tr data-rule="([^"]*)" data-subject="([^"]*)" data-verdict="[^"]*" data-severity="[^"]*"'
                      r'(?: data-enterprise="([^"]*)")?>', text)


def check_links(client, text, where):
    links = count_links(text)
    check(len(links) >= 10, "%s: only %d count links" % (where, len(links)))
    for href, n in links:
        shown = page(client, href + ("&" if "?" in href else "?") + "limit=500")
        check(total_of(shown, "finding-total") == n, "%s: the link %s shows %d, its list holds %d"
              % (where, href, n, total_of(shown, "finding-total")))
        api = client.get(href.replace("/findings", "/api/findings", 1)).json()
        check(api["total"] == n, "%s: the API disagrees on %s: %r" % (where, href, api["total"]))
    # The enterprises with violations: their violations' list names that many enterprises.
    for href, n in count_links(text, owners=True):
        shown = page(client, href + "&limit=500")
        owners = {e for _, _, e in rows_of(shown) if e}
        check(len(owners) == n, "%s: %d enterprises with violations, the list %s names %r" % (where, n, href, owners))
    return links


def no_inline(text, where):
    problems = inline_problems(text)
    check(not problems, "%s: %s" % (where, "; ".join(problems)))


def site_check(text):
    """The live audit page's printed-only section: the findings to confirm on site."""
    m = re.search(r'<section class="print-only" id="site-check">(.*?)</section>', text, re.S)
    check(m, "the audit page has no findings to confirm on site")
    return m.group(1)


def csv_rows(body):
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return rows[0], rows[1:]


def main():
    eco, source = main_args()
    srv = Server(eco, source, ruleset=FIXTURE, data=FIXTURE + "/store")
    for as_of in ("2024-06-30", "2024-12-31"):
        srv.run("sweep", "--db", str(srv.db), "--ruleset", str(srv.ruleset), "--as-of", as_of,
                "--format", "json", "--out", str(srv.dir / ("sweep-%s.json" % as_of)))
    with srv:
        a, b, viewer, officer, admin = (srv.client(u) for u in ("insp_a", "insp_b", "viewer", "officer", "admin"))

        # ---- Dashboard: every count opens a list of exactly that many findings. ----
        d = page(viewer, "/dashboard")
        no_inline(d, "/dashboard")
        check('id="dashboard-trend"' in d and d.count("<tr data-sweep=") == 2, "the trend has two sweeps")
        links = check_links(viewer, d, "viewer's dashboard")
        check(("/findings", 6) in links, "the total's link: %r" % links)
        check(any("sweep=1" in h and "verdict=" in h for h, _ in links), "the trend's cells link per sweep and verdict")
        check(any("verdict=violation%2Clate" in h or "verdict=violation,late" in h for h, _ in links),
              "the violations link both verdicts: %r" % links)
        d = page(viewer, "/dashboard?county=" + q("榆次区") + "&severity=low")
        links = check_links(viewer, d, "filtered dashboard")
        check(all("county=" + q("榆次区") in h and "severity=low" in h for h, _ in links),
              "a count's link drops the dashboard's filters: %r" % links)
        check(page(viewer, "/dashboard?area=NOPE", 400), "an unknown area")
        # A permit officer sees the dashboard (its counts) but not the findings: no link to them.
        d = page(officer, "/dashboard")
        check(count_links(d) == [] and 'href="/findings' not in d, "the officer's dashboard links the findings")
        check(re.search(r'data-count="findings"><span class="n">6<', d), "the officer's dashboard counts")
        check(officer.get("/findings").status == 403, "a permit officer opens the findings")
        check('class="findings-link"' not in page(officer, "/enterprises"), "the officer's search links findings")
        check('class="findings-link"' in page(viewer, "/enterprises"), "the viewer's search links findings")

        # ---- Jurisdictions: insp_b's pages hold nothing of another county. ----
        for path in ("/dashboard", "/findings", "/enterprises", "/findings?limit=500", "/enterprises?q=" + q("焦化")):
            text = page(b, path)
            for key in ("E1", "E3", "E4"):
                check(NAMES[key] not in text, "insp_b's %s names %s" % (path, NAMES[key]))
                check('"%s"' % key not in text, "insp_b's %s holds the id %s" % (path, key))
            for county in ("榆次区", "介休市"):
                check(county not in text, "insp_b's %s names %s" % (path, county))
        d = page(b, "/dashboard")
        check(re.search(r'data-count="findings"><span class="n">1<', d), "insp_b's dashboard counts 1 finding")
        check_links(b, d, "insp_b's dashboard")
        text = page(a, "/enterprises")
        check(total_of(text, "enterprise-total") == 2 and NAMES["E2"] not in text, "insp_a's search")
        # Another county's filter value, asked for by hand: nothing of it is shown.
        text = page(a, "/findings?county=" + q("太谷区"))
        check(total_of(text, "finding-total") == 0 and NAMES["E2"] not in text, "insp_a filters on 太谷区")
        text = page(a, "/dashboard?county=" + q("太谷区"))
        check(NAMES["E2"] not in text and not re.search(r'data-count="findings"><span class="n">[1-9]', text),
              "insp_a's dashboard of 太谷区 counts something")

        # ---- Enterprise search: filters and paging bounds. ----
        text = page(viewer, "/enterprises")
        check(total_of(text, "enterprise-total") == 4, "the viewer's search")
        rows = re.findall(r'<tr data-enterprise="([^"]+)"', text)
        check(rows == ["E4", "E3", "E2", "E1"], "the rows by name: %r" % rows)
        text = page(viewer, "/enterprises?q=" + q("焦化"))
        check(sorted(re.findall(r'<tr data-enterprise="([^"]+)"', text)) == ["E1", "E3"], "search by name")
        text = page(viewer, "/enterprises?q=" + q("%"))
        check(re.findall(r'<tr data-enterprise="([^"]+)"', text) == ["E4"], "'%' matches itself")
        text = page(viewer, "/enterprises?industry=steel&county=" + q("太谷区"))
        check(re.findall(r'<tr data-enterprise="([^"]+)"', text) == ["E2"], "search by county and industry")
        seen = []
        path = "/enterprises?limit=1"
        for _ in range(10):
            text = page(viewer, path)
            seen += re.findall(r'<tr data-enterprise="([^"]+)"', text)
            m = re.search(r'id="pager-next" rel="next" href="([^"]+)"', text)
            if not m:
                break
            path = html.unescape(m.group(1))
        check(sorted(seen) == ["E1", "E2", "E3", "E4"] and len(seen) == 4, "paging one by one: %r" % seen)
        check('id="pager-prev"' in text and 'id="pager-next"' not in text, "the last page's pager")
        text = page(viewer, "/enterprises?offset=100")
        check('id="enterprise-none"' in text and 'id="pager-prev"' in text, "a page past the end")
        for bad in ("limit=0", "limit=501", "offset=x", "limit=-1", "county=" + q("北京")):
            page(viewer, "/enterprises?" + bad, 400)

        # ---- The live audit page. ----
        before = len(srv.sql("SELECT id FROM _audit WHERE action = 'enterprise.audit.view'"))
        text = page(a, "/enterprises/E1?as_of=2024-12-31")
        no_inline(text, "/enterprises/E1")
        check('<link rel="stylesheet" href="/static/report.css">' in text, "the reports' stylesheet is linked")
        check('id="audit-page" data-enterprise="E1"' in text and 'data-findings="2"' in text, "the audit's head")
        for part in ('id="card"', 'id="findings"', 'id="checklist"', 'id="print-checklist" data-print',
                     "设施 F1 未完成改造", "甲焦化 未投保环境污染责任保险", "三(三)1", "完成超低排放改造"):
            check(part in text, "the audit page lacks %s" % part)
        check("<html" not in text[100:] and text.count("<main>") == 1, "the report's document is nested in the page")
        check(srv.sql("SELECT actor, object, detail FROM _audit WHERE action = 'enterprise.audit.view' ORDER BY id")[before:]
              == [("insp_a", "enterprise:E1", "as_of=2024-12-31")], "the view is not in the trail")
        # The printed checklist's second table: the violations to confirm on site, from the same
        # audit (the reports' JSON), with their messages and clauses, and the signatures.
        site = site_check(text)
        check(sorted(re.findall(r'<tr data-rule="([^"]+)" data-subject="([^"]+)" data-verdict="([^"]+)">', site))
              == [("bx.insurance", "enterprise:E1", "violation"), ("bx.retrofit", "facility:F1", "violation")],
              "the findings to confirm on site: %s" % site)
        for part in ("设施 F1 未完成改造", "甲焦化 未投保环境污染责任保险", "三(三)1", "三(六)3", 'id="site-signoff"',
                     "检查人员"):
            check(part in site, "the findings to confirm on site lack %s: %s" % (part, site))
        check('id="site-none"' not in site, "E1 has findings to confirm")
        text = page(a, "/enterprises/E1?as_of=2024-12-31&lang=en")
        check("Facility F1 not retrofitted" in text and 'lang="en"' in text, "the English audit")
        check("Facility F1 not retrofitted" in site_check(text) and "Findings to confirm on site" in text,
              "the English findings to confirm")
        page(a, "/enterprises/E2", 403)
        page(a, "/enterprises/E9", 403)
        page(viewer, "/enterprises/E9", 404)
        page(a, "/enterprises/E1?as_of=someday", 400)
        check(len(srv.sql("SELECT id FROM _audit WHERE action = 'enterprise.audit.view'")) == before + 2,
              "a refused audit is in the trail")
        # E2's only finding is unknown: its data to verify is the report's checklist, nothing to confirm.
        text = page(b, "/enterprises/E2?as_of=2024-12-31")
        site = site_check(text)
        check('id="site-none"' in site and "<tr data-rule=" not in site, "E2 has nothing to confirm: %s" % site)
        check(re.search(r'id="checklist".*<code>facility:F3</code>', text, re.S), "E2's checklist lacks F3's data")
        css = viewer.get("/static/report.css")
        check(css.status == 200 and css.header("Content-Type").startswith("text/css") and b"article.finding" in css.body
              and b"{{" not in css.body, "the reports' stylesheet: %r" % css)
        app_css = viewer.get("/static/app.css").text()
        check("@media print" in app_css and ".audit-page #checklist" in app_css and ".audit-page .print-only" in app_css
              and "@media screen { .print-only { display: none; } }" in app_css, "the print stylesheet")

        # ---- Findings: filters, paging, the export of what is shown. ----
        text = page(viewer, "/findings")
        no_inline(text, "/findings")
        check(total_of(text, "finding-total") == 6, "the latest sweep's findings")
        check('id="finding-sweep" data-sweep="2"' in text, "the latest sweep is listed")
        check(total_of(page(viewer, "/findings?sweep=1"), "finding-total") == 6, "the first sweep's findings")
        check(total_of(page(a, "/findings"), "finding-total") == 3, "insp_a's findings")
        # A row links to its enterprise's live audit as of the listed sweep's date, where the
        # finding is shown with its message.
        text = page(viewer, "/findings?sweep=1&enterprise=E1&rule=bx.retrofit")
        links = re.findall(r'<a class="enterprise-link" href="([^"]+)"', text)
        check(links == ["/enterprises/E1?as_of=2024-06-30"], "the rows' links to the audit: %r" % links)
        check("设施 F1 未完成改造" in page(viewer, html.unescape(links[0])), "the linked audit lacks the finding")
        text = page(viewer, "/findings?enterprise=E1")
        check(set(re.findall(r'<a class="enterprise-link" href="([^"]+)"', text)) == {"/enterprises/E1?as_of=2024-12-31"},
              "the latest sweep's rows link to the audit as of its date")
        for filters, n in (("verdict=violation", 4), ("verdict=violation,late", 4), ("area=AIR", 3),
                           ("severity=low&county=" + q("榆次区"), 2), ("enterprise=E1", 2), ("rule=bx.insurance", 3),
                           ("industry=steel", 2)):
            check(total_of(page(viewer, "/findings?" + filters), "finding-total") == n, "findings?%s" % filters)
        for bad in ("severity=urgent", "verdict=violation,", "area=XYZ", "rule=bx.none", "limit=0", "limit=501",
                    "offset=x", "sweep=99"):
            page(viewer, "/findings?" + bad, 400)
        for filters in ("", "county=" + q("榆次区"), "verdict=violation&area=HW", "sweep=1"):
            shown = []
            path = "/findings?limit=2" + ("&" + filters if filters else "")
            for _ in range(10):
                text = page(viewer, path)
                shown += [(rule, subject.split(":", 1)[1]) for rule, subject, _ in rows_of(text)]
                m = re.search(r'id="pager-next" rel="next" href="([^"]+)"', text)
                if not m:
                    break
                path = html.unescape(m.group(1))
            first = page(viewer, "/findings" + ("?" + filters if filters else ""))
            m = re.search(r'id="export-csv" href="([^"]+)"', first)
            check(m, "no CSV export link")
            r = viewer.get(html.unescape(m.group(1)))
            check(r.status == 200, "the CSV export: %r" % r)
            header, body = csv_rows(r.body)
            rule_col, key_col = 2 + 2, 2 + 2 + 6  # id, name, the two dimensions, then rule ... subject key
            check(header[rule_col] == "规则" or "rule" in header[rule_col].lower(), "the CSV's header: %r" % header)
            exported = [(row[rule_col], row[key_col]) for row in body]
            check(exported == shown, "findings?%s: the export %r is not what the list shows %r" % (filters, exported, shown))
            m = re.search(r'id="export-xlsx" href="([^"]+)"', first)
            r = viewer.get(html.unescape(m.group(1)))
            check(r.status == 200 and r.body[:2] == b"PK", "the XLSX export: %r" % r)
            book = zipfile.ZipFile(io.BytesIO(r.body))
            strings = book.read("xl/sharedStrings.xml").decode("utf-8")
            if filters.startswith("county"):
                check("筛选条件: 所在区县" in strings and "榆次区" in strings, "the XLSX names its filter: %s" % strings[:800])
                disposition = r.header("Content-Disposition")
                check(q("榆次区").lower() in disposition.lower(), "the file's name: %r" % disposition)
            if not filters:
                check("筛选条件" in strings and "无（全部）" in strings, "the XLSX says nothing was filtered")
        # An inspector's export: their county's rows only, the same as their list.
        text = page(b, "/findings")
        m = re.search(r'id="export-csv" href="([^"]+)"', text)
        _, body = csv_rows(b.get(html.unescape(m.group(1))).body)
        check([row[0] for row in body] == ["E2"], "insp_b's export: %r" % body)

        # ---- Navigation and the icon. ----
        text = page(viewer, "/findings")
        for href in ("/dashboard", "/enterprises", "/findings"):
            check('href="%s"' % href in text, "the navigation lacks %s" % href)
        r = viewer.get("/")
        check(r.status == 303 and r.header("Location") == "/dashboard", "home goes to the dashboard: %r" % r)
        r = viewer.get("/favicon.ico")
        check(r.status == 200 and r.header("Content-Type") == "image/x-icon" and r.body[:4] == b"\0\0\1\0",
              "the icon: %r" % r)
        check(viewer.get("/static/favicon.svg").status == 200, "the SVG icon")
        check('rel="icon" href="/static/favicon.svg"' in text, "the pages link their icon")
    print("pages: ok")
    xss(eco, source)


PAYLOAD = '<img src=x onerror=alert(1)>"\'&'


def xss(eco, source):
    """A hostile enterprise name (an imported batch) and hostile filter values: inert."""
    srv = Server(eco, source, ruleset=FIXTURE, data=None)
    data = srv.dir / "data"
    shutil.copytree(pathlib.Path(source) / FIXTURE / "store", data)
    with open(data / "enterprise.csv", "a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(["E5", PAYLOAD, "榆次区", "coking", "false"])
    srv.run("import", "--db", str(srv.db), "--ruleset", str(srv.ruleset), str(data))
    srv.run("sweep", "--db", str(srv.db), "--ruleset", str(srv.ruleset), "--as-of", "2024-12-31",
            "--format", "json", "--out", str(srv.dir / "sweep.json"))
    with srv:
        a = srv.client("insp_a")
        for path in ("/enterprises", "/findings", "/enterprises/E5?as_of=2024-12-31", "/findings?enterprise=E5",
                     "/enterprises?q=" + q(PAYLOAD), "/findings?rule=" + q(PAYLOAD),
                     "/enterprises?q=" + q("\"><script>alert(1)</script>")):
            r = a.get(path)
            text = r.text()
            no_inline(text, path)
            check("<img src=x" not in text and "<script>alert" not in text, "%s: markup comes back live" % path)
            if (r.status == 200 and "E5" in path) or path == "/enterprises":
                check("&lt;img src=x onerror=alert(1)&gt;" in text, "%s: the name is not shown escaped" % path)
        r = a.get("/api/findings/csv?enterprise=E5")
        _, body = csv_rows(r.body)
        check(body and body[0][1] == PAYLOAD, "the CSV keeps the name as text: %r" % body)
    print("pages XSS: inert")


if __name__ == "__main__":
    main()
