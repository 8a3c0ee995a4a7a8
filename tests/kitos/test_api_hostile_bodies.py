"""Hostile bodies on the write endpoints get a clear 4xx, never a 500 (issue #14, 6, 8)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from contracts.models import Contract
from kitos.api.parsers import MAX_DEPTH, depth_of
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

CONTRACTS = "/api/v1/contracts/"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def nested(depth: int, *, kind: str = "list") -> str:
    if kind == "list":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("depth", [1_000, 100_000])
@pytest.mark.parametrize("kind", ["list", "dict"])
def test_very_deep_json_is_400(org, editor, depth, kind):
    contract = ContractFactory(organisation=org)
    client = client_for(editor)
    for method, url in (("post", CONTRACTS), ("patch", f"{CONTRACTS}{contract.uuid}/"),
                        ("put", f"{CONTRACTS}{contract.uuid}/")):
        response = getattr(client, method)(
            url, data=nested(depth, kind=kind), content_type="application/json"
        )
        assert response.status_code == 400, (method, response.content[:200])
        assert "niveauer" in response.json()["detail"]


def test_just_too_deep_is_400_and_a_normal_body_works(org, editor):
    contract = ContractFactory(organisation=org)
    client = client_for(editor)
    url = f"{CONTRACTS}{contract.uuid}/"
    too_deep = '{"notes": ' + nested(MAX_DEPTH) + "}"
    assert client.patch(url, data=too_deep, content_type="application/json").status_code == 400
    ok = client.patch(url, data='{"notes": "fint"}', content_type="application/json")
    assert ok.status_code == 200
    assert Contract.objects.get(pk=contract.pk).notes == "fint"


def test_nan_is_not_json(org, editor):
    response = client_for(editor).post(
        CONTRACTS, data='{"yearly_cost": NaN}', content_type="application/json"
    )
    assert response.status_code == 400


def test_depth_of():
    assert depth_of(1) == 1
    assert depth_of({"a": [1, {"b": []}]}) == 4


class TestReadersGet403BeforeTheBodyIsRead:
    """A reader's invalid write body answered 400 (what is wrong with it) instead of 403
    (you may not write at all)."""

    @pytest.mark.parametrize("body", ['{"name": ""}', '{"supplier": "nope"}', "{}"])
    def test_create(self, reader, body):
        response = client_for(reader).post(
            CONTRACTS, data=body, content_type="application/json"
        )
        assert response.status_code == 403

    @pytest.mark.parametrize("method", ["patch", "put", "delete"])
    def test_change(self, org, reader, method):
        contract = ContractFactory(organisation=org)
        response = getattr(client_for(reader), method)(
            f"{CONTRACTS}{contract.uuid}/", data='{"name": ""}',
            content_type="application/json",
        )
        assert response.status_code == 403
        assert Contract.objects.filter(pk=contract.pk).exists()

    def test_editor_still_gets_400_for_an_invalid_body(self, org, editor):
        contract = ContractFactory(organisation=org)
        response = client_for(editor).patch(
            f"{CONTRACTS}{contract.uuid}/", data='{"name": ""}', content_type="application/json"
        )
        assert response.status_code == 400

    def test_other_organisation_is_still_404(self, other_org, reader):
        contract = ContractFactory(organisation=other_org)
        response = client_for(reader).patch(
            f"{CONTRACTS}{contract.uuid}/", data="{}", content_type="application/json"
        )
        assert response.status_code == 404
