"""The supplier-dependence API: the same figures as the page, one organisation's only
(another's is 404), and query counts that do not grow with the rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from landscape import suppliers
from tests.factories import ContractFactory, SupplierFactory
from tests.landscape.test_suppliers import _rows, build

pytestmark = pytest.mark.django_db


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_list_and_a_supplier_agree_with_the_page(org, reader):
    kmd, other, _locked = build(org)
    api = _api(reader)
    rows = api.get("/api/v1/supplier-dependence/").json()
    dependence = suppliers.supplier_dependence(reader, org, today=timezone.localdate())
    assert [row["id"] for row in rows] == [str(r.supplier.uuid) for r in dependence.suppliers]
    first = rows[0]
    page = dependence.get(kmd)
    assert first["organisation"] == str(org.uuid)
    assert first["score"] == page.score
    assert first["yearly_spend"] == "400000.00"
    assert (first["systems"], first["business_critical_systems"],
            first["contracts_without_exit"], first["proprietary_integrations"],
            first["contracts_ending_soon"]) == (2, 1, 1, 2, 1)
    assert [c["key"] for c in first["components"]] == [
        "spend", "critical", "systems", "no_exit", "proprietary", "no_window"]
    detail = api.get(f"/api/v1/supplier-dependence/{kmd.uuid}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["score"] == page.score
    assert [point["year"] for point in body["trend"]] == suppliers.trend_years(
        timezone.localdate())
    # A shared supplier without figures in the organisation: zeros, not 404.
    unused = SupplierFactory()
    assert api.get(f"/api/v1/supplier-dependence/{unused.uuid}/").json()["score"] == 0


def test_another_organisations_figures_are_404(org, other_org, outsider, reader):
    kmd, _other, _locked = build(org)
    local = SupplierFactory(owner_organisation=org, is_local=True)
    ContractFactory(organisation=org, supplier=local)
    api = _api(outsider)
    assert api.get(f"/api/v1/supplier-dependence/?organisation={org.uuid}").status_code == 404
    assert api.get(
        f"/api/v1/supplier-dependence/{kmd.uuid}/?organisation={org.uuid}").status_code == 404
    assert api.get(f"/api/v1/supplier-dependence/{local.uuid}/").status_code == 404
    assert api.get("/api/v1/supplier-dependence/nope/").status_code == 404
    assert api.get("/api/v1/supplier-dependence/").json() == []
    assert _api(reader).get(f"/api/v1/supplier-dependence/{local.uuid}/").status_code == 200


def test_anonymous_is_refused():
    assert APIClient().get("/api/v1/supplier-dependence/").status_code in (401, 403)


def test_the_query_count_does_not_grow_with_the_rows(org, reader):
    api = _api(reader)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert api.get("/api/v1/supplier-dependence/").status_code == 200
        return len(context.captured_queries)

    _rows(org, 3)
    few = queries()
    _rows(org, 12)
    assert queries() == few
