"""Columns of the data asset, processing activity and data processing agreement lists
(kitos/lists.py)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from kitos.lists import ORGANISATION_COLUMN, UPDATED_COLUMN, Column
from roles.tables import role_holders


def _usages_with_system(context) -> list:
    return ["usages__system"]


def _usages_joined_with_system(context) -> list:
    """The usages with their systems in one query (for a list whose queryset does not
    prefetch the usages itself: ProcessingActivityListView)."""
    from portfolio.models import SystemUsage

    return [Prefetch("usages", queryset=SystemUsage.objects.select_related("system"))]


def _prefetch(*lookups):
    def prefetch(context) -> list:
        return list(lookups)

    return prefetch


def _asset_usages_with_system(context) -> list:
    return ["usage_links__usage__system"]


DATA_ASSET_COLUMNS = (
    Column("name", _("Navn"), "name", sort="name"),
    Column("owning_unit", _("Dataejende enhed"), "owning_unit.name", sort="owning_unit__name"),
    Column("classification", _("Klassifikation"), "get_classification_display",
           sort="classification"),
    Column("categories", _("Datakategorier"), "categories", kind="list"),
    Column("usages", _("Systemer"), lambda row: sorted({str(link.usage) for link in
                                                       row.usage_links.all()}),
           kind="list", prefetch=_asset_usages_with_system),
    Column("retention", _("Opbevaringsperiode"), "retention", default=False),
    Column("integrations", _("Integrationer"), "integrations", kind="list", default=False),
    Column("external_reference", _("Ekstern reference"), "external_reference",
           sort="external_reference", default=False),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)

PROCESSING_ACTIVITY_COLUMNS = (
    Column("name", _("Navn"), "name", sort="name"),
    Column("standard_number", _("KL-nummer"), "standard_number", sort="standard_number"),
    Column("responsible_unit", _("Ansvarlig enhed"), "responsible_unit.name",
           sort="responsible_unit__name"),
    Column("legal_basis_art6", _("Retsgrundlag (art. 6)"), "get_legal_basis_art6_display",
           sort="legal_basis_art6"),
    Column("dpia_needed", _("Konsekvensanalyse"), "get_dpia_needed_display",
           sort="dpia_needed"),
    Column("risk_level", _("Risiko"), "get_risk_level_display", sort="risk_level"),
    Column("usages", _("Systemer"), "usages", kind="list",
           prefetch=_usages_joined_with_system),
    role_holders(key="responsible", label=_("Ansvarlig"), role_code="behandlingsansvarlig",
                 default=False),
    Column("legal_basis_art9", _("Retsgrundlag (art. 9)"), "get_legal_basis_art9_display",
           sort="legal_basis_art9", default=False),
    Column("data_categories", _("Kategorier af personoplysninger"), "data_categories",
           kind="list", default=False, prefetch=_prefetch("data_categories")),
    Column("dpia_done", _("Konsekvensanalyse udført"), "dpia_done", sort="dpia_done",
           kind="bool", default=False),
    Column("third_country_transfer", _("Tredjeland"), "third_country_transfer",
           sort="third_country_transfer", kind="bool", default=False),
    Column("kle_numbers", _("KLE-numre"), lambda row: [k.number for k in row.kle_numbers.all()],
           kind="list", default=False, prefetch=_prefetch("kle_numbers")),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)

AGREEMENT_COLUMNS = (
    Column("name", _("Navn"), "name", sort="name"),
    Column("processor", _("Databehandler"), "processor.name", sort="processor__name"),
    Column("contract", _("Kontrakt"), "contract.name", sort="contract__name"),
    Column("oversight_method", _("Tilsynsmetode"), "get_oversight_method_display",
           sort="oversight_method"),
    Column("next_oversight_date", _("Næste tilsyn"), "next_oversight_date",
           sort="next_oversight_date", kind="deadline"),
    role_holders(key="responsible", label=_("Ansvarlig"), role_code="dba-ansvarlig"),
    Column("oversight_interval", _("Tilsynsinterval"), "get_oversight_interval_display",
           sort="oversight_interval", default=False),
    Column("sub_processors", _("Underdatabehandlere"),
           lambda row: [sub.supplier for sub in row.sub_processors.all()], kind="list",
           default=False),
    Column("usages", _("Systemer"), "usages", kind="list", prefetch=_usages_with_system,
           default=False),
    Column("third_country_transfer", _("Tredjeland"), "third_country_transfer",
           sort="third_country_transfer", kind="bool", default=False),
    Column("concluded_on", _("Indgået"), "concluded_on", sort="concluded_on", kind="date",
           default=False),
    Column("ended_on", _("Ophørt"), "ended_on", sort="ended_on", kind="date", default=False),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)
