"""Columns of the unit, person and role assignment lists (kitos/lists.py), and the
column and filter helpers the lists of higher apps share: the current holders of a role,
the unit picker."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from kitos.lists import ORGANISATION_COLUMN, UPDATED_COLUMN, Column, ListContext, count_of

from .models import OrganisationUnit, RoleAssignment


def _unit_counts(context) -> dict:
    from .models import Person

    return {"person_count": count_of(Person.objects.still_working(context.today), "unit")}


def _role_counts(context) -> dict:
    from .models import RoleAssignment

    return {"role_count": count_of(RoleAssignment.objects.current(context.today), "person")}


def _indented_name(unit) -> str:
    name = "\u2003" * unit.depth + unit.name
    # Closed units stay in the tree (what points at them keeps its history): say so in
    # words, in the list, its export and the pickers alike.
    return f"{name} ({_('lukket')})" if unit.closed_on else name


UNIT_COLUMNS = (
    Column("name", _("Navn"), _indented_name, sort="path"),
    Column("parent", _("Overordnet enhed"), "parent.name", sort="parent__name"),
    Column("local_code", _("Lokal kode"), "local_code", sort="local_code"),
    Column("person_count", _("Personer"), "person_count", sort="person_count", kind="number",
           total="sum", annotate=_unit_counts),
    Column("ean", _("EAN-nummer"), "ean", sort="ean", default=False),
    Column("closed_on", _("Lukket"), "closed_on", sort="closed_on", kind="date", default=False),
    Column("external_reference", _("Ekstern reference"), "external_reference",
           sort="external_reference", default=False),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)

PERSON_COLUMNS = (
    Column("name", _("Navn"), "name", sort="name"),
    Column("title", _("Stilling"), "title", sort="title"),
    Column("unit", _("Enhed"), "unit.name", sort="unit__name"),
    Column("email", _("E-mail"), "email", sort="email"),
    Column("role_count", _("Roller"), "role_count", sort="role_count", kind="number",
           total="sum",
           annotate=_role_counts),
    Column("phone", _("Telefon"), "phone", default=False),
    Column("left_on", _("Fratrådt"), "left_on", sort="left_on", kind="date", default=False),
    Column("has_login", _("Har login"), lambda row: row.user_id is not None, kind="bool",
           default=False),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)

ROLE_ASSIGNMENT_COLUMNS = (
    Column("person", _("Person"), "person.name", sort="person__name"),
    Column("role_type", _("Rolle"), "role_type.name", sort="role_type__name"),
    Column("target", _("Objekt"), "target"),
    Column("target_type", _("Objekttype"), "role_type.get_applies_to_display",
           sort="role_type__applies_to"),
    Column("start_date", _("Fra"), "start_date", sort="start_date", kind="date"),
    Column("end_date", _("Til"), "end_date", sort="end_date", kind="deadline"),
    Column("note", _("Bemærkning"), "note", default=False),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)


def role_holders(*, key: str, label: str, role_code: str, default: bool = True) -> Column:
    """The current holders of a standard role (roles/reference.py) on each row, fetched
    in one query for the whole page; the model needs a ``role_assignments`` relation."""
    attribute = f"_holders_{key}"

    def prefetch(context: ListContext) -> list:
        assignments = (
            RoleAssignment.objects.current(context.today)
            .filter(role_type__code=role_code)
            .select_related("person")
            .order_by("person__name", "pk")
        )
        return [Prefetch("role_assignments", queryset=assignments, to_attr=attribute)]

    def bulk(context: ListContext, model, pks: list) -> dict:
        """The holders' names of many rows in one query (the report export)."""
        from django.contrib.contenttypes.models import ContentType

        holders: dict = {}
        assignments = (
            RoleAssignment.objects.current(context.today)
            .filter(role_type__code=role_code, object_id__in=pks,
                    content_type=ContentType.objects.get_for_model(model))
            .order_by("person__name", "pk")
            .values_list("object_id", "person__name")
        )
        for object_id, name in assignments:
            holders.setdefault(object_id, []).append(name)
        return holders

    return Column(
        key=key,
        label=label,
        value=lambda row: [assignment.person for assignment in getattr(row, attribute)],
        kind="list",
        default=default,
        prefetch=prefetch,
        bulk=bulk,
    )


def unit_options(request) -> list[tuple]:
    """Filter options: the units the user may see, indented under their parents."""
    units = OrganisationUnit.objects.visible_to(request.user).order_by("organisation", "path")
    return [(unit.uuid, _indented_name(unit)) for unit in units]


COMPETENCY_TARGET_COLUMNS = (
    Column("discipline", _("Fagområde"), "discipline.name", sort="discipline__name"),
    Column("level", _("Målniveau"), "get_level_display", sort="level"),
    Column("unit", _("Enhed"), "unit.name", sort="unit__path"),
    Column("role_type", _("Rolle"), "role_type.name", sort="role_type__name"),
    Column("tier", _("Niveau i organisationen"), "get_tier_display", sort="tier"),
    Column("note", _("Bemærkning"), "note", default=False),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)

TRAINING_PLAN_COLUMNS = (
    Column("person", _("Person"), "person.name", sort="person__name"),
    Column("unit", _("Enhed"), "person.unit.name", sort="person__unit__name"),
    Column("discipline", _("Fagområde"), "discipline.name", sort="discipline__name"),
    Column("target_level", _("Målniveau"), "get_target_level_display", sort="target_level"),
    Column("due_date", _("Senest"), "due_date", sort="due_date", kind="date"),
    Column("status", _("Status"), "get_status_display", sort="status"),
    Column("note", _("Bemærkning"), "note", default=False),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)
