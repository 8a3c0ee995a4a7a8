"""The benefit services and rules: constraints with Danish messages, organisation
checks, audited deletes, and the realisation computation (no division by zero)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.models import Benefit, BenefitMeasurement
from governance.services import (
    benefit_create,
    benefit_delete,
    benefit_update,
    measurement_create,
    measurement_update,
    project_delete,
)
from kitos.models import AuditEntry
from tests.factories import PersonFactory
from tests.governance.cases import (
    BenefitFactory,
    GoalFactory,
    MeasurementFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def share_of(benefit):
    return Benefit.objects.with_realisation().get(pk=benefit.pk)


def test_create_takes_the_projects_organisation_and_is_audited(org, editor):
    project = ProjectFactory(organisation=org)
    goal = GoalFactory(organisation=org)
    benefit = benefit_create(actor=editor, project=project, title="Kortere sagsbehandling",
                             kind="time", target=Decimal("10"), goals=[goal])
    assert benefit.organisation == org and list(benefit.goals.all()) == [goal]
    assert AuditEntry.objects.filter(object_id=benefit.pk, action="create").exists()


def test_rules_have_danish_messages(org, editor):
    project = ProjectFactory(organisation=org)
    benefit_create(actor=editor, project=project, title="Bedre service", target=5)
    with pytest.raises(ValidationError, match="allerede en gevinst med den titel"):
        benefit_create(actor=editor, project=project, title="BEDRE SERVICE", target=5)
    with pytest.raises(ValidationError):
        benefit_create(actor=editor, project=project, title="Forkert type", kind="x",
                       target=1)
    with pytest.raises(ValidationError, match="Datoen skal ligge mellem"):
        benefit_create(actor=editor, project=project, title="Langt ude", target=1,
                       due_date=datetime.date(9999, 12, 31))
    assert Benefit.objects.count() == 1


def test_other_organisations_people_goals_and_projects_are_refused(org, other_org, editor):
    project = ProjectFactory(organisation=org)
    with pytest.raises(ValidationError):
        benefit_create(actor=editor, project=project, title="A", target=1,
                       owner=PersonFactory(organisation=other_org))
    with pytest.raises(ValidationError):
        benefit_create(actor=editor, project=project, title="B", target=1,
                       goals=[GoalFactory(organisation=other_org)])
    benefit = BenefitFactory(project=project)
    with pytest.raises((ValidationError, PermissionDenied)):
        benefit_update(actor=editor, benefit=benefit,
                       data={"project": ProjectFactory(organisation=other_org)})
    with pytest.raises((ValidationError, PermissionDenied)):
        benefit_create(actor=editor, project=ProjectFactory(organisation=other_org),
                       title="C", target=1)
    assert Benefit.objects.count() == 1


def test_readers_may_not_write(org, reader):
    with pytest.raises(PermissionDenied):
        benefit_create(actor=reader, project=ProjectFactory(organisation=org), title="R",
                       target=1)


def test_measurement_one_per_date_and_cannot_move(org, editor):
    benefit = BenefitFactory(project=ProjectFactory(organisation=org))
    day = datetime.date(2025, 5, 1)
    measurement = measurement_create(actor=editor, benefit=benefit, measured_on=day, value=3)
    assert measurement.organisation == org
    with pytest.raises(ValidationError, match="allerede målt den dato"):
        measurement_create(actor=editor, benefit=benefit, measured_on=day, value=4)
    with pytest.raises(ValidationError):
        measurement_update(actor=editor, measurement=measurement,
                           data={"benefit": BenefitFactory(project=benefit.project)})


def test_deleting_a_project_deletes_its_benefits_audited(org, editor):
    benefit = BenefitFactory(project=ProjectFactory(organisation=org))
    measurement = MeasurementFactory(benefit=benefit)
    project_delete(actor=editor, project=benefit.project)
    assert not Benefit.objects.exists() and not BenefitMeasurement.objects.exists()
    for obj in (benefit, measurement):
        assert AuditEntry.objects.filter(object_id=obj.pk, action="delete").exists()


def test_benefit_delete_deletes_measurements(org, editor):
    benefit = MeasurementFactory(benefit=BenefitFactory(
        project=ProjectFactory(organisation=org))).benefit
    benefit_delete(actor=editor, benefit=benefit)
    assert not BenefitMeasurement.objects.exists()


@pytest.mark.parametrize(("baseline", "target", "values", "realised", "share"), [
    (0, 200, [], None, None),  # not measured yet
    (None, 200, [50], 50, None),  # no baseline: no share
    (100, 100, [150], 150, None),  # target equals baseline: no division by zero
    (0, 200, [20, 50], 50, 0.25),  # the latest measurement counts
    (100, 50, [75], 75, 0.5),  # a benefit that lowers a number
    (10, 20, [5], 5, -0.5),  # behind the baseline
])
def test_realisation(org, baseline, target, values, realised, share):
    benefit = BenefitFactory(project=ProjectFactory(organisation=org), baseline=baseline,
                             target=target)
    for index, value in enumerate(values):
        MeasurementFactory(benefit=benefit, value=value,
                           measured_on=datetime.date(2025, 1, 1 + index))
    row = share_of(benefit)
    assert row.realised == (None if realised is None else Decimal(realised))
    assert row.realised_share == (None if share is None else pytest.approx(share))
