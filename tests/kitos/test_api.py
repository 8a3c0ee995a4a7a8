"""The API's shared machinery: tokens, scoping, ETag / If-Match, pagination, the
deletions feed and the schema (exercised through the contracts resource)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from contracts.models import Contract
from contracts.services import contract_delete
from kitos.api.tokens import api_token_create, api_token_revoke, hash_key
from kitos.models import ApiToken, AuditEntry
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

CONTRACTS = "/api/v1/contracts/"


def bearer(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


class TestTokens:
    def test_key_is_stored_hashed_and_shown_once(self, editor):
        token, key = api_token_create(actor=editor, name="BI", scope="read")
        assert key.startswith("kitos_") and len(key) > 40
        stored = ApiToken.objects.get(pk=token.pk)
        assert stored.key_hash == hash_key(key) and key not in stored.key_hash
        assert key.startswith(stored.prefix)

    def test_token_acts_as_its_user(self, org, other_org, editor):
        mine = ContractFactory(organisation=org)
        ContractFactory(organisation=other_org)
        _token, key = api_token_create(actor=editor, name="BI")
        response = bearer(key).get(CONTRACTS)
        assert response.status_code == 200
        assert [c["id"] for c in response.json()["results"]] == [str(mine.uuid)]
        assert ApiToken.objects.get().last_used_at is not None

    @pytest.mark.parametrize("problem", ["wrong", "expired", "revoked", "inactive"])
    def test_bad_tokens_are_401(self, editor, problem):
        token, key = api_token_create(actor=editor, name="BI")
        if problem == "wrong":
            key = key[:-2] + "xx"
        elif problem == "expired":
            ApiToken.objects.filter(pk=token.pk).update(
                expires_at=timezone.now() - datetime.timedelta(minutes=1)
            )
        elif problem == "revoked":
            api_token_revoke(actor=editor, token=token)
        else:
            editor.is_active = False
            editor.save()
        assert bearer(key).get(CONTRACTS).status_code == 401

    def test_read_only_token_cannot_write(self, org, editor):
        _token, key = api_token_create(actor=editor, name="BI", scope="read")
        response = bearer(key).post(CONTRACTS, {"organisation": str(org.uuid), "name": "X"})
        assert response.status_code == 403
        assert not Contract.objects.exists()

    def test_read_write_token_writes_and_is_audited_as_api(self, org, editor):
        _token, key = api_token_create(actor=editor, name="Sync", scope="read_write")
        response = bearer(key).post(
            CONTRACTS, {"organisation": str(org.uuid), "name": "Ny aftale"}, format="json"
        )
        assert response.status_code == 201, response.content
        entry = AuditEntry.objects.get(action="create")
        assert (entry.actor, entry.source) == (editor, "api")

    def test_anonymous_is_401(self):
        response = APIClient().get(CONTRACTS)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")


class TestTokenPages:
    def test_create_shows_key_once_and_revoke(self, client, editor):
        client.force_login(editor)
        response = client.post(
            reverse("api_token_list"), {"name": "BI", "scope": "read", "lifetime": "30"}
        )
        assert response.status_code == 201
        key = response.context["new_key"]
        assert key.startswith("kitos_")
        token = ApiToken.objects.get()
        assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=30)).date()
        listing = client.get(reverse("api_token_list")).content.decode()
        assert key not in listing and token.prefix in listing
        client.post(reverse("api_token_revoke", args=[token.pk]))
        assert bearer(key).get(CONTRACTS).status_code == 401

    def test_duplicate_name_is_a_form_error(self, client, editor):
        client.force_login(editor)
        client.post(reverse("api_token_list"), {"name": "BI", "scope": "read"})
        response = client.post(reverse("api_token_list"), {"name": "BI", "scope": "read"})
        assert response.status_code == 400
        assert ApiToken.objects.count() == 1

    def test_cannot_revoke_someone_elses(self, client, editor, outsider):
        token, _key = api_token_create(actor=editor, name="BI")
        client.force_login(outsider)
        response = client.post(reverse("api_token_revoke", args=[token.pk]))
        assert response.status_code == 404
        assert ApiToken.objects.get().revoked_at is None

    def test_login_required(self, client):
        assert client.get(reverse("api_token_list")).status_code == 302


class TestConcurrency:
    def test_etag_and_stale_if_match_is_412(self, org, editor):
        contract = ContractFactory(organisation=org)
        client = APIClient()
        client.force_authenticate(editor)
        url = f"{CONTRACTS}{contract.uuid}/"
        etag = client.get(url)["ETag"]
        assert etag
        ok = client.patch(url, {"notes": "Første"}, format="json", HTTP_IF_MATCH=etag)
        assert ok.status_code == 200 and ok["ETag"] != etag
        stale = client.patch(url, {"notes": "Anden"}, format="json", HTTP_IF_MATCH=etag)
        assert stale.status_code == 412
        assert Contract.objects.get().notes == "Første"
        assert client.delete(url, HTTP_IF_MATCH=etag).status_code == 412


class TestPaginationAndSync:
    def test_page_size_default_and_max(self, org, editor):
        ContractFactory.create_batch(3, organisation=org)
        client = APIClient()
        client.force_authenticate(editor)
        body = client.get(CONTRACTS, {"page_size": 2}).json()
        assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
        assert len(client.get(CONTRACTS, {"page_size": 1000}).json()["results"]) == 3

    def test_cursor_walk_and_changed_since(self, org, editor):
        contracts = ContractFactory.create_batch(5, organisation=org)
        client = APIClient()
        client.force_authenticate(editor)
        seen, url = [], f"{CONTRACTS}?cursor=&page_size=2"
        while url:
            body = client.get(url).json()
            seen += [c["id"] for c in body["results"]]
            url = body["next"]
        assert sorted(seen) == sorted(str(c.uuid) for c in contracts)
        later = timezone.now()
        Contract.objects.filter(pk=contracts[0].pk).update(updated_at=later)
        changed = client.get(CONTRACTS, {"changed_since": later.isoformat()}).json()
        assert [c["id"] for c in changed["results"]] == [str(contracts[0].uuid)]


class TestDeletions:
    def test_feed_lists_own_deletions_since(self, org, other_org, editor, superuser):
        mine = ContractFactory(organisation=org)
        theirs = ContractFactory(organisation=other_org)
        before = timezone.now()
        contract_delete(actor=editor, contract=mine)
        contract_delete(actor=superuser, contract=theirs)
        client = APIClient()
        client.force_authenticate(editor)
        body = client.get("/api/v1/deletions/", {"since": before.isoformat()}).json()
        assert [(d["type"], d["id"]) for d in body["results"]] == [
            ("contracts.contract", str(mine.uuid))
        ]
        future = (timezone.now() + datetime.timedelta(minutes=1)).isoformat()
        assert client.get("/api/v1/deletions/", {"since": future}).json()["results"] == []

    def test_feed_needs_authentication(self):
        assert APIClient().get("/api/v1/deletions/").status_code == 401


class TestSchema:
    def test_schema_and_docs(self, client, editor):
        client.force_login(editor)
        schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        assert schema.status_code == 200
        data = schema.json()
        assert "/api/v1/contracts/" in data["paths"] and "/api/v1/deletions/" in data["paths"]
        assert data["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
        docs = client.get("/api/docs/")
        assert docs.status_code == 200
        assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.content.decode()
        assert "cdn" not in docs.content.decode().lower()


class TestTokenEndpoint:
    def test_create_with_password_then_use_and_revoke(self, editor):
        client = APIClient()
        client.credentials(
            HTTP_AUTHORIZATION="Basic " + __import__("base64").b64encode(
                b"editor:test-password-123"
            ).decode()
        )
        response = client.post("/api/v1/tokens/", {"name": "cli", "scope": "read_write"},
                               format="json")
        assert response.status_code == 201, response.content
        key = response.json()["key"]
        listed = bearer(key).get("/api/v1/tokens/").json()
        assert [t["name"] for t in listed] == ["cli"] and listed[0]["key"] is None
        token_id = listed[0]["id"]
        assert bearer(key).delete(f"/api/v1/tokens/{token_id}/").status_code == 204
        assert bearer(key).get(CONTRACTS).status_code == 401

    def test_basic_auth_only_on_the_token_endpoint(self, editor):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Basic ZWRpdG9yOnRlc3QtcGFzc3dvcmQtMTIz")
        assert client.get(CONTRACTS).status_code == 401

    def test_read_only_key_cannot_mint_keys(self, editor):
        _token, key = api_token_create(actor=editor, name="BI", scope="read")
        assert bearer(key).post("/api/v1/tokens/", {"name": "x"}).status_code == 403

    def test_wrong_password_is_401(self, editor):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Basic ZWRpdG9yOndyb25n")
        assert client.post("/api/v1/tokens/", {"name": "x"}).status_code == 401
