"""Writes for strategic goals, projects with their system and contract links, and
status reports: keyword-only, atomic, validated, permission-checked and audited (the
portal's forms, the API, the admin and the demo data all call these)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitos.audit import AuditAction, record_change
from kitos.services import create_object, delete_object, update_object

from .benefit_due_services import due_dates_delete_for
from .models import (
    Benefit,
    BenefitMeasurement,
    Decision,
    Meeting,
    Project,
    ProjectContract,
    ProjectStatusReport,
    ProjectSystem,
    SteeringGroup,
    SteeringGroupMember,
    StrategicGoal,
)

# -- goals -------------------------------------------------------------------------------


def goal_create(*, actor, organisation, title: str, **fields: Any) -> StrategicGoal:
    return create_object(
        actor=actor, instance=StrategicGoal(organisation=organisation, title=title, **fields)
    )


def goal_update(*, actor, goal: StrategicGoal, data: dict[str, Any]) -> StrategicGoal:
    return update_object(actor=actor, instance=goal, data=data)


def goal_delete(*, actor, goal: StrategicGoal) -> None:
    delete_object(actor=actor, instance=goal)


# -- projects ----------------------------------------------------------------------------

# (usage or contract, effect) pairs; None leaves a project's links as they are.
Links = Iterable[tuple[Any, str]] | None


@transaction.atomic
def project_create(
    *, actor, organisation, name: str, goals=None, units=None,
    systems: Links = None, contracts: Links = None, **fields: Any,
) -> Project:
    """Create a project with the goals it supports, the units it touches and the system
    usages and contracts it affects, in one transaction."""
    project = create_object(
        actor=actor,
        instance=Project(organisation=organisation, name=name, **fields),
        m2m=_m2m(goals=goals, units=units),
    )
    _set_links(actor, project, systems=systems, contracts=contracts)
    return project


@transaction.atomic
def project_update(
    *, actor, project: Project, data: dict[str, Any] | None = None, goals=None, units=None,
    systems: Links = None, contracts: Links = None,
) -> Project:
    """Change a project's fields (`data`) and links; what is None stays as it is."""
    m2m = _m2m(goals=goals, units=units)
    if data is not None or m2m is not None:
        project = update_object(actor=actor, instance=project, data=data, m2m=m2m)
    _set_links(actor, project, systems=systems, contracts=contracts)
    return project


@transaction.atomic
def project_delete(*, actor, project: Project) -> None:
    """Delete a project with its status reports. The reports are deleted one by one
    first, each audited, so that the API's deletions feed names them for sync clients;
    the link rows go with the project (they are part of it)."""
    project.check_editable_by(actor)
    for report in ProjectStatusReport.objects.filter(project=project):
        delete_object(actor=actor, instance=report)
    for benefit in Benefit.objects.filter(project=project):
        benefit_delete(actor=actor, benefit=benefit)
    delete_object(actor=actor, instance=project)


def _m2m(**lists) -> dict | None:
    m2m = {name: list(objects) for name, objects in lists.items() if objects is not None}
    return m2m or None


def _set_links(actor, project: Project, *, systems: Links, contracts: Links) -> None:
    if systems is not None:
        project_set_links(
            actor=actor, project=project, model=ProjectSystem, target="usage", links=systems
        )
    if contracts is not None:
        project_set_links(
            actor=actor, project=project, model=ProjectContract, target="contract",
            links=contracts,
        )


@transaction.atomic
def project_set_links(*, actor, project: Project, model, target: str, links) -> None:
    """Make the project's links of one kind (`model`: ProjectSystem or ProjectContract;
    `target`: its field naming the usage or contract) exactly the (object, effect) pairs
    given. Audited on the project as one change of the link list."""
    project.check_editable_by(actor)
    wanted: dict[int, tuple[Any, str]] = {}
    for obj, effect in links:
        if obj.pk in wanted:
            raise ValidationError({_field(model): _("Det samme er valgt to gange.")})
        if obj.organisation_id != project.organisation_id:
            raise ValidationError({_field(model): _("Skal høre til samme organisation.")})
        wanted[obj.pk] = (obj, effect)
    existing = {
        getattr(link, f"{target}_id"): link
        for link in model.objects.filter(project=project).select_related(target)
    }
    before = sorted(_describe(getattr(link, target), link.effect, model) for link in
                    existing.values())
    for pk, link in existing.items():
        if pk not in wanted or wanted[pk][1] != link.effect:
            link.delete()
    for pk, (obj, effect) in wanted.items():
        if pk in existing and existing[pk].effect == effect:
            continue
        link = model(project=project, organisation_id=project.organisation_id,
                     **{target: obj, "effect": effect})
        link.full_clean(exclude=["organisation", "project"])
        link.save()
    after = sorted(_describe(obj, effect, model) for obj, effect in wanted.values())
    if before != after:
        # Sync clients must see the project as changed (its links are part of it).
        Project.objects.filter(pk=project.pk).update(updated_at=timezone.now())
        project.refresh_from_db(fields=["updated_at"])
        record_change(
            actor=actor, action=AuditAction.UPDATE, instance=project,
            changes={_field(model): [before, after]},
        )


