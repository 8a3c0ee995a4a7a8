"""The governance services: rules, permissions, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.models import ProjectContract, ProjectSystem
from governance.services import (
    goal_create,
    goal_update,
    project_create,
    project_delete,
    project_update,
    status_report_create,
)
from kitos.models import AuditEntry
from tests.factories import ContractFactory, PersonFactory, UnitFactory, UsageFactory
from tests.governance.cases import GoalFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_goal_parent_may_not_close_a_cycle(org, editor):
    a = goal_create(actor=editor, organisation=org, title="A")
    b = goal_create(actor=editor, organisation=org, title="B", parent=a)
    c = goal_create(actor=editor, organisation=org, title="C", parent=b)
    with pytest.raises(ValidationError) as error:
        goal_update(actor=editor, goal=a, data={"parent": c})
    assert "parent" in error.value.message_dict


def test_goal_rules(org, other_org, editor):
    with pytest.raises(ValidationError) as error:
        goal_create(actor=editor, organisation=org, title="X", start_year=2030, end_year=2025)
    assert "Slutåret skal ligge efter startåret." in str(error.value)
    goal_create(actor=editor, organisation=org, title="Digitalisering")
    with pytest.raises(ValidationError):
        goal_create(actor=editor, organisation=org, title="digitalisering")
    with pytest.raises(ValidationError):
        goal_create(actor=editor, organisation=org, title="Y",
                    unit=UnitFactory(organisation=other_org))


def test_writes_need_an_editor(org, reader, outsider):
    with pytest.raises(PermissionDenied):
        goal_create(actor=reader, organisation=org, title="Nej")
    with pytest.raises(PermissionDenied):
        project_create(actor=outsider, organisation=org, name="Nej")


def test_project_links_are_written_audited_and_replaced(org, editor):
    usage, other_usage = UsageFactory(organisation=org), UsageFactory(organisation=org)
    contract = ContractFactory(organisation=org)
    project = project_create(
        actor=editor, organisation=org, name="Udbud af økonomisystem",
        goals=[GoalFactory(organisation=org)], systems=[(usage, "retires")],
        contracts=[(contract, "ends")],
    )
    assert ProjectSystem.objects.get(project=project).effect == "retires"
    assert ProjectContract.objects.get(project=project).effect == "ends"
    entries = AuditEntry.objects.filter(object_id=project.pk)
    assert entries.filter(action="create").count() == 1
    assert any("systems" in e.changes for e in entries.filter(action="update"))
    project_update(actor=editor, project=project,
                   systems=[(usage, "retires"), (other_usage, "introduces")])
    assert set(ProjectSystem.objects.filter(project=project)
               .values_list("usage_id", "effect")) == {
        (usage.pk, "retires"), (other_usage.pk, "introduces")}
    # Nothing changed: nothing audited.
    count = AuditEntry.objects.count()
    project_update(actor=editor, project=project,
                   systems=[(other_usage, "introduces"), (usage, "retires")])
    assert AuditEntry.objects.count() == count


def test_project_links_refuse_another_organisation_and_write_nothing(org, other_org, editor):
    with pytest.raises(ValidationError):
        project_create(actor=editor, organisation=org, name="Halvt",
                       systems=[(UsageFactory(organisation=other_org), "changes")])
    from governance.models import Project

    assert not Project.objects.filter(name="Halvt").exists()


def test_project_rules(org, other_org, editor):
    with pytest.raises(ValidationError):
        project_create(actor=editor, organisation=org, name="Negativ", investment=-1)
    with pytest.raises(ValidationError):
        project_create(actor=editor, organisation=org, name="Bagvendt",
                       start_date="2025-01-01", end_date="2024-01-01")
    with pytest.raises(ValidationError):
        project_create(actor=editor, organisation=org, name="Fremmed leder",
                       manager=PersonFactory(organisation=other_org))
    with pytest.raises(ValidationError):
        project_create(actor=editor, organisation=org, name="Fremmed mål",
                       goals=[GoalFactory(organisation=other_org)])


def test_deleting_a_project_takes_its_reports_and_is_audited(org, editor):
    project = ProjectFactory(organisation=org)
    status_report_create(actor=editor, project=project, period="2025-01-01", time="green",
                         cost="green", scope="red", benefits="yellow")
    report_pk = project.status_reports.get().pk
    project_delete(actor=editor, project=project)
    assert AuditEntry.objects.filter(object_id=project.pk, action="delete").exists()
    # The report's own deletion is audited too: the deletions feed names it.
    assert AuditEntry.objects.filter(
        object_id=report_pk, action="delete",
        content_type__model="projectstatusreport").exists()
