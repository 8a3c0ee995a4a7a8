"""Spreadsheet import/export of suppliers, contracts (with the systems they cover) and
cost lines (see kitos/excel/spec.py). The OS2KITOS "IT Kontrakter" template reads as it
is: its Id column (KITOS's own number) becomes the contract's external reference.

Cost lines are a sheet of their own, one row per contract × year × kind × unit: a
contract has any number of them, which columns on the contract row could not hold
without a fixed set of years."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import (
    DEADLINE_FIELDS,
    Contract,
    ContractCoverage,
    CostLine,
    DeadlineDecision,
)
from kitos.db import new_instance
from kitos.excel.spec import (
    CHOICE,
    DATE,
    DECIMAL,
    EXTERNAL_REFERENCE,
    INT,
    REF,
    REFS,
    Column,
    EntitySpec,
    ExportCell,
)
from kitos.options import reference_key
from portfolio.choices import Criticality

from . import choices


class ContractSpec(EntitySpec):
    key = "contracts"
    label = gettext_lazy("Kontrakter")
    model = Contract
    sheet_names = ("IT Kontrakter", "IT-kontrakter", "Contracts", "Kontraktoversigt",
                   "Aftaler", "Kontrakt")
    reference_label = gettext_lazy("Kontrakten")
    ambiguity_hint = gettext_lazy("flere kontrakter hedder det; brug kontraktnummeret.")
    duplicate_label = gettext_lazy("kontraktnavnet")
    columns = (
        Column("name", "Navn", ("Kontraktnavn", "IT Kontrakt Navn", "Kontrakt",
                                "Navn på kontrakt", "Contract name", "Name", "Contract"),
               required=True),
        Column("contract_number", "Kontraktnummer", ("IT Kontrakt Id", "Kontrakt-id",
                                                     "Kontraktnr", "Kontrakt nr",
                                                     "Contract number", "Contract no")),
        Column("contract_type", "Kontrakttype", ("Type", "Contract type"), kind=CHOICE,
               choices=choices.ContractType),
        Column("supplier", "Leverandør", ("Leverandørnavn", "Leverandør CVR", "Supplier",
                                          "Vendor", "Leverandør (CVR eller navn)"),
               kind=REF, ref="suppliers"),
        Column("responsible_unit", "Ansvarlig enhed", ("Ansvarlig organisationsenhed",
                                                       "Enhed", "Responsible unit"),
               kind=REF, ref="units"),
        Column("procurement_form", "Udbudsform", ("Procurement form", "Udbud"), kind=CHOICE,
               choices=choices.ProcurementForm),
        Column("criticality", "Kritikalitet", ("Criticality",), kind=CHOICE,
               choices=Criticality),
        Column("concluded_on", "Indgået", ("Indgået dato", "Kontraktdato", "Underskrevet",
                                           "Concluded", "Concluded on", "Signed"), kind=DATE),
        Column("start_date", "Startdato", ("Start", "Ikrafttræden", "Ikrafttrædelse",
                                           "Gyldig fra", "Start date"), kind=DATE),
        Column("expiry_date", "Udløbsdato", ("Udløb", "Slutdato", "Gyldig til", "Expiry date",
                                             "End date", "Expires"), kind=DATE),
        Column("irrevocable_until", "Uopsigelig til", ("Uopsigeligt til", "Uopsigelighed",
                                                       "Irrevocable until"), kind=DATE),
        Column("notice_months", "Opsigelsesvarsel (måneder)", (
            "Opsigelsesvarsel", "Opsigelsesfrist (måneder)", "Opsigelsesfrist",
            "Notice (months)", "Notice months", "Notice period"), kind=INT),
        Column("notice_to_end_of", "Opsigelse til udgangen af", ("Løbende", "Notice to end of"),
               kind=CHOICE, choices=choices.NoticeToEndOf),
        Column("extension_months", "Option: forlængelse (måneder)", (
            "Forlængelse (måneder)", "Option (måneder)", "Extension months"), kind=INT),
        Column("extensions_total", "Antal optioner", ("Optioner", "Extensions"), kind=INT),
        Column("extensions_used", "Brugte optioner", ("Udnyttede optioner",
                                                      "Extensions used"), kind=INT),
        Column("renewal_months", "Stiltiende fornyelse (måneder)", (
            "Fornyelse (måneder)", "Automatisk fornyelse (måneder)", "Renewal months"),
            kind=INT),
        Column("terminated_on", "Opsagt til", ("Kontrakten opsagt", "Opsagt", "Ophørt",
                                               "Terminated", "Terminated on"), kind=DATE),
        Column("lead_months", "Udbudstid (måneder)", ("Udbudstid", "Lead months"), kind=INT),
        Column("acquisition_cost", "Anskaffelsespris", ("Anskaffelse", "Anskaffelsespris (kr.)",
                                                        "Acquisition cost"), kind=DECIMAL),
        Column("yearly_cost", "Årlig driftsudgift", ("Årlig pris", "Driftsudgift", "Årlig udgift",
                                                     "Årlig driftsudgift (kr.)", "Yearly cost",
                                                     "Annual cost"), kind=DECIMAL),
        Column("currency", "Valuta", ("Currency",)),
        Column("contract_template", "Kontraktskabelon", ("Skabelon", "Contract template"),
               kind=REF, ref=reference_key("contract_template")),
        Column("agreement_elements", "Aftaleelementer", ("Aftaleelement",
                                                         "Agreement elements"),
               kind=REFS, ref=reference_key("agreement_element")),
        Column("customer_signed_by", "Kundens underskriver", (
            "Kontraktunderskriver", "Underskrevet af", "Customer signed by")),
        Column("customer_signed_on", "Kundens underskriftsdato", (
            "Kontraktunderskriver dato", "Underskriftsdato", "Customer signed on"), kind=DATE),
        Column("supplier_signed_by", "Leverandørens underskriver", (
            "Leverandørens kontraktunderskriver", "Supplier signed by")),
        Column("supplier_signed_on", "Leverandørens underskriftsdato", (
            "Leverandørens kontraktunderskriver dato", "Leverandør underskrevet",
            "Supplier signed on"), kind=DATE),
        Column("procurement_strategy", "Genanskaffelsesstrategi", (
            "Genanskaffelse", "Procurement strategy"),
            kind=REF, ref=reference_key("procurement_strategy")),
        Column("procurement_plan_year", "Genanskaffelse planlagt (år)", (
            "Genanskaffelsesplan år", "Udbudsplan år", "Procurement plan year"), kind=INT),
        Column("procurement_plan_quarter", "Genanskaffelse planlagt (kvartal)", (
            "Genanskaffelsesplan kvartal", "Udbudsplan kvartal", "Procurement plan quarter"),
            kind=INT),
        Column("payment_model", "Betalingsmodel", ("Payment model",),
               kind=REF, ref=reference_key("payment_model")),
        Column("payment_frequency", "Betalingsfrekvens", ("Betalingsfrekvens (OS2KITOS)",
                                                          "Payment frequency"),
               kind=REF, ref=reference_key("payment_frequency")),
        Column("price_regulation", "Prisregulering", ("Price regulation",),
               kind=REF, ref=reference_key("price_regulation")),
        Column("usages", "Systemer", ("Dækkede systemer", "It-systemer", "Systems",
                                      "Covered systems"), kind=REFS, ref="usages"),
        Column("main_for", "Hovedkontrakt for", ("Main contract for",), kind=REFS,
               ref="usages", field=None),
        Column("notes", "Noter", ("Bemærkning", "Bemærkninger", "Notes", "Note")),
        EXTERNAL_REFERENCE,
    )

    def existing(self, organisation):
        return Contract.objects.filter(organisation=organisation).select_related(
            "supplier", "responsible_unit", "parent"
        )

    def reference_texts(self, obj, lookup):
        return [obj.name, obj.contract_number] if obj.contract_number else [obj.name]

    def adjust(self, values, context):
        main = values.get("main_for")
        if main and "usages" in values:
            covered = {id(u) for u in values["usages"]}
            if any(id(u) not in covered for u in main):
                return [("main_for", _("En hovedkontrakt skal også dække systemet (kolonnen "
                                       "»Systemer«)."))]
        elif main:
            return [("main_for", _("Kolonnen »Hovedkontrakt for« kræver kolonnen »Systemer«."))]
        if values.get("currency"):
            values["currency"] = values["currency"].upper()
        return []

    def prepare(self, obj, row, context):
        obj.apply_deadlines(context.today)

    def extra_update_fields(self):
        return set(DEADLINE_FIELDS)

    def load_links(self, queryset):
        links = super().load_links(queryset)
        main = {}
        for contract_id, usage_id in ContractCoverage.objects.filter(
            contract__in=queryset.order_by().values("pk"), is_main=True
        ).values_list("contract_id", "usage_id"):
            main.setdefault(contract_id, set()).add(usage_id)
        links["main_for"] = main
        return links

    def after_links(self, state, context):
        promote, demote = Q(), Q()
        taken = set()
        for row in state.rows:
            if row.errors or "main_for" not in row.m2m:
                continue
            old_ids, new_usages = row.m2m["main_for"]
            new_ids = {u.pk for u in new_usages}
            for usage_id in new_ids - old_ids:
                promote |= Q(contract_id=row.obj.pk, usage_id=usage_id)
                taken.add(usage_id)
            for usage_id in old_ids - new_ids:
                demote |= Q(contract_id=row.obj.pk, usage_id=usage_id)
        if demote:
            ContractCoverage.objects.filter(demote).update(is_main=False)
        if promote:
            # A usage has one main contract: the one the file names takes over.
            ContractCoverage.objects.filter(usage_id__in=taken, is_main=True).update(
                is_main=False
            )
            ContractCoverage.objects.filter(promote).update(is_main=True)


class CostLineSpec(EntitySpec):
    key = "cost_lines"
    label = gettext_lazy("Omkostninger")
    model = CostLine
    sheet_names = ("Omkostningslinjer", "Cost lines", "Costs", "Udgifter", "Økonomi")
    duplicate_label = gettext_lazy("samme kontrakt, år, art og enhed")
    columns = (
        Column("contract", "Kontrakt", ("Kontraktnavn", "Contract"), kind=REF, ref="contracts",
               required=True),
        Column("year", "År", ("Year", "Budgetår", "Regnskabsår"), kind=INT, required=True),
        Column("kind", "Art", ("Type", "Kind", "Omkostningsart"), kind=CHOICE,
               choices=choices.CostKind),
        Column("unit", "Enhed", ("Betalende enhed", "Unit"), kind=REF, ref="units"),
        Column("amount", "Beløb (kr.)", ("Beløb", "Amount", "Kr."), kind=DECIMAL,
               required_on_create=True),
        Column("note", "Bemærkning", ("Note", "Kommentar")),
        Column("accounting_entry", "Kontering", ("Konto", "Kontostreng", "Accounting entry")),
        Column("audit_status", "Revisionsstatus", ("Revision", "Audit status"), kind=CHOICE,
               choices=choices.AuditStatus),
        Column("audited_on", "Revideret", ("Revisionsdato", "Audit date", "Audited on"),
               kind=DATE),
    )
    key_columns = ("contract", "unit", "year", "kind")

    def existing(self, organisation):
        return CostLine.objects.filter(contract__organisation=organisation).select_related(
            "contract", "unit"
        )

    def new(self, organisation):
        return new_instance(CostLine)

    def owning_organisation_id(self, obj):
        # The contract may be new in the same file (no id yet): its organisation counts.
        if obj.contract_id is None and not CostLine.contract.is_cached(obj):
            return None
        return obj.contract.organisation_id

    def adjust(self, values, context):
        if "kind" in values and not values["kind"]:
            values["kind"] = choices.CostKind.OPERATION
        elif "kind" not in values:
            values["kind"] = choices.CostKind.OPERATION
        return []


class DeadlineDecisionSpec(EntitySpec):
    """One row per contract × deadline: what was decided. An empty Frist means the
    contract's current deadline; a row for a deadline already decided updates the
    decision. Who decided and when are set by the import (the importing user, now) and
    only written by export."""

    key = "deadline_decisions"
    label = gettext_lazy("Beslutninger om frister")
    model = DeadlineDecision
    sheet_names = ("Beslutninger", "Deadline decisions", "Decisions")
    duplicate_label = gettext_lazy("samme kontrakt og frist")
    columns = (
        Column("contract", "Kontrakt", ("Kontraktnavn", "Contract"), kind=REF, ref="contracts",
               required=True),
        Column("deadline", "Frist", ("Deadline", "Dato for frist"), kind=DATE,
               help=gettext_lazy("Tom: kontraktens aktuelle frist.")),
        Column("kind", "Beslutning", ("Decision", "Kind"), kind=CHOICE,
               choices=choices.DecisionKind, required_on_create=True),
        Column("note", "Begrundelse", ("Note", "Bemærkning", "Kommentar")),
        Column("decided_by", "Besluttet af", ("Decided by",), field=None),
        Column("decided_at", "Besluttet", ("Decided at",), field=None),
    )
    key_columns = ("contract", "deadline")

    def existing(self, organisation):
        return DeadlineDecision.objects.filter(organisation=organisation).select_related(
            "contract", "decided_by"
        )

    def adjust(self, values, context):
        contract = values.get("contract")
        if contract is None:
            return []
        current = contract.current_deadline
        if values.get("deadline") is None:
            if current is None:
                return [("deadline", _("Kontrakten har ingen frist, der skal besluttes om."))]
            values["deadline"] = current
        if values["deadline"] != current and (
            contract.pk,
            values["deadline"],
        ) not in self._decided(context):
            # The same rule as contracts.services.deadline_decision_record.
            return [("deadline", _("Beslutningen skal gælde kontraktens aktuelle frist "
                                   "(%(date)s).") % {
                "date": current.strftime("%d-%m-%Y") if current else "-"})]
        return []

    def _decided(self, context) -> set:
        if "decided_deadlines" not in context.cache:
            context.cache["decided_deadlines"] = set(
                DeadlineDecision.objects.filter(organisation=context.organisation)
                .values_list("contract_id", "deadline")
            )
        return context.cache["decided_deadlines"]

    def prepare(self, obj, row, context):
        # Who and when: the importing user, now (the system for platform imports).
        actor = context.actor
        obj.decided_by = actor if getattr(actor, "pk", None) is not None else None
        obj.decided_at = timezone.now()

    def extra_update_fields(self):
        return {"decided_by", "decided_at"}

    def export_cell(self, column, context, links, queryset):
        if column.key == "decided_by":
            # The deciders of the exported rows, named in one query.
            users = get_user_model().objects.filter(
                pk__in=queryset.order_by().values("decided_by_id"))
            names = {user.pk: str(user) for user in users}
            return ExportCell(("decided_by_id",),
                              lambda row: names.get(row["decided_by_id"], ""))
        if column.key == "decided_at":
            return ExportCell(("decided_at",), lambda row: timezone.localtime(
                row["decided_at"]).strftime("%d-%m-%Y %H:%M") if row["decided_at"] else "")
        return super().export_cell(column, context, links, queryset)


CONTRACTS = ContractSpec()
COST_LINES = CostLineSpec()
DEADLINE_DECISIONS = DeadlineDecisionSpec()
