"""The article 30 register: KL's standard list loads fully, adopting is idempotent,
the register pages (printable, Excel, adopt) are scoped and bounded."""

from __future__ import annotations

import csv
import re
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from gdpr.models import ProcessingActivity
from gdpr.register import (
    adopt_standard_activities,
    register_entries,
    standard_activities,
    standard_catalogue,
)
from kitos.models import AuditEntry
from portfolio.kle import KL_ACTIVITIES_CSV, load_kle
from portfolio.models import KleNumber
from roles.models import RoleType
from tests.factories import (
    AgreementFactory,
    DataCategoryFactory,
    PersonFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    SubProcessorFactory,
    SupplierFactory,
    UsageFactory,
)
from tests.helpers import count_queries


def rows_of_the_file():
    """KL's file read here with nothing but the csv module, to check the loader by."""
    with KL_ACTIVITIES_CSV.open(encoding="utf-8") as handle:
        text = handle.read().lstrip("\ufeff")
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    assert rows[0] == ["Nummer", "Behandlingsaktivitet", "KLE Hovedgruppe", "KLE Gruppe",
                       "KLE niveau 3"]
    return [row for row in rows[1:] if any(cell.strip() for cell in row)]


def leaf_number(row) -> str:
    return re.match(r"\d{2}\.\d{2}\.\d{2}", row[4]).group(0)


class TestKlList:
    def test_every_activity_of_the_file_is_read(self):
        rows = rows_of_the_file()
        numbers = {row[0].strip() for row in rows}
        assert len(rows) == 1815
        assert len(numbers) == 95
        activities = standard_activities()
        assert sorted(a.number for a in activities) == sorted(numbers)

    def test_every_kle_number_of_the_file_belongs_to_its_activity(self):
        expected = {}
        for row in rows_of_the_file():
            expected.setdefault(row[0].strip(), set()).add(leaf_number(row))
        got = {a.number: set(a.kle_numbers) for a in standard_activities()}
        assert got == expected
        assert sum(len(numbers) for numbers in got.values()) == 1815

    def test_names_keep_their_danish_characters(self):
        names = {}
        for row in rows_of_the_file():
            if row[1].strip():
                names.setdefault(row[0].strip(), " ".join(row[1].split()))
        got = {a.number: a.name for a in standard_activities()}
        assert got == names
        assert all(got.values())
        assert got["54"] == (
            "Behandling af personoplysninger i forbindelse med kommunens arbejdsmiljø"
        )
        joined = "".join(got.values())
        for letter in "æøå§":
            assert letter in joined

    @pytest.mark.django_db
    def test_the_whole_taxonomy_loads(self):
        leaves = {leaf_number(row) for row in rows_of_the_file()}
        groups = {leaf[:5] for leaf in leaves}
        main_groups = {leaf[:2] for leaf in leaves}
        load_kle()
        assert set(KleNumber.objects.values_list("number", flat=True)) == (
            leaves | groups | main_groups
        )
        # Every node hangs under its parent, including main group 54, which the file
        # misspells "4. Uddannelse".
        assert not KleNumber.objects.exclude(number__regex=r"^\d{2}$").filter(parent=None)
        assert KleNumber.objects.get(number="54").title == "Uddannelse"
        assert KleNumber.objects.get(number="07.17.01").title == "Fysisk affaldstilsyn"
        assert KleNumber.objects.get(number="32.21.18").title == (
            "Medicintilskud til kontanthjælpsmodtagere"
        )


