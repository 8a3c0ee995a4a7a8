"""A person's responsibilities (/personer/<uuid>/ansvar/): every role they hold today
or later on every kind of object, and their contract subscriptions."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.models import ContractSubscription
from roles.models import RoleType
from roles.responsibilities import responsibilities
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


def role(code, applies_to):
    return RoleType.objects.get(organisation=None, applies_to=applies_to, code=code)


def page_url(person):
    return reverse("person_responsibilities", args=[person.uuid])


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def person(org):
    return PersonFactory(organisation=org, name="Alice Andersen")


def roles_on_every_kind(org, person, n=1, *, organisation_role=True):
    """`n` roles of the person on each kind of object (the organisation itself: one)."""
    for _ in range(n):
        RoleAssignmentFactory(person=person, target=UsageFactory(organisation=org),
                              role_type=role("systemejer", "system_usage"))
        RoleAssignmentFactory(person=person, target=ContractFactory(organisation=org),
                              role_type=role("kontraktejer", "contract"))
        RoleAssignmentFactory(person=person, target=ProcessingActivityFactory(organisation=org),
                              role_type=role("behandlingsansvarlig", "processing_activity"))
        RoleAssignmentFactory(person=person, target=AgreementFactory(organisation=org),
                              role_type=role("dba-ansvarlig", "data_processing_agreement"))
        RoleAssignmentFactory(person=person, target=UnitFactory(organisation=org),
                              role_type=role("enhedsleder", "organisation_unit"))
    if organisation_role:
        RoleAssignmentFactory(person=person, target=org, organisation=org,
                              role_type=role("it-chef", "organisation"))


class TestQuery:
    def test_current_and_coming_roles_on_every_kind(self, org, person, today):
        roles_on_every_kind(org, person)
        ended = RoleAssignmentFactory(
            person=person, target=UsageFactory(organisation=org, system__name="Gammelt"),
            role_type=role("systemejer", "system_usage"), end_date=today - DAY,
        )
        coming = RoleAssignmentFactory(
            person=person, target=UsageFactory(organisation=org, system__name="Nyt"),
            role_type=role("systemejer", "system_usage"), start_date=today + DAY,
        )
        rows = responsibilities(person, today=today)
        kinds = {a.role_type.applies_to for a in rows}
        assert kinds == {"system_usage", "contract", "processing_activity",
                         "data_processing_agreement", "organisation_unit", "organisation"}
        assert ended.pk not in {a.pk for a in rows}
        assert next(a for a in rows if a.pk == coming.pk).is_future

    def test_ends_today_still_listed(self, org, person, today):
        ends = RoleAssignmentFactory(person=person, target=UsageFactory(organisation=org),
                                     role_type=role("systemejer", "system_usage"),
                                     end_date=today)
        assert [a.pk for a in responsibilities(person, today=today)] == [ends.pk]


class TestPage:
    def test_anonymous_is_sent_to_login(self, client, person):
        response = client.get(page_url(person))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_other_organisation_is_404(self, client, outsider, person):
        client.force_login(outsider)
        assert client.get(page_url(person)).status_code == 404

    def test_unknown_person_is_404(self, client, editor):
        client.force_login(editor)
        url = reverse("person_responsibilities", args=["00000000-0000-0000-0000-000000000000"])
        assert client.get(url).status_code == 404

    def test_reader_sees_roles_and_subscriptions(self, client, org, reader, person):
        usage = UsageFactory(organisation=org, system__name="Acadre")
        RoleAssignmentFactory(person=person, target=usage,
                              role_type=role("systemejer", "system_usage"))
        contract = ContractFactory(organisation=org, name="Lønaftale")
        ContractSubscription.objects.create(organisation=org, contract=contract, person=person)
        client.force_login(reader)
        response = client.get(page_url(person))
        assert response.status_code == 200
        assert "Acadre" in response.text and "Systemejer" in response.text
        assert "Lønaftale" in response.text
        assert "Vis ændringerne" not in response.text

    def test_editor_sees_the_hand_over_form(self, client, org, editor, person):
        roles_on_every_kind(org, person)
        client.force_login(editor)
        response = client.get(page_url(person))
        assert response.status_code == 200
        assert "Vis ændringerne" in response.text
        assert "It-chef" in response.text

    def test_query_count_does_not_grow(self, client, org, editor, person, today):
        def handed_over(count):
            for _ in range(count):
                usage = UsageFactory(organisation=org)
                owner = role("systemejer", "system_usage")
                RoleAssignmentFactory(person=person, target=usage, role_type=owner,
                                      end_date=today + 5 * DAY)
                RoleAssignmentFactory(target=usage, role_type=owner, start_date=today + 6 * DAY)

        client.force_login(editor)
        roles_on_every_kind(org, person, 1)
        handed_over(1)
        PersonFactory.create_batch(5, organisation=org)
        few = count_queries(client, page_url(person))
        roles_on_every_kind(org, person, 10, organisation_role=False)
        handed_over(10)
        PersonFactory.create_batch(45, organisation=org)
        response = client.get(page_url(person))
        assert response.text.count("Overdraget til") == 11
        assert count_queries(client, page_url(person)) == few
