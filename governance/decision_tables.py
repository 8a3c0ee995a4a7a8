"""Columns of the steering group and decision lists (kitos/lists.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kitos.lists import ORGANISATION_COLUMN, UPDATED_COLUMN, Column

from .choices import DecisionSubject

SUBJECT_LABELS = dict(DecisionSubject.choices)


def _subject(row) -> str:
    if row.project_id:
        return row.project.name
    if row.request_id:
        return row.request.title
    if row.contract_id:
        return row.contract.name
    if row.principle_id:
        return str(row.principle)
    return str(SUBJECT_LABELS[DecisionSubject.FREE])


GROUP_COLUMNS = (
    Column("name", _("Navn"), "name", sort="name"),
    Column("unit", _("Enhed"), "unit.name", sort="unit__name"),
    Column("active", _("Aktiv"), "active", sort="active", kind="bool"),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)

DECISION_COLUMNS = (
    Column("title", _("Titel"), "title", sort="title"),
    Column("group", _("Styregruppe"), "group.name", sort="group__name"),
    Column("decided_on", _("Besluttet den"), "decided_on", sort="decided_on", kind="date"),
    Column("outcome", _("Udfald"), "get_outcome_display", sort="outcome"),
    Column("subject", _("Emne"), _subject),
    Column("follow_up_date", _("Opfølgningsdato"), "follow_up_date", sort="follow_up_date",
           kind="date"),
    Column("follow_up_done", _("Opfølgning udført"), "follow_up_done",
           sort="follow_up_done", kind="bool"),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)
