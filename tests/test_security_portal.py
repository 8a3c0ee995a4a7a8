"""Regression tests for the review of the portal pages (lists, detail pages, dashboard,
gaps, register, roles in depth, import): one test per finding."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts import services as alerts
from alerts.models import AlertDelivery, ContractSubscription
from gdpr import gaps
from roles.models import Person, RoleType
from tests.factories import (
    ContractFactory,
    PersonFactory,
    RoleAssignmentFactory,
    UsageFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def standard_role(code, applies_to):
    return RoleType.objects.get(organisation=None, applies_to=applies_to, code=code)


class TestLeftOnIsTheLastWorkingDay:
    """``Person.left_on`` is the last working day everywhere (as the roles pages read it):
    someone leaving later has not left yet; from the day after ``left_on`` they have."""

    @pytest.fixture
    def people(self, org):
        today = timezone.localdate()
        return {
            "staying": PersonFactory(organisation=org, email="staying@demo.dk"),
            "leaving": PersonFactory(organisation=org, email="leaving@demo.dk",
                                     left_on=today + 30 * DAY),
            "last_day": PersonFactory(organisation=org, email="lastday@demo.dk",
                                      left_on=today),
            "gone": PersonFactory(organisation=org, email="gone@demo.dk",
                                  left_on=today - DAY),
        }

    def test_person_list_filter(self, client, editor, people):
        client.force_login(editor)

        def names(value):
            response = client.get("/api/v1/persons/", {"has_left": value})
            return {row["email"] for row in response.json()["results"]}

        assert names("true") == {"gone@demo.dk"}
        assert names("false") == {"staying@demo.dk", "leaving@demo.dk", "lastday@demo.dk"}

    def test_queryset_and_model_agree(self, people):
        today = timezone.localdate()
        working = set(Person.objects.still_working(today).values_list("email", flat=True))
        assert working == {"staying@demo.dk", "leaving@demo.dk", "lastday@demo.dk"}
        assert [p for p in people.values() if p.has_left(today)] == [people["gone"]]

    def test_alerts_reach_a_holder_until_the_last_day(self, org, people):
        today = datetime.date(2026, 11, 21)
        for person in people.values():
            person.left_on = person.left_on and person.left_on - timezone.localdate() + today
            person.save()
        from tests.alerts.test_alerts import notice_contract

        contract = notice_contract(org, today + 100 * DAY)
        for person in people.values():
            RoleAssignmentFactory(target=contract, person=person,
                                  role_type=standard_role("kontraktejer", "contract"))
            if person.email != "staying@demo.dk":
                ContractSubscription.objects.create(organisation=org, contract=contract,
                                                    person=person)
        alerts.scan(today=today)
        emails = set(AlertDelivery.objects.values_list("email", flat=True))
        assert emails == {"staying@demo.dk", "leaving@demo.dk", "lastday@demo.dk"}

    def test_calendar_feed_until_the_last_day(self, client, people):
        for key, status in (("leaving", 200), ("last_day", 200), ("gone", 404)):
            url = reverse("person_calendar", args=[people[key].calendar_token])
            assert client.get(url).status_code == status, key

    def test_someone_leaving_next_month_may_still_subscribe(self, client, org, reader):
        PersonFactory(organisation=org, user=reader,
                      left_on=timezone.localdate() + 30 * DAY)
        contract = ContractFactory(organisation=org)
        client.force_login(reader)
        response = client.post(reverse("contract_subscribe", args=[contract.uuid]))
        assert response.status_code == 302
        assert ContractSubscription.objects.filter(contract=contract).exists()

    def test_an_owner_who_has_left_is_a_gap(self, org, superuser, people):
        rule = gaps.RULES_BY_KEY["usage-without-system-owner"]
        owner = standard_role("systemejer", "system_usage")
        for key in ("leaving", "gone"):
            RoleAssignmentFactory(target=UsageFactory(organisation=org), person=people[key],
                                  role_type=owner)
        offending = gaps.offending(rule, user=superuser, organisation=org)
        assert [u.pk for u in offending] == [
            a.object_id for a in people["gone"].role_assignments.all()
        ]


XSS = '<script>alert("x")</script><svg onload=alert(1)>'


class TestUserTextIsEscaped:
    """Names typed by users reach HTML and inline SVG built by the new pages (the chain
    diagram, the dashboard, the gap pages, search) only escaped."""

    def test_pages_with_a_hostile_name(self, client, org, editor):
        from tests.factories import (
            AgreementFactory,
            CoverageFactory,
            ItSystemFactory,
            SupplierFactory,
        )

        supplier = SupplierFactory(name=XSS, owner_organisation=org, is_local=True, cvr="")
        system = ItSystemFactory(name=XSS, owner_organisation=org, is_local=True,
                                 rights_holder=supplier)
        usage = UsageFactory(organisation=org, system=system)
        contract = ContractFactory(organisation=org, name=XSS, supplier=supplier)
        CoverageFactory(contract=contract, usage=usage)
        agreement = AgreementFactory(organisation=org, name=XSS, processor=supplier)
        agreement.usages.add(usage)
        PersonFactory(organisation=org, name=XSS, user=editor)
        client.force_login(editor)
        urls = [
            reverse("contract_chain", args=[contract.uuid]),
            reverse("usage_chain", args=[usage.uuid]),
            reverse("systemusage_detail", args=[usage.uuid]),
            reverse("contract_detail", args=[contract.uuid]),
            reverse("dashboard", args=[org.slug]),
            reverse("gap_overview", args=[org.slug]),
            reverse("search") + "?q=script",
            reverse("systemusage_list"),
            reverse("my_page"),
            reverse("register", args=[org.slug]),
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            content = response.content.decode()
            assert "<script>alert" not in content, url
            assert "<svg onload" not in content, url


FORMULA = '=HYPERLINK("http://evil.example","klik")'


def cells(content: bytes) -> list:
    import io

    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def test_exports_never_turn_user_text_into_a_formula(client, org, editor):
    """Every Excel download of the new pages (lists, register, competency matrix) writes
    a name that looks like a formula as text."""
    from tests.factories import (
        CompetencyFactory,
        DisciplineFactory,
        ProcessingActivityFactory,
    )

    ContractFactory(organisation=org, name=FORMULA)
    ProcessingActivityFactory(organisation=org, name=FORMULA, purpose=FORMULA)
    person = PersonFactory(organisation=org, name=FORMULA, title=FORMULA, user=editor)
    CompetencyFactory(person=person, discipline=DisciplineFactory(name=FORMULA))
    client.force_login(editor)
    for url in (
        reverse("contract_list") + "?format=xlsx",
        reverse("person_list") + "?format=xlsx",
        reverse("processingactivity_list") + "?format=xlsx",
        reverse("register_export", args=[org.slug]),
        reverse("competency_matrix_export") + "?everyone=on",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/vnd.openxmlformats"), url
        written = cells(response.content)
        assert [c.coordinate for c in written if c.data_type == "f"] == [], url
        assert any(FORMULA in str(c.value or "") for c in written), url


def test_delete_page_of_a_shared_entry_names_no_other_organisations_objects(
    client, org, other_org, admin_user
):
    from tests.factories import SupplierFactory

    supplier = SupplierFactory(owner_organisation=org, is_local=False)
    ContractFactory(organisation=org, supplier=supplier, name="Vores kontrakt")
    ContractFactory(organisation=other_org, supplier=supplier, name="Naboens hemmelige")
    client.force_login(admin_user)
    response = client.get(reverse("supplier_delete", args=[supplier.uuid]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Vores kontrakt" in content
    assert "Naboens hemmelige" not in content
    assert "1, som du ikke har adgang til" in content


def test_a_shared_systems_page_lists_only_the_sub_systems_the_user_may_see(
    client, org, other_org, editor
):
    from tests.factories import ItSystemFactory

    shared = ItSystemFactory(name="Fælles ESDH", is_local=False)
    ItSystemFactory(name="Vores modul", parent=shared, is_local=True, owner_organisation=org)
    ItSystemFactory(name="Naboens modul", parent=shared, is_local=True,
                    owner_organisation=other_org)
    client.force_login(editor)
    content = client.get(reverse("itsystem_detail", args=[shared.uuid])).content.decode()
    assert "Vores modul" in content
    assert "Naboens modul" not in content


@pytest.mark.parametrize("target", [
    "//evil.example/", "/\\evil.example/", "https://evil.example/", "javascript:alert(1)",
    "/organisationer/x//evil.example/", "/organisationer/x/\\evil.example",
])
def test_the_switcher_only_goes_to_pages_of_this_site(client, org, reader, target):
    client.force_login(reader)
    response = client.post(reverse("switch_organisation"),
                           {"organisation": org.slug, "next": target})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert "evil.example" not in location.split("/")[1:2], location
