#!/usr/bin/env python3
"""XSS: markup in every user-controlled field of this area (an account's name, its
jurisdictions, the trail's filters, a sign-in name) comes back inert: escaped in the pages,
JSON (never HTML) from the API with nosniff, a formula-safe cell in the CSV export; every page
carries the strict CSP and no inline script or style."""
import re

from harness import Client, Server, check, main_args

NAME = "<img_src=x_onerror=alert(1)>"
JURISDICTION = "<script>alert(\"j\")</script>"
ROSTER_ID = "\"></td><script>alert(\"i\")</script>"
FORMULA = "=HYPERLINK(\"http://evil\")"


def inert(html, payload, where):
    check(payload not in html, "%s: the payload comes back as markup" % where)
    escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    check(escaped in html, "%s: the payload is not shown escaped" % where)


def no_inline(html, where):
    check(not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "%s: an inline script" % where)
    check("<style" not in html and " style=" not in html, "%s: an inline style" % where)
    check(not re.search(r"\son[a-z]+=", html), "%s: an inline event handler" % where)


def main():
    eco, source = main_args()
    with Server(eco, source) as srv:
        admin = srv.client("admin")
        r = admin.post("/api/users", {"name": NAME, "roles": ["inspector"], "jurisdictions": [JURISDICTION],
                                      "inspector": ROSTER_ID, "password": "Xss-Password-00001"})
        # The fixture's ruleset has no draw plan: the roster id is taken unchecked, with a warning.
        check(r.status == 201 and "not checked" in r.json().get("warning", ""), "add the account: %r" % r)
        r = admin.post("/api/users", {"name": FORMULA.replace(" ", ""), "roles": ["viewer"],
                                      "password": "Xss-Password-00002"})
        check(r.status == 400, "a name with '/' is refused: %r" % r)
        r = admin.post("/api/users", {"name": "=1+2", "roles": ["viewer"], "password": "Xss-Password-00003"})
        check(r.status == 201, "add =1+2: %r" % r)
        for path in ["/users", "/audit", "/audit?actor=%3Cb%3Ex%3C%2Fb%3E&action=%22%3E%3Cscript%3E"]:
            r = admin.get(path)
            check(r.status == 200, "%s: %r" % (path, r))
            html = r.text()
            no_inline(html, path)
            csp = r.header("Content-Security-Policy") or ""
            check("default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp,
                  "%s: CSP %r" % (path, csp))
            check(r.header("X-Content-Type-Options") == "nosniff", "%s: nosniff" % path)
            if path == "/users":
                inert(html, NAME, path)
                inert(html, JURISDICTION, path)
                inert(html, ROSTER_ID, path)
            elif path == "/audit":
                inert(html, NAME, path)
            else:
                inert(html, "<b>x</b>", path)
                inert(html, "\"><script>", path)
        r = admin.get("/api/users")
        check(r.header("Content-Type").startswith("application/json"), "the API answers JSON")
        check(any(u["name"] == NAME for u in r.json()), "the name round-trips in the API")
        # A name a spreadsheet would run as a formula: the export's cell starts with a quote.
        check(Client(srv.port).sign_in("=1+2", "Xss-Password-00003").status == 201, "sign in as =1+2")
        r = admin.get("/api/audit.csv")
        csv = r.text()
        check(r.status == 200 and "attachment" in (r.header("Content-Disposition") or ""), "the export: %r" % r)
        check(",'=1+2,sign_in," in csv, "the formula cell is not neutralised:\n" + csv)
        check(",=1+2," not in csv, "a formula cell in the export")
        # The sign-in page with a hostile next: escaped, and only a local path is kept.
        page = Client(srv.port).get("/sign-in?next=%22%3E%3Cscript%3Ealert(1)%3C/script%3E").text()
        check("<script>alert(1)" not in page, "the sign-in page echoes markup")
        page = Client(srv.port).get("/sign-in?next=//evil.example/").text()
        check("evil.example" not in page, "the sign-in page keeps a foreign next")
    print("XSS: inert")


if __name__ == "__main__":
    main()
