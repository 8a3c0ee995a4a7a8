"""The impact analysis API: impact/usages|suppliers|contracts/{id}/ with ?depth=."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from tests.factories import (
    ContractFactory,
    CoverageFactory,
    IntegrationFactory,
    ItSystemFactory,
    SupplierFactory,
    UsageFactory,
)

pytestmark = pytest.mark.django_db

SECTIONS = {
    "subject", "depth", "more_beyond_depth", "usages", "integrations", "dependent_usages",
    "processing_activities", "data_assets", "units", "contracts", "role_holders", "projects",
}


@pytest.fixture
def world(org):
    supplier = SupplierFactory()
    usage = UsageFactory(organisation=org, system=ItSystemFactory(rights_holder=supplier))
    a = UsageFactory(organisation=org)
    b = UsageFactory(organisation=org)
    IntegrationFactory(organisation=org, source=usage, target=a, name="ud")
    IntegrationFactory(organisation=org, source=b, target=a, name="videre")
    contract = ContractFactory(organisation=org, supplier=supplier)
    CoverageFactory(contract=contract, usage=usage, is_main=True)
    return {"usages": usage, "suppliers": supplier, "contracts": contract, "a": a, "b": b}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_each_endpoint_returns_every_section(editor, world):
    client = api(editor)
    for kind in ("usages", "suppliers", "contracts"):
        response = client.get(f"/api/v1/impact/{kind}/{world[kind].uuid}/")
        assert response.status_code == 200, (kind, response.content)
        body = response.json()
        assert set(body) == SECTIONS
        assert body["subject"]["id"] == str(world[kind].uuid)
        assert body["depth"] == 3
        assert [u["id"] for u in body["usages"]] == [str(world["usages"].uuid)]
        assert str(world["contracts"].uuid) in {c["id"] for c in body["contracts"]}


def test_the_walk_and_its_depth(editor, world):
    client = api(editor)
    url = f"/api/v1/impact/usages/{world['usages'].uuid}/"
    body = client.get(url + "?depth=1").json()
    assert [(u["id"], u["depth"], u["direction"]) for u in body["dependent_usages"]] == [
        (str(world["a"].uuid), 1, "outgoing")]
    assert body["more_beyond_depth"] is True
    body = client.get(url + "?depth=2").json()
    reached = {u["id"]: u for u in body["dependent_usages"]}
    assert reached[str(world["b"].uuid)]["direction"] == "mixed"
    assert [step["name"] for step in reached[str(world["b"].uuid)]["path"]] == ["ud", "videre"]
    assert reached[str(world["b"].uuid)]["via"]["id"] == str(world["a"].uuid)
    assert [(i["name"], i["depth"], i["direction"]) for i in body["integrations"]] == [
        ("ud", 1, "outgoing"), ("videre", 2, "incoming")]
    assert body["more_beyond_depth"] is False


@pytest.mark.parametrize("depth", ["0", "7", "abc", "1.5", "-2"])
def test_a_bad_depth_is_a_problem_400(editor, world, depth):
    response = api(editor).get(f"/api/v1/impact/usages/{world['usages'].uuid}/?depth={depth}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "invalid" and "depth" in body["errors"]


def test_another_organisations_objects_are_404(outsider, world, org):
    client = api(outsider)
    local = SupplierFactory(owner_organisation=org, is_local=True, cvr="")
    for kind, obj in (("usages", world["usages"]), ("contracts", world["contracts"]),
                      ("suppliers", local)):
        response = client.get(f"/api/v1/impact/{kind}/{obj.uuid}/")
        assert response.status_code == 404, kind
        assert response.json()["code"] == "not_found"
    # A shared supplier is visible, with nothing of the other organisation.
    body = client.get(f"/api/v1/impact/suppliers/{world['suppliers'].uuid}/").json()
    assert body["usages"] == [] and body["contracts"] == []


def test_unknown_and_malformed_ids_are_404(editor):
    client = api(editor)
    for value in (uuid.uuid4(), "ikke-en-uuid"):
        assert client.get(f"/api/v1/impact/usages/{value}/").status_code == 404


def test_anonymous_is_refused(client, world):
    response = APIClient().get(f"/api/v1/impact/usages/{world['usages'].uuid}/")
    assert response.status_code in (401, 403)


def test_writes_are_not_allowed(editor, world):
    response = api(editor).post(f"/api/v1/impact/usages/{world['usages'].uuid}/", {})
    assert response.status_code == 405
