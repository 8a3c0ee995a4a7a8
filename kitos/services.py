"""The write path shared by every app's services: permission check, validation, save,
many-to-many scoping and the audit entry, all in one transaction.

Entity services (``contracts.services.contract_update`` ...) add their own rules and
call these; nothing else writes domain objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _

from .audit import AuditAction, diff, record_change, snapshot
from .options import OptionFields
from .tenancy import EDITOR, SharedCatalogModel, has_role

M = TypeVar("M", bound=models.Model)
M2MData = Mapping[str, Iterable[models.Model]] | None


def _in_scope(obj: models.Model, organisation_id) -> bool:
    if isinstance(obj, SharedCatalogModel):  # shared entries or our own local ones
        return obj.usable_by(organisation_id)
    if hasattr(obj, "organisation_id"):  # tenant data, or reference data (no organisation)
        return obj.organisation_id in (None, organisation_id)
    return True  # national taxonomies (KLE)


def _check_m2m_scope(instance: models.Model, m2m: M2MData) -> None:
    """Related objects must belong to the instance's organisation (or be shared)."""
    organisation_id = instance.owning_organisation_id
    errors = {
        name: _("Skal høre til samme organisation.")
        for name, objects in (m2m or {}).items()
        if not all(_in_scope(obj, organisation_id) for obj in objects)
    }
    if errors:
        raise ValidationError(errors)


def _check_m2m_options(instance: models.Model, m2m: M2MData, before: Mapping | None) -> None:
    """Option list values (kitos.options) newly added to a many-to-many field must be
    offered to the organisation; the ones it had stay valid."""
    if not isinstance(instance, OptionFields):
        return
    errors = {}
    for name, objects in (m2m or {}).items():
        try:
            instance.check_many_options(name, objects, (before or {}).get(name) or ())
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


def _set_m2m(instance: models.Model, m2m: M2MData) -> None:
    for name, objects in (m2m or {}).items():
        field = instance._meta.get_field(name)
        through = field.remote_field.through
        through_defaults = None
        if not through._meta.auto_created and any(
            f.name == "organisation" for f in through._meta.fields
        ):
            # Link tables carry the organisation so PostgreSQL can check both ends.
            through_defaults = {"organisation_id": instance.owning_organisation_id}
        getattr(instance, name).set(list(objects), through_defaults=through_defaults)


def _full_clean(instance: models.Model, exclude: Iterable[str] = ()) -> None:
    instance.full_clean(exclude=list(exclude) or None)


@transaction.atomic
def create_object(*, actor, instance: M, m2m: M2MData = None) -> M:
    """Validate, save and audit a new object on behalf of `actor`."""
    instance.check_editable_by(actor)
    _full_clean(instance)
    _check_m2m_scope(instance, m2m)
    _check_m2m_options(instance, m2m, None)
    instance.save()
    _set_m2m(instance, m2m)
    record_change(
        actor=actor,
        action=AuditAction.CREATE,
        instance=instance,
        changes=diff({}, snapshot(instance, m2m=(m2m or {}).keys())),
    )
    return instance


@transaction.atomic
def update_object(
    *, actor, instance: M, data: Mapping[str, Any] | None = None, m2m: M2MData = None
) -> M:
    """Apply `data` (field -> value) and `m2m` to an object, validate, save and audit
    the field-level difference. Nothing is written when nothing changed."""
    instance.check_editable_by(actor)
    m2m_names = list((m2m or {}).keys())
    before = snapshot(instance, m2m=m2m_names)
    for name, value in (data or {}).items():
        setattr(instance, name, value)
    # Moving an object to another organisation needs rights there too.
    instance.check_editable_by(actor)
    _full_clean(instance)
    _check_m2m_scope(instance, m2m)
    _check_m2m_options(instance, m2m, before)
    instance.save()
    _set_m2m(instance, m2m)
    changes = diff(before, snapshot(instance, m2m=m2m_names))
    if changes:
        record_change(actor=actor, action=AuditAction.UPDATE, instance=instance, changes=changes)
    return instance


@transaction.atomic
def delete_link(*, actor, instance: models.Model) -> None:
    """Delete and audit a row of a link table (a unit using a system, a contract covering
    a usage ...). Link rows carry their organisation; editors there may remove them."""
    if not has_role(actor, instance.organisation_id, at_least=EDITOR):
        raise PermissionDenied(_("Du har ikke rettigheder til at ændre dette objekt."))
    before = snapshot(instance)
    pk = instance.pk
    instance.delete()
    instance.pk = pk
    record_change(
        actor=actor, action=AuditAction.DELETE, instance=instance, changes=diff(before, {})
    )


@transaction.atomic
def delete_object(*, actor, instance: models.Model) -> None:
    """Delete and audit an object. Objects still referenced by others are refused with
    a message naming what holds them, instead of a database error."""
    instance.check_deletable_by(actor)
    before = snapshot(instance)
    pk = instance.pk
    try:
        instance.delete()
    except ProtectedError as error:
        holders = sorted({str(obj._meta.verbose_name) for obj in error.protected_objects})
        raise ValidationError(
            _("%(object)s kan ikke slettes, fordi den bruges af: %(holders)s.")
            % {"object": instance, "holders": ", ".join(holders)}
        ) from error
    instance.pk = pk  # the audit entry names the deleted object's id
    record_change(
        actor=actor, action=AuditAction.DELETE, instance=instance, changes=diff(before, {})
    )
