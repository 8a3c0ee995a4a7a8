"""Create / edit / delete forms of contracts (with covered systems), cost lines and
suppliers."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from contracts.models import Contract, ContractCoverage, CostLine
from tests.contracts.cases import CONTRACT, SUPPLIER, contract_data
from tests.detail_helpers import audit_entries, form_data
from tests.factories import (
    ContractFactory,
    CostLineFactory,
    CoverageFactory,
    UnitFactory,
    UsageFactory,
)
from tests.harness import FormViewTests

pytestmark = pytest.mark.django_db


class TestContractForms(FormViewTests):
    case = CONTRACT


class TestSupplierForms(FormViewTests):
    case = SUPPLIER


class TestContractCoverage:
    def test_create_covers_the_chosen_systems_and_refreshes_deadlines(
        self, client, org, editor
    ):
        client.force_login(editor)
        data = contract_data(org)
        response = client.post(reverse("contract_create"), data)
        assert response.status_code == 302
        contract = Contract.objects.get(name="Ny kontrakt")
        assert response.url == reverse("contract_detail", args=[contract.uuid])
        link = ContractCoverage.objects.get(contract=contract)
        assert link.usage_id == data["usages"][0] and link.is_main
        assert contract.next_end == datetime.date(2028, 12, 31)
        assert contract.deadlines_computed_on is not None
        assert contract.yearly_cost == Decimal("125000.50")  # typed the Danish way
        # One entry for the contract, one for its links.
        assert audit_entries(contract, "create").count() == 1
        assert audit_entries(contract, "update").count() == 1

    def test_main_contract_must_cover_the_system(self, client, org, editor):
        client.force_login(editor)
        other_usage = UsageFactory(organisation=org)
        data = {**contract_data(org), "main_for": [other_usage.pk]}
        response = client.post(reverse("contract_create"), data)
        assert response.context["form"].errors.get("main_for")
        assert not Contract.objects.filter(name="Ny kontrakt").exists()

    def test_usage_of_another_organisation_is_refused(self, client, org, other_org, editor):
        client.force_login(editor)
        data = {**contract_data(org), "usages": [UsageFactory(organisation=other_org).pk],
                "main_for": []}
        response = client.post(reverse("contract_create"), data)
        assert response.context["form"].errors.get("usages")
        assert not Contract.objects.filter(name="Ny kontrakt").exists()

    def test_edit_shows_and_changes_the_coverage(self, client, org, editor):
        link = CoverageFactory(contract=ContractFactory(organisation=org), is_main=True)
        new_usage = UsageFactory(organisation=org)
        client.force_login(editor)
        url = reverse("contract_update", args=[link.contract.uuid])
        data = form_data(client.get(url).context["form"])
        assert data["usages"] == [str(link.usage_id)] and data["main_for"] == [str(link.usage_id)]
        data.update(usages=[str(new_usage.pk)], main_for=[])
        assert client.post(url, data).status_code == 302
        assert list(link.contract.coverage.values_list("usage_id", "is_main")) == [
            (new_usage.pk, False)
        ]

    def test_duplicate_name_is_shown_on_the_form(self, client, org, editor):
        ContractFactory(organisation=org, name="Ny kontrakt")
        client.force_login(editor)
        response = client.post(reverse("contract_create"), contract_data(org))
        assert response.status_code == 200
        assert "error-summary" in response.content.decode()
        assert Contract.objects.filter(name="Ny kontrakt").count() == 1


class TestCostLineForms:
    def test_editor_adds_edits_and_deletes_a_cost_line(self, client, org, editor):
        contract = ContractFactory(organisation=org)
        unit = UnitFactory(organisation=org)
        client.force_login(editor)
        url = reverse("costline_create", args=[contract.uuid])
        response = client.post(
            url, {"year": "2026", "kind": "operation", "amount": "5000", "unit": unit.pk}
        )
        assert response.status_code == 302 and response.url.endswith("?tab=oekonomi")
        line = CostLine.objects.get(contract=contract)
        assert audit_entries(line, "create").exists()
        update = reverse("costline_update", args=[line.uuid])
        data = {**form_data(client.get(update).context["form"]), "amount": "7500"}
        assert client.post(update, data).status_code == 302
        line.refresh_from_db()
        assert line.amount == 7500
        assert client.post(reverse("costline_delete", args=[line.uuid])).status_code == 302
        assert not CostLine.objects.exists()

    def test_negative_amount_and_foreign_unit_are_refused(self, client, org, other_org, editor):
        contract = ContractFactory(organisation=org)
        client.force_login(editor)
        response = client.post(
            reverse("costline_create", args=[contract.uuid]),
            {"year": "2026", "kind": "operation", "amount": "-5",
             "unit": UnitFactory(organisation=other_org).pk},
        )
        assert response.status_code == 200
        assert set(response.context["form"].errors) >= {"unit"}
        assert not CostLine.objects.exists()

    def test_reader_and_outsider(self, client, org, reader, outsider):
        line = CostLineFactory(contract=ContractFactory(organisation=org))
        urls = (
            reverse("costline_create", args=[line.contract.uuid]),
            reverse("costline_update", args=[line.uuid]),
            reverse("costline_delete", args=[line.uuid]),
        )
        client.force_login(reader)
        for url in urls:
            assert client.post(url, {"year": "2026", "amount": "1"}).status_code == 403
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 404
        assert CostLine.objects.filter(pk=line.pk, amount=line.amount).exists()


def test_deleting_a_contract_lists_what_goes_with_it(client, org, editor):
    contract = ContractFactory(organisation=org)
    CostLineFactory(contract=contract)
    CoverageFactory(contract=contract)
    client.force_login(editor)
    html = client.get(reverse("contract_delete", args=[contract.uuid])).content.decode()
    assert "Omkostningslinjer: 1" in html and "Kontraktdækninger: 1" in html
