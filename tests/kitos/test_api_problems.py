"""What generated clients rely on in the schema and on the wire: JSON-only bodies, no
defaults in partial updates, ETag on every response that carries one (201 too), names
independent of the request's language, and one error shape (problem details)."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from contracts.models import Contract
from kitos.api.problems import field_errors
from kitos.api.tokens import api_token_create
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

CONTRACTS = "/api/v1/contracts/"
PROBLEM_KEYS = {"type", "title", "status", "code", "detail"}


def bearer(user, scope="read_write"):
    _token, key = api_token_create(actor=user, name=f"t-{scope}", scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        cache.clear()
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def assert_problem(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = json.loads(response.content)
    assert PROBLEM_KEYS <= set(body), body
    assert body["status"] == status and body["type"] == "about:blank"
    if code:
        assert body["code"] == code, body
    return body


class TestSchema:
    def test_request_bodies_are_json_only(self, schema):
        bodies = [
            (path, method, set(op["requestBody"]["content"]))
            for path, method, op in operations(schema) if "requestBody" in op
        ]
        assert bodies
        assert all(types == {"application/json"} for _p, _m, types in bodies), bodies

    def test_partial_update_bodies_have_no_defaults(self, schema):
        patched = {
            name: component for name, component in schema["components"]["schemas"].items()
            if name.startswith("Patched") and name.endswith("Request")
        }
        assert "PatchedContractRequest" in patched
        defaults = [
            (name, prop) for name, component in patched.items()
            for prop, spec in component.get("properties", {}).items() if "default" in spec
        ]
        assert defaults == []

    def test_etag_is_declared_where_it_is_sent(self, schema):
        item = schema["paths"]["/api/v1/contracts/{id}/"]
        listing = schema["paths"]["/api/v1/contracts/"]
        for operation, code in [
            (item["get"], "200"), (item["put"], "200"), (item["patch"], "200"),
            (listing["post"], "201"),
        ]:
            assert "ETag" in operation["responses"][code].get("headers", {}), operation
        for method in ("put", "patch", "delete"):
            if_match = [p for p in item[method]["parameters"] if p["name"] == "If-Match"]
            assert if_match and "412" in if_match[0]["description"]

    def test_scopes_are_documented(self, schema):
        bearer_scheme = schema["components"]["securitySchemes"]["bearerAuth"]
        assert "`read`" in bearer_scheme["description"]
        assert "`read_write`" in bearer_scheme["description"]
        tokens = schema["paths"]["/api/v1/tokens/"]["post"]
        assert "read_write" in tokens["description"]

    def test_every_error_response_refers_to_problem(self, schema):
        assert "Problem" in schema["components"]["schemas"]
        errors = [
            response for _p, _m, op in operations(schema)
            for code, response in op["responses"].items() if code[0] in "45"
        ]
        assert len(errors) > 100
        for response in errors:
            assert response["content"] == {
                "application/problem+json": {
                    "schema": {"$ref": "#/components/schemas/Problem"}
                }
            }

    def test_names_do_not_depend_on_the_request_language(self):
        cache.clear()
        danish = APIClient().get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="da")
        english = APIClient().get("/api/schema/", {"format": "json"},
                                  HTTP_ACCEPT_LANGUAGE="en")
        assert danish.status_code == english.status_code == 200
        assert set(danish.json()["components"]["schemas"]) == set(
            english.json()["components"]["schemas"]
        )
        # Generated in English whatever was asked: the whole schema is the same.
        assert danish.json() == english.json()


class TestWire:
    def test_form_bodies_are_refused(self, org, editor):
        response = bearer(editor).post(
            CONTRACTS, {"organisation": str(org.uuid), "name": "X"}, format="multipart"
        )
        assert_problem(response, 415, "unsupported_media_type")
        assert not Contract.objects.exists()

    def test_create_returns_an_etag_that_updates(self, org, editor):
        client = bearer(editor)
        created = client.post(CONTRACTS, {"organisation": str(org.uuid), "name": "Ny"})
        assert created.status_code == 201, created.content
        etag = created["ETag"]
        url = f"{CONTRACTS}{created.json()['id']}/"
        assert client.get(url)["ETag"] == etag
        updated = client.patch(url, {"notes": "x"}, HTTP_IF_MATCH=etag)
        assert updated.status_code == 200 and updated["ETag"] != etag
        stale = client.patch(url, {"notes": "y"}, HTTP_IF_MATCH=etag)
        assert_problem(stale, 412, "precondition_failed")

    def test_patch_applies_no_defaults(self, org, editor):
        contract = ContractFactory(organisation=org, contract_number="K-2026-017")
        response = bearer(editor).patch(
            f"{CONTRACTS}{contract.uuid}/", {"notes": "Genforhandles"}
        )
        assert response.status_code == 200, response.content
        contract.refresh_from_db()
        assert (contract.notes, contract.contract_number) == ("Genforhandles", "K-2026-017")


class TestProblems:
    def test_validation_errors_are_under_errors(self, org, editor):
        response = bearer(editor).post(CONTRACTS, {"organisation": str(org.uuid)})
        body = assert_problem(response, 400, "invalid")
        assert set(body["errors"]) == {"name"}
        assert all(isinstance(message, str) for message in body["errors"]["name"])

    def test_parse_errors_have_a_detail_and_no_errors(self, editor):
        response = bearer(editor).post(
            CONTRACTS, "{nope", content_type="application/json"
        )
        body = assert_problem(response, 400, "parse_error")
        assert "errors" not in body and body["detail"]

    def test_authentication_errors(self):
        anonymous = APIClient().get(CONTRACTS)
        assert_problem(anonymous, 401, "not_authenticated")
        assert anonymous["WWW-Authenticate"]
        wrong = APIClient().get(CONTRACTS, HTTP_AUTHORIZATION="Bearer kitos_nope")
        assert_problem(wrong, 401, "authentication_failed")

    def test_read_only_key_gets_403(self, org, editor):
        response = bearer(editor, scope="read").post(CONTRACTS, {"name": "X"})
        assert_problem(response, 403, "permission_denied")

    def test_not_found_in_a_view_and_outside_any_route(self, editor):
        client = bearer(editor)
        in_view = assert_problem(client.get(f"{CONTRACTS}{uuid.uuid4()}/"), 404, "not_found")
        no_route = assert_problem(client.get("/api/v1/no-such-resource/"), 404, "not_found")
        assert in_view["detail"] == no_route["detail"] == "Ikke fundet."

    def test_method_not_allowed(self, editor):
        response = bearer(editor).delete(CONTRACTS)
        assert_problem(response, 405, "method_not_allowed")

    def test_throttled_keeps_retry_after(self, editor, settings):
        from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

        cache.clear()
        rates = {**SimpleRateThrottle.THROTTLE_RATES, "user": "1/hour"}
        client = bearer(editor)
        original = UserRateThrottle.THROTTLE_RATES
        UserRateThrottle.THROTTLE_RATES = rates
        try:
            client.get(CONTRACTS)
            response = client.get(CONTRACTS)
        finally:
            UserRateThrottle.THROTTLE_RATES = original
            cache.clear()
        assert_problem(response, 429, "throttled")
        assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        ({"name": ["a"]}, {"name": ["a"]}),
        (["a", "b"], {"non_field_errors": ["a", "b"]}),
        ({"coverage": [{}, {"usage": ["x"]}]}, {"coverage.1.usage": ["x"]}),
        ({"q": "too long"}, {"q": ["too long"]}),
        ({"tags": {0: ["bad"]}}, {"tags.0": ["bad"]}),
    ],
)
def test_field_errors_are_flat(detail, expected):
    assert field_errors(detail) == expected


class TestOutsideDrf:
    """The middleware and the lockout answer /api/ with the same body (problem_response)."""

    def test_query_timeout_is_a_503_problem(self, rf):
        from django.db import OperationalError

        from kitos.middleware import QueryTimeoutMiddleware

        class Cancelled(Exception):
            pgcode = "57014"

        error = OperationalError("canceling statement due to statement timeout")
        error.__cause__ = Cancelled()
        response = QueryTimeoutMiddleware(lambda request: None).process_exception(
            rf.get(CONTRACTS), error
        )
        assert_problem(response, 503, "query_timeout")
        assert response["Retry-After"] == "30"

    def test_lockout_is_a_429_problem(self, rf):
        from kitos.login.lockout import too_many_attempts_response

        response = too_many_attempts_response(rf.post("/api/v1/tokens/"), message="Spærret",
                                              minutes=5)
        body = assert_problem(response, 429, "locked_out")
        assert body["detail"] == "Spærret" and response["Retry-After"] == "300"

    def test_two_factor_refusal_is_a_403_problem(self, rf):
        from kitos.login.middleware import TwoFactorMiddleware

        response = TwoFactorMiddleware._refuse(
            rf.get(CONTRACTS), "login_code", "two_factor_required", "Giv koden"
        )
        assert_problem(response, 403, "two_factor_required")
