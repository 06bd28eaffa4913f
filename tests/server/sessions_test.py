#!/usr/bin/env python3
"""Sessions and CSRF: the cookie's flags; only a hash of the token in the store; a new session id
at every sign-in (a token planted before sign-in is never signed in); sign-out deletes; an
expired and an idle session are refused and deleted; a disabled account's sessions end; every
state-changing request without the session's CSRF token, with a wrong one, or from another
origin is refused and changes nothing; the trail records sign-in, failure and sign-out."""
import hashlib
import time

from harness import PASSWORD, Client, Server, check, main_args


def main():
    eco, source = main_args()
    with Server(eco, source) as srv:
        # The cookie: HttpOnly, SameSite=Strict, Path=/, no Secure by default (plain HTTP here).
        c = Client(srv.port)
        r = c.sign_in("admin")
        check(r.status == 201, "sign-in: %r" % r)
        cookie = r.header("Set-Cookie")
        for flag in ("HttpOnly", "SameSite=Strict", "Path=/"):
            check(flag in cookie, "the session cookie lacks %s: %s" % (flag, cookie))
        check("Secure" not in cookie, "Secure without secure_cookie: %s" % cookie)
        token = c.cookies["eco_session"]
        stored = [row[0] for row in srv.sql("SELECT token_hash FROM _session")]
        check(token not in stored, "the store keeps the session token itself")
        check(len(stored) == 1 and len(stored[0]) == 64, "one hashed session expected: %r" % stored)
        raw = srv.db.read_bytes()
        check(token.encode() not in raw, "the token is in the store file")
        check(PASSWORD["admin"].encode() not in raw, "the password is in the store file")
        check(c.get("/api/session").json()["user"] == "admin", "GET /api/session")

        # Fixation: a token set before sign-in (by an attacker) is not the one after it.
        planted = Client(srv.port)
        planted.cookies["eco_session"] = "attacker-chosen-token-0123456789abcdefghijk"
        check(planted.get("/api/session").status == 401, "a planted token is signed in")
        r = planted.sign_in("viewer")
        check(r.status == 201, "sign-in with a planted cookie: %r" % r)
        check(planted.cookies["eco_session"] != "attacker-chosen-token-0123456789abcdefghijk", "session fixation")
        # Signing in again while signed in: a new id, the old one is gone.
        old = dict(planted.cookies)
        planted.sign_in("viewer")
        check(planted.cookies["eco_session"] != old["eco_session"], "the same session id after a new sign-in")
        stale = Client(srv.port)
        stale.cookies = old
        check(stale.get("/api/session").status == 401, "the session replaced at sign-in still works")

        # CSRF: missing, wrong, and from another origin; each changes nothing.
        body = {"name": "csrf-victim", "roles": ["viewer"], "password": "Csrf-Password-0009"}
        for label, kw in [("no token", {"csrf": False}),
                          ("a wrong token", {"csrf": False, "headers": {"X-CSRF-Token": "x" * 43}}),
                          ("another origin", {"headers": {"Origin": "http://evil.example"}})]:
            before = srv.digest()
            r = c.request("POST", "/api/users", body, **kw)
            check(r.status == 403 and r.code() == "csrf", "CSRF with %s: %r" % (label, r))
            check(srv.digest() == before, "a CSRF-refused request changed the store (%s)" % label)
        # The form field works as the header does; the right token passes.
        r = c.request("POST", "/api/users/spare1/disable?_csrf=" + c.csrf, {}, csrf=False)
        check(r.status == 200, "the _csrf form field: %r" % r)
        r = c.post("/api/users", body)
        check(r.status == 201, "with the token: %r" % r)
        r = c.request("DELETE", "/api/session", csrf=False)
        check(r.status == 403 and r.code() == "csrf", "sign-out without the token: %r" % r)

        # A disabled account's sessions end at once.
        v = srv.client("spare2")
        check(v.get("/api/session").status == 200, "spare2 signed in")
        check(c.post("/api/users/spare2/disable").status == 200, "disable spare2")
        check(v.get("/api/session").status == 401, "a disabled account's session still works")
        check(Client(srv.port).sign_in("spare2").status == 401, "a disabled account signs in")

        # Expired and idle sessions: refused and deleted (the clock moved by editing the rows).
        e = srv.client("viewer")
        h = hashlib.blake2b(e.cookies["eco_session"].encode(), digest_size=32).hexdigest()
        check(srv.sql("SELECT count(*) FROM _session WHERE token_hash = ?", (h,))[0][0] == 1,
              "the stored hash is BLAKE2b-256 of the token")
        srv.sql("UPDATE _session SET expires = ? WHERE token_hash = ?", (int(time.time()) - 1, h))
        check(e.get("/api/session").status == 401, "an expired session works")
        check(srv.sql("SELECT count(*) FROM _session WHERE token_hash = ?", (h,))[0][0] == 0,
              "an expired session is not deleted")
        i = srv.client("viewer")
        h = hashlib.blake2b(i.cookies["eco_session"].encode(), digest_size=32).hexdigest()
        srv.sql("UPDATE _session SET last_seen = ? WHERE token_hash = ?", (int(time.time()) - 31 * 60, h))
        check(i.get("/api/users").status == 401, "an idle session works")
        check(srv.sql("SELECT count(*) FROM _session WHERE token_hash = ?", (h,))[0][0] == 0,
              "an idle session is not deleted")

        # Sign-out deletes the session; the cookie is cleared.
        n = srv.sql("SELECT count(*) FROM _session")[0][0]
        r = c.request("DELETE", "/api/session")
        check(r.status == 204, "sign-out: %r" % r)
        check("Max-Age=0" in (r.header("Set-Cookie") or ""), "sign-out does not clear the cookie")
        check(srv.sql("SELECT count(*) FROM _session")[0][0] == n - 1, "sign-out left the session")
        replay = Client(srv.port)
        replay.cookies["eco_session"] = token
        check(replay.get("/api/session").status == 401, "a signed-out token still works")

        # The trail: sign-in, failed sign-in (no unknown name written), sign-out, user changes.
        Client(srv.port).sign_in("admin", "Wrong-Password-123")
        Client(srv.port).sign_in("Admin-Password-0001-typed-as-name", "whatever-password")
        actions = [tuple(r) for r in srv.sql("SELECT actor, action, object FROM _audit")]
        for want in [("admin", "sign_in", "user:admin"), ("(anonymous)", "sign_in.failed", "user:admin"),
                     ("admin", "sign_out", "user:admin"), ("admin", "user.add", "user:csrf-victim"),
                     ("admin", "user.disable", "user:spare2"), ("(anonymous)", "sign_in.failed", "user:(unknown)")]:
            check(want in actions, "the trail lacks %r" % (want,))
        check(not any("typed-as-name" in " ".join(a) for a in actions), "an unknown name went to the trail")
        log = srv.read_log()
        for secret in [PASSWORD["admin"], token, c.csrf or "-"]:
            check(secret not in log, "the server's log holds a secret")
    print("sessions and CSRF: ok")


if __name__ == "__main__":
    main()