@pytest.mark.django_db
class TestAdopt:
    def test_adopting_creates_the_activity_with_its_kle_numbers(self, org, editor):
        result = adopt_standard_activities(actor=editor, organisation=org, numbers=["29", "01"])
        assert len(result.created) == 2
        activity = ProcessingActivity.objects.get(organisation=org, standard_number="29")
        assert activity.name == (
            "Behandling af personoplysninger i forbindelse med affald og genanvendelse"
        )
        standard = {a.number: a for a in standard_activities()}["29"]
        assert sorted(activity.kle_numbers.values_list("number", flat=True)) == sorted(
            standard.kle_numbers
        )
        # The row without a name in KL's file still gives its KLE number.
        assert activity.kle_numbers.filter(number="07.17.01").exists()
        assert AuditEntry.objects.for_object(activity).filter(action="create").count() == 1

    def test_adopting_twice_does_not_duplicate(self, org, editor):
        adopt_standard_activities(actor=editor, organisation=org, numbers=["01", "02"])
        again = adopt_standard_activities(actor=editor, organisation=org, numbers=["02", "03"])
        assert [a.standard_number for a in again.already] == ["02"]
        assert [a.standard_number for a in again.created] == ["03"]
        assert ProcessingActivity.objects.filter(organisation=org).count() == 3

    def test_an_existing_record_with_the_same_name_gets_the_number(self, org, editor):
        name = {a.number: a.name for a in standard_activities()}["05"]
        own = ProcessingActivityFactory(organisation=org, name=name.upper())
        result = adopt_standard_activities(actor=editor, organisation=org, numbers=["05"])
        assert result.linked == [own]
        own.refresh_from_db()
        assert own.standard_number == "05"
        assert ProcessingActivity.objects.filter(organisation=org).count() == 1

    def test_each_organisation_adopts_its_own(self, org, other_org, editor, outsider):
        adopt_standard_activities(actor=editor, organisation=org, numbers=["01"])
        adopt_standard_activities(actor=outsider, organisation=other_org, numbers=["01"])
        assert ProcessingActivity.objects.filter(standard_number="01").count() == 2

    def test_readers_and_outsiders_may_not_adopt(self, org, reader, outsider):
        for actor in (reader, outsider):
            with pytest.raises(PermissionDenied):
                adopt_standard_activities(actor=actor, organisation=org, numbers=["01"])
        assert not ProcessingActivity.objects.exists()

    def test_an_unknown_number_writes_nothing(self, org, editor):
        with pytest.raises(ValidationError):
            adopt_standard_activities(actor=editor, organisation=org, numbers=["01", "999"])
        with pytest.raises(ValidationError):
            adopt_standard_activities(actor=editor, organisation=org, numbers=[])
        assert not ProcessingActivity.objects.exists()

    def test_the_database_refuses_a_second_record_of_a_standard(self, org):
        ProcessingActivityFactory(organisation=org, standard_number="01")
        ProcessingActivityFactory(organisation=org, standard_number="")
        ProcessingActivityFactory(organisation=org, standard_number="")
        with pytest.raises(IntegrityError), transaction.atomic():
            ProcessingActivityFactory(organisation=org, standard_number="01")

    def test_the_catalogue_filters_and_shows_what_is_adopted(self, org, editor):
        adopt_standard_activities(actor=editor, organisation=org, numbers=["29"])
        by_group = standard_catalogue(org, main_group="07")
        assert "29" in [e.number for e in by_group]
        assert all("07" in [g for g, _ in e.main_groups] for e in by_group)
        adopted = [e for e in standard_catalogue(org) if e.adopted]
        assert [e.number for e in adopted] == ["29"]
        assert [e.number for e in standard_catalogue(org, q="07.17.01")] == ["29"]
        assert "29" in [e.number for e in standard_catalogue(org, q="29")]
        assert standard_catalogue(org, q="genanvendelse")[0].number == "29"


def register_url(org):
    return reverse("register", args=[org.slug])


def export_url(org):
    return reverse("register_export", args=[org.slug])


def adopt_url(org):
    return reverse("register_adopt", args=[org.slug])


