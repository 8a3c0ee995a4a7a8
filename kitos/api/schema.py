"""Schema generation and post-processing.

The schema is generated in English whatever the request's language (component and enum
names, descriptions), every error response refers to the one ``Problem`` component
(RFC 9457, built by kitos.api.problems), and partial-update bodies carry no defaults."""

from __future__ import annotations

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from .problems import PROBLEM_CONTENT_TYPE


class EnglishSchemaGenerator(SchemaGenerator):
    """The schema in English for every request and for ``manage.py spectacular``.

    drf-spectacular names a choice set by a hash of its (value, label) pairs when field
    names collide, and matches ENUM_NAME_OVERRIDES by that hash: with Danish labels the
    names changed with ``Accept-Language``, and generated clients with them."""

    def get_schema(self, request=None, public=False):
        with translation.override("en"):
            return super().get_schema(request=request, public=public)


PROBLEM_SCHEMA = {
    "type": "object",
    "description": (
        "An error, as problem details (RFC 9457, `application/problem+json`). `title` is "
        "the HTTP status phrase, `detail` the message for people (in the request's "
        "language), `code` a stable reason for programs. `errors` is present on "
        "validation errors (400) only: field name to messages; nested fields as dotted "
        "paths (`coverage.0.usage`), rules about several fields under "
        "`non_field_errors`."
    ),
    "properties": {
        "type": {"type": "string", "description": "Always `about:blank`."},
        "title": {"type": "string", "description": "The HTTP status phrase."},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "code": {
            "type": "string",
            "description": (
                "Machine-readable reason: `invalid`, `parse_error`, `not_authenticated`, "
                "`authentication_failed`, `permission_denied`, `not_found`, "
                "`method_not_allowed`, `not_acceptable`, `unsupported_media_type`, "
                "`throttled`, `precondition_failed`, `query_timeout`, …"
            ),
        },
        "detail": {"type": "string", "description": "What went wrong, for people."},
        "errors": {
            "type": "object",
            "description": "Validation errors: field (path) to its messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status", "code", "detail"],
    "example": {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "code": "invalid",
        "detail": "Et eller flere felter er ikke gyldige.",
        "errors": {"expiry_date": ["Udløbsdatoen skal ligge efter startdatoen."]},
    },
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

ERRORS = {
    "400": "Invalid input: field errors (`errors`) or a rule the object breaks.",
    "401": "No, invalid, expired or revoked credentials.",
    "403": "Authenticated, but not allowed (reader, read-only key, other rules).",
    "404": "No such object, or it belongs to another organisation.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "412": "If-Match does not match the object's current ETag.",
    "415": "Unsupported media type (request bodies are `application/json` only).",
    "429": "Too many requests; retry after the seconds in `Retry-After`.",
    "503": "A query took too long and was cancelled; retry after `Retry-After`.",
}
WRITE_ONLY_ERRORS = {"400", "412", "415"}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before retrying.",
    }
}


def add_error_responses(result, generator, request, public):
    """Every operation's error responses refer to the one ``Problem`` component."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code in WRITE_ONLY_ERRORS and method == "get" and code != "400":
                    continue
                response = {
                    "description": description,
                    "content": {PROBLEM_CONTENT_TYPE: {"schema": PROBLEM_REF}},
                }
                if code in {"429", "503"}:
                    response["headers"] = RETRY_AFTER
                responses.setdefault(code, response)
    return result


def strip_partial_update_defaults(result, generator, request, public):
    """No ``default`` in a partial update's body (``Patched*Request``).

    A default there means "the server assumes this when the field is absent", which is
    false for PATCH (absent fields are left as they are), and generated clients send it:
    patching a contract's notes wiped its contract number."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if not (name.startswith("Patched") and name.endswith("Request")):
            continue
        for prop in schema.get("properties", {}).values():
            _strip_default(prop)
    return result


def _strip_default(schema: dict) -> None:
    schema.pop("default", None)
    for combinator in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(combinator, []):
            if isinstance(part, dict):
                _strip_default(part)
    if isinstance(schema.get("items"), dict):
        schema["items"].pop("default", None)


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
