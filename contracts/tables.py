"""Columns of the contract and supplier lists (kitos/lists.py)."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from kitos.lists import ORGANISATION_COLUMN, UPDATED_COLUMN, Column, add_column, count_of
from roles.tables import role_holders


def _visible_contracts(context):
    from .models import Contract

    return Contract.objects.visible_to(context.user)


def procurement_plan_text(contract) -> str:
    """"2027, 3. kvartal" (or only the year, or nothing)."""
    if not contract.procurement_plan_year:
        return ""
    if contract.procurement_plan_quarter:
        quarter = contract.get_procurement_plan_quarter_display()
        return f"{contract.procurement_plan_year}, {quarter}"
    return str(contract.procurement_plan_year)


CONTRACT_COLUMNS = (
    Column("name", _("Navn"), "name", sort="name"),
    Column("supplier", _("Leverandør"), "supplier.name", sort="supplier__name"),
    Column("status", _("Status"), "get_status_display", sort="status"),
    Column("next_end", _("Næste ophør"), "next_end", sort="next_end", kind="date"),
    Column("notice_deadline", _("Opsigelsesfrist"), "notice_deadline", sort="notice_deadline",
           kind="deadline"),
    Column("yearly_cost", _("Årlig udgift (kr.)"), "yearly_cost", sort="yearly_cost",
           kind="money", total="sum"),
    role_holders(key="contract_owner", label=_("Kontraktejer"), role_code="kontraktejer"),
    Column("contract_number", _("Kontraktnummer"), "contract_number", sort="contract_number",
           default=False),
    Column("contract_type", _("Kontrakttype"), "get_contract_type_display",
           sort="contract_type", default=False),
    Column("responsible_unit", _("Ansvarlig enhed"), "responsible_unit.name",
           sort="responsible_unit__name", default=False),
    Column("retender_start", _("Start på genudbud"), "retender_start", sort="retender_start",
           kind="deadline", default=False),
    Column("expiry_date", _("Udløbsdato"), "expiry_date", sort="expiry_date", kind="date",
           default=False),
    role_holders(key="contract_manager", label=_("Kontraktansvarlig"),
                 role_code="contract-manager", default=False),
    Column("usages", _("Systemer"), lambda row: [link.usage for link in row.coverage.all()],
           kind="list", default=False, prefetch=lambda context: ["coverage__usage__system"]),
    Column("criticality", _("Kritikalitet"), "get_criticality_display", sort="criticality",
           default=False),
    Column("procurement_form", _("Udbudsform"), "get_procurement_form_display",
           sort="procurement_form", default=False),
    Column("acquisition_cost", _("Anskaffelsespris (kr.)"), "acquisition_cost",
           sort="acquisition_cost", kind="money", total="sum", default=False),
    # The option's name joined in (no query of its own when the column is shown).
    *(
        Column(name, label, f"{name}_name", sort=f"{name}__name", default=False,
               annotate=lambda context, name=name: {f"{name}_name": F(f"{name}__name")})
        for name, label in (
            ("contract_template", _("Kontraktskabelon")),
            ("procurement_strategy", _("Genanskaffelsesstrategi")),
            ("payment_model", _("Betalingsmodel")),
            ("payment_frequency", _("Betalingsfrekvens")),
            ("price_regulation", _("Prisregulering")),
        )
    ),
    Column("agreement_elements", _("Aftaleelementer"),
           lambda row: [element.name for element in row.agreement_elements.all()],
           kind="list", default=False, prefetch=lambda context: ["agreement_elements"]),
    Column("procurement_plan", _("Genanskaffelse planlagt"), procurement_plan_text,
           sort="procurement_plan_year", default=False),
    Column("customer_signed_on", _("Underskrevet (kunden)"), "customer_signed_on",
           sort="customer_signed_on", kind="date", default=False),
    Column("supplier_signed_on", _("Underskrevet (leverandøren)"), "supplier_signed_on",
           sort="supplier_signed_on", kind="date", default=False),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)

SUPPLIER_COLUMNS = (
    Column("name", _("Navn"), "name", sort="name"),
    Column("cvr", _("CVR-nummer"), "cvr", sort="cvr"),
    Column("country", _("Land"), "country", sort="country"),
    Column("contract_count", _("Kontrakter"), "contract_count", sort="contract_count",
           kind="number", total="sum",
           annotate=lambda context: {
               "contract_count": count_of(_visible_contracts(context), "supplier")
           }),
    Column("website", _("Hjemmeside"), "website", default=False),
    Column("is_local", _("Lokal"), "is_local", sort="is_local", kind="bool", default=False),
    Column("owner_organisation", _("Ejende organisation"), "owner_organisation.name",
           sort="owner_organisation__name", default=False),
    UPDATED_COLUMN,
)


# -- columns this app adds to the lists of the apps below it ------------------------------


def _contract_count(context) -> dict:
    from .models import ContractCoverage

    return {"contract_count": count_of(ContractCoverage.objects.all(), "usage")}


def add_columns_to_lower_lists() -> None:
    """The system usage list counts the contracts covering each usage."""
    add_column(
        "portfolio.SystemUsage",
        Column("contract_count", _("Kontrakter"), "contract_count", sort="contract_count",
               kind="number", total="sum", annotate=_contract_count),
        after="system_owner",
    )
