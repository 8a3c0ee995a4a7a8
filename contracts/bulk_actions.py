"""Bulk actions on the contracts list (kitos/bulk.py)."""

from django.utils.translation import gettext_lazy as _

from kitos.bulk import delete_action, field_action, register_bulk_action

from .models import Contract
from .services import contract_delete, contract_update


def _update(*, actor, row, data):
    contract_update(actor=actor, contract=row, data=data)


def register() -> None:
    label = Contract._meta.label
    # The status is computed from the dates (contracts/deadlines.py), so it is not offered.
    register_bulk_action(label, field_action(
        key="criticality", label=_("Skift kritikalitet"), model=Contract,
        field_name="criticality", update=_update,
    ))
    register_bulk_action(label, field_action(
        key="responsible_unit", label=_("Skift ansvarlig enhed"), model=Contract,
        field_name="responsible_unit", update=_update,
    ))
    register_bulk_action(label, delete_action(
        delete=lambda *, actor, row: contract_delete(actor=actor, contract=row),
    ))
