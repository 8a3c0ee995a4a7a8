"""Role tables mark a holder "fratrådt" only once their last working day is past."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from roles.models import RoleType
from tests.factories import ContractFactory, PersonFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(("last_day", "marked"), [(30, False), (0, False), (-1, True)])
def test_fratraadt_only_after_the_last_working_day(client, org, editor, last_day, marked):
    today = timezone.localdate()
    contract = ContractFactory(organisation=org)
    person = PersonFactory(organisation=org, name="Birthe Leth",
                           left_on=today + last_day * DAY)
    owner = RoleType.objects.get(organisation=None, code="kontraktejer")
    RoleAssignmentFactory(organisation=org, target=contract, role_type=owner, person=person)
    client.force_login(editor)
    html = client.get(reverse("contract_detail", args=[contract.uuid]) + "?tab=roller")
    assert ("fratrådt" in html.content.decode()) is marked
