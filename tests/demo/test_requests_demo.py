"""seed_demo's new-system requests: ≥ 10 in Demo Kommune and Nabo Kommune in every
status, some for tasks a system already in use covers (the duplicate check names it),
signed off, and the decided ones decided (approved ones became projects)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from governance.agenda import meeting_agenda
from governance.choices import RequestStatus
from governance.duplicate_check import request_duplicates
from governance.models import NewSystemRequest, SteeringGroup
from kitos.models import Organisation

pytestmark = pytest.mark.django_db


def test_demo_has_requests_in_every_status(demo):
    nabo = Organisation.objects.get(slug="nabo")
    requests = NewSystemRequest.objects.filter(organisation__in=[demo, nabo])
    assert requests.count() >= 10 and requests.filter(organisation=nabo).exists()
    ours = NewSystemRequest.objects.filter(organisation=demo)
    assert set(ours.values_list("status", flat=True)) == set(RequestStatus.values)
    duplicates = [r for r in ours.filter(kle_numbers__isnull=False).distinct()
                  if request_duplicates(r)]
    assert len(duplicates) >= 3
    for request in ours.filter(status="approved"):
        assert request.project is not None and request.project.phase == "decided"
        assert request.decisions.filter(outcome="approved").exists()
        assert not request.sign_offs.filter(verdict="pending").exists()
    for request in ours.filter(status="rejected"):
        assert request.project is None and request.decisions.exists()
    assert ours.filter(status="in_review", sign_offs__verdict="pending").exists()
    digital = SteeringGroup.objects.get(organisation=demo, name="Den Digitale Styregruppe")
    agenda = meeting_agenda(digital, today=timezone.localdate())
    assert {r.status for r in agenda.requests} == {"awaiting_decision"} and agenda.requests
