"""A checker of the JSON Schema subset the server's OpenAPI document emits (server/http/openapi.cpp
and the routes' schemas): type (a name or a list of names), required, properties,
additionalProperties false, items, enum, $ref to #/components/schemas. Written here rather than
taken from python3-jsonschema so that the test runs wherever the build does; a keyword outside
the subset is an error, so the document cannot grow a constraint this checker would ignore."""

KNOWN = {"type", "required", "properties", "additionalProperties", "items", "enum", "$ref"}
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


class SchemaError(Exception):
    pass


def check_schema(schema, doc, where="schema"):
    """Raises SchemaError for a schema using a keyword or type outside the subset."""
    if not isinstance(schema, dict):
        raise SchemaError("%s: not an object" % where)
    unknown = set(schema) - KNOWN
    if unknown:
        raise SchemaError("%s: keywords outside the checked subset: %s" % (where, sorted(unknown)))
    if "$ref" in schema:
        check_schema(resolve(schema, doc), doc, where + "->" + schema["$ref"])
    types = schema.get("type")
    for t in ([types] if isinstance(types, str) else types or []):
        if t not in TYPES:
            raise SchemaError("%s: unknown type %r" % (where, t))
    for name, sub in schema.get("properties", {}).items():
        check_schema(sub, doc, where + "." + name)
    if "items" in schema:
        check_schema(schema["items"], doc, where + "[]")


def resolve(schema, doc):
    if "$ref" not in schema:
        return schema
    node = doc
    for part in schema["$ref"].lstrip("#/").split("/"):
        node = node[part]
    return node


def validate(value, schema, doc, where="$"):
    """Raises SchemaError naming the first place where `value` does not match `schema`."""
    schema = resolve(schema, doc)
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        if not any(TYPES[t](value) for t in names):
            raise SchemaError("%s: %r is not of type %s" % (where, value, "/".join(names)))
    if "enum" in schema and value not in schema["enum"]:
        raise SchemaError("%s: %r is not one of %r" % (where, value, schema["enum"]))
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                raise SchemaError("%s: %s is missing" % (where, key))
        props = schema.get("properties", {})
        for key, sub in value.items():
            if key in props:
                validate(sub, props[key], doc, where + "." + key)
            elif schema.get("additionalProperties") is False:
                raise SchemaError("%s: %s is not allowed" % (where, key))
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            validate(item, schema["items"], doc, "%s[%d]" % (where, i))


def self_test():
    doc = {"components": {"schemas": {"E": {"type": "object", "required": ["code"],
                                            "properties": {"code": {"type": "string"}},
                                            "additionalProperties": False}}}}
    validate({"code": "x"}, {"$ref": "#/components/schemas/E"}, doc)
    for bad, schema in [({}, {"$ref": "#/components/schemas/E"}), ({"code": 1}, {"$ref": "#/components/schemas/E"}),
                        ({"code": "x", "more": 1}, {"$ref": "#/components/schemas/E"}),
                        ([1, "a"], {"type": "array", "items": {"type": "integer"}}),
                        (True, {"type": "integer"}), ("c", {"type": "string", "enum": ["a", "b"]}),
                        (None, {"type": "string"})]:
        try:
            validate(bad, schema, doc)
        except SchemaError:
            continue
        raise AssertionError("the checker accepted %r for %r" % (bad, schema))
    validate(None, {"type": ["string", "null"]}, doc)
    try:
        check_schema({"type": "string", "format": "date"}, doc)
        raise AssertionError("a keyword outside the subset passed")
    except SchemaError:
        pass
