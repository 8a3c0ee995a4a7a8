"""The contract record OS2KITOS users keep (issue #20): template and agreement elements,
signatures, procurement strategy and plan, payment terms, and cost lines with their
accounting entry and audit — on the contract's page, in the form, the list, the API and
the Excel round trip, with the organisation's option lists."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from contracts.models import Contract
from kitos import options
from kitos.excel.engine import run_import_file
from kitos.excel.exporter import export_queryset
from kitos.models import AuditEntry, Option
from tests.factories import ContractFactory, CostLineFactory, UnitFactory

pytestmark = pytest.mark.django_db


def option(kind, code):
    return Option.objects.get(kind=kind, code=code)


@pytest.fixture(autouse=True)
def _fresh_cache():
    options.forget_offered()
    yield
    options.forget_offered()


@pytest.fixture
def recorded(org):
    """A contract with every part of the record filled in."""
    contract = ContractFactory(
        organisation=org, name="Økonomisystem",
        contract_template=option("contract_template", "k03"),
        customer_signed_by="Borgmester Hansen", customer_signed_on=datetime.date(2024, 1, 2),
        supplier_signed_by="Direktør Jensen", supplier_signed_on=datetime.date(2024, 1, 5),
        procurement_strategy=option("procurement_strategy", "retender"),
        procurement_plan_year=2027, procurement_plan_quarter=3,
        payment_model=option("payment_model", "subscription"),
        payment_frequency=option("payment_frequency", "quarterly"),
        price_regulation=option("price_regulation", "net_price_index"),
    )
    contract.agreement_elements.set([option("agreement_element", "licence"),
                                     option("agreement_element", "support")])
    CostLineFactory(contract=contract, year=2026, amount=Decimal("125000"),
                    unit=UnitFactory(organisation=org, name="Økonomi"),
                    accounting_entry="6.45.51", audit_status="yellow",
                    audited_on=datetime.date(2026, 3, 1))
    return contract


def test_the_contract_page_shows_every_group_of_the_record(client, reader, recorded):
    client.force_login(reader)
    overview = client.get(reverse("contract_detail", args=[recorded.uuid])).content.decode()
    for text in ("K03 Standardkontrakt for køb af standardsystemer", "Licens, Support",
                 "Underskrifter", "Borgmester Hansen", "Direktør Jensen",
                 "Genanskaffelse", "Nyt udbud", "2027, 3. kvartal"):
        assert text in overview, text
    economy = client.get(reverse("contract_detail", args=[recorded.uuid]) + "?tab=oekonomi")
    html = economy.content.decode()
    for text in ("Abonnement", "Kvartalsvis", "Nettoprisindeks", "6.45.51",
                 "Gul: mindre forbedringer påkrævet"):
        assert text in html, text


def test_the_form_offers_what_the_organisation_offers_and_keeps_the_current_value(
        client, org, admin_user, editor, recorded):
    options.adapt_options(actor=admin_user, organisation=org, key="payment_model", adaptations={
        option("payment_model", "subscription"): options.Adaptation(is_active=False),
        option("payment_model", "per_user"): options.Adaptation(is_active=False),
    })
    client.force_login(editor)
    form = client.get(reverse("contract_update", args=[recorded.uuid])).context["form"]
    codes = {o.code for o in form.fields["payment_model"].queryset}
    assert "subscription" in codes  # the contract has it
    assert "per_user" not in codes
    new_form = client.get(reverse("contract_create")).context["form"]
    assert "subscription" not in {o.code for o in new_form.fields["payment_model"].queryset}


def test_the_api_reads_writes_and_filters_by_code(org, editor, admin_user, recorded):
    api = APIClient()
    api.force_authenticate(editor)
    url = f"/api/v1/contracts/{recorded.uuid}/"
    body = api.get(url).json()
    assert body["payment_model"] == "subscription"
    assert sorted(body["agreement_elements"]) == ["licence", "support"]
    assert (body["procurement_plan_year"], body["procurement_plan_quarter"]) == (2027, 3)
    assert body["customer_signed_on"] == "2024-01-02"
    listed = api.get("/api/v1/contracts/", {"payment_model": "subscription,fixed"}).json()
    assert [row["id"] for row in listed["results"]] == [str(recorded.uuid)]
    assert api.get("/api/v1/contracts/", {"agreement_elements": "hosting"}).json()["count"] == 0
    assert api.get("/api/v1/contracts/", {"agreement_elements": "licence,support"}
                   ).json()["count"] == 1

    response = api.patch(url, {"agreement_elements": ["licence", "hosting"],
                               "payment_frequency": "yearly"}, format="json")
    assert response.status_code == 200, response.content
    recorded.refresh_from_db()
    assert recorded.payment_frequency.code == "yearly"
    assert {o.code for o in recorded.agreement_elements.all()} == {"licence", "hosting"}
    entry = AuditEntry.objects.filter(object_uuid=recorded.uuid).latest("pk")
    assert set(entry.changes) == {"agreement_elements", "payment_frequency"}

    # Switched off: refused as a new value, the current one still saves.
    options.adapt_options(actor=admin_user, organisation=org, key="agreement_element",
                          adaptations={option("agreement_element", "training"):
                                       options.Adaptation(is_active=False),
                                       option("agreement_element", "hosting"):
                                       options.Adaptation(is_active=False)})
    refused = api.patch(url, {"agreement_elements": ["licence", "hosting", "training"]},
                        format="json")
    assert refused.status_code == 400
    assert "Uddannelse er slået fra" in refused.content.decode()
    kept = api.patch(url, {"agreement_elements": ["hosting"], "notes": "x"}, format="json")
    assert kept.status_code == 200, kept.content
    assert api.patch(url, {"payment_model": "no-such-code"}, format="json").status_code == 400
    assert api.patch(url, {"procurement_plan_quarter": 3, "procurement_plan_year": None},
                     format="json").status_code == 400


def _export(org) -> bytes:
    return export_queryset(entity="contracts",
                           queryset=Contract.objects.filter(organisation=org), organisation=org)


def _edit(content: bytes, header: str, value) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["Kontrakter"]
    column = [cell.value for cell in sheet[1]].index(header) + 1
    sheet.cell(2, column).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_unchanged_export_imports_as_no_change_and_each_edited_column_is_audited(
        org, editor, admin_user, recorded):
    # Even a value the organisation has since switched off comes back unchanged.
    options.adapt_options(actor=admin_user, organisation=org, key="price_regulation",
                          adaptations={option("price_regulation", "net_price_index"):
                                       options.Adaptation(is_active=False)})
    content = _export(org)
    report = run_import_file(actor=editor, organisation=org, content=content,
                             filename="kontrakter.xlsx", commit=True)
    assert report.errors == []
    assert report.counts["update"] == 0 and report.counts["create"] == 0
    edits = {
        "Kontraktskabelon": ("K01 Standardkontrakt for længerevarende it-projekter",
                             "contract_template"),
        "Aftaleelementer": ("Licens; Drift", "agreement_elements"),
        "Kundens underskriver": ("Kommunaldirektør Berg", "customer_signed_by"),
        "Kundens underskriftsdato": ("03-01-2024", "customer_signed_on"),
        "Leverandørens underskriver": ("CFO Lund", "supplier_signed_by"),
        "Leverandørens underskriftsdato": ("06-01-2024", "supplier_signed_on"),
        "Genanskaffelsesstrategi": ("Hjemtagning", "procurement_strategy"),
        "Genanskaffelse planlagt (år)": (2028, "procurement_plan_year"),
        "Genanskaffelse planlagt (kvartal)": (1, "procurement_plan_quarter"),
        "Betalingsmodel": ("fixed", "payment_model"),  # a code is understood too
        "Betalingsfrekvens": ("Årlig", "payment_frequency"),
        "Prisregulering": ("Efter aftale", "price_regulation"),
    }
    for header, (value, field_name) in edits.items():
        before = AuditEntry.objects.filter(object_uuid=recorded.uuid).count()
        report = run_import_file(actor=editor, organisation=org,
                                 content=_edit(content, header, value),
                                 filename="kontrakter.xlsx", commit=True)
        assert report.errors == [], (header, report.errors)
        assert report.counts["update"] == 1, header
        entries = AuditEntry.objects.filter(object_uuid=recorded.uuid).order_by("pk")
        assert entries.count() == before + 1, header
        assert field_name in entries.last().changes, (header, entries.last().changes)
        content = _export(org)


def test_an_import_cannot_choose_a_switched_off_option(org, editor, admin_user, recorded):
    options.adapt_options(actor=admin_user, organisation=org, key="agreement_element",
                          adaptations={option("agreement_element", "hosting"):
                                       options.Adaptation(is_active=False)})
    options.adapt_options(actor=admin_user, organisation=org, key="payment_model",
                          adaptations={option("payment_model", "fixed"):
                                       options.Adaptation(is_active=False)})
    content = _export(org)
    for header, value, message in (
        ("Aftaleelementer", "Licens; Support; Hosting", "Hosting er slået fra"),
        ("Betalingsmodel", "Fast pris", "Fast pris er slået fra"),
        ("Betalingsmodel", "Guld", "findes ikke"),
    ):
        report = run_import_file(actor=editor, organisation=org,
                                 content=_edit(content, header, value),
                                 filename="kontrakter.xlsx", commit=True)
        assert any(message in issue.message for issue in report.errors), (header, report.errors)
    recorded.refresh_from_db()
    assert recorded.payment_model.code == "subscription"
    assert {o.code for o in recorded.agreement_elements.all()} == {"licence", "support"}


def test_the_list_shows_and_filters_the_record_in_a_fixed_number_of_queries(
        client, org, reader, recorded):
    from kitos.models import ListPreference
    from tests.helpers import count_queries

    client.force_login(reader)
    ListPreference.objects.create(user=reader, list_key="contract_list", columns=[
        "name", "contract_template", "procurement_strategy", "payment_model",
        "payment_frequency", "price_regulation", "agreement_elements", "procurement_plan",
        "customer_signed_on"])
    url = reverse("contract_list") + "?payment_model=subscription"
    page = client.get(url)
    html = page.content.decode()
    for text in ("Økonomisystem", "K03 Standardkontrakt", "Nyt udbud", "Abonnement",
                 "Kvartalsvis", "Nettoprisindeks", "Licens", "2027, 3. kvartal"):
        assert text in html, text
    count_queries(client, url)
    few = count_queries(client, url)
    for number in range(5):
        ContractFactory(organisation=org, name=f"Flere {number}",
                        payment_model=option("payment_model", "subscription"),
                        contract_template=option("contract_template", "k01"),
                        ).agreement_elements.set([option("agreement_element", "operation")])
    assert count_queries(client, url) == few
    # The default columns stay within the budget of every page.
    ListPreference.objects.filter(user=reader).delete()
    count_queries(client, url)
    assert count_queries(client, url) <= 12
