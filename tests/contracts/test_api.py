"""/api/v1/suppliers, contracts and cost-lines."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from contracts.models import Contract, ContractCoverage, CostLine
from kitos.models import AuditEntry
from tests.factories import (
    ContractFactory,
    CostLineFactory,
    CoverageFactory,
    SupplierFactory,
    UnitFactory,
    UsageFactory,
)

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def contract(org):
    return ContractFactory(organisation=org, name="ESDH drift")


RESOURCES = {
    "contracts": lambda org: ContractFactory(organisation=org),
    "cost-lines": lambda org: CostLineFactory(contract=ContractFactory(organisation=org)),
    "suppliers": lambda org: SupplierFactory(owner_organisation=org, is_local=True),
}


@pytest.mark.parametrize("resource", RESOURCES)
def test_anonymous_gets_401(resource, org):
    obj = RESOURCES[resource](org)
    assert api().get(f"/api/v1/{resource}/").status_code == 401
    assert api().get(f"/api/v1/{resource}/{obj.uuid}/").status_code == 401


@pytest.mark.parametrize("resource", RESOURCES)
def test_other_organisation_gets_404_and_empty_lists(resource, org, outsider, reader):
    obj = RESOURCES[resource](org)
    assert api(outsider).get(f"/api/v1/{resource}/{obj.uuid}/").status_code == 404
    ids = [row["id"] for row in api(outsider).get(f"/api/v1/{resource}/").json()["results"]]
    assert str(obj.uuid) not in ids
    assert api(reader).get(f"/api/v1/{resource}/{obj.uuid}/").status_code == 200


@pytest.mark.parametrize("resource", RESOURCES)
def test_reader_cannot_write(resource, org, reader):
    obj = RESOURCES[resource](org)
    url = f"/api/v1/{resource}/{obj.uuid}/"
    assert api(reader).patch(url, {"note": "x", "notes": "x", "name": "x"}).status_code == 403
    assert api(reader).delete(url).status_code == 403
    assert not AuditEntry.objects.exists()


class TestContractWrites:
    def test_create_with_coverage_computes_deadlines_and_audits(self, org, editor):
        usage = UsageFactory(organisation=org)
        supplier = SupplierFactory()
        unit = UnitFactory(organisation=org)
        response = api(editor).post(
            "/api/v1/contracts/",
            {
                "organisation": str(org.uuid), "name": "Løn", "contract_number": "K-7",
                "supplier": str(supplier.uuid), "responsible_unit": str(unit.uuid),
                "start_date": "2024-01-01", "expiry_date": "2099-06-30", "notice_months": 3,
                "extension_months": 12, "extensions_total": 1,
                "coverage": [{"usage": str(usage.uuid), "is_main": True}],
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["notice_deadline"] == "2099-03-31" and body["status"] == "active"
        assert body["coverage"] == [{"usage": str(usage.uuid), "is_main": True}]
        contract = Contract.objects.get(uuid=body["id"])
        assert ContractCoverage.objects.get(contract=contract).is_main
        assert set(
            AuditEntry.objects.filter(object_id=contract.pk).values_list("action", "source")
        ) == {("create", "api"), ("update", "api")}

    def test_update_and_delete(self, contract, editor):
        url = f"/api/v1/contracts/{contract.uuid}/"
        response = api(editor).patch(url, {"yearly_cost": "250000.00"}, format="json")
        assert response.status_code == 200
        assert AuditEntry.objects.get(action="update").changes["yearly_cost"][1] == "250000.00"
        assert api(editor).delete(url).status_code == 204
        assert not Contract.objects.exists()

    def test_service_validation_is_400_not_500(self, org, editor):
        response = api(editor).post(
            "/api/v1/contracts/",
            {"organisation": str(org.uuid), "name": "Forkert", "start_date": "2026-01-01",
             "expiry_date": "2025-01-01"},
            format="json",
        )
        assert response.status_code == 400
        assert not Contract.objects.exists()

    def test_references_to_other_organisations_are_400(self, org, other_org, editor):
        foreign_unit = UnitFactory(organisation=other_org)
        foreign_usage = UsageFactory(organisation=other_org)
        for payload in (
            {"responsible_unit": str(foreign_unit.uuid)},
            {"coverage": [{"usage": str(foreign_usage.uuid), "is_main": False}]},
            {"organisation": str(other_org.uuid)},
        ):
            response = api(editor).post(
                "/api/v1/contracts/",
                {"organisation": str(org.uuid), "name": "X", **payload},
                format="json",
            )
            assert response.status_code == 400, payload
        assert not Contract.objects.exists()

    def test_cost_lines(self, contract, editor):
        response = api(editor).post(
            "/api/v1/cost-lines/",
            {"contract": str(contract.uuid), "year": 2026, "amount": "1000.50"},
            format="json",
        )
        assert response.status_code == 201, response.content
        negative = api(editor).post(
            "/api/v1/cost-lines/",
            {"contract": str(contract.uuid), "year": 2027, "amount": "-1"},
            format="json",
        )
        assert negative.status_code == 400
        assert CostLine.objects.count() == 1


class TestFilters:
    def test_status_deadline_and_supplier_filters(self, org, editor):
        soon = ContractFactory(
            organisation=org, start_date=datetime.date(2020, 1, 1),
            expiry_date=datetime.date.today() + datetime.timedelta(days=100),
            notice_months=1, extension_months=12, extensions_total=1,
        )
        ContractFactory(organisation=org, start_date=datetime.date(2020, 1, 1),
                        expiry_date=datetime.date(2021, 1, 1))
        client = api(editor)
        active = client.get("/api/v1/contracts/", {"status": "active"}).json()["results"]
        assert [c["id"] for c in active] == [str(soon.uuid)]
        window = {"notice_deadline_after": datetime.date.today().isoformat(),
                  "notice_deadline_before": "2099-12-31"}
        assert len(client.get("/api/v1/contracts/", window).json()["results"]) == 1
        by_supplier = client.get("/api/v1/contracts/", {"supplier": str(soon.supplier.uuid)})
        assert [c["id"] for c in by_supplier.json()["results"]] == [str(soon.uuid)]
        assert client.get("/api/v1/contracts/", {"q": soon.name}).json()["count"] == 1


def test_list_query_count_does_not_grow(org, editor):
    client = api(editor)

    def queries(count):
        Contract.objects.all().delete()
        for _ in range(count):
            CoverageFactory(contract=ContractFactory(organisation=org))
        with CaptureQueriesContext(connection) as context:
            response = client.get("/api/v1/contracts/", {"page_size": 250})
        assert len(response.json()["results"]) == count
        return len(context.captured_queries)

    queries(5)
    assert queries(5) == queries(250)
