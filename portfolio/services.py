"""Writes for the system catalog, usages and integrations."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
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
    KleNumber,
    RightsHolderAccess,
    SystemUsage,
    UsageJournalPeriod,
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
    sensitive_data_types: Iterable | None = None,
    kle_added: Iterable[KleNumber] | None = None,
    kle_removed: Iterable[KleNumber] | None = None,
    journal_periods: Iterable[dict[str, Any]] | None = None,
    **fields: Any,
) -> SystemUsage:
    """Create a usage with its using units, the sensitive personal data types of its
    GDPR registration (options, kitos.options), its local KLE deviations and the
    journal periods of its archiving."""
    usage = SystemUsage(organisation=organisation, system=system, **fields)
    m2m = _links(using_units, sensitive_data_types, kle_added, kle_removed)
    usage.check_editable_by(actor)
    _check_links(usage, system=system, sensitive_data=usage.sensitive_personal_data,
                 was_sensitive=False, m2m=m2m or {})
    usage = create_object(actor=actor, instance=usage, m2m=m2m)
    if journal_periods is not None:
        journal_periods_replace(actor=actor, usage=usage, periods=journal_periods)
    return usage


@transaction.atomic
def usage_update(
    *,
    actor,
    usage: SystemUsage,
    data: dict[str, Any] | None = None,
    using_units: Iterable[OrganisationUnit] | None = None,
    sensitive_data_types: Iterable | None = None,
    kle_added: Iterable[KleNumber] | None = None,
    kle_removed: Iterable[KleNumber] | None = None,
    journal_periods: Iterable[dict[str, Any]] | None = None,
) -> SystemUsage:
    """Change a usage's fields (`data`), links and journal periods; what is None stays
    as it is."""
    m2m = _links(using_units, sensitive_data_types, kle_added, kle_removed)
    data = data or {}
    usage.check_editable_by(actor)
    _check_links(
        usage, system=data.get("system", usage.system),
        sensitive_data=data.get("sensitive_personal_data", usage.sensitive_personal_data),
        was_sensitive=usage.sensitive_personal_data,
        m2m=m2m or {}, system_changed="system" in data and data["system"] != usage.system,
    )
    usage = update_object(actor=actor, instance=usage, data=data or None, m2m=m2m)
    if journal_periods is not None:
        journal_periods_replace(actor=actor, usage=usage, periods=journal_periods)
    return usage


def _links(using_units, sensitive_data_types, kle_added, kle_removed) -> dict | None:
    links = {}
    for name, objects in (("using_units", using_units),
                          ("sensitive_data_types", sensitive_data_types),
                          ("kle_added", kle_added), ("kle_removed", kle_removed)):
        if objects is not None:
            links[name] = list(objects)
    return links or None


def _check_links(usage: SystemUsage, **state) -> None:
    errors = link_errors(usage, **state)
    if errors:
        raise ValidationError(errors)


def link_errors(usage: SystemUsage, *, system: ItSystem, sensitive_data: bool,
                was_sensitive: bool, m2m: dict, system_changed: bool = False,
                inherited: set | None = None) -> dict:
    """The rules of the links, on what they will be after the write (those not sent
    stay as they are): sensitive personal data types only with sensitive personal data
    (OS2KITOS); a KLE number opted out of must be one of the system's, one added must
    not be (it is inherited already)."""
    errors = {}
    saved = usage.pk is not None
    if "sensitive_data_types" in m2m:
        types = m2m["sensitive_data_types"]
    elif saved and not sensitive_data and was_sensitive:
        types = list(usage.sensitive_data_types.all())
    else:
        types = []
    if types and not sensitive_data:
        errors["sensitive_data_types"] = _(
            "Typer af følsomme personoplysninger kan kun vælges, når systemet indeholder "
            "følsomme personoplysninger.")
    if "kle_added" in m2m or "kle_removed" in m2m or system_changed:
        def current(name):
            if name in m2m:
                return m2m[name]
            return list(getattr(usage, name).all()) if saved else []

        if inherited is None:
            inherited = set(system.kle_numbers.values_list("pk", flat=True))
        added = [kle for kle in current("kle_added") if kle.pk in inherited]
        removed = [kle for kle in current("kle_removed") if kle.pk not in inherited]
        if added:
            errors["kle_added"] = _(
                "%(numbers)s er allerede tilknyttet systemet i kataloget og nedarves derfor."
            ) % {"numbers": ", ".join(k.number for k in added)}
        if removed:
            errors["kle_removed"] = _(
                "%(numbers)s er ikke tilknyttet systemet i kataloget og kan ikke fravælges."
            ) % {"numbers": ", ".join(k.number for k in removed)}
    return errors


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


def journal_period_create(*, actor, usage: SystemUsage, **fields: Any) -> UsageJournalPeriod:
    """A journal period of the usage's archiving (from its Arkivering tab)."""
    return create_object(actor=actor, instance=UsageJournalPeriod(usage=usage, **fields))


