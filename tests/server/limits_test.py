#!/usr/bin/env python3
"""Limits: a body over limits.body_bytes is refused 413 from its Content-Length, before it is
read, and changes nothing; headers over limits.header_bytes get 431; a request that stops
sending is cut off after limits.read_timeout_seconds; the server stops gracefully on SIGTERM
(a request running then still gets its answer, new connections are refused) and exits 0;
an unknown configuration key stops the start with an error naming it; the listening socket's
backlog is raised above the library's 5."""
import socket
import subprocess
import threading
import time

from harness import Server, check, main_args


def raw(port, data, timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(data)
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except socket.timeout:
        pass
    s.close()
    return out


def main():
    eco, source = main_args()
    config = {"limits": {"body_bytes": 4096, "header_bytes": 2048, "read_timeout_seconds": 2}}
    with Server(eco, source, config) as srv:
        c = srv.client("admin")
        before = srv.digest()
        big = {"name": "big", "roles": ["viewer"], "password": "Big-Password-0001", "pad": "x" * 5000}
        r = c.post("/api/users", big)
        check(r.status == 413 and r.code() == "payload_too_large", "oversized body: %r" % r)
        check(srv.digest() == before, "an oversized body changed the store")
        # The listen backlog: Debian's cpp-httplib listens with a backlog of 5, and 50 users
        # opening a connection per request overflowed it (each dropped SYN cost the client a
        # 1 s retransmission); the server raises it to SOMAXCONN once bound. `ss` shows a
        # listening socket's backlog as its Send-Q.
        listing = subprocess.run(["ss", "-ltnH", "sport = :%d" % srv.port], capture_output=True,
                                 text=True, check=True).stdout.split()
        check(len(listing) >= 3 and listing[0] == "LISTEN" and int(listing[2]) >= 128,
              "the listen backlog is not raised: %r" % listing)
        # Announced as huge, never sent: refused at once, not waited for.
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        t0 = time.time()
        s.sendall(b"POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 1000000000\r\n\r\n")
        out = s.recv(65536)
        s.close()
        check(out.startswith(b"HTTP/1.1 413"), "a huge Content-Length: %r" % out[:80])
        check(time.time() - t0 < 1.9, "the huge body was waited for")
        r = c.get("/api/users", headers={"X-Padding": "y" * 3000})
        check(r.status == 431, "oversized headers: %r" % r)
        # Slow request: the request line and half a header, then silence.
        t0 = time.time()
        out = raw(srv.port, b"GET /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", timeout=15)
        took = time.time() - t0
        check(took < 10, "a stalled request was not cut off (%.1f s)" % took)
        check(not out.startswith(b"HTTP/1.1 200"), "a stalled request was answered: %r" % out[:80])

        # Graceful shutdown: a request in flight gets its answer after SIGTERM.
        results = {}

        def slow_sign_in():
            results["r"] = srv.client().sign_in("viewer")  # Argon2id: tens of milliseconds

        t = threading.Thread(target=slow_sign_in)
        t.start()
        time.sleep(0.02)
        rc = srv.stop()
        t.join()
        check(rc == 0, "exit status after SIGTERM: %r" % rc)
        check("r" in results and results["r"].status in (201,), "the request in flight: %r" % results.get("r"))
        try:
            socket.create_connection(("127.0.0.1", srv.port), timeout=2).close()
            check(False, "the server still accepts connections after SIGTERM")
        except OSError:
            pass

        cfg = srv.dir / "bad.json"
        cfg.write_text('{"limits": {"body_byte": 10}}')
        p = subprocess.run([eco, "serve", "--db", str(srv.db), "--ruleset", str(srv.ruleset), "--config", str(cfg)],
                           capture_output=True, text=True, timeout=30)
        check(p.returncode == 2 and "limits.body_byte is not a setting" in p.stderr,
              "an unknown configuration key: %d %s" % (p.returncode, p.stderr))
    print("limits and shutdown: ok")


if __name__ == "__main__":
    main()
