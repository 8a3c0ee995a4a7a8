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
