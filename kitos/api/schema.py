"""Schema post-processing: every operation documents the errors it can answer with, so
that generated clients (and schemathesis) know them."""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: `detail` for one message, or field -> list of messages.",
    "additionalProperties": True,
}

ERRORS = {
    "400": "Invalid input: field errors or a rule the object breaks.",
    "401": "No, invalid, expired or revoked credentials.",
    "403": "Authenticated, but not allowed (reader, read-only key, other rules).",
    "404": "No such object, or it belongs to another organisation.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "412": "If-Match does not match the object's current ETag.",
    "415": "Unsupported media type.",
    "429": "Too many requests; retry after the time in Retry-After.",
}
WRITE_ONLY_ERRORS = {"400", "412", "415"}


def add_error_responses(result, generator, request, public):
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code in WRITE_ONLY_ERRORS and method == "get" and code != "400":
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_SCHEMA}},
                    },
                )
    return result


# -- examples --------------------------------------------------------------------------

SAMPLE_BY_FORMAT = {
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "date": "2027-06-30",
    "date-time": "2026-11-21T06:00:00+01:00",
    "uri": "https://www.kommune.dk/",
    "email": "kontraktejer@kommune.dk",
    "decimal": "125000.00",
}
SAMPLE_BY_NAME = {
    "name": "ESDH-løsning – drift og vedligehold",
    "cvr": "29189900",
    "country": "DK",
    "currency": "DKK",
    "contract_number": "K-2026-017",
    "email": "kontraktejer@kommune.dk",
    "number": "15.00.05",
    "title": "Beskæftigelsesindsats",
}


def _sample(schema, components, depth=0):
    if depth > 4:
        return None
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _sample(components.get(name, {}), components, depth + 1)
    for combinator in ("allOf", "oneOf", "anyOf"):
        if schema.get(combinator):
            return _sample(schema[combinator][0], components, depth + 1)
    if "example" in schema:
        return schema["example"]
    if schema.get("enum"):
        return next((value for value in schema["enum"] if value not in ("", None)), "")
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            name: SAMPLE_BY_NAME.get(name, _sample(prop, components, depth + 1))
            for name, prop in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [_sample(schema.get("items", {}), components, depth + 1)]
    if kind == "integer":
        return schema.get("minimum", 3) if schema.get("minimum", 0) > 0 else 3
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return False
    return SAMPLE_BY_FORMAT.get(schema.get("format"), "tekst")


def add_examples(result, generator, request, public):
    """Give every component schema an example (request bodies and responses of every
    endpoint then show one in Swagger UI and generated clients' docs)."""
    components = result.get("components", {}).get("schemas", {})
    for schema in components.values():
        if "example" not in schema and schema.get("type") == "object":
            schema["example"] = _sample(schema, components)
    return result
