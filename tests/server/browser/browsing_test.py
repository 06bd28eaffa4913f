#!/usr/bin/env python3
"""Browsing what the sweeps found in a real browser (webui.py's checks on every page), as the
inspector of 榆次区 (insp_a) on the browse fixture (tests/unit/app/browse_fixture: E1 甲焦化 and
E4 in 榆次区, E2 in 太谷区, E3 丙焦化 in 介休市), swept twice, in Chinese at laptop width and in
English at tablet width, each on a fresh store; the pages' element ids are docs/workbench.md's:
  - the dashboard's violations tile opens the findings list holding that many findings;
  - the enterprise search, typed into its form, finds 甲焦化 and not 丙焦化 (another county's:
    out of the inspector's reach), and its link opens the live audit page of E1;
  - the live audit, run again for another legal date with the page's form, shows as many
    findings as the API's audit of that date, and the print button; the part only printed
    (section#site-check) is hidden on screen;
  - the page's link to the enterprise's findings opens the findings list of E1, as many as the
    API counts; filtered with the page's form to violations, every row is a violation of E1, as
    many as the API counts; the CSV export link carries the filters and exports exactly the
    rows the list shows.
Skipped (77) on a build without the browsing pages (/dashboard, /enterprises, /findings).
"""
import csv
import io
import urllib.parse

from webui import By, Select, args, check, each_combo, run

FIXTURE = "tests/unit/app/browse_fixture"
SWEEPS = ("2024-06-30", "2024-12-31")
AS_OF = "2024-12-31"


def setup(srv):
    paths = {r["path"] for r in srv.list_routes()}
    missing = [p for p in ("/dashboard", "/enterprises", "/findings") if p not in paths]
    if missing:
        print("the browsing pages are not on this build (%s): skipped" % ", ".join(missing))
        srv.tmp.cleanup()
        raise SystemExit(77)
    for as_of in SWEEPS:
        srv.run("sweep", "--db", str(srv.db), "--ruleset", str(srv.ruleset), "--as-of", as_of,
                "--format", "json", "--out", str(srv.dir / ("sweep-%s.json" % as_of)))


def total(b, css):
    return int(b.find(css).get_attribute("data-total"))


def api_total(b, query):
    status, body = b.api("GET", "/api/findings?" + query)
    check(status == 200, "GET /api/findings?%s: %d %r" % (query, status, body))
    return body["total"]


def rows(b):
    return [(tr.get_attribute("data-rule"), tr.get_attribute("data-subject"), tr.get_attribute("data-verdict"),
             tr.get_attribute("data-enterprise")) for tr in b.find_all("table#finding-list tbody tr[data-rule]")]


def dashboard(b):
    b.open("/dashboard")
    b.check_layout()
    b.shot("dashboard")
    tile = b.find('#dashboard-headline [data-count="violations"]')
    n = int(b.find(".n", tile).text)
    check(n > 0 and tile.tag_name == "a", "the violations tile: %r %s" % (tile.text, tile.tag_name))
    b.reloaded(tile.click)
    check(b.path().startswith("/findings"), "the tile opened %s" % b.path())
    check(total(b, "#finding-total") == n, "the tile says %d, its list holds %d" % (n, total(b, "#finding-total")))
    check(all(r[2] in ("violation", "late") for r in rows(b)), "the violations list: %r" % rows(b))


def search(b):
    b.open("/enterprises")
    form = b.find("form#enterprise-search")
    b.fill(form, {"q": "焦化"})
    b.reloaded(lambda: b.find("#search-submit").click())
    found = [tr.get_attribute("data-enterprise") for tr in b.find_all("table#enterprise-results tr[data-enterprise]")]
    check(found == ["E1"], "insp_a's search for 焦化: %r (E3 is another county's)" % found)
    check(total(b, "#enterprise-total") == 1, "the count shown: %d" % total(b, "#enterprise-total"))
    b.check_layout()
    b.shot("search")
    link = b.find('tr[data-enterprise="E1"] a.enterprise-link')
    b.reloaded(link.click)
    check(b.path().split("?")[0] == "/enterprises/E1", "the search's link opened %s" % b.path())


