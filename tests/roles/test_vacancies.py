"""The vacancies report: live objects missing a required role today (roles.responsibilities
.vacancies and /roller/ledige/), and the role overview (/roller/oversigt/)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from roles.models import RoleType
from roles.responsibilities import vacancies
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    PersonFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UsageFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
REPORT = reverse("vacancy_report")
OVERVIEW = reverse("role_overview")


def role(code, applies_to="system_usage"):
    return RoleType.objects.get(organisation=None, applies_to=applies_to, code=code)


@pytest.fixture
def today():
    return timezone.localdate()


def missing(org, today, code, **kwargs):
    """The objects missing the role `code`."""
    groups = vacancies(org, today=today, **kwargs)
    return {
        str(obj) for group in groups if group.role_type.code == code for obj in group.objects
    }


class TestVacancies:
    def test_objects_without_a_current_holder(self, org, other_org, today):
        owned = UsageFactory(organisation=org, system__name="Med ejer")
        UsageFactory(organisation=org, system__name="Uden ejer")
        UsageFactory(organisation=other_org, system__name="Naboens")
        RoleAssignmentFactory(target=owned, role_type=role("systemejer"))
        assert missing(org, today, "systemejer") == {"Uden ejer"}

    def test_an_end_date_stops_counting_after_it(self, org, today):
        ended = UsageFactory(organisation=org, system__name="Sluttede i går")
        ends_today = UsageFactory(organisation=org, system__name="Slutter i dag")
        not_begun = UsageFactory(organisation=org, system__name="Begynder i morgen")
        RoleAssignmentFactory(target=ended, role_type=role("systemejer"), end_date=today - DAY)
        RoleAssignmentFactory(target=ends_today, role_type=role("systemejer"), end_date=today)
        RoleAssignmentFactory(
            target=not_begun, role_type=role("systemejer"), start_date=today + DAY
        )
        assert missing(org, today, "systemejer") == {"Sluttede i går", "Begynder i morgen"}
        assert missing(org, today + DAY, "systemejer") == {"Sluttede i går", "Slutter i dag"}

    def test_a_holder_who_has_left_does_not_count(self, org, today):
        usage = UsageFactory(organisation=org, system__name="Ejer fratrådt")
        gone = PersonFactory(organisation=org, left_on=today - DAY)
        RoleAssignmentFactory(target=usage, person=gone, role_type=role("systemejer"))
        leaving = UsageFactory(organisation=org, system__name="Ejer fratræder")
        last_day_today = PersonFactory(organisation=org, left_on=today)
        RoleAssignmentFactory(target=leaving, person=last_day_today, role_type=role("systemejer"))
        assert missing(org, today, "systemejer") == {"Ejer fratrådt"}

    def test_retired_systems_and_ended_objects_need_no_roles(self, org, today):
        UsageFactory(organisation=org, system__name="Udfaset", lifecycle="retired")
        ContractFactory(organisation=org, name="Udløbet", expiry_date=today - 10 * DAY)
        ContractFactory(organisation=org, name="Kørende")
        AgreementFactory(organisation=org, name="Ophørt aftale", ended_on=today - DAY)
        AgreementFactory(organisation=org, name="Aktiv aftale")
        assert missing(org, today, "systemejer") == set()
        assert missing(org, today, "kontraktejer") == {"Kørende"}
        assert missing(org, today, "dba-ansvarlig") == {"Aktiv aftale"}

    def test_every_required_kind(self, org, today):
        ProcessingActivityFactory(organisation=org, name="Elevadministration")
        codes = {group.role_type.code for group in vacancies(org, today=today)}
        assert {"systemejer", "kontraktejer", "behandlingsansvarlig", "dba-ansvarlig",
                "dpo"} <= codes
        assert missing(org, today, "behandlingsansvarlig") == {"Elevadministration"}
        assert missing(org, today, "dpo") == {org.name}

    def test_within_a_unit_subtree(self, org, today):
        top = UnitFactory(organisation=org, name="Børn og Unge")
        below = UnitFactory(organisation=org, parent=top, name="Skoler")
        elsewhere = UnitFactory(organisation=org, name="Teknik")
        UsageFactory(organisation=org, system__name="Under", responsible_unit=below)
        UsageFactory(organisation=org, system__name="Andetsteds", responsible_unit=elsewhere)
        UsageFactory(organisation=org, system__name="Uden enhed")
        assert missing(org, today, "systemejer", within=top) == {"Under"}
        # The organisation-wide roles (DPO) are not a unit's vacancy.
        assert missing(org, today, "dpo", within=top) == set()

    def test_own_required_role_types_count(self, org, other_org, today):
        RoleType.objects.create(
            organisation=org, code="driftsansvarlig", name="Driftsansvarlig",
            applies_to="system_usage", is_required=True,
        )
        RoleType.objects.create(
            organisation=other_org, code="naborolle", name="Naborolle",
            applies_to="system_usage", is_required=True,
        )
        UsageFactory(organisation=org, system__name="Lønsystem")
        codes = {group.role_type.code for group in vacancies(org, today=today)}
        assert "driftsansvarlig" in codes and "naborolle" not in codes


def usages_without_owner(org, count):
    unit = UnitFactory(organisation=org)
    for _ in range(count):
        UsageFactory(organisation=org, responsible_unit=unit)
        ContractFactory(organisation=org, responsible_unit=unit)


class TestReportPage:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(REPORT)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        response = client.get(OVERVIEW)
        assert response.status_code == 302

    def test_other_organisation_sees_only_its_own(self, client, org, outsider):
        UsageFactory(organisation=org, system__name="Hemmeligt system")
        client.force_login(outsider)
        response = client.get(REPORT)
        assert response.status_code == 200
        assert "Hemmeligt system" not in response.text
        assert "Hemmeligt system" not in client.get(OVERVIEW).text

    def test_a_unit_of_another_organisation_is_404(self, client, org, outsider):
        unit = UnitFactory(organisation=org)
        client.force_login(outsider)
        assert client.get(REPORT, {"within": unit.uuid}).status_code == 404
        assert client.get(REPORT, {"within": "not-a-uuid"}).status_code == 404

    def test_reader_sees_the_report(self, client, org, reader):
        usage = UsageFactory(organisation=org, system__name="Acadre")
        client.force_login(reader)
        response = client.get(REPORT)
        assert response.status_code == 200
        assert "Acadre" in response.text and "Systemejer" in response.text
        assert str(usage.uuid) in response.text  # linked to its page or to assign

    def test_editor_filters_by_role_and_unit(self, client, org, editor):
        unit = UnitFactory(organisation=org, name="Skoleafdelingen")
        UsageFactory(organisation=org, system__name="Elevplan", responsible_unit=unit)
        UsageFactory(organisation=org, system__name="Andet system")
        ContractFactory(organisation=org, name="En kontrakt")
        client.force_login(editor)
        response = client.get(REPORT, {"within": unit.uuid, "role_type": role("systemejer").uuid})
        assert response.status_code == 200
        assert "Elevplan" in response.text
        assert "Andet system" not in response.text and "En kontrakt" not in response.text

    def test_overview_shows_discipline_and_required(self, client, org, editor):
        UsageFactory(organisation=org)
        client.force_login(editor)
        response = client.get(OVERVIEW)
        assert response.status_code == 200
        text = response.text
        assert "Kontraktansvarlig" in text and "Kontrakt- og leverandørstyring" in text
        assert f"{REPORT}?role_type={role('systemejer').uuid}" in text

    @pytest.mark.parametrize("url", [REPORT, OVERVIEW])
    def test_query_count_does_not_grow(self, client, org, editor, url):
        client.force_login(editor)
        usages_without_owner(org, 5)
        few = count_queries(client, url)
        usages_without_owner(org, 45)
        assert count_queries(client, url) == few
