"""seed_demo's steering groups: Den Digitale Styregruppe (binding for the forvaltninger)
and a forvaltning's it-styregruppe, with ≥ 30 decisions on the demo's projects and
contracts, some follow-ups overdue, and a next meeting with an agenda."""

from __future__ import annotations

import pytest
from django.utils import timezone

from governance.agenda import meeting_agenda
from governance.models import Decision, SteeringGroup
from kitos.models import Organisation

pytestmark = pytest.mark.django_db


def test_demo_has_steering_groups_and_decisions(demo):
    nabo = Organisation.objects.get(slug="nabo")
    groups = SteeringGroup.objects.filter(organisation=demo)
    assert groups.count() >= 2
    digital = groups.get(name="Den Digitale Styregruppe")
    assert "bindende for forvaltningerne" in digital.mandate and digital.unit is None
    assert digital.memberships.filter(role="chair").count() == 1
    assert groups.filter(unit__isnull=False).exists()
    decisions = Decision.objects.filter(organisation=demo)
    assert decisions.count() >= 30
    assert decisions.filter(project__isnull=False).exists()
    assert decisions.filter(contract__isnull=False).exists()
    assert decisions.filter(project__isnull=True, contract__isnull=True).exists()
    assert set(decisions.values_list("outcome", flat=True)) >= {"approved", "rejected",
                                                                 "postponed", "noted"}
    today = timezone.localdate()
    assert decisions.follow_up_overdue(today).exists()
    assert decisions.filter(binding_units__isnull=False).exists()
    assert all(d.group.organisation_id == demo.pk for d in decisions.select_related("group"))
    assert Decision.objects.filter(organisation=nabo).exists()
    agenda = meeting_agenda(digital, today=today)
    assert agenda.next_meeting is not None and agenda.follow_ups and agenda.projects