def _field(model) -> str:
    return "systems" if model is ProjectSystem else "contracts"


def _describe(obj, effect: str, model) -> str:
    label = model._meta.get_field("effect").choices
    return f"{obj}: {dict(label).get(effect, effect)}"


# -- status reports ----------------------------------------------------------------------


def status_report_create(
    *, actor, project: Project, period, **fields: Any
) -> ProjectStatusReport:
    """Report a project's status for a period (one per project and period)."""
    return create_object(
        actor=actor,
        instance=ProjectStatusReport(
            organisation_id=project.organisation_id, project=project, period=period, **fields
        ),
    )


def status_report_update(
    *, actor, report: ProjectStatusReport, data: dict[str, Any]
) -> ProjectStatusReport:
    if "project" in data and data["project"] != report.project:
        raise ValidationError(
            {"project": _("Kan ikke flyttes til et andet projekt; opret en ny rapport.")}
        )
    return update_object(actor=actor, instance=report, data=data)


def status_report_delete(*, actor, report: ProjectStatusReport) -> None:
    delete_object(actor=actor, instance=report)


# -- benefits ------------------------------------------------------------------------------


def benefit_create(*, actor, project: Project, title: str, goals=None, **fields: Any) -> Benefit:
    """A benefit of a project (it belongs to the project's organisation), with the goals
    it serves."""
    return create_object(
        actor=actor,
        instance=Benefit(
            organisation_id=project.organisation_id, project=project, title=title, **fields
        ),
        m2m=_m2m(goals=goals),
    )


def benefit_update(
    *, actor, benefit: Benefit, data: dict[str, Any] | None = None, goals=None
) -> Benefit:
    data = dict(data or {})
    if "project" in data and data["project"] != benefit.project:
        if data["project"].organisation_id != benefit.organisation_id:
            raise ValidationError({"project": _("Skal høre til samme organisation.")})
    return update_object(actor=actor, instance=benefit, data=data, m2m=_m2m(goals=goals))


@transaction.atomic
def benefit_delete(*, actor, benefit: Benefit) -> None:
    """Delete a benefit with its measurements, each audited (the deletions feed names
    them for sync clients)."""
    benefit.check_editable_by(actor)
    for measurement in BenefitMeasurement.objects.filter(benefit=benefit):
        delete_object(actor=actor, instance=measurement)
    due_dates_delete_for(actor=actor, benefit=benefit)
    delete_object(actor=actor, instance=benefit)


def measurement_create(
    *, actor, benefit: Benefit, measured_on, value, **fields: Any
) -> BenefitMeasurement:
    """Record a measurement of a benefit (one per benefit and date)."""
    return create_object(
        actor=actor,
        instance=BenefitMeasurement(
            organisation_id=benefit.organisation_id, benefit=benefit,
            measured_on=measured_on, value=value, **fields,
        ),
    )


def measurement_update(
    *, actor, measurement: BenefitMeasurement, data: dict[str, Any]
) -> BenefitMeasurement:
    if "benefit" in data and data["benefit"] != measurement.benefit:
        raise ValidationError(
            {"benefit": _("Kan ikke flyttes til en anden gevinst; opret en ny måling.")}
        )
    return update_object(actor=actor, instance=measurement, data=data)


def measurement_delete(*, actor, measurement: BenefitMeasurement) -> None:
    delete_object(actor=actor, instance=measurement)


# -- steering groups, meetings and decisions ------------------------------------------------


@transaction.atomic
def steering_group_create(
    *, actor, organisation, name: str, members: Iterable[tuple[Any, str]] | None = None,
    **fields: Any,
) -> SteeringGroup:
    """Create a steering group with its members ((person, role) pairs)."""
    group = create_object(
        actor=actor, instance=SteeringGroup(organisation=organisation, name=name, **fields)
    )
    if members is not None:
        steering_group_set_members(actor=actor, group=group, members=members)
    return group