def audit(b):
    page = b.wait_for("div#audit-page")
    check(page.get_attribute("data-enterprise") == "E1", "the audit page's enterprise")
    form = b.find("form#audit-form")
    b.fill(form, {b.find("#audit-as-of-date").get_attribute("name"): AS_OF})
    b.reloaded(lambda: b.find("#audit-rerun").click())
    page = b.find("div#audit-page")
    check(page.get_attribute("data-as-of") == AS_OF, "the audit's date: %r" % page.get_attribute("data-as-of"))
    status, api = b.api("GET", "/api/enterprises/E1/audit?as_of=" + AS_OF)
    check(status == 200, "the API's audit: %d" % status)
    n = len(api["report"]["findings"])
    check(int(page.get_attribute("data-findings")) == n == len(b.find_all("#audit-report #findings article.finding")) > 0,
          "the page's findings: %s, articles %d, the API's %d"
          % (page.get_attribute("data-findings"), len(b.find_all("#audit-report #findings article.finding")), n))
    check(b.find("button#print-checklist").is_displayed(), "no print button")
    check(not b.find("section#site-check").is_displayed(), "the printed-only part shows on screen")
    b.check_layout()
    b.shot("audit")
    b.reloaded(b.find("a#enterprise-findings").click)


def findings(b):
    check(b.path().startswith("/findings") and "enterprise=E1" in b.path(), "the audit's findings link: %s" % b.path())
    n = total(b, "#finding-total")
    check(n == api_total(b, "enterprise=E1") > 0, "E1's findings: the page %d, the API %d" % (n, api_total(b, "enterprise=E1")))
    check({r[3] for r in rows(b)} == {"E1"}, "rows of another enterprise: %r" % rows(b))
    # Filtered to violations with the page's form.
    Select(b.find("select#filter-verdict")).select_by_value("violation")
    b.reloaded(lambda: b.find("#finding-apply").click())
    shown = rows(b)
    n = total(b, "#finding-total")
    check(n == api_total(b, "enterprise=E1&verdict=violation") == len(shown) > 0,
          "E1's violations: the page %d (%d rows), the API %d" % (n, len(shown), api_total(b, "enterprise=E1&verdict=violation")))
    check(all(r[2] == "violation" and r[3] == "E1" for r in shown), "the filtered rows: %r" % shown)
    b.check_layout()
    b.shot("findings-filtered")
    # The export carries the filters and holds exactly the rows shown.
    href = b.find("a#export-csv").get_attribute("href")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(href).query)
    check(query.get("enterprise") == ["E1"] and query.get("verdict") == ["violation"], "the export's filters: %s" % href)
    body = b.d.execute_async_script("""
        const [url, done] = arguments;
        fetch(url, {credentials: 'same-origin'}).then(r => r.text().then(t => done([r.status, t])))
          .catch(e => done([0, String(e)]));""", href)
    check(body[0] == 200, "the CSV export: %r" % body[:1])
    exported = list(csv.reader(io.StringIO(body[1].lstrip("\ufeff"))))[1:]
    check(len(exported) == len(shown) and all(r[0] == "E1" for r in exported),
          "the export's rows %r, the list's %r" % (exported, shown))


def scenario(b, lang, size):
    b.set_size(size)
    b.sign_in("insp_a")
    b.open("/dashboard?lang=" + lang)
    b.lang = lang
    dashboard(b)
    search(b)
    audit(b)
    findings(b)
    b.sign_out()


def main():
    eco, source, shots = args()
    each_combo(eco, source, shots / "browsing", scenario, setup=setup, ruleset=FIXTURE, data=FIXTURE + "/store")


if __name__ == "__main__":
    run(main)
