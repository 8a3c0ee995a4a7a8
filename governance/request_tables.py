"""Columns of the new-system request list (kitos/lists.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kitos.lists import ORGANISATION_COLUMN, UPDATED_COLUMN, Column


def _kle(row) -> str:
    return ", ".join(kle.number for kle in row.kle_numbers.all())


REQUEST_COLUMNS = (
    Column("title", _("Titel"), "title", sort="title"),
    Column("status", _("Status"), "get_status_display", sort="status"),
    Column("unit", _("Enhed"), "unit.name", sort="unit__name"),
    Column("business_type", _("Forretningstype"), "get_business_type_display",
           sort="business_type"),
    Column("kle", _("KLE-numre"), _kle),
    Column("requested_by", _("Anmodet af"), "requested_by.name", sort="requested_by__name"),
    Column("submitted_on", _("Indsendt den"), "submitted_on", sort="submitted_on",
           kind="date"),
    Column("expected_investment", _("Forventet investering"), "expected_investment",
           sort="expected_investment", kind="money", total="sum"),
    Column("needed_by", _("Behov fra"), "needed_by", sort="needed_by", kind="date",
           default=False),
    Column("project", _("Projekt"), "project.name", sort="project__name", default=False),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)