@transaction.atomic
def steering_group_update(
    *, actor, group: SteeringGroup, data: dict[str, Any] | None = None,
    members: Iterable[tuple[Any, str]] | None = None,
) -> SteeringGroup:
    if data is not None:
        group = update_object(actor=actor, instance=group, data=data)
    if members is not None:
        steering_group_set_members(actor=actor, group=group, members=members)
    return group


@transaction.atomic
def steering_group_delete(*, actor, group: SteeringGroup) -> None:
    """Delete a group with its decisions and meetings, each audited (the API's deletions
    feed names them)."""
    group.check_editable_by(actor)
    for decision in Decision.objects.filter(group=group):
        delete_object(actor=actor, instance=decision)
    for meeting in Meeting.objects.filter(group=group):
        delete_object(actor=actor, instance=meeting)
    delete_object(actor=actor, instance=group)


@transaction.atomic
def steering_group_set_members(*, actor, group: SteeringGroup, members) -> None:
    """Make the group's members exactly the (person, role) pairs given; audited on the
    group as one change of its member list."""
    group.check_editable_by(actor)
    wanted: dict[int, tuple[Any, str]] = {}
    for person, role in members:
        if person.pk in wanted:
            raise ValidationError({"members": _("Den samme person er valgt to gange.")})
        if person.organisation_id != group.organisation_id:
            raise ValidationError({"members": _("Skal høre til samme organisation.")})
        wanted[person.pk] = (person, role)
    existing = {m.person_id: m for m in group.memberships.select_related("person")}
    before = sorted(f"{m.person}: {m.get_role_display()}" for m in existing.values())
    for pk, membership in existing.items():
        if pk not in wanted or wanted[pk][1] != membership.role:
            membership.delete()
    after = []
    for pk, (person, role) in wanted.items():
        membership = SteeringGroupMember(
            group=group, person=person, role=role, organisation_id=group.organisation_id
        )
        after.append(f"{person}: {membership.get_role_display()}")
        if pk in existing and existing[pk].role == role:
            continue
        membership.full_clean(exclude=["organisation", "group"])
        membership.save()
    after.sort()
    if before != after:
        SteeringGroup.objects.filter(pk=group.pk).update(updated_at=timezone.now())
        group.refresh_from_db(fields=["updated_at"])
        record_change(
            actor=actor, action=AuditAction.UPDATE, instance=group,
            changes={"members": [before, after]},
        )


def meeting_create(*, actor, group: SteeringGroup, date, **fields: Any) -> Meeting:
    return create_object(
        actor=actor,
        instance=Meeting(organisation_id=group.organisation_id, group=group, date=date,
                         **fields),
    )


def meeting_update(*, actor, meeting: Meeting, data: dict[str, Any]) -> Meeting:
    if "group" in data and data["group"] != meeting.group:
        raise ValidationError({"group": _("Et møde kan ikke flyttes til en anden styregruppe.")})
    return update_object(actor=actor, instance=meeting, data=data)


def meeting_delete(*, actor, meeting: Meeting) -> None:
    """Delete a meeting; its decisions stay in the group's log without a meeting."""
    delete_object(actor=actor, instance=meeting)


@transaction.atomic
def decision_create(
    *, actor, group: SteeringGroup, title: str, binding_units=None, **fields: Any
) -> Decision:
    """Record a decision of a steering group (on a project, a request, a contract, a
    principle or free text). A decision on a request moves it on (request_decided)."""
    from .request_services import request_decided

    decision = create_object(
        actor=actor,
        instance=Decision(organisation_id=group.organisation_id, group=group, title=title,
                          **fields),
        m2m=_m2m(binding_units=binding_units),
    )
    request_decided(actor=actor, decision=decision)
    return decision


@transaction.atomic
def decision_update(
    *, actor, decision: Decision, data: dict[str, Any] | None = None, binding_units=None
) -> Decision:
    from .request_services import request_decided

    if data and "group" in data and data["group"] != decision.group:
        raise ValidationError(
            {"group": _("En beslutning kan ikke flyttes til en anden styregruppe.")}
        )
    before = (decision.request_id, decision.outcome)
    if data and before[0] and data.get("request", decision.request) != decision.request \
            and decision.outcome in ("approved", "rejected"):
        raise ValidationError(
            {"request": _("Beslutningen har afgjort anmodningen og kan ikke flyttes til en "
                          "anden.")}
        )
    decision = update_object(
        actor=actor, instance=decision, data=data, m2m=_m2m(binding_units=binding_units)
    )
    request_decided(actor=actor, decision=decision,
                    previous_outcome=before[1] if before[0] == decision.request_id else None)
    return decision


def decision_delete(*, actor, decision: Decision) -> None:
    delete_object(actor=actor, instance=decision)
