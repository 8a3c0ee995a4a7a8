"""The competency matrix (persons × disciplines, Excel export) and "who can fill this
role?" (persons with Færdighed or Underviser in the role's discipline, by level and
load)."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from roles.models import Discipline, RoleType
from roles.responsibilities import candidates
from tests.factories import (
    CompetencyFactory,
    ContractFactory,
    PersonFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UsageFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
MATRIX = reverse("competency_matrix")
EXPORT = reverse("competency_matrix_export")


def discipline(code):
    return Discipline.objects.get(organisation=None, code=code)


def contract_manager():
    return RoleType.objects.get(organisation=None, applies_to="contract", code="contract-manager")


def candidates_url(role_type=None, **query):
    url = reverse("role_candidates", args=[(role_type or contract_manager()).uuid])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


@pytest.fixture
def today():
    return timezone.localdate()


def skilled(org, name, level="skill", code="kontraktstyring", **fields):
    person = PersonFactory(organisation=org, name=name, **fields)
    CompetencyFactory(person=person, discipline=discipline(code), level=level)
    return person


def give_roles(person, count, **fields):
    for _ in range(count):
        RoleAssignmentFactory(person=person, target=UsageFactory(organisation=person.organisation),
                              **fields)


class TestCandidates:
    def test_by_level_then_load(self, org, other_org, today):
        busy_teacher = skilled(org, "Bente Travl", "teacher")
        give_roles(busy_teacher, 3)
        idle = skilled(org, "Anders Ledig", "skill")
        busy = skilled(org, "Carsten Travl", "skill")
        give_roles(busy, 2)
        # Ended roles do not count towards the load.
        give_roles(idle, 4, end_date=today - DAY)
        skilled(org, "Dorte Forstår", "understanding")
        skilled(org, "Erik Fratrådt", "teacher", left_on=today - 30 * DAY)
        skilled(org, "Frida Fratræder", "teacher", left_on=today + 30 * DAY)
        skilled(org, "Gitte Arkitekt", "teacher", code="it-arkitektur")
        skilled(other_org, "Nabo Kontrakt", "teacher")
        rows = list(candidates(org, contract_manager(), today=today))
        assert [(p.name, p.level, p.load) for p in rows] == [
            ("Bente Travl", "teacher", 3),
            ("Anders Ledig", "skill", 0),
            ("Carsten Travl", "skill", 2),
        ]

    def test_within_a_unit_subtree(self, org, today):
        top = UnitFactory(organisation=org, name="Børn og Unge")
        below = UnitFactory(organisation=org, parent=top)
        skilled(org, "Inde", unit=below)
        skilled(org, "Ude", unit=UnitFactory(organisation=org))
        rows = candidates(org, contract_manager(), today=today, within=top)
        assert [p.name for p in rows] == ["Inde"]

    def test_role_without_discipline_has_no_candidates(self, org, today):
        owner = RoleType.objects.get(organisation=None, code="kontraktejer")
        skilled(org, "Nogen")
        assert list(candidates(org, owner, today=today)) == []


class TestCandidatesPage:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(candidates_url())
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_other_organisation(self, client, org, other_org, outsider):
        skilled(org, "Hemmelig Person", "teacher")
        own = RoleType.objects.create(
            organisation=org, code="egen", name="Egen rolle", applies_to="contract",
            discipline=discipline("kontraktstyring"),
        )
        contract = ContractFactory(organisation=org)
        client.force_login(outsider)
        response = client.get(candidates_url())
        assert response.status_code == 200
        assert "Hemmelig Person" not in response.text
        assert client.get(candidates_url(own)).status_code == 404
        assert client.get(candidates_url(objekt=contract.uuid)).status_code == 404
        assert client.get(candidates_url(objekt="x")).status_code == 404
        unit = UnitFactory(organisation=org)
        assert client.get(candidates_url(within=unit.uuid)).status_code == 404

    def test_reader_sees_candidates_with_load(self, client, org, reader):
        person = skilled(org, "Anne Kontrakt", "teacher")
        give_roles(person, 2)
        skilled(org, "Ole Lærling", "understanding")
        client.force_login(reader)
        response = client.get(candidates_url())
        assert response.status_code == 200
        text = response.text
        assert "Anne Kontrakt" in text and "Underviser" in text
        assert "Kontrakt- og leverandørstyring" in text
        assert "Ole Lærling" in text and "kan oplæres" in text
        assert "Tildel" not in text  # no object, nothing to assign

    def test_for_an_object(self, client, org, editor):
        contract = ContractFactory(organisation=org, name="Ørsted-aftalen")
        holder = skilled(org, "Har Rollen", "skill")
        RoleAssignmentFactory(person=holder, target=contract, role_type=contract_manager())
        skilled(org, "Kan Tage Den", "skill")
        client.force_login(editor)
        response = client.get(candidates_url(objekt=contract.uuid))
        assert response.status_code == 200
        assert "Ørsted-aftalen" in response.text
        assert "Har rollen" in response.text

    def test_query_count_does_not_grow(self, client, org, editor):
        client.force_login(editor)
        contract = ContractFactory(organisation=org)
        for i in range(5):
            give_roles(skilled(org, f"Person {i}"), 1)
        url = candidates_url(objekt=contract.uuid)
        client.get(url)  # the first request fills the process's caches (content types)
        few = count_queries(client, url)
        for i in range(45):
            give_roles(skilled(org, f"Flere {i}", "teacher"), 2)
        assert count_queries(client, url) == few


class TestMatrix:
    def test_anonymous_is_sent_to_login(self, client):
        for url in (MATRIX, EXPORT):
            response = client.get(url)
            assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_other_organisation(self, client, org, outsider):
        skilled(org, "Hemmelig Person", "teacher")
        unit = UnitFactory(organisation=org)
        client.force_login(outsider)
        assert "Hemmelig Person" not in client.get(MATRIX).text
        assert client.get(MATRIX, {"within": unit.uuid}).status_code == 404
        assert client.get(EXPORT, {"within": unit.uuid}).status_code == 404

    def test_persons_by_discipline_and_level(self, client, org, reader, today):
        top = UnitFactory(organisation=org, name="Børn og Unge")
        below = UnitFactory(organisation=org, parent=top, name="Skoler")
        elsewhere = UnitFactory(organisation=org, name="Teknik")
        inside = skilled(org, "Inge Inde", "teacher", unit=below)
        CompetencyFactory(person=inside, discipline=discipline("it-arkitektur"),
                          level="understanding")
        skilled(org, "Ude Udenfor", "skill", unit=elsewhere)
        skilled(org, "Gone Fratrådt", "teacher", unit=below, left_on=today - DAY)
        PersonFactory(organisation=org, name="Uden Kompetencer", unit=below)
        client.force_login(reader)
        response = client.get(MATRIX, {"within": top.uuid})
        assert response.status_code == 200
        text = response.text
        assert "Inge Inde" in text and "Ude Udenfor" not in text and "Gone" not in text
        assert "Uden Kompetencer" not in text
        assert "Underviser" in text and "Forståelse" in text
        everyone = client.get(MATRIX, {"within": top.uuid, "everyone": "on"}).text
        assert "Uden Kompetencer" in everyone
        skill_only = client.get(MATRIX, {"min_level": "teacher"}).text
        assert "Inge Inde" in skill_only and "Ude Udenfor" not in skill_only
        only_arch = client.get(
            MATRIX, {"discipline": discipline("it-arkitektur").uuid, "min_level": "skill"}
        ).text
        assert "Inge Inde" not in only_arch  # only understands architecture

    def test_bad_filters_are_ignored_not_500(self, client, editor):
        client.force_login(editor)
        response = client.get(MATRIX, {"min_level": "guru", "discipline": "x", "side": "abc"})
        assert response.status_code == 200

    def test_excel_export(self, client, org, reader):
        skilled(org, "=HYPERLINK(\"http://evil\")", "teacher", title="+SUM(A1)")
        skilled(org, "Anna Almindelig", "skill")
        client.force_login(reader)
        response = client.get(EXPORT)
        assert response.status_code == 200
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert "attachment" in response["Content-Disposition"]
        sheet = load_workbook(BytesIO(response.content))["Kompetencer"]
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        assert header[:4] == ("Navn", "Stilling", "Enhed", "E-mail")
        column = header.index("Kontrakt- og leverandørstyring")
        by_name = {row[0]: row for row in rows[1:] if row and row[0]}
        assert by_name["Anna Almindelig"][column] == "Færdighed"
        # User text stays text: never a formula.
        evil = by_name['=HYPERLINK("http://evil")']
        assert evil[1] == "+SUM(A1)"
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"

    def test_query_count_does_not_grow(self, client, org, editor):
        client.force_login(editor)
        for i in range(5):
            skilled(org, f"Person {i}")
        few = count_queries(client, MATRIX)
        for i in range(45):
            person = skilled(org, f"Flere {i}", "teacher")
            CompetencyFactory(person=person, discipline=discipline("it-udbud"))
        assert count_queries(client, MATRIX) == few
