"""Spreadsheet import/export of data assets, processing activities (the article 30
record) and data processing agreements (see kitos/excel/spec.py)."""

from __future__ import annotations

from django.db.models import Max
from django.utils.translation import gettext_lazy

from kitos.excel.spec import (
    BOOL,
    CHOICE,
    DATE,
    EXTERNAL_REFERENCE,
    REF,
    REFS,
    URL,
    Column,
    EntitySpec,
    Reference,
)
from portfolio.choices import DataClassification

from . import choices
from .models import (
    DataAsset,
    DataCategory,
    DataProcessingAgreement,
    OversightRecord,
    ProcessingActivity,
)
from .services import next_oversight_date


class DataCategoryReference(Reference):
    key = "data_categories"
    model = DataCategory
    reference_label = gettext_lazy("Datakategorien")
    ambiguity_hint = gettext_lazy("flere datakategorier hedder det; brug koden.")

    def reference_texts(self, obj, lookup):
        return [obj.name, obj.code]

    def prefer(self, candidates):
        own = [c for c in candidates if c.organisation_id is not None]
        return own[0] if len(own) == 1 else None


class DataAssetSpec(EntitySpec):
    key = "data_assets"
    label = gettext_lazy("Dataaktiver")
    model = DataAsset
    sheet_names = ("Data assets", "Data", "Datasæt", "Dataaktiv")
    reference_label = gettext_lazy("Dataaktivet")
    columns = (
        Column("name", "Navn", ("Dataaktiv", "Name", "Data asset"), required=True),
        Column("description", "Beskrivelse", ("Description",)),
        Column("owning_unit", "Dataejende enhed", ("Dataejer", "Ejende enhed", "Owning unit",
                                                   "Data owner"), kind=REF, ref="units"),
        Column("classification", "Klassifikation", ("Dataklassifikation", "Classification"),
               kind=CHOICE, choices=DataClassification),
        Column("retention", "Opbevaringsperiode", ("Opbevaring", "Retention")),
        Column("categories", "Datakategorier", ("Kategorier", "Data categories"), kind=REFS,
               ref="data_categories"),
        Column("usages", "Systemer", ("It-systemer", "Systems"), kind=REFS, ref="usages"),
        EXTERNAL_REFERENCE,
    )

    def existing(self, organisation):
        return DataAsset.objects.filter(organisation=organisation).select_related("owning_unit")


class ProcessingActivitySpec(EntitySpec):
    key = "processing_activities"
    label = gettext_lazy("Behandlingsaktiviteter")
    model = ProcessingActivity
    sheet_names = ("Fortegnelse", "Processing activities", "Behandlinger",
                   "Artikel 30-fortegnelse", "Record of processing")
    reference_label = gettext_lazy("Behandlingsaktiviteten")
    ambiguity_hint = gettext_lazy("flere behandlingsaktiviteter hedder det.")
    columns = (
        Column("name", "Navn", ("Behandlingsaktivitet", "Behandling", "Name",
                                "Processing activity"), required=True),
        Column("standard_number", "KL-nummer", ("Standardnummer", "Nummer", "Standard number")),
        Column("purpose", "Formål", ("Purpose", "Formålet med behandlingen")),
        Column("legal_basis_art6", "Retsgrundlag (art. 6)", ("Artikel 6", "Art. 6",
                                                             "Legal basis art 6"),
               kind=CHOICE, choices=choices.LegalBasisArt6),
        Column("legal_basis_art9", "Retsgrundlag (art. 9)", ("Artikel 9", "Art. 9",
                                                             "Legal basis art 9"),
               kind=CHOICE, choices=choices.LegalBasisArt9),
        Column("legal_basis_text", "Hjemmel (lovgivning)", ("Hjemmel", "Lovgrundlag",
                                                            "Legal basis")),
        Column("data_subjects", "Kategorier af registrerede", ("Registrerede",
                                                               "Data subjects")),
        Column("data_categories", "Kategorier af personoplysninger", (
            "Datakategorier", "Personoplysninger", "Data categories"), kind=REFS,
            ref="data_categories"),
        Column("recipients", "Modtagere", ("Recipients", "Kategorier af modtagere")),
        Column("third_country_transfer", "Overførsel til tredjeland", (
            "Tredjelandsoverførsel", "Third country transfer"), kind=BOOL),
        Column("transfer_countries", "Tredjelande", ("Third countries",)),
        Column("transfer_basis", "Overførselsgrundlag", ("Transfer basis",), kind=CHOICE,
               choices=choices.TransferBasis),
        Column("retention", "Opbevaring og sletning", ("Sletning", "Slettefrister",
                                                       "Retention")),
        Column("security_measures", "Sikkerhedsforanstaltninger", ("Security measures",)),
        Column("usages", "Anvendte systemer", ("Systemer", "It-systemer", "Systems"),
               kind=REFS, ref="usages"),
        Column("data_assets", "Dataaktiver", ("Data assets",), kind=REFS, ref="data_assets"),
        Column("responsible_unit", "Ansvarlig enhed", ("Responsible unit", "Enhed"), kind=REF,
               ref="units"),
        Column("dpia_needed", "Konsekvensanalyse nødvendig", ("DPIA nødvendig", "DPIA needed"),
               kind=CHOICE, choices=choices.DpiaNeed),
        Column("dpia_done", "Konsekvensanalyse udført", ("DPIA udført", "DPIA done"),
               kind=BOOL),
        Column("dpia_date", "Konsekvensanalyse dato", ("DPIA dato", "DPIA date"), kind=DATE),
        Column("risk_level", "Risikoniveau", ("Risiko", "Risk level"), kind=CHOICE,
               choices=choices.RiskLevel),
        Column("kle_numbers", "KLE-numre", ("KLE", "KLE numbers"), kind=REFS, ref="kle"),
        EXTERNAL_REFERENCE,
    )

    def existing(self, organisation):
        return self.model.objects.filter(organisation=organisation).select_related(
            "responsible_unit"
        )

    def reference_texts(self, obj, lookup):
        return [obj.name, obj.standard_number] if obj.standard_number else [obj.name]


