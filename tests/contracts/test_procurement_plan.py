"""The procurement plan (contracts.procurement): re-tenders by quarter per forvaltning,
as a page and an Excel workbook."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contracts.choices import DecisionKind
from contracts.services import deadline_decision_record
from tests.factories import ContractFactory, PersonFactory, UnitFactory

pytestmark = pytest.mark.django_db

URL = "/kontrakter/udbudsplan/"


def retender_contract(org, name, *, expiry, unit=None, lead=6):
    """Fixed term, 3 months' notice, one option: a notice deadline, and a re-tender start
    `lead` months before it."""
    return ContractFactory(
        organisation=org, name=name, start_date=datetime.date(2020, 1, 1), expiry_date=expiry,
        notice_months=3, extension_months=12, extensions_total=1, lead_months=lead,
        responsible_unit=unit,
    )


@pytest.fixture
def units(org):
    social = UnitFactory(organisation=org, name="Social og Sundhed")
    school = UnitFactory(organisation=org, name="Børn og Unge")
    team = UnitFactory(organisation=org, name="Visitation", parent=social)
    return social, school, team


def plan_names(response) -> list[str]:
    return [row.contract.name for q in response.context["quarters"] for row in q.rows]


def test_anonymous_is_sent_to_login(client):
    assert client.get(URL).status_code == 302


def test_decisions_decide_what_is_on_the_plan(client, org, editor, units):
    social, _school, team = units
    year = timezone.localdate().year + 3
    undecided = retender_contract(org, "Uafklaret", expiry=datetime.date(year, 6, 30), unit=team)
    renewed = retender_contract(org, "Fornyet", expiry=datetime.date(year, 6, 30), unit=team)
    retender = retender_contract(org, "Genudbud", expiry=datetime.date(year, 9, 30), unit=social)
    other = retender_contract(org, "Andet", expiry=datetime.date(year, 12, 31), unit=social)
    deadline_decision_record(actor=editor, contract=renewed, kind=DecisionKind.RENEW)
    deadline_decision_record(actor=editor, contract=retender, kind=DecisionKind.RETENDER)
    deadline_decision_record(actor=editor, contract=other, kind=DecisionKind.OTHER, note="?")
    client.force_login(editor)
    response = client.get(URL, {"forvaltning": "alle"})
    assert response.status_code == 200
    assert plan_names(response) == ["Uafklaret", "Genudbud", "Andet"]
    quarters = response.context["quarters"]
    # Expiry 30 June: notice deadline 31 March, re-tender start 6 months before.
    assert (quarters[0].year, quarters[0].number) == (year - 1, 3)
    assert quarters[0].rows[0].contract == undecided
    page = response.content.decode()
    assert "3. kvartal" in page and "Genudbyd" in page and "Ingen beslutning" in page


def test_filter_by_forvaltning_defaults_to_the_users_own(client, org, editor, units):
    social, school, team = units
    year = timezone.localdate().year + 3
    retender_contract(org, "Social", expiry=datetime.date(year, 6, 30), unit=team)
    retender_contract(org, "Skole", expiry=datetime.date(year, 6, 30), unit=school)
    client.force_login(editor)
    assert plan_names(client.get(URL)) == ["Skole", "Social"]  # no person: all
    PersonFactory(organisation=org, user=editor, unit=team)
    assert plan_names(client.get(URL)) == ["Social"]
    assert plan_names(client.get(URL, {"forvaltning": school.pk})) == ["Skole"]
    assert plan_names(client.get(URL, {"forvaltning": "alle"})) == ["Skole", "Social"]


def test_other_organisations_contracts_and_units_are_not_shown(client, org, other_org, outsider):
    year = timezone.localdate().year + 3
    unit = UnitFactory(organisation=org, name="Hemmelig forvaltning")
    retender_contract(org, "Vores", expiry=datetime.date(year, 6, 30), unit=unit)
    client.force_login(outsider)
    response = client.get(URL, {"forvaltning": unit.pk})
    assert plan_names(response) == []
    assert "Hemmelig forvaltning" not in response.content.decode()


def test_late_start_is_marked(client, org, editor):
    # Notice deadline a month ahead, six months' lead: the re-tender should have started.
    expiry = timezone.localdate() + datetime.timedelta(days=130)
    retender_contract(org, "Sent ude", expiry=expiry)
    client.force_login(editor)
    response = client.get(URL)
    assert response.context["quarters"][0].rows[0].is_late
    assert "For sent" in response.content.decode()


def test_excel_download_has_the_same_rows(client, org, editor, units):
    social, _school, team = units
    year = timezone.localdate().year + 3
    retender_contract(org, "Social", expiry=datetime.date(year, 6, 30), unit=team)
    client.force_login(editor)
    response = client.get(URL, {"forvaltning": social.pk, "format": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                             if response.streaming else response.content))
    sheet = book["Udbudsplan"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Kvartal", "Kontrakt")
    assert rows[1][1] == "Social" and rows[1][3] == "Social og Sundhed"
    assert len(rows) == 2


def test_query_count_does_not_grow_with_contracts(client, org, editor, units):
    social, school, team = units
    client.force_login(editor)
    PersonFactory(organisation=org, user=editor, unit=team)

    def queries(count):
        year = timezone.localdate().year + 2
        for index in range(count):
            contract = retender_contract(
                org, f"K{count}-{index}", expiry=datetime.date(year + index % 3, 6, 30),
                unit=(team, social, school)[index % 3],
            )
            if index % 2:
                deadline_decision_record(
                    actor=editor, contract=contract, kind=DecisionKind.RETENDER
                )
        with CaptureQueriesContext(connection) as context:
            response = client.get(URL, {"forvaltning": "alle"})
            assert response.status_code == 200
        return len(context.captured_queries)

    assert queries(5) == queries(50)


def test_below_a_single_root_the_forvaltninger_are_the_second_level(client, org, editor):
    """KITOS exports and the demo have one root unit standing for the municipality."""
    root = UnitFactory(organisation=org, name="Kommunen")
    social = UnitFactory(organisation=org, name="Social og Sundhed", parent=root)
    school = UnitFactory(organisation=org, name="Børn og Unge", parent=root)
    team = UnitFactory(organisation=org, name="Visitation", parent=social)
    year = timezone.localdate().year + 3
    retender_contract(org, "Social", expiry=datetime.date(year, 6, 30), unit=team)
    retender_contract(org, "Skole", expiry=datetime.date(year, 6, 30), unit=school)
    PersonFactory(organisation=org, user=editor, unit=team)
    client.force_login(editor)
    response = client.get(URL)
    assert [unit.name for unit in response.context["forvaltninger"]] == [
        "Børn og Unge", "Social og Sundhed"
    ]
    assert plan_names(response) == ["Social"]
    assert response.context["quarters"][0].rows[0].forvaltning == social
