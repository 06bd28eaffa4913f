#!/usr/bin/env python3
"""The OpenAPI document (GET /api/openapi.json, generated from the route registry) describes
every API route `--list-routes` gives and no other, each with x-resource/x-action or x-access;
and every API answer — each route called with its example as every role and anonymously —
is described by it: its status is listed for that operation and its body validates against
that status's schema (tests/server/schema_check.py: the JSON Schema subset the document uses,
with a self test that it refuses what it should)."""
import re

import schema_check

from harness import ROLE_USERS, Client, Server, check, fail, main_args


def call(client, route):
    path = route["path"]
    for name in re.findall(r"\{([a-z_]+)\}", path):
        path = path.replace("{%s}" % name, route["example_params"].get(name, "x"))
    body = (route["example_body"] or "{}") if route["method"] in ("POST", "PUT", "PATCH") else None
    return client.request(route["method"], path, body=body)


def main():
    eco, source = main_args()
    schema_check.self_test()
    with Server(eco, source) as srv:
        routes = [r for r in srv.list_routes() if r["kind"] == "api"]
        admin = srv.client("admin")
        r = admin.get("/api/openapi.json")
        check(r.status == 200, "GET /api/openapi.json: %r" % r)
        doc = r.json()
        check(doc["openapi"].startswith("3.1"), "openapi version %r" % doc["openapi"])
        ops = {(m.upper(), p) for p, item in doc["paths"].items() for m in item}
        listed = {(x["method"], x["path"]) for x in routes}
        check(ops == listed, "the document and the registry differ: %r" % (ops ^ listed))
        for p, item in doc["paths"].items():
            for m, op in item.items():
                check(op["x-access"] in ("public", "signed_in") or ("x-resource" in op and "x-action" in op),
                      "%s %s: no declared access" % (m, p))
                for status, resp in op["responses"].items():
                    for media in resp.get("content", {}).values():
                        schema_check.check_schema(media["schema"], doc, "%s %s %s" % (m, p, status))
        clients = {"anonymous": Client(srv.port)}
        clients.update({role: srv.client(user) for role, user in ROLE_USERS.items()})
        checked = 0
        for route in routes:
            op = doc["paths"][route["path"]][route["method"].lower()]
            for who in clients:
                resp = call(clients[who], route)
                label = "%s %s as %s" % (route["method"], route["path"], who)
                if route["method"] == "DELETE" and route["path"] == "/api/session" and who != "anonymous":
                    clients[who] = srv.client(ROLE_USERS[who])
                described = op["responses"].get(str(resp.status))
                if described is None:
                    fail("%s: status %d is not in the document (%r)" % (label, resp.status, resp))
                content = described.get("content")
                if not content:
                    check(resp.body == b"", "%s: a body where the document has none" % label)
                    continue
                media, spec = next(iter(content.items()))
                ctype = (resp.header("Content-Type") or "").split(";")[0]
                check(ctype == media, "%s: Content-Type %s, documented %s" % (label, ctype, media))
                if media == "application/json":
                    try:
                        schema_check.validate(resp.json(), spec["schema"], doc)
                    except schema_check.SchemaError as e:
                        fail("%s: the answer does not match the document: %s" % (label, e))
                checked += 1
        print("OpenAPI: %d operations; %d answers validated" % (len(ops), checked))


if __name__ == "__main__":
    main()
