#!/usr/bin/env python3
"""Brute-force sign-in is throttled: after max_failures failures for one account its next
attempts are refused 429 with Retry-After, even with the right password, and the refusals are
logged and recorded in the trail; another account is not affected; after the wait the right
password signs in. Per address too: address_max_failures failures from one address throttle
every name tried from it."""
import time

from harness import Client, Server, check, main_args


def main():
    eco, source = main_args()
    config = {"login": {"max_failures": 3, "backoff_seconds": 2, "max_backoff_seconds": 2,
                        "address_max_failures": 100000}}
    with Server(eco, source, config) as srv:
        c = Client(srv.port)
        for i in range(3):
            r = c.sign_in("viewer", "Wrong-Password-%03d" % i)
            check(r.status == 401, "failure %d: %r" % (i, r))
        r = c.sign_in("viewer")
        check(r.status == 429 and r.code() == "throttled", "the right password during the wait: %r" % r)
        check(r.header("Retry-After") is not None, "no Retry-After")
        check(Client(srv.port).sign_in("author").status == 201, "another account is throttled too")
        trail = [tuple(x) for x in srv.sql("SELECT action, object FROM _audit WHERE action = 'sign_in.throttled'")]
        check(("sign_in.throttled", "user:viewer") in trail, "the throttled attempt is not in the trail: %r" % trail)
        check("sign-in throttled for viewer" in srv.read_log(), "the throttled attempt is not logged")
        time.sleep(2.5)
        check(Client(srv.port).sign_in("viewer").status == 201, "after the wait the right password fails")

    config = {"login": {"max_failures": 1000, "backoff_seconds": 60, "address_max_failures": 4}}
    with Server(eco, source, config) as srv:
        for i in range(4):
            check(Client(srv.port).sign_in("user%d" % i, "Wrong-Password-1").status == 401, "failure %d" % i)
        r = Client(srv.port).sign_in("admin")
        check(r.status == 429, "the address is not throttled after 4 failures: %r" % r)
    print("throttling: ok")


if __name__ == "__main__":
    main()
