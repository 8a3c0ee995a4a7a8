"""Columns of the catalog, usage and integration lists (kitos/lists.py)."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from kitos.lists import ORGANISATION_COLUMN, UPDATED_COLUMN, Column, add_column, count_of
from roles.tables import role_holders


def _effective_kle_numbers():
    from .kle import effective_kle_numbers

    return effective_kle_numbers()


def _effective_kle_list(row) -> list[str]:
    from .kle import kle_numbers

    return kle_numbers(row.effective_kle_numbers)


def _own_usages(context) -> dict:
    from .models import SystemUsage

    return {"own_usage_count": count_of(SystemUsage.objects.visible_to(context.user), "system")}


SYSTEM_COLUMNS = (
    Column("name", _("Navn"), "name", sort="name"),
    Column("rights_holder", _("Rettighedshaver"), "rights_holder.name",
           sort="rights_holder__name"),
    Column("business_type", _("Forretningstype"), "get_business_type_display",
           sort="business_type"),
    Column("own_usage_count", _("Anvendes af jer"), "own_usage_count", sort="own_usage_count",
           kind="number", total="sum", annotate=_own_usages),
    Column("kle_numbers", _("KLE-numre"), lambda row: [k.number for k in row.kle_numbers.all()],
           kind="list", default=False),
    Column("licence_model", _("Licensmodel"), "get_licence_model_display",
           sort="licence_model", default=False),
    Column("previous_names", _("Tidligere navn(e)"), "previous_names", default=False),
    Column("archive_duty_recommendation", _("Anbefalet arkiveringspligt"),
           "get_archive_duty_recommendation_display", sort="archive_duty_recommendation",
           default=False),
    Column("is_local", _("Lokal"), "is_local", sort="is_local", kind="bool", default=False),
    Column("parent", _("Overordnet system"), "parent.name", sort="parent__name", default=False),
    UPDATED_COLUMN,
)

USAGE_COLUMNS = (
    Column("system", _("System"), "display_name", sort="system__name"),
    Column("responsible_unit", _("Ansvarlig enhed"), "responsible_unit.name",
           sort="responsible_unit__name"),
    Column("lifecycle", _("Livscyklus"), "get_lifecycle_display", sort="lifecycle"),
    Column("criticality", _("Kritikalitet"), "get_criticality_display", sort="criticality"),
    role_holders(key="system_owner", label=_("Systemejer"), role_code="systemejer"),
    Column("supplier", _("Leverandør"), "system.rights_holder.name",
           sort="system__rights_holder__name", default=False),
    Column("hosting", _("Hosting"), "get_hosting_display", sort="hosting", default=False),
    Column("data_classification", _("Dataklassifikation"), "get_data_classification_display",
           sort="data_classification", default=False),
    Column("time_assessment", _("TIME"), "get_time_assessment_display",
           sort="time_assessment", default=False),
    Column("contains_ai", _("Indeholder AI"), "get_contains_ai_display", sort="contains_ai",
           default=False),
    Column("using_units", _("Anvendende enheder"), "using_units", kind="list", default=False),
    role_holders(key="system_responsible", label=_("Systemansvarlig"),
                 role_code="systemansvarlig", default=False),
    Column("go_live_date", _("Ibrugtaget"), "go_live_date", sort="go_live_date", kind="date",
           default=False),
    Column("retirement_date", _("Udfases"), "retirement_date", sort="retirement_date",
           kind="deadline", default=False),
    Column("local_id", _("Lokalt id"), "local_id", sort="local_id", default=False),
    # The OS2KITOS usage record: general, archiving, GDPR and local KLE.
    Column("socially_critical", _("Samfundskritisk"), "get_socially_critical_display",
           sort="socially_critical", default=False),
    Column("user_count", _("Antal brugere"), "get_user_count_display", sort="user_count",
           default=False),
    Column("web_accessibility", _("Webtilgængelighed"), "get_web_accessibility_display",
           sort="web_accessibility", default=False),
    Column("archive_duty", _("Arkiveringspligt"), "get_archive_duty_display",
           sort="archive_duty", default=False),
    # The option's (or supplier's) name joined in (no query of its own when shown).
    *(
        Column(name, label, f"{name}_name", sort=f"{name}__name", default=False,
               annotate=lambda context, name=name: {f"{name}_name": F(f"{name}__name")})
        for name, label in (
            ("archive_type", _("Arkivtype")),
            ("archive_location", _("Arkiveringssted")),
            ("archive_supplier", _("Arkiveringsleverandør")),
        )
    ),
    Column("ordinary_personal_data", _("Almindelige personoplysninger"),
           "ordinary_personal_data", sort="ordinary_personal_data", kind="bool",
           default=False),
    Column("sensitive_personal_data", _("Følsomme personoplysninger"),
           "sensitive_personal_data", sort="sensitive_personal_data", kind="bool",
           default=False),
    Column("cpr_numbers", _("CPR-numre"), "cpr_numbers", sort="cpr_numbers", kind="bool",
           default=False),
    Column("sensitive_data_types", _("Typer af følsomme personoplysninger"),
           lambda row: [option.name for option in row.sensitive_data_types.all()],
           kind="list", default=False, prefetch=lambda context: ["sensitive_data_types"]),
    Column("risk_assessment", _("Risikovurdering"), "get_risk_assessment_display",
           sort="risk_assessment", default=False),
    Column("risk_assessment_result", _("Risikoniveau"), "get_risk_assessment_result_display",
           sort="risk_assessment_result", default=False),
    Column("risk_assessment_on", _("Seneste risikovurdering"), "risk_assessment_on",
           sort="risk_assessment_on", kind="date", default=False),
    Column("dpia", _("DPIA"), "get_dpia_display", sort="dpia", default=False),
    Column("dpia_on", _("Seneste DPIA"), "dpia_on", sort="dpia_on", kind="date",
           default=False),
    Column("kle_effective", _("Gældende KLE-numre"), _effective_kle_list, kind="list",
           default=False,
           annotate=lambda context: {"effective_kle_numbers": _effective_kle_numbers()}),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)

INTEGRATION_COLUMNS = (
    Column("name", _("Navn"), "name", sort="name"),
    Column("source", _("Afsender"), "source", sort="source__system__name"),
    Column("direction", _("Retning"), "get_direction_display", sort="direction"),
    Column("target", _("Modtager"), "target", sort="target__system__name"),
    Column("interface_type", _("Snitfladetype"), "get_interface_type_display",
           sort="interface_type"),
    Column("interface", _("Snitflade"), "interface", sort="interface__name", default=False),
    Column("frequency", _("Frekvens"), "get_frequency_display", sort="frequency"),
    Column("description", _("Beskrivelse"), "description", default=False),
    Column("external_reference", _("Ekstern reference"), "external_reference",
           sort="external_reference", default=False),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)

INTERFACE_COLUMNS = (
    Column("name", _("Snitflade"), "name", sort="name"),
    Column("interface_id", _("Snitflade-id"), "interface_id", sort="interface_id"),
    Column("version", _("Version"), "version", sort="version"),
    # The option's name joined in (no query of its own).
    Column("interface_type", _("Snitfladetype"), "interface_type_name",
           sort="interface_type__name",
           annotate=lambda context: {"interface_type_name": F("interface_type__name")}),
    Column("exposed_by", _("Udstillet af"), "exposed_by.name", sort="exposed_by__name"),
    Column("url", _("Link til beskrivelse"), "url", default=False),
    Column("is_local", _("Lokal"), "is_local", sort="is_local", kind="bool", default=False),
    Column("is_deactivated", _("Deaktiveret"), "is_deactivated", sort="is_deactivated",
           kind="bool", default=False),
    UPDATED_COLUMN,
)


def supplier_options(model, field: str):
    """Filter options for a supplier column: the suppliers that the user's rows of
    `model` name in `field` (not the whole shared catalog)."""

    def options(request) -> list[tuple]:
        from portfolio.models import Supplier

        named = model.objects.visible_to(request.user).values(field)
        return Supplier.objects.visible_to(request.user).filter(
            pk__in=named).values_list("uuid", "name")

    return options


# -- columns this app adds to the lists of the apps below it ------------------------------


def _usage_counts(context) -> dict:
    from .models import SystemUsage

    return {"usage_count": count_of(SystemUsage.objects.all(), "responsible_unit")}


def add_columns_to_lower_lists() -> None:
    """The unit list counts the systems each unit is responsible for."""
    add_column(
        "roles.OrganisationUnit",
        Column("usage_count", _("Ansvarlig for systemer"), "usage_count", sort="usage_count",
               kind="number", total="sum", annotate=_usage_counts),
        after="person_count",
    )