@pytest.mark.django_db
class TestAccess:
    @pytest.mark.parametrize("name", ["register", "register_export", "register_adopt"])
    def test_anonymous_is_sent_to_login(self, client, org, name):
        response = client.get(reverse(name, args=[org.slug]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    @pytest.mark.parametrize("name", ["register", "register_export", "register_adopt"])
    def test_other_organisation_is_404(self, client, org, outsider, name):
        client.force_login(outsider)
        assert client.get(reverse(name, args=[org.slug])).status_code == 404
        assert client.post(adopt_url(org), {"number": "01"}).status_code == 404
        assert not ProcessingActivity.objects.filter(organisation=org).exists()

    def test_reader_sees_no_adopt_controls_and_is_refused(self, client, org, reader):
        client.force_login(reader)
        html = client.get(adopt_url(org)).content.decode()
        assert 'name="number"' not in html
        assert 'method="post"' not in html.split('<main id="main"')[1]
        assert "Tilføj fra KL" not in client.get(register_url(org)).content.decode()
        assert client.post(adopt_url(org), {"number": "01"}).status_code == 403
        assert not ProcessingActivity.objects.exists()

    def test_register_home_goes_to_the_active_organisation(self, client, org, reader):
        client.force_login(reader)
        response = client.get(reverse("register_home"))
        assert response.status_code == 302
        assert response.url == register_url(org)


@pytest.mark.django_db
class TestAdoptPage:
    def test_editor_adopts_from_the_page_and_twice_changes_nothing(self, client, org, editor):
        client.force_login(editor)
        html = client.get(adopt_url(org)).content.decode()
        assert html.count('name="number"') == 95
        response = client.post(adopt_url(org) + "?hovedgruppe=07", {"number": ["29", "30"]})
        assert response.status_code == 302
        assert response.url == adopt_url(org) + "?hovedgruppe=07"
        assert ProcessingActivity.objects.filter(organisation=org).count() == 2
        response = client.post(adopt_url(org), {"number": ["29"]}, follow=True)
        assert "var allerede i fortegnelsen" in response.content.decode()
        assert ProcessingActivity.objects.filter(organisation=org).count() == 2
        html = client.get(adopt_url(org)).content.decode()
        assert html.count('name="number"') == 93

    def test_bad_input_is_a_message_not_an_error(self, client, org, editor):
        client.force_login(editor)
        response = client.post(adopt_url(org), {"number": ["01", "x" * 500]})
        assert response.status_code == 400
        assert "Ukendt nummer" in response.content.decode()
        assert client.post(adopt_url(org), {}).status_code == 400
        assert not ProcessingActivity.objects.exists()

    def test_filter_by_main_group_and_search(self, client, org, reader):
        client.force_login(reader)
        html = client.get(adopt_url(org), {"hovedgruppe": "07"}).content.decode()
        assert "affald og genanvendelse" in html
        assert "jobafklaring" not in html
        html = client.get(adopt_url(org), {"q": "jobafklaring"}).content.decode()
        assert "jobafklaring" in html and "genanvendelse" not in html
        assert client.get(adopt_url(org), {"hovedgruppe": "zz", "q": "x" * 999}).status_code == 200


def filled_activity(org, n, *, usage=None):
    activity = ProcessingActivityFactory(
        organisation=org,
        name=f"Aktivitet {n:03d}",
        standard_number=f"{n:02d}",
        purpose="=HYPERLINK(\"http://evil\")" if n == 1 else "Sagsbehandling",
        legal_basis_art6="6.1.e",
        data_subjects="Borgere",
        recipients="+45 Andre myndigheder",
        retention="5 år",
        security_measures="@adgangsstyring",
    )
    activity.data_categories.add(DataCategoryFactory())
    activity.usages.add(usage or UsageFactory(organisation=org))
    return activity


@pytest.mark.django_db
class TestRegister:
    def test_the_printable_register_has_every_activity_and_field(self, client, org, reader):
        usage = UsageFactory(organisation=org)
        agreement = AgreementFactory(
            organisation=org, name="DBA Hosting", processor=SupplierFactory(name="Hosting A/S")
        )
        agreement.usages.add(usage)
        SubProcessorFactory(agreement=agreement, supplier=SupplierFactory(name="Cloud Inc."),
                            country="US")
        activity = filled_activity(org, 1, usage=usage)
        ProcessingActivityFactory(organisation=org, name="Tom aktivitet")
        dpo = PersonFactory(organisation=org, name="Dorte DPO", email="dpo@kommune.dk")
        RoleAssignmentFactory(
            person=dpo, role_type=RoleType.objects.get(organisation=None, code="dpo"),
            target=org, organisation=org,
        )
        client.force_login(reader)
        html = client.get(register_url(org)).content.decode()
        assert activity.name in html and "Tom aktivitet" in html
        for heading in ("Formål", "Retsgrundlag", "Kategorier af registrerede",
                        "Kategorier af personoplysninger", "Modtagere",
                        "Overførsel til tredjelande", "Opbevaring og sletning",
                        "Sikkerhedsforanstaltninger", "Databehandlere",
                        "Konsekvensanalyse (DPIA)", "KLE-numre"):
            assert f"<dt>{heading}</dt>" in html
        assert "Hosting A/S (DBA Hosting)" in html
        assert "tredjelande: USA" in html
        assert "Dorte DPO" in html
        assert "Ikke udfyldt" in html
        assert "data-print" in html  # static/js/actions.js prints (no inline handler: CSP)

    def test_the_export_has_one_row_per_activity_and_no_formulas(self, client, org, reader):
        for n in range(1, 4):
            filled_activity(org, n)
        client.force_login(reader)
        response = client.get(export_url(org))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "fortegnelse-demo-test-" in response["Content-Disposition"]
        workbook = load_workbook(BytesIO(response.content))
        sheet = workbook["Fortegnelse"]
        headers = [c.value for c in sheet[1]]
        for header in ("Behandlingsaktivitet", "Formål", "Retsgrundlag", "Modtagere",
                       "Kategorier af registrerede", "Kategorier af personoplysninger",
                       "Overførsel til tredjelande", "Opbevaring og sletning",
                       "Sikkerhedsforanstaltninger", "Systemer", "Databehandlere og aftaler",
                       "Konsekvensanalyse (DPIA)", "Ansvarlig enhed og personer", "KLE-numre"):
            assert header in headers
        assert sheet.max_row == 4
        first = dict(zip(headers, [c for c in sheet[2]], strict=True))
        assert first["Formål"].value == '=HYPERLINK("http://evil")'
        assert first["Formål"].data_type == "s"
        assert first["Modtagere"].value == "+45 Andre myndigheder"
        assert first["Modtagere"].data_type == "s"
        assert first["Sikkerhedsforanstaltninger"].data_type == "s"
        about = " ".join(str(c.value) for row in workbook["Vejledning"].iter_rows() for c in row)
        assert "Demo Testkommune" in about and "artikel 30" in about

    def test_other_organisations_activities_are_not_in_the_register(
        self, client, org, other_org, reader
    ):
        filled_activity(org, 1)
        ProcessingActivityFactory(organisation=other_org, name="Naboens aktivitet")
        client.force_login(reader)
        assert "Naboens aktivitet" not in client.get(register_url(org)).content.decode()
        sheet = load_workbook(BytesIO(client.get(export_url(org)).content))["Fortegnelse"]
        assert sheet.max_row == 2

    def test_query_count_does_not_grow_with_activities(self, client, org, reader):
        client.force_login(reader)
        for n in range(5):
            filled_activity(org, n)
        # The first request of a process fills its caches (content types); then measure.
        client.get(register_url(org)), client.get(export_url(org))
        small = count_queries(client, register_url(org)), count_queries(client, export_url(org))
        for n in range(5, 50):
            filled_activity(org, n)
        large = count_queries(client, register_url(org)), count_queries(client, export_url(org))
        assert small == large
        assert len(register_entries(reader, org)) == 50

    def test_adopt_page_query_count_is_constant(self, client, org, editor):
        client.force_login(editor)
        adopt_standard_activities(actor=editor, organisation=org, numbers=["01"])
        small = count_queries(client, adopt_url(org))
        adopt_standard_activities(
            actor=editor, organisation=org, numbers=[f"{n:02d}" for n in range(2, 60)]
        )
        assert count_queries(client, adopt_url(org)) == small