def journal_period_update(*, actor, period: UsageJournalPeriod,
                          data: dict[str, Any]) -> UsageJournalPeriod:
    return update_object(actor=actor, instance=period, data=data)


def journal_period_delete(*, actor, period: UsageJournalPeriod) -> None:
    delete_object(actor=actor, instance=period)


JOURNAL_PERIOD_FIELDS = ("start_date", "end_date", "archive_id", "approved")


@transaction.atomic
def journal_periods_replace(*, actor, usage: SystemUsage,
                            periods: Iterable[dict[str, Any]]) -> None:
    """Make the usage's journal periods `periods` (dicts of JOURNAL_PERIOD_FIELDS), as
    the API and the Excel import send the whole list. A period is the one with the same
    archive id (unique per usage): changed in place, new ones created, the others
    deleted, each through the single-period services (audited). Every period is checked
    before anything is written: one bad period fails the whole list, naming it."""
    usage.check_editable_by(actor)
    current = {period.archive_id: period for period in usage.journal_periods.all()}
    wanted, errors, seen = [], [], set()
    for number, fields in enumerate(periods, start=1):
        values = {name: fields[name] for name in JOURNAL_PERIOD_FIELDS if name in fields}
        values["archive_id"] = str(values.get("archive_id") or "").strip()
        values.setdefault("approved", False)
        label = _("Journalperiode %(number)s (%(archive_id)s)") % {
            "number": number, "archive_id": values["archive_id"] or "–"}
        old = current.get(values["archive_id"])
        if old is None:
            candidate = UsageJournalPeriod(usage=usage, **values)
        else:  # the stored period as it would be, checked as itself (unique rules)
            candidate = copy.copy(old)
            for name, value in values.items():
                setattr(candidate, name, value)
        if values["archive_id"] in seen:
            errors.append(_("%(period)s: arkiv-id'et står to gange.") % {"period": label})
        seen.add(values["archive_id"])
        try:
            candidate.full_clean(exclude=["usage"])
        except ValidationError as error:
            errors.extend(f"{label}: {message}" for message in error.messages)
        wanted.append((old, values))
    if errors:
        raise ValidationError({"journal_periods": errors})
    changed = False
    for archive_id, period in current.items():
        if archive_id not in seen:
            journal_period_delete(actor=actor, period=period)
            changed = True
    for old, values in wanted:
        if old is None:
            journal_period_create(actor=actor, usage=usage, **values)
            changed = True
        elif any(getattr(old, name) != value for name, value in values.items()):
            journal_period_update(actor=actor, period=old, data=values)
            changed = True
    if changed:
        _touch(usage)


def _touch(instance) -> None:
    """A new version of the object whose parts changed: its ETag and `changed_since`
    (the sync clients) must show it."""
    instance.updated_at = timezone.now()
    type(instance)._default_manager.filter(pk=instance.pk).update(
        updated_at=instance.updated_at)


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
        _touch(interface)


# -- rights-holder access -------------------------------------------------------------------


def rights_holder_access_grant(*, actor, user, supplier, note: str = "") -> RightsHolderAccess:
    """Let `user` keep `supplier`'s shared catalog entries (superusers; audited)."""
    return create_object(
        actor=actor, instance=RightsHolderAccess(user=user, supplier=supplier, note=note)
    )


def rights_holder_access_revoke(*, actor, access: RightsHolderAccess) -> None:
    delete_object(actor=actor, instance=access)
