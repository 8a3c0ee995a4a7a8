"""The consolidation API (landscape/api/consolidation.py): the same figures as the
pages, paged, scoped to an organisation the user may see (another one is 404), bad
parameters a 400 with the field named."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tests.factories import UnitFactory
from tests.governance.request_cases import kle
from tests.landscape.test_consolidation import world  # noqa: F401 - the fixture
from tests.landscape.test_consolidation_kle import serve

pytestmark = pytest.mark.django_db

DUPLICATES = "/api/v1/landscape/duplicates/"
CATALOG = "/api/v1/landscape/catalog-duplicates/"
KLE = "/api/v1/landscape/kle-coverage/"


@pytest.fixture
def api(editor):
    client = APIClient()
    client.force_authenticate(editor)
    return client


def test_anonymous_is_refused():
    for url in (DUPLICATES, CATALOG, KLE):
        assert APIClient().get(url).status_code in (401, 403)


def test_duplicates_are_the_pages_figures(api, world, org):  # noqa: F811
    body = api.get(DUPLICATES).json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["kind"] == "kle" and first["key"] == "00.05.10"
    assert Decimal(first["yearly_cost"]) == Decimal("350000")
    assert first["contract_count"] == 2 and first["usage_count"] == 2
    assert {f["name"] for f in first["forvaltninger"]} == {"Børn og Unge", "Teknik og Miljø"}
    assert [g["key"] for g in api.get(DUPLICATES, {"kind": "system"}).json()["results"]] == [
        str(world["esdh"].system.uuid)]
    narrowed = api.get(DUPLICATES, {"unit": str(world["social"].uuid)}).json()
    assert [g["label"] for g in narrowed["results"]] == ["SBSYS"]
    paged = api.get(DUPLICATES, {"page_size": 1}).json()
    assert len(paged["results"]) == 1 and paged["next"]


def test_other_organisations_and_bad_parameters(api, world, other_org, org, outsider):  # noqa: F811
    assert api.get(DUPLICATES, {"organisation": str(other_org.uuid)}).status_code == 404
    assert api.get(DUPLICATES, {"organisation": "x"}).status_code == 404
    assert api.get(DUPLICATES, {"unit": str(world["foreign_unit"].uuid)}).status_code == 404
    assert api.get(DUPLICATES, {"kind": "x"}).status_code == 400
    assert api.get(KLE, {"main_group": "99"}).status_code == 400
    assert api.get(KLE, {"coverage": "x"}).status_code == 400
    foreign = APIClient()
    foreign.force_authenticate(outsider)
    assert foreign.get(DUPLICATES, {"organisation": str(org.uuid)}).status_code == 404
    keys = [g["label"] for g in foreign.get(DUPLICATES).json()["results"]]
    assert "SBSYS" not in keys


def test_kle_coverage(api, org, editor):
    kle("27.12.05")
    serve(org, "Omsorg", "27.12")
    serve(org, "Hjemmepleje", "27.12.04")
    UnitFactory(organisation=org)
    body = api.get(KLE, {"main_group": "27"}).json()
    assert [(t["number"], t["coverage"], t["usage_count"]) for t in body["results"]] == [
        ("27.12.04", "several", 2), ("27.12.05", "one", 1)]
    only = api.get(KLE, {"main_group": "27", "coverage": "one"}).json()
    assert [t["number"] for t in only["results"]] == ["27.12.05"]


def test_catalog_duplicates(api, world):  # noqa: F811
    from tests.factories import ItSystemFactory

    ItSystemFactory(name="SBSYS 5.2")
    body = api.get(CATALOG).json()
    pair = next(p for p in body["results"] if p["first"]["name"] == "SBSYS")
    assert pair["second"]["name"] == "SBSYS 5.2" and pair["similarity"] == 1
    assert [u["system_name"] for u in pair["usages"]] == ["SBSYS"]
