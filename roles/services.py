"""Writes for organisations, units, memberships, persons, roles and competencies."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from kitos.audit import AuditAction, record_change
from kitos.services import create_object, delete_object, update_object

from .models import (
    Competency,
    Membership,
    Organisation,
    OrganisationUnit,
    Person,
    RoleAssignment,
    RoleType,
    new_calendar_token,
)


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


def unit_delete(*, actor, unit: OrganisationUnit) -> None:
    delete_object(actor=actor, instance=unit)


@transaction.atomic
def membership_set(*, actor, user, organisation: Organisation, role: str) -> Membership:
    """Give `user` a role in `organisation` (admins of that organisation only)."""
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
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


def competency_set(*, actor, person: Person, discipline, level: str, note: str = "") -> Competency:
    existing = Competency.objects.filter(person=person, discipline=discipline).first()
    if existing is None:
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
    return update_object(actor=actor, instance=existing, data={"level": level, "note": note})


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