class AgreementSpec(EntitySpec):
    key = "agreements"
    label = gettext_lazy("Databehandleraftaler")
    model = DataProcessingAgreement
    sheet_names = ("Data processing agreements", "DPA", "Databehandleraftale", "Aftaler om "
                   "databehandling")
    reference_label = gettext_lazy("Databehandleraftalen")
    columns = (
        Column("name", "Navn", ("Aftale", "Name", "Agreement"), required=True),
        Column("processor", "Databehandler", ("Leverandør", "Processor", "Supplier"), kind=REF,
               ref="suppliers", required_on_create=True),
        Column("contract", "Kontrakt", ("Contract",), kind=REF, ref="contracts"),
        Column("usages", "Systemer", ("Systemanvendelser", "Systems"), kind=REFS,
               ref="usages"),
        Column("concluded_on", "Indgået", ("Indgået dato", "Concluded"), kind=DATE),
        Column("ended_on", "Ophørt", ("Ophørsdato", "Ended"), kind=DATE),
        Column("third_country_transfer", "Overførsel til tredjeland", (
            "Tredjelandsoverførsel", "Third country transfer"), kind=BOOL),
        Column("transfer_basis", "Overførselsgrundlag", ("Transfer basis",), kind=CHOICE,
               choices=choices.TransferBasis),
        Column("oversight_method", "Tilsynsmetode", ("Oversight method",), kind=CHOICE,
               choices=choices.OversightMethod),
        Column("oversight_interval", "Tilsynsinterval", ("Oversight interval",), kind=CHOICE,
               choices=choices.OversightInterval),
        Column("document_url", "Link til aftalen", ("Link", "Document", "Dokument"), kind=URL),
        Column("notes", "Noter", ("Bemærkninger", "Notes")),
        EXTERNAL_REFERENCE,
    )

    def existing(self, organisation):
        return DataProcessingAgreement.objects.filter(organisation=organisation).select_related(
            "processor", "contract"
        )

    def prepare(self, obj, row, context):
        """The services' rule: the next oversight is one interval after the last record
        (or after conclusion when there is none)."""
        if not (row.created or {"oversight_interval", "concluded_on"} & set(row.changes)):
            return
        if "last_oversight" not in context.cache:
            context.cache["last_oversight"] = dict(
                OversightRecord.objects.filter(agreement__organisation=context.organisation)
                .values("agreement_id")
                .annotate(last=Max("date"))
                .values_list("agreement_id", "last")
            )
        last = context.cache["last_oversight"].get(obj.pk) if obj.pk else None
        obj.next_oversight_date = next_oversight_date(obj, last)

    def extra_update_fields(self):
        return {"next_oversight_date"}


DATA_CATEGORIES = DataCategoryReference()
DATA_ASSETS = DataAssetSpec()
PROCESSING_ACTIVITIES = ProcessingActivitySpec()
AGREEMENTS = AgreementSpec()
