#!/usr/bin/env python3
"""No inline style or script on any served page (issue 14: strict CSP): every registered GET
page (`ecoaudit serve --list-routes`) fetched anonymously and as every role, on the sweep fixture
swept once (so that the dashboard, the findings and the live audit have content), and every HTML
answer (pages, their error pages, redirects followed by hand) checked: no <style>, no style=
attribute, no <script> without src, no on*= handler, the CSP header without 'unsafe-inline'.
The icon is served at /favicon.ico (a browser asks for it whatever the page links)."""
import re

from harness import ROLE_USERS, Client, Server, check, main_args
from html_check import inline_problems

def inline(text):
    """What in an HTML text the strict CSP would block, or None."""
    problems = inline_problems(text)
    return "; ".join(problems) if problems else None


def main():
    eco, source = main_args()
    # The check itself: it finds what it must.
    for bad in ('<p style="color:red">', "<STYLE>p{}</STYLE>", "<script>alert(1)</script>",
                '<img src=x onerror="alert(1)">', '<a href="javascript:alert(1)">'):
        check(inline(bad), "the check misses %r" % bad)
    for good in ('<script src="/static/app.js" defer></script>', '<link rel="stylesheet" href="/static/app.css">',
                 "<p>style=&quot;x&quot; onerror= as text</p>", '<input value="&lt;img src=x onerror=alert(1)&gt;">'):
        check(not inline(good), "the check refuses %r" % good)

    srv = Server(eco, source)
    srv.run("sweep", "--db", str(srv.db), "--ruleset", str(srv.ruleset), "--as-of", "2024-12-31",
            "--format", "json", "--out", str(srv.dir / "sweep.json"))
    with srv:
        routes = [r for r in srv.list_routes() if r["method"] == "GET" and r["kind"] == "page"]
        check(len(routes) >= 10, "only %d page routes" % len(routes))
        clients = {"anonymous": Client(srv.port)}
        clients.update({role: srv.client(user) for role, user in ROLE_USERS.items()})
        pages = 0
        for route in routes:
            path = route["path"]
            for name in re.findall(r"\{([a-z_]+)\}", path):
                path = path.replace("{%s}" % name, route["example_params"].get(name, "x"))
            for who, client in clients.items():
                for lang in ("zh", "en"):
                    target = path + ("&" if "?" in path else "?") + "lang=" + lang
                    r = client.get(target)
                    for _ in range(3):  # follow local redirects ("/" to the first page)
                        if r.status not in (301, 302, 303) or not (r.header("Location") or "").startswith("/"):
                            break
                        r = client.get(r.header("Location"))
                    csp = r.header("Content-Security-Policy") or ""
                    check("unsafe-inline" not in csp and "script-src 'self'" in csp and "style-src 'self'" in csp,
                          "%s as %s: CSP %r" % (target, who, csp))
                    if not (r.header("Content-Type") or "").startswith("text/html"):
                        continue
                    pages += 1
                    problem = inline(r.text())
                    check(problem is None, "%s as %s (%d): %s" % (target, who, r.status, problem))
        r = Client(srv.port).get("/favicon.ico")
        check(r.status == 200 and r.header("Content-Type") == "image/x-icon" and r.body[:4] == b"\0\0\1\0",
              "/favicon.ico: %r" % r)
    print("CSP: %d HTML answers of %d page routes, none inline" % (pages, len(routes)))


if __name__ == "__main__":
    main()
