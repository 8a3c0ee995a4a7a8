"""Bulk actions on the processing activities list (kitos/bulk.py). Processing activities
are plain CRUD: their pages write through kitos.services, and so do these."""

from django.utils.translation import gettext_lazy as _

from kitos.bulk import delete_action, field_action, register_bulk_action
from kitos.services import delete_object, update_object

from .models import ProcessingActivity


def register() -> None:
    label = ProcessingActivity._meta.label
    register_bulk_action(label, field_action(
        key="responsible_unit", label=_("Skift ansvarlig enhed"), model=ProcessingActivity,
        field_name="responsible_unit",
        update=lambda *, actor, row, data: update_object(actor=actor, instance=row, data=data),
    ))
    register_bulk_action(label, delete_action(
        delete=lambda *, actor, row: delete_object(actor=actor, instance=row),
    ))
