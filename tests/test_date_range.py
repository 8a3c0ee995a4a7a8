"""Dates outside 1900–2199 are refused on their field everywhere (issue #14, 6).

``irrevocable_until`` 9999-12-31 sent the deadline maths to year 10000 and answered 500
in the API, the form and the import.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from contracts.deadlines import ContractTerms, compute_deadlines
from contracts.models import Contract
from kitos.excel.values import CellError, parse_date
from tests.contracts.cases import contract_data
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

FAR = ["9999-12-31", "0001-01-01", "2200-01-01", "1899-12-31"]


@pytest.mark.parametrize("value", FAR)
@pytest.mark.parametrize("field", ["irrevocable_until", "start_date", "expiry_date"])
def test_api_answers_400_on_the_field(org, editor, field, value):
    contract = ContractFactory(organisation=org, notice_months=3)
    client = APIClient()
    client.force_authenticate(editor)
    response = client.patch(
        f"/api/v1/contracts/{contract.uuid}/", {field: value}, format="json"
    )
    assert response.status_code == 400, response.content
    message = response.json()["errors"][field][0]
    assert "1900" in message and "2199" in message
    assert getattr(Contract.objects.get(pk=contract.pk), field) != value


def test_api_create_with_year_9999_and_options_is_400_not_500(org, editor):
    client = APIClient()
    client.force_authenticate(editor)
    contract = ContractFactory(organisation=org)
    body = {
        "name": "Langt ude", "organisation": str(org.uuid),
        "supplier": str(contract.supplier.uuid),
        "start_date": "2025-01-01", "expiry_date": "9999-12-31",
        "irrevocable_until": "9999-12-31", "notice_months": 12,
        "extension_months": 12, "extensions_total": 3, "lead_months": 24,
    }
    response = client.post("/api/v1/contracts/", body, format="json")
    assert response.status_code == 400, response.content
    assert not Contract.objects.filter(name="Langt ude").exists()


def test_form_reports_the_field(client, org, editor):
    client.force_login(editor)
    data = {**contract_data(org), "irrevocable_until": "9999-12-31", "notice_months": "12"}
    response = client.post(reverse("contract_create"), data)
    assert response.status_code == 200
    assert "1900" in str(response.context["form"].errors["irrevocable_until"])
    assert not Contract.objects.filter(name="Ny kontrakt").exists()


@pytest.mark.parametrize("value", ["31-12-9999", "9999-12-31", datetime.date(9999, 12, 31),
                                   "01-01-1800", datetime.datetime(1, 1, 1)])
def test_import_cell_is_a_row_error(value):
    with pytest.raises(CellError) as error:
        parse_date(value)
    assert "1900" in str(error.value)


def test_import_accepts_the_range_ends():
    assert parse_date("01-01-1900") == datetime.date(1900, 1, 1)
    assert parse_date("31-12-2199") == datetime.date(2199, 12, 31)


def test_stored_legacy_dates_get_no_deadlines_instead_of_an_overflow():
    terms = ContractTerms(
        start=datetime.date(2020, 1, 1), expiry=datetime.date(9999, 12, 31),
        notice_months=12, renewal_months=12, lead_months=24,
    )
    deadlines = compute_deadlines(terms, today=datetime.date(2026, 12, 2))
    assert deadlines.next_end is None and deadlines.notice_deadline is None
