"""The demo's every list page, and one object of every resource, validate against the
API's own OpenAPI schema in a strict validator (issue #15): openapi-core's response
validation, with undeclared properties made errors (``additionalProperties: false`` on
the test's copy of the schema). Typed clients and pydantic models reject what the schema
does not say: a `null` where it promised a value, a field it does not list."""

from __future__ import annotations

import copy
import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from openapi_core import Config, OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIResponse
from openapi_core.testing import MockRequest

HOST = "http://testserver"
PAGE_SIZE = 100
# Query parameters a list needs.
REQUIRED_QUERY = {"/api/v1/deletions/": {"since": "2000-01-01T00:00:00Z"}}


def _strict(schema: dict) -> dict:
    """A copy of `schema` in which every object schema with declared properties refuses
    any other property."""
    schema = copy.deepcopy(schema)

    def close(node, in_all_of=False):
        if isinstance(node, list):
            for item in node:
                close(item, in_all_of)
            return
        if not isinstance(node, dict):
            return
        if "properties" in node and "additionalProperties" not in node and not in_all_of:
            node["additionalProperties"] = False
        for key, value in node.items():
            close(value, in_all_of=key == "allOf")

    close(schema["components"]["schemas"])
    return schema


@pytest.fixture(scope="module")
def schema(client, django_db_blocker):
    with django_db_blocker.unblock():
        response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def _is_uri(value) -> bool:
    """An absolute URI (openapi-core checks `format: uri` only with rfc3987 installed;
    without the check, a blank URL matched both branches of drf-spectacular's
    ``oneOf: [uri, maxLength 0]`` and failed `oneOf`)."""
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.path))


@pytest.fixture(scope="module")
def openapi(schema):
    config = Config(extra_format_validators={"uri": _is_uri})
    return OpenAPI.from_dict(_strict(schema), config=config)


def _list_paths(schema) -> list[str]:
    return sorted(
        path for path, item in schema["paths"].items()
        if "get" in item and "{" not in path and path.startswith("/api/v1/")
    )


def _detail_paths(schema) -> list[str]:
    return sorted(
        path for path, item in schema["paths"].items()
        if "get" in item and path.startswith("/api/v1/") and path.count("{") == 1
        and path.endswith("}/")
    )


def _problems(openapi, url: str, response) -> list[str]:
    parts = urlsplit(url)
    request = MockRequest(HOST, "get", parts.path, args=dict(parse_qsl(parts.query)))
    try:
        openapi.validate_response(request, DjangoOpenAPIResponse(response))
    except Exception as error:  # noqa: BLE001 - every kind of mismatch is reported
        cause = error.__cause__
        details = sorted({_short(e) for e in getattr(cause, "schema_errors", ())})
        return [f"{url}: {type(cause or error).__name__}"
                + "".join(f"\n    {d}" for d in details[:8])]
    return []


def _short(error) -> str:
    """Where in the body and what: not the whole page."""
    where = "/".join(str(p) for p in error.absolute_path)
    return f"{where}: {error.message[:200]}"


def _walk(client, url: str):
    """Every page of a list, following `next`."""
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        yield url, response
        body = json.loads(response.content)
        url = body.get("next") if isinstance(body, dict) else None


def _first_query(path) -> str:
    query = {"page_size": PAGE_SIZE, **REQUIRED_QUERY.get(path, {})}
    return path + "?" + "&".join(f"{k}={v}" for k, v in query.items())


@pytest.mark.django_db
def test_every_list_page_conforms(client, schema, openapi, django_db_blocker):
    problems, pages = [], 0
    for path in _list_paths(schema):
        for url, response in _walk(client, _first_query(path)):
            pages += 1
            problems += _problems(openapi, url, response)
    assert pages > 30
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_every_cursor_page_conforms(client, schema, openapi):
    """The sync walk (`?cursor=`) of every list that has one."""
    problems = []
    for path in _list_paths(schema):
        parameters = {p.get("name") for p in schema["paths"][path]["get"].get("parameters", [])}
        if "cursor" not in parameters:
            continue
        for url, response in _walk(client, _first_query(path) + "&cursor="):
            problems += _problems(openapi, url, response)
    assert not problems, "\n".join(problems)


def _decide_a_deadline(client) -> None:
    """The demo has no deadline decisions: record one, as a client would."""
    contracts = json.loads(client.get("/api/v1/contracts/?page_size=250").content)["results"]
    contract = next(c for c in contracts if c["notice_deadline"])
    response = client.post("/api/v1/deadline-decisions/",
                           {"contract": contract["id"], "kind": "renew"}, format="json")
    assert response.status_code == 201, response.content


def _correct_an_attestation(client) -> None:
    """The demo's attestation campaign is open with confirmed and pending answers:
    correct a pending one, as its owner's client would, so a comment is there too."""
    pending = json.loads(client.get("/api/v1/attestations/?status=pending").content)
    first = pending["results"][0]
    answered = client.post(f"/api/v1/attestations/{first['id']}/attest/",
                           {"status": "corrected", "comment": "Ny enhed"}, format="json")
    assert answered.status_code == 200, answered.content


@pytest.mark.django_db
def test_one_object_of_every_resource_conforms(client, schema, openapi):
    _decide_a_deadline(client)
    _correct_an_attestation(client)
    problems, missing, checked = [], [], 0
    for path in _detail_paths(schema):
        collection = path[: path.rindex("{")]
        if collection not in schema["paths"]:
            continue
        rows = json.loads(client.get(_first_query(collection)).content)
        rows = rows.get("results", rows) if isinstance(rows, dict) else rows
        if not rows:
            missing.append(collection)
            continue
        # The richest object of the first page: the most fields filled in.
        row = max(rows, key=lambda r: sum(v not in (None, "", []) for v in r.values()))
        key = "number" if "{number}" in path else "id"
        url = collection + f"{row[key]}/"
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        problems += _problems(openapi, url, response)
        checked += 1
    assert not problems, "\n".join(problems)
    assert missing == []  # every resource with a detail has an object to check
    assert checked >= 21


def test_strict_copy_catches_an_undeclared_field(schema):
    """The validator is strict: an extra property fails."""
    strict = _strict(schema)
    component = strict["components"]["schemas"]
    closed = [name for name, s in component.items() if s.get("properties")]
    assert closed and all(
        component[name].get("additionalProperties") is not None for name in closed
    )
