"""seed_demo's governance: goals and a project portfolio in every phase with status
reports, for both demo municipalities, tied to their own systems and contracts."""

from __future__ import annotations

import pytest

from governance.choices import ProjectPhase
from governance.models import Project, ProjectStatusReport, ProjectSystem, StrategicGoal
from kitos.models import Organisation

pytestmark = pytest.mark.django_db


def test_demo_has_a_believable_portfolio(demo):
    nabo = Organisation.objects.get(slug="nabo")
    assert StrategicGoal.objects.filter(organisation=demo).count() >= 8
    assert StrategicGoal.objects.filter(organisation=nabo).exists()
    assert StrategicGoal.objects.filter(organisation=demo, parent__isnull=False).exists()
    projects = Project.objects.filter(organisation__in=[demo, nabo])
    assert projects.count() >= 25
    assert set(projects.filter(organisation=demo).values_list("phase", flat=True)) == set(
        ProjectPhase.values)
    assert Project.objects.filter(organisation=nabo).exists()
    assert ProjectStatusReport.objects.filter(organisation=demo).count() >= 30
    assert not Project.objects.filter(organisation=demo, phase=ProjectPhase.IDEA,
                                      status_reports__isnull=False).exists()
    links = ProjectSystem.objects.select_related("project", "usage")
    assert links.exists()
    assert all(link.usage.organisation_id == link.project.organisation_id for link in links)
    assert Project.objects.filter(organisation=demo, contracts__isnull=False).exists()
    assert Project.objects.filter(organisation=demo, goals__isnull=False).count() >= 20
