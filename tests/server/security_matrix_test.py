#!/usr/bin/env python3
"""THE security matrix: every registered route (`ecoaudit serve --list-routes`, the registry the
server dispatches from) called anonymously and as every role. The expected answer comes from the
role x resource matrix in docs/accounts.md (parsed here, not from the C++ table, so that the code
and the documented matrix are checked against each other):
  - anonymous: public routes answer, every other one 401;
  - a role: routes of a resource/action its cell grants answer (2xx/3xx for the route's example
    call), others 403; a jurisdiction-scoped cell (v*) answers or refuses 403 (the fixture's
    ruleset declares no jurisdiction field: app::authorize then refuses the scoped grant);
  - every refused call leaves the store unchanged (a digest of every table before and after).
"""
import re
import sys

from harness import ROLE_USERS, Client, Server, check, fail, main_args

FRAMEWORK_REFUSALS = {"unauthenticated", "forbidden", "csrf"}
LETTERS = {"v": "view", "e": "edit", "r": "run", "a": "approve", "x": "export"}


def documented_matrix(source):
    """{(role, resource): (set of actions, scoped)} from the table in docs/accounts.md."""
    text = open(source + "/docs/accounts.md", encoding="utf-8").read()
    rows = [l for l in text.splitlines() if l.startswith("| ")]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    roles = header[1:]
    out = {}
    for line in rows[1:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        m = re.match(r"`([a-z_]+)`", cells[0])
        if not m:
            continue
        for role, cell in zip(roles, cells[1:]):
            out[(role, m.group(1))] = ({LETTERS[ch] for ch in cell if ch in LETTERS}, "*" in cell)
    check(len(out) == 16 * 5, "docs/accounts.md: the matrix has %d cells, not 80" % len(out))
    return out


def call(client, route):
    path = route["path"]
    for name in re.findall(r"\{([a-z_]+)\}", path):
        path = path.replace("{%s}" % name, route["example_params"].get(name, "x"))
    body = None
    if route["method"] in ("POST", "PUT", "PATCH"):
        body = route["example_body"] or "{}"
    return client.request(route["method"], path, body=body)


def main():
    eco, source = main_args()
    matrix = documented_matrix(source)
    with Server(eco, source) as srv:
        routes = srv.list_routes()
        check(len(routes) >= 10, "only %d routes registered" % len(routes))
        for r in routes:
            check(r["access"] in ("public", "signed_in") or ("resource" in r and "action" in r),
                  "%s %s declares no resource and action" % (r["method"], r["path"]))
        clients = {role: srv.client(user) for role, user in ROLE_USERS.items()}
        calls = 0
        problems = []
        for route in routes:
            label = "%s %s" % (route["method"], route["path"])
            for who in ["anonymous"] + list(ROLE_USERS):
                if who == "anonymous":
                    expect = "allowed" if route["access"] == "public" else 401
                elif route["access"] != "authorized":
                    expect = "allowed"
                else:
                    actions, scoped = matrix[(who, route["resource"])]
                    granted = route["action"] in actions
                    expect = ("either" if scoped else "allowed") if granted else 403
                client = Client(srv.port) if who == "anonymous" else clients[who]
                before = srv.digest() if expect in (401, 403, "either") else None
                r = call(client, route)
                calls += 1
                refused = r.status in (401, 403) and (route["kind"] == "page" or r.code() in FRAMEWORK_REFUSALS)
                if expect in (401, 403):
                    if r.status != expect:
                        problems.append("%s as %s: expected %d, got %r" % (label, who, expect, r))
                    elif route["kind"] == "api" and r.code() not in FRAMEWORK_REFUSALS:
                        problems.append("%s as %s: a refusal without its JSON code: %r" % (label, who, r))
                elif expect == "allowed":
                    if refused:
                        problems.append("%s as %s: refused (%r) but the matrix allows it" % (label, who, r))
                    elif route.get("example_status"):
                        if r.status != route["example_status"]:
                            problems.append("%s as %s: the example call should answer %d: %r"
                                            % (label, who, route["example_status"], r))
                    elif route["access"] != "public" and not (200 <= r.status < 400):
                        problems.append("%s as %s: the example call failed: %r" % (label, who, r))
                elif expect == "either" and r.status not in (403,) and not (200 <= r.status < 400):
                    problems.append("%s as %s: neither allowed nor refused: %r" % (label, who, r))
                if before is not None and (refused or r.status == 403) and srv.digest() != before:
                    problems.append("%s as %s: refused, but the store changed" % (label, who))
                if route["method"] == "DELETE" and route["path"] == "/api/session" and who != "anonymous":
                    clients[who] = srv.client(ROLE_USERS[who])  # that call signed it out
        for p in problems:
            print("FAIL: " + p)
        if problems:
            sys.exit(1)
        print("security matrix: %d routes x %d callers = %d calls, all as documented"
              % (len(routes), len(ROLE_USERS) + 1, calls))


if __name__ == "__main__":
    main()
