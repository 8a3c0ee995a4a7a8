"""Bulk actions on the system usages list (kitos/bulk.py)."""

from django.utils.translation import gettext_lazy as _

from kitos.bulk import delete_action, field_action, register_bulk_action

from .models import SystemUsage
from .services import usage_delete, usage_update


def _update(*, actor, row, data):
    usage_update(actor=actor, usage=row, data=data)


def register() -> None:
    label = SystemUsage._meta.label
    register_bulk_action(label, field_action(
        key="responsible_unit", label=_("Skift ansvarlig enhed"), model=SystemUsage,
        field_name="responsible_unit", update=_update,
    ))
    register_bulk_action(label, field_action(
        key="lifecycle", label=_("Skift livscyklus"), model=SystemUsage,
        field_name="lifecycle", update=_update,
    ))
    register_bulk_action(label, field_action(
        key="criticality", label=_("Skift kritikalitet"), model=SystemUsage,
        field_name="criticality", update=_update,
    ))
    register_bulk_action(label, delete_action(
        delete=lambda *, actor, row: usage_delete(actor=actor, usage=row),
    ))
