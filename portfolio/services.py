"""Writes for the system catalog, usages and integrations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kitos.audit import AuditAction, record_change
from kitos.models import Option, Organisation
from kitos.services import create_object, delete_object, update_object
from roles.models import OrganisationUnit

from .models import (
    Integration,
    Interface,
    InterfaceDataRow,
    ItSystem,
    RightsHolderAccess,
    SystemUsage,
)

# One data row of an interface as the services take it: what the data is, and its type
# (an option of the list interface_data_type, or None).
DataRow = tuple[str, Option | None]


def system_create(*, actor, name: str, **fields: Any) -> ItSystem:
    """Create a catalog entry. Members create entries owned by their organisation (admins
    only, see SharedCatalogModel); national entries (no owner) need a superuser."""
    return create_object(actor=actor, instance=ItSystem(name=name, **fields))


def system_update(*, actor, system: ItSystem, data: dict[str, Any]) -> ItSystem:
    return update_object(actor=actor, instance=system, data=data)


@transaction.atomic
def usage_create(
    *,
    actor,
    organisation: Organisation,
    system: ItSystem,
    using_units: Iterable[OrganisationUnit] | None = None,
    **fields: Any,
) -> SystemUsage:
    m2m = {"using_units": list(using_units)} if using_units is not None else None
    return create_object(
        actor=actor,
        instance=SystemUsage(organisation=organisation, system=system, **fields),
        m2m=m2m,
    )


def usage_update(
    *,
    actor,
    usage: SystemUsage,
    data: dict[str, Any] | None = None,
    using_units: Iterable[OrganisationUnit] | None = None,
) -> SystemUsage:
    m2m = {"using_units": list(using_units)} if using_units is not None else None
    return update_object(actor=actor, instance=usage, data=data, m2m=m2m)


def usage_delete(*, actor, usage: SystemUsage) -> None:
    delete_object(actor=actor, instance=usage)


def integration_create(
    *, actor, source: SystemUsage, target: SystemUsage, name: str, **fields: Any
) -> Integration:
    return create_object(
        actor=actor,
        instance=Integration(
            organisation_id=source.organisation_id,
            source=source,
            target=target,
            name=name,
            **fields,
        ),
    )


# -- interfaces (snitflader) ------------------------------------------------------------------


@transaction.atomic
def interface_create(
    *, actor, name: str, data_rows: Iterable[DataRow] | None = None, **fields: Any
) -> Interface:
    """Create a catalog interface, with its data rows. Like the systems: members' admins
    create entries owned by their organisation, national ones need a superuser."""
    interface = create_object(actor=actor, instance=Interface(name=name, **fields))
    if data_rows is not None:
        _replace_data_rows(actor=actor, interface=interface, rows=data_rows)
    return interface


@transaction.atomic
def interface_update(
    *,
    actor,
    interface: Interface,
    data: dict[str, Any] | None = None,
    data_rows: Iterable[DataRow] | None = None,
) -> Interface:
    """Change an interface; `data_rows`, when given, replaces its rows."""
    update_object(actor=actor, instance=interface, data=data)
    if data_rows is not None:
        _replace_data_rows(actor=actor, interface=interface, rows=data_rows)
    return interface


def interface_delete(*, actor, interface: Interface) -> None:
    """Refused while integrations go through it (they would lose what they name)."""
    delete_object(actor=actor, instance=interface)


def data_rows_text(interface: Interface) -> list[str]:
    """The rows as the history shows them: "Cpr-nummer (Personoplysninger)"."""
    return [str(row) for row in interface.data_rows.select_related("data_type")]


def _replace_data_rows(*, actor, interface: Interface, rows: Iterable[DataRow]) -> None:
    """Make the interface's rows `rows` (in that order), validated like any object; the
    interface's history records the rows before and after as one change."""
    before = data_rows_text(interface)
    wanted = [
        InterfaceDataRow(interface=interface, description=(description or "").strip(),
                         data_type=data_type)
        for description, data_type in rows
    ]
    current = list(interface.data_rows.all())
    kept = {(row.description, row.data_type_id): row for row in current}
    errors = []
    for number, row in enumerate(wanted, start=1):
        old = kept.get((row.description, row.data_type_id))
        try:
            # A type the row had already stays valid when switched off since.
            row._loaded_options = {"data_type": old.data_type_id if old else None}
            row.full_clean(exclude=["interface"])
        except ValidationError as error:
            errors.extend(
                _("Datarække %(number)s: %(message)s") % {"number": number, "message": message}
                for message in error.messages
            )
    if errors:
        raise ValidationError({"data_rows": errors})
    interface.data_rows.all().delete()
    InterfaceDataRow.objects.bulk_create(wanted)
    after = [str(row) for row in wanted]
    if after != before:
        record_change(actor=actor, action=AuditAction.UPDATE, instance=interface,
                      changes={"data_rows": [before, after]})


# -- rights-holder access -------------------------------------------------------------------


def rights_holder_access_grant(*, actor, user, supplier, note: str = "") -> RightsHolderAccess:
    """Let `user` keep `supplier`'s shared catalog entries (superusers; audited)."""
    return create_object(
        actor=actor, instance=RightsHolderAccess(user=user, supplier=supplier, note=note)
    )


def rights_holder_access_revoke(*, actor, access: RightsHolderAccess) -> None:
    delete_object(actor=actor, instance=access)
