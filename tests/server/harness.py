"""The server tests' harness: a temporary store with the sweep fixture imported and one account
per role (two inspectors of different jurisdictions), `ecoaudit serve` started on a free port,
and an HTTP client that keeps its session cookie and CSRF token.

Plain http.client (no proxy settings apply to it: the tests talk to 127.0.0.1 only).

Usage from a test:  with Server(eco, source) as srv: c = srv.client("admin"); c.get("/api/users")
"""
import hashlib
import http.client
import json
import os
import pathlib
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

PASSWORD = {
    "admin": "Admin-Password-0001",
    "author": "Author-Password-0002",
    "insp_a": "InspectorA-Pass-0003",
    "insp_b": "InspectorB-Pass-0004",
    "officer": "Officer-Password-0005",
    "viewer": "Viewer-Password-0006",
    "spare1": "Spare1-Password-0007",
    "spare2": "Spare2-Password-0008",
}
ACCOUNTS = [
    ("admin", ["administrator"], []),
    ("author", ["rule_author"], []),
    ("insp_a", ["inspector"], ["榆次区"]),
    ("insp_b", ["inspector"], ["太谷区"]),
    ("officer", ["permit_officer"], []),
    ("viewer", ["viewer"], []),
    ("spare1", ["viewer"], []),
    ("spare2", ["viewer"], []),
]
# The account signed in as each role in the matrix test.
ROLE_USERS = {"administrator": "admin", "rule_author": "author", "inspector": "insp_a",
              "permit_officer": "officer", "viewer": "viewer"}


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def headers_named(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def text(self):
        return self.body.decode("utf-8", "replace")

    def code(self):
        """The error code of a JSON error response, or None."""
        try:
            j = self.json()
            return j.get("code") if isinstance(j, dict) else None
        except (ValueError, UnicodeDecodeError):
            return None

    def __repr__(self):
        return "%d %s" % (self.status, self.body[:300])


class Client:
    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.csrf = None

    def request(self, method, path, body=None, headers=None, csrf=True, content_type="application/json"):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {"Host": "127.0.0.1:%d" % self.port}
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        if body is not None:
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
            if isinstance(body, str):
                body = body.encode("utf-8")
            h["Content-Type"] = content_type
        h.update(headers or {})
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        out = Response(r.status, r.getheaders(), r.read())
        conn.close()
        for c in out.headers_named("Set-Cookie"):
            name, _, rest = c.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in c:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return out

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body if body is not None else {}, **kw)

    def sign_in(self, name, password=None):
        r = self.post("/api/session", {"name": name, "password": password or PASSWORD[name]})
        if r.status == 201:
            self.csrf = r.json()["csrf"]
        return r


class Server:
    """A store in a temporary folder and `ecoaudit serve` on it: `ruleset` (relative to the
    source tree) with `data` imported (None: an empty store). `config` is merged into the test
    defaults (high address throttle: every test client comes from 127.0.0.1)."""

    def __init__(self, eco, source, config=None, accounts=True, ruleset="tests/sweep/fixture/ruleset",
                 data="tests/sweep/fixture/store"):
        self.eco = eco
        self.source = pathlib.Path(source)
        self.tmp = tempfile.TemporaryDirectory(prefix="eco-server-")
        self.dir = pathlib.Path(self.tmp.name)
        self.db = self.dir / "store.db"
        self.ruleset = self.source / ruleset
        self.config = {"login": {"address_max_failures": 100000}}
        for k, v in (config or {}).items():
            if isinstance(v, dict):
                self.config.setdefault(k, {}).update(v)
            else:
                self.config[k] = v
        self.proc = None
        self.port = None
        self.run("init", "--db", str(self.db), "--ruleset", str(self.ruleset))
        if data:
            self.run("import", "--db", str(self.db), "--ruleset", str(self.ruleset), str(self.source / data))
        if accounts:
            for name, roles, js in ACCOUNTS:
                args = ["user", "add", name, "--db", str(self.db), "--role", ",".join(roles), "--password-stdin"]
                if js:
                    args += ["--jurisdiction", ",".join(js)]
                self.run(*args, stdin=PASSWORD[name] + "\n")

    def run(self, *args, stdin=None):
        p = subprocess.run([self.eco, *args], input=stdin, capture_output=True, text=True)
        if p.returncode != 0:
            fail("ecoaudit %s: %s%s" % (" ".join(args[:2]), p.stdout, p.stderr))
        return p.stdout

    def start(self):
        cfg = self.dir / "serve.json"
        cfg.write_text(json.dumps(self.config))
        self.log = open(self.dir / "serve.log", "w+")
        self.proc = subprocess.Popen(
            [self.eco, "serve", "--db", str(self.db), "--ruleset", str(self.ruleset),
             "--listen", "127.0.0.1:0", "--config", str(cfg)],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.wait(5)
            fail("the server did not start: %r %s" % (line, self.read_log()))
        self.port = int(line.rsplit(":", 1)[1].strip(" /\n"))
        return self

    def read_log(self):
        self.log.flush()
        return (self.dir / "serve.log").read_text(encoding="utf-8", errors="replace")

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                fail("the server did not stop within %d s of signal %d" % (timeout, sig))
        return self.proc.returncode if self.proc else None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        self.tmp.cleanup()

    def client(self, user=None):
        c = Client(self.port)
        if user:
            r = c.sign_in(user)
            check(r.status == 201, "sign-in as %s: %r" % (user, r))
        return c

    def sql(self, query, params=()):
        con = sqlite3.connect(str(self.db), timeout=30)
        try:
            rows = con.execute(query, params).fetchall()
            con.commit()
            return rows
        finally:
            con.close()

    def digest(self):
        """A hash of every table's rows (a session's last_seen aside: reading touches it)."""
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=30)
        try:
            h = hashlib.sha256()
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
            for t in tables:
                cols = [r[1] for r in con.execute('PRAGMA table_info("%s")' % t)]
                if t == "_session":
                    cols = [c for c in cols if c != "last_seen"]
                q = "SELECT %s FROM \"%s\"" % (", ".join('"%s"' % c for c in cols), t)
                rows = sorted(repr(r) for r in con.execute(q))
                h.update(("%s:%d\n" % (t, len(rows))).encode())
                for r in rows:
                    h.update(r.encode("utf-8", "replace"))
            return h.hexdigest()
        finally:
            con.close()

    def list_routes(self):
        out = self.run("serve", "--db", str(self.db), "--ruleset", str(self.ruleset), "--list-routes")
        return json.loads(out)


def main_args():
    if len(sys.argv) != 3:
        fail("usage: %s ECOAUDIT SOURCE_DIR" % sys.argv[0])
    return sys.argv[1], sys.argv[2]
