"""Writes for organisations, units, memberships, persons, roles and competencies."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kitos.audit import (
    AuditAction,
    audit_context,
    build_entry,
    current_context,
    diff,
    record_change,
    record_changes,
    snapshot,
)
from kitos.links import site_url
from kitos.models import Membership, Organisation
from kitos.services import create_object, delete_object, update_object
from kitos.tenancy import forget_membership_roles
from roles.choices import TrainingStatus
from roles.models import (
    Competency,
    CompetencyTarget,
    OrganisationUnit,
    Person,
    RoleAssignment,
    RoleGuideline,
    RoleType,
    TrainingPlanItem,
    level_meets,
    new_calendar_token,
)

from .responsibilities import Change, HandoverPlan, handover_plan, target_url


@transaction.atomic
def organisation_create(*, actor, name: str, slug: str, cvr: str = "") -> Organisation:
    """Only superusers create tenants."""
    if not (actor and actor.is_superuser):
        raise PermissionDenied(_("Kun superbrugere kan oprette organisationer."))
    return create_object(actor=actor, instance=Organisation(name=name, slug=slug, cvr=cvr))


def _path_for(unit: OrganisationUnit) -> str:
    parent_path = unit.parent.path if unit.parent_id else "/"
    return f"{parent_path}{unit.pk}/"


@transaction.atomic
def unit_create(
    *, actor, organisation: Organisation, name: str, parent: OrganisationUnit | None = None,
    **fields: Any,
) -> OrganisationUnit:
    unit = create_object(
        actor=actor,
        instance=OrganisationUnit(organisation=organisation, name=name, parent=parent, **fields),
    )
    # The path needs the new id, so it is set right after the insert.
    unit.path = _path_for(unit)
    unit.depth = unit.path.count("/") - 2
    OrganisationUnit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    return unit


@transaction.atomic
def unit_update(*, actor, unit: OrganisationUnit, data: dict[str, Any]) -> OrganisationUnit:
    """Update a unit; moving it re-roots the paths of its whole subtree in one query."""
    old_path = unit.path
    unit = update_object(actor=actor, instance=unit, data=data)
    new_path = _path_for(unit)
    if new_path != old_path:
        OrganisationUnit.objects.filter(
            organisation_id=unit.organisation_id, path__startswith=old_path
        ).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + (new_path.count("/") - old_path.count("/")),
        )
        unit.refresh_from_db(fields=["path", "depth"])
    return unit


@transaction.atomic
def unit_close(*, actor, unit: OrganisationUnit, on: datetime.date) -> OrganisationUnit:
    """Close a unit that no longer exists (FK Organisation closed it, it was merged
    away) without deleting it: what points at it keeps pointing at it and its history
    stays; it is shown as closed and no longer offered for new links. Audited as the
    change of "lukket"; closing a closed unit changes nothing."""
    if unit.closed_on is not None:
        return unit
    return update_object(actor=actor, instance=unit, data={"closed_on": on})


@transaction.atomic
def unit_reopen(*, actor, unit: OrganisationUnit) -> OrganisationUnit:
    """Open a closed unit again (it came back in FK Organisation, was closed by
    mistake). Refused with the constraint's message when an open unit beside it has
    taken its name meanwhile."""
    if unit.closed_on is None:
        return unit
    return update_object(actor=actor, instance=unit, data={"closed_on": None})


def unit_delete(*, actor, unit: OrganisationUnit) -> None:
    delete_object(actor=actor, instance=unit)


@transaction.atomic
def membership_set(*, actor, user, organisation: Organisation, role: str) -> Membership:
    """Give `user` a role in `organisation` (admins of that organisation only)."""
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    # Checks later in this request ask the database again (kitos.tenancy keeps a
    # request's roles on its user object).
    forget_membership_roles(user)
    if membership is None:
        return create_object(
            actor=actor, instance=Membership(user=user, organisation=organisation, role=role)
        )
    return update_object(actor=actor, instance=membership, data={"role": role})


def person_create(*, actor, organisation: Organisation, name: str, **fields: Any) -> Person:
    return create_object(
        actor=actor, instance=Person(organisation=organisation, name=name, **fields)
    )


def person_update(*, actor, person: Person, data: dict[str, Any]) -> Person:
    return update_object(actor=actor, instance=person, data=data)


@transaction.atomic
def role_assign(
    *,
    actor,
    person: Person,
    role_type: RoleType,
    target,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    note: str = "",
) -> RoleAssignment:
    """Give `person` the role `role_type` on `target` (a usage, contract, ...)."""
    return create_object(
        actor=actor,
        instance=RoleAssignment(
            organisation_id=person.organisation_id,
            person=person,
            role_type=role_type,
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            start_date=start_date,
            end_date=end_date,
            note=note,
        ),
    )


def role_assignment_end(
    *, actor, assignment: RoleAssignment, end_date: datetime.date
) -> RoleAssignment:
    return update_object(actor=actor, instance=assignment, data={"end_date": end_date})


@transaction.atomic
def competency_create(
    *, actor, person: Person, discipline, level: str, note: str = ""
) -> Competency:
    """Record what `person` can do in `discipline` (the person page's form, the admin)."""
    return create_object(
        actor=actor,
        instance=Competency(
            organisation_id=person.organisation_id,
            person=person,
            discipline=discipline,
            level=level,
            note=note,
        ),
    )


@transaction.atomic
def competency_update(*, actor, competency: Competency, data: dict[str, Any]) -> Competency:
    return update_object(actor=actor, instance=competency, data=data)


@transaction.atomic
def competency_delete(*, actor, competency: Competency) -> None:
    delete_object(actor=actor, instance=competency)


def competency_set(*, actor, person: Person, discipline, level: str, note: str = "") -> Competency:
    """Create or change the person's competency in `discipline` (one per discipline):
    for imports, which do not know whether it is there already."""
    existing = Competency.objects.filter(person=person, discipline=discipline).first()
    if existing is None:
        return competency_create(
            actor=actor, person=person, discipline=discipline, level=level, note=note
        )
    return competency_update(actor=actor, competency=existing, data={"level": level, "note": note})


@transaction.atomic
def person_rotate_calendar_token(*, actor, person: Person) -> Person:
    """Give a person a new calendar feed address (the old one stops working at once),
    e.g. when the address has leaked. The person themself or an editor may do it."""
    if not (person.user_id and actor.pk == person.user_id):
        person.check_editable_by(actor)
    person.calendar_token = new_calendar_token()
    person.save(update_fields=["calendar_token", "updated_at"])
    # The token itself is a secret and never goes into the log.
    record_change(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=person,
        changes={"calendar_token": ["…", "…"]},
    )
    return person


# -- hand-over when someone leaves (roles in depth) ------------------------------------


def _apply_handover(*, actor, plan: HandoverPlan) -> list[RoleAssignment]:
    """Write a plan: end or delete the old assignments, create the new holders' ones,
    in bulk, with one audit entry per row (the caller holds the transaction)."""
    now = timezone.now()
    entries, ended, deleted, created = [], [], [], []
    for change in plan.changes:
        old = change.assignment
        if change.change == Change.END:
            entries.append(
                build_entry(
                    actor=actor, action=AuditAction.UPDATE, instance=old,
                    changes=diff({"end_date": old.end_date and old.end_date.isoformat()},
                                 {"end_date": change.end_date.isoformat()}),
                )
            )
            old.end_date, old.updated_at = change.end_date, now
            ended.append(old)
        elif change.change == Change.DELETE:
            entries.append(
                build_entry(
                    actor=actor, action=AuditAction.DELETE, instance=old,
                    changes=diff(snapshot(old), {}),
                )
            )
            deleted.append(old.pk)
        if change.creates:
            created.append(
                RoleAssignment(
                    organisation_id=old.organisation_id,
                    person=change.new_person,
                    role_type=old.role_type,
                    content_type_id=old.content_type_id,
                    object_id=old.object_id,
                    start_date=change.new_start,
                    end_date=change.new_end,
                    note=old.note,
                )
            )
    RoleAssignment.objects.bulk_update(ended, ["end_date", "updated_at"])
    RoleAssignment.objects.filter(pk__in=deleted).delete()
    RoleAssignment.objects.bulk_create(created)
    entries += [
        build_entry(
            actor=actor, action=AuditAction.CREATE, instance=new,
            changes=diff({}, snapshot(new)),
        )
        for new in created
    ]
    record_changes(entries)
    return created


@transaction.atomic
def person_handover(
    *,
    actor,
    person: Person,
    moves: list[tuple[RoleAssignment, Person]],
    on: datetime.date | None,
    left_on: datetime.date | None = None,
) -> HandoverPlan:
    """Hand some or all of a person's responsibilities over to others from `on`, and/or
    mark the person as having left after `left_on`, in one step: exactly what
    ``responsibilities.handover_plan`` shows as the preview. Editors of the person's
    organisation only. Audited under one group id; every new holder gets one e-mail
    listing what they took over (after the commit)."""
    person.check_editable_by(actor)
    context = current_context()  # the request's group, or one for this call
    with audit_context(source=context.source, group_id=context.group_id):
        plan = handover_plan(
            person=person, moves=moves, on=on, left_on=left_on,
            today=timezone.localdate(), lock=True,
        )
        if left_on is not None and left_on != person.left_on:
            update_object(actor=actor, instance=person, data={"left_on": left_on})
        created = _apply_handover(actor=actor, plan=plan)
    from .tasks import send_responsibility_notice  # the task module imports this one

    given = defaultdict(list)
    for assignment in created:
        if assignment.person.email:
            given[assignment.person_id].append(assignment.pk)
    for person_id, assignment_ids in given.items():
        send_responsibility_notice.delay_on_commit(person_id, assignment_ids, person.pk)
    return plan


def responsibilities_reassign(
    *,
    actor,
    person: Person,
    moves: list[tuple[RoleAssignment, Person]],
    on: datetime.date,
) -> HandoverPlan:
    """Give the chosen assignments of `person` to others from `on` (the old ones end the
    day before). Assignments not in `moves` stay with the person."""
    return person_handover(actor=actor, person=person, moves=moves, on=on)


def person_leave(*, actor, person: Person, left_on: datetime.date) -> HandoverPlan:
    """Mark `person` as having left after `left_on` (their last working day): every
    assignment of theirs stops counting after that day."""
    return person_handover(actor=actor, person=person, moves=[], on=None, left_on=left_on)


def responsibility_notice(*, person: Person, assignments, previous: Person | None) -> bool:
    """E-mail `person` (in Danish) the roles they were just given, each with its date and
    a link. Returns whether a mail was sent (nobody to send to: no address)."""
    if not person.email:
        return False
    items = []
    for assignment in assignments:
        url = target_url(assignment.target)
        items.append(
            {
                "role": assignment.role_type.name,
                "target": str(assignment.target or ""),
                "start": assignment.start_date,
                "end": assignment.end_date,
                "url": site_url(url) if url else "",
            }
        )
    context = {"person": person, "previous": previous, "items": items}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("roles/email/person_leave_notice_subject.txt", context)
        text = render_to_string("roles/email/person_leave_notice.txt", context)
        html = render_to_string("roles/email/person_leave_notice.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[person.email],
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return True


# -- competence targets, the training plan and role guidelines ------------------------


@transaction.atomic
def competency_target_create(*, actor, organisation: Organisation, **fields: Any
                             ) -> CompetencyTarget:
    """A target level in a discipline for a unit's people or a role type's holders."""
    return create_object(
        actor=actor, instance=CompetencyTarget(organisation=organisation, **fields)
    )


@transaction.atomic
def competency_target_update(*, actor, target: CompetencyTarget, data: dict[str, Any]
                             ) -> CompetencyTarget:
    return update_object(actor=actor, instance=target, data=data)


@transaction.atomic
def competency_target_delete(*, actor, target: CompetencyTarget) -> None:
    delete_object(actor=actor, instance=target)


@transaction.atomic
def training_plan_item_create(*, actor, person: Person, **fields: Any) -> TrainingPlanItem:
    """Plan that `person` reaches a level in a discipline (by a date)."""
    item = create_object(
        actor=actor,
        instance=TrainingPlanItem(organisation_id=person.organisation_id, person=person,
                                  **fields),
    )
    raise_competency_when_done(actor=actor, item=item)
    return item


@transaction.atomic
def training_plan_item_update(*, actor, item: TrainingPlanItem, data: dict[str, Any]
                              ) -> TrainingPlanItem:
    """Change a plan item; marking it done raises the person's competency to the
    item's level (never lowers it) in the same transaction."""
    item = update_object(actor=actor, instance=item, data=data)
    raise_competency_when_done(actor=actor, item=item)
    return item


@transaction.atomic
def training_plan_item_delete(*, actor, item: TrainingPlanItem) -> None:
    delete_object(actor=actor, instance=item)


def raise_competency_when_done(*, actor, item: TrainingPlanItem) -> None:
    if item.status != TrainingStatus.DONE:
        return
    existing = Competency.objects.filter(
        person_id=item.person_id, discipline_id=item.discipline_id
    ).first()
    if existing is None:
        competency_create(actor=actor, person=item.person, discipline=item.discipline,
                          level=item.target_level)
    elif not level_meets(existing.level, item.target_level):
        competency_update(actor=actor, competency=existing, data={"level": item.target_level})


@transaction.atomic
def role_guideline_publish(
    *, actor, organisation: Organisation, role_type: RoleType, guidelines: str,
    goals: str = "", valid_from: datetime.date | None = None,
) -> RoleGuideline:
    """A new version of the organisation's guidelines and goals for `role_type`; the
    earlier versions are kept (admins of the organisation only)."""
    # Lock the role type's versions so two admins publishing at once get 1 and 2.
    versions = list(
        RoleGuideline.objects.select_for_update()
        .filter(organisation=organisation, role_type=role_type)
        .values_list("version", flat=True)
    )
    return create_object(
        actor=actor,
        instance=RoleGuideline(
            organisation=organisation, role_type=role_type,
            version=max(versions, default=0) + 1, guidelines=guidelines, goals=goals,
            valid_from=valid_from or timezone.localdate(),
        ),
    )


@transaction.atomic
def role_guideline_update(*, actor, guideline: RoleGuideline, data: dict[str, Any]
                          ) -> RoleGuideline:
    """Correct a version in place (a typo); a real change is a new version
    (role_guideline_publish). The version number itself does not change."""
    data = {name: value for name, value in data.items() if name != "version"}
    return update_object(actor=actor, instance=guideline, data=data)


@transaction.atomic
def role_guideline_delete(*, actor, guideline: RoleGuideline) -> None:
    delete_object(actor=actor, instance=guideline)
