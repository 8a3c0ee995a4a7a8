"""Forms read each distinct choice list once and the object's links in one query
(kitos/forms.py), offering the same options and showing the same chosen values."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.choices import ContractEffect, SystemEffect
from governance.forms import ProjectForm
from governance.models import Project, ProjectContract, ProjectSystem, StrategicGoal
from tests.factories import ContractFactory, PersonFactory, UnitFactory, UsageFactory

pytestmark = pytest.mark.django_db


def _project(org):
    unit = UnitFactory(organisation=org)
    project = Project.objects.create(organisation=org, name="Nyt ESDH")
    project.units.set([unit])
    goal = StrategicGoal.objects.create(organisation=org, title="Digital først")
    project.goals.set([goal])
    usage, other_usage = UsageFactory(organisation=org), UsageFactory(organisation=org)
    contract = ContractFactory(organisation=org)
    ProjectSystem.objects.create(project=project, usage=usage, effect=SystemEffect.CHANGES)
    ProjectContract.objects.create(project=project, contract=contract,
                                   effect=ContractEffect.ENDS)
    return project, unit, goal, usage, other_usage, contract


def test_a_project_form_reads_each_choice_list_once_and_its_links_in_one_query(
        org, other_org, admin_user):
    project, unit, goal, usage, other_usage, contract = _project(org)
    UsageFactory(organisation=other_org)  # another organisation's: never offered
    PersonFactory(organisation=org)
    project = Project.objects.get(pk=project.pk)

    with CaptureQueriesContext(connection) as made:
        form = ProjectForm(instance=project, user=admin_user, organisation=org)
    assert len(made) == 1  # units, goals, systems and contracts: one UNION

    with CaptureQueriesContext(connection) as rendered:
        html = str(form)
    # units (the unit field and the units field share one), persons (owner and
    # manager), goals, usages (three fields), contracts (three fields)
    assert len(rendered) == 5, [query["sql"][:80] for query in rendered]

    assert form["units"].value() == [unit.pk]
    assert form["goals"].value() == [goal.pk]
    assert form["systems_changes"].value() == [usage.pk]
    assert form["systems_introduces"].value() == []
    assert form["contracts_ends"].value() == [contract.pk]
    offered = {choice[0].value for choice in form.fields["systems_retires"].choices}
    assert offered == {usage.pk, other_usage.pk}
    assert f'value="{usage.pk}" selected' in html


def test_the_form_reads_its_links_and_choices_as_django_would(org, admin_user):
    project, unit, goal, usage, other_usage, contract = _project(org)
    project = Project.objects.get(pk=project.pk)
    form = ProjectForm(instance=project, user=admin_user, organisation=org)
    for name in ("units", "goals", "responsible_unit", "owner", "systems_changes"):
        field = form.fields[name]
        expected = [("", field.empty_label)] if field.empty_label is not None else []
        expected += [(obj.pk, str(obj)) for obj in field.queryset]
        form[name]  # shares the choices
        assert [(getattr(value, "value", value), label)
                for value, label in field.widget.choices] == expected
        assert len(field.widget.choices) == len(expected)
    # The instance is left as it was: its links are read from the database again.
    assert list(project.units.all()) == [unit]


def test_a_submitted_project_form_validates_against_the_scoped_choices(
        org, other_org, admin_user):
    project, unit, goal, usage, other_usage, contract = _project(org)
    foreign = UsageFactory(organisation=other_org)
    form = ProjectForm(
        data={"name": "Nyt ESDH", "phase": project.phase, "units": [unit.pk],
              "systems_changes": [foreign.pk]},
        instance=Project.objects.get(pk=project.pk), user=admin_user, organisation=org,
    )
    assert not form.is_valid()
    assert "systems_changes" in form.errors
