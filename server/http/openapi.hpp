#pragma once
// The OpenAPI 3.1 document (its schemas are JSON Schema 2020-12) of the served API, generated from the Router's registry (the same
// routes the server dispatches, so it cannot drift from them): each API route with its
// parameters, request and response schemas and its error responses ({"code","message"}), and
// x-resource / x-action / x-access saying who may call it. Served at GET /api/openapi.json.
#include <nlohmann/json.hpp>

#include "server/http/router.hpp"

namespace eco::server {

nlohmann::json openapi_document(const Router& router);

// Registers GET /api/openapi.json (any signed-in account).
void register_openapi(Router& router);

// The schema of every error response: {"code": word, "message": sentence}.
nlohmann::json error_schema();

}  // namespace eco::server
