"""Columns of the principle and architecture review lists (kitos/lists.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kitos.lists import ORGANISATION_COLUMN, UPDATED_COLUMN, Column

from .choices import ReviewSubject

SUBJECT_LABELS = dict(ReviewSubject.choices)
# What a review's row needs besides ArchitectureReviewQuerySet.for_list: the units.
REVIEW_RELATED = ("project__responsible_unit", "request__unit", "usage__responsible_unit")


def _subject(row) -> str:
    subject = row.subject
    return str(subject) if subject is not None else ""


def _subject_kind(row) -> str:
    return str(SUBJECT_LABELS[row.subject_kind])


def _subject_unit(row) -> str:
    if row.project_id:
        unit = row.project.responsible_unit
    elif row.request_id:
        unit = row.request.unit
    else:
        unit = row.usage.responsible_unit
    return unit.name if unit is not None else ""


PRINCIPLE_COLUMNS = (
    Column("title", _("Titel"), "title", sort="title"),
    Column("code", _("Nummer"), "code", sort="code"),
    Column("area", _("Område"), "get_area_display", sort="area"),
    Column("version", _("Version"), "version", sort="version", kind="number"),
    Column("valid_from", _("Gælder fra"), "valid_from", sort="valid_from", kind="date"),
    Column("active", _("Aktiv"), "active", sort="active", kind="bool"),
    Column("owner", _("Ejer"), "owner.name", sort="owner__name"),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)

REVIEW_COLUMNS = (
    Column("principle", _("Princip"), "principle", sort="principle__title"),
    Column("subject", _("Vurderet objekt"), _subject),
    Column("subject_kind", _("Type"), _subject_kind),
    Column("unit", _("Enhed"), _subject_unit),
    Column("verdict", _("Vurdering"), "get_verdict_display", sort="verdict"),
    Column("reason", _("Begrundelse"), "reason", default=False),
    Column("reviewed_on", _("Vurderet den"), "reviewed_on", sort="reviewed_on", kind="date"),
    Column("reviewer", _("Vurderet af"), "reviewer.name", sort="reviewer__name"),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)
