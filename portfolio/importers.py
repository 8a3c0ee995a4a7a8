"""Spreadsheet import/export of catalog systems, system usages and integrations (see
kitos/excel/spec.py)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils.translation import gettext, gettext_lazy

from kitos.excel.spec import (
    BOOL,
    CHOICE,
    CVR,
    DATE,
    EXTERNAL_REFERENCE,
    INT,
    REF,
    REFS,
    URL,
    CatalogSpec,
    Column,
    EntitySpec,
    ExportCell,
    Reference,
    key_part,
)
from kitos.models import Option
from kitos.options import reference_key

from . import choices
from .forms import DATA_ROW_SEPARATOR
from .kle import kle_numbers, with_effective_kle
from .models import (
    Integration,
    Interface,
    InterfaceDataRow,
    ItSystem,
    KleNumber,
    Supplier,
    SystemUsage,
)


class SupplierSpec(CatalogSpec):
    key = "suppliers"
    label = gettext_lazy("Leverandører")
    model = Supplier
    sheet_names = ("Suppliers", "Vendors", "Leverandør")
    reference_label = gettext_lazy("Leverandøren")
    ambiguity_hint = gettext_lazy("flere leverandører hedder det; brug CVR-nummeret.")
    duplicate_label = gettext_lazy("samme leverandør (CVR-nummer eller navn)")
    columns = (
        Column("name", "Navn", ("Leverandørnavn", "Leverandør", "Firmanavn", "Name",
                                "Supplier", "Supplier name"), required_on_create=True),
        Column("cvr", "CVR-nummer", ("CVR", "CVR nr", "CVR-nr", "CVR number"), kind=CVR),
        Column("country", "Land", ("Country", "Landekode")),
        Column("website", "Hjemmeside", ("Website", "URL", "Web"), kind=URL),
        EXTERNAL_REFERENCE,
    )

    def reference_texts(self, obj, lookup):
        return [obj.name, obj.cvr] if obj.cvr else [obj.name]

    def row_keys(self, values):
        keys = []
        if values.get("cvr"):
            keys.append(("cvr", values["cvr"]))
        if values.get("name"):
            keys.append(("name", key_part(values["name"])))
        return keys

    def object_keys(self, obj):
        keys = [("name", key_part(obj.name))]
        if obj.cvr:
            keys.insert(0, ("cvr", obj.cvr))
        return keys

    def adjust(self, values, context):
        if values.get("country"):
            values["country"] = values["country"].upper()
        return []


class KleReference(Reference):
    key = "kle"
    model = KleNumber
    reference_label = gettext_lazy("KLE-nummeret")

    def lookup_queryset(self, organisation):
        return KleNumber.objects.all()

    def reference_texts(self, obj, lookup):
        return [obj.number]


class SystemSpec(CatalogSpec):
    key = "systems"
    label = gettext_lazy("It-systemer")
    model = ItSystem
    sheet_names = ("Systemer", "Systems", "IT systems", "IT-systemer", "Systemkatalog",
                   "Katalog", "IT System")
    reference_label = gettext_lazy("Systemet")
    ambiguity_hint = gettext_lazy("flere systemer hedder det.")
    # A usage never creates its catalog entry by itself: a misspelt name would quietly
    # become a new local system. New systems come from an "It-systemer" sheet (admins).
    missing_hint = gettext_lazy(
        "Skriv navnet som i systemkataloget, eller opret systemet på et ark »It-systemer« "
        "i samme fil (kræver administratorrettigheder)."
    )
    columns = (
        Column("name", "Navn", ("Systemnavn", "System", "It-system", "IT System Navn", "Name",
                                "System name"), required=True),
        Column("previous_names", "Tidligere navn(e)", ("Tidligere navne", "Tidligere navn",
                                                       "Previous names", "Previous name",
                                                       "Former name")),
        Column("description", "Beskrivelse", ("Description",)),
        Column("rights_holder", "Leverandør", ("Rettighedshaver", "Supplier", "Vendor",
                                               "Rights holder"), kind=REF, ref="suppliers"),
        Column("business_type", "Forretningstype", ("Business type", "Kategori"), kind=CHOICE,
               choices=choices.BusinessType),
        Column("kle_numbers", "KLE-numre", ("KLE", "KLE-nummer", "KLE numbers"), kind=REFS,
               ref="kle"),
        Column("url", "Hjemmeside", ("URL", "Website", "Link"), kind=URL),
        Column("licence_model", "Licensmodel", ("Licence model", "License model", "Licens"),
               kind=CHOICE, choices=choices.LicenceModel),
        EXTERNAL_REFERENCE,
        Column("archive_duty_recommendation", "Anbefalet arkiveringspligt", (
            "Rigsarkivets vejledning til arkivering", "Arkiveringspligt (anbefaling)",
            "Recommended archive duty"), kind=CHOICE, choices=choices.ArchiveDutyRecommendation),
        Column("archive_duty_recommendation_comment", "Kommentar til anbefalet arkiveringspligt",
               ("Kommentar til arkiveringspligt", "Archive duty comment")),
    )

    def existing(self, organisation):
        return super().existing(organisation).select_related("rights_holder", "parent")


class UsageSpec(EntitySpec):
    key = "usages"
    label = gettext_lazy("Systemanvendelser")
    model = SystemUsage
    sheet_names = ("Anvendelser", "System usages", "Usages", "Systemoversigt", "It-overblik",
                   "IT System anvendelse", "Systemanvendelse")
    reference_label = gettext_lazy("Systemanvendelsen")
    ambiguity_hint = gettext_lazy("flere anvendte systemer hedder det.")
    duplicate_label = gettext_lazy("samme system")
    columns = (
        Column("system", "System", ("It-system", "IT-system", "Systemnavn", "System name",
                                    "IT System"), kind=REF, ref="systems", required=True),
        Column("local_name", "Lokalt navn", ("Local name", "Lokal betegnelse")),
        Column("local_id", "Lokalt id", ("Local id", "Lokal id")),
        Column("version", "Version", ()),
        Column("responsible_unit", "Ansvarlig enhed", ("Ansvarlig organisationsenhed",
                                                       "Responsible unit", "Ejer-enhed"),
               kind=REF, ref="units"),
        Column("using_units", "Anvendende enheder", ("Brugende enheder", "Using units",
                                                     "Anvendes af"), kind=REFS, ref="units"),
        Column("lifecycle", "Livscyklus", ("Status", "Lifecycle", "Livscyklusstatus"),
               kind=CHOICE, choices=choices.Lifecycle),
        Column("go_live_date", "Ibrugtagningsdato", ("Ibrugtaget", "Go-live", "Go live date"),
               kind=DATE),
        Column("retirement_date", "Udfasningsdato", ("Udfaset", "Retirement date"), kind=DATE),
        Column("criticality", "Forretningskritikalitet", ("Kritikalitet", "Criticality"),
               kind=CHOICE, choices=choices.Criticality),
        Column("socially_critical", "Samfundskritisk", (
            "Samfundskritisk IT-system", "Er systemet samfundskritisk", "Socially critical"),
            kind=CHOICE, choices=choices.YesNoUnknown),
        Column("data_classification", "Dataklassifikation", ("Data classification",
                                                             "Klassifikation"),
               kind=CHOICE, choices=choices.DataClassification),
        Column("hosting", "Hosting", ("Driftsform",), kind=CHOICE, choices=choices.Hosting),
        Column("user_count", "Antal brugere", ("Brugere", "Forventet antal brugere",
                                               "User count", "Users"), kind=CHOICE,
               choices=choices.UserCount),
        Column("contains_ai", "Indeholder AI", ("AI", "Contains AI"), kind=CHOICE,
               choices=choices.YesNoUnknown),
        Column("web_accessibility", "Webtilgængelighed", (
            "Overholder webtilgængelighedskrav", "Lever op til webtilgængelighed",
            "Web accessibility"), kind=CHOICE, choices=choices.YesNoPartially),
        Column("web_accessibility_checked_on", "Seneste tjek af webtilgængelighed", (
            "Seneste webtilgængelighedstjek", "Dato for seneste webtilgængelighedstjek",
            "Last web accessibility check"), kind=DATE),
        Column("web_accessibility_notes", "Noter om webtilgængelighed", (
            "Webtilgængelighed bemærkninger", "Web accessibility notes")),
        # Archiving (OS2KITOS "Arkivering").
        Column("archive_duty", "Arkiveringspligt", ("Arkivpligt", "Archive duty"), kind=CHOICE,
               choices=choices.ArchiveDuty),
        Column("archive_type", "Arkivtype", ("Archive type",), kind=REF,
               ref=reference_key("archive_type")),
        Column("archive_location", "Arkiveringssted", ("Arkivsted", "Archive location"),
               kind=REF, ref=reference_key("archive_location")),
        Column("archive_test_location", "Arkiveringsteststed", ("Arkivteststed",
                                                                 "Archive test location"),
               kind=REF, ref=reference_key("archive_test_location")),
        Column("archive_supplier", "Arkiveringsleverandør", ("Arkivleverandør",
                                                              "Archive supplier"),
               kind=REF, ref="suppliers"),
        Column("archive_active", "Er der arkiveret fra systemet", (
            "Er der arkiveret", "Arkiveret", "Archiving active"), kind=BOOL),
        Column("archive_frequency_years", "Arkiveringsfrekvens (antal år)", (
            "Arkiveringsfrekvens", "Archive frequency"), kind=INT),
        Column("document_bearing", "Dokumentbærende", ("Er dokumentbærende",
                                                        "Document bearing"), kind=BOOL),
        Column("archive_notes", "Arkiveringsbemærkninger", ("Arkiveringsbemærkning",
                                                             "Archive notes")),
        # One period per line, "arkiv-id; startdato; slutdato; godkendt"; written through
        # the service (portfolio.services.journal_periods_replace), see after_write.
        Column("journal_periods", "Journalperioder", ("Journalperiode", "Journal periods"),
               field=None),
        # GDPR registration (OS2KITOS "GDPR"); the headers of OS2KITOS's GDPR export.
        Column("purpose", "Systemets overordnede formål", ("Formål", "Purpose")),
        Column("no_personal_data", "Ingen personoplysninger", ("No personal data",),
               kind=BOOL),
        Column("ordinary_personal_data", "Almindelige personoplysninger", (
            "Personoplysninger", "Personal data"), kind=BOOL),
        Column("cpr_numbers", "CPR-numre", ("CPR-nummer", "CPR", "CPR numbers"), kind=BOOL),
        Column("social_problems", "Væsentlige sociale problemer", (
            "Sociale problemer", "Social problems"), kind=BOOL),
        Column("other_private_matters", "Andre rent private forhold", (
            "Andre private forhold", "Other private matters"), kind=BOOL),
        Column("sensitive_personal_data", "Følsomme personoplysninger", (
            "Følsomme data", "Sensitive personal data"), kind=BOOL),
        Column("sensitive_data_types", "Typer af følsomme personoplysninger", (
            "Valgte følsomme personoplysninger", "Sensitive data types"),
            kind=REFS, ref=reference_key("sensitive_personal_data_type")),
        Column("criminal_offence_data", "Straffedomme og lovovertrædelser", (
            "Juridiske oplysninger", "Criminal offence data"), kind=BOOL),
        Column("technical_precautions", "Passende tekniske foranstaltninger", (
            "Implementeret passende tekniske foranstaltninger", "Technical precautions"),
            kind=CHOICE, choices=choices.YesNoUnknown),
        Column("precaution_encryption", "Kryptering", ("Encryption",), kind=BOOL),
        Column("precaution_pseudonymisation", "Pseudonymisering", (
            "Pseudonomisering", "Pseudonymisation"), kind=BOOL),
        Column("precaution_access_control", "Adgangsstyring", ("Access control",), kind=BOOL),
        Column("precaution_logging", "Logning", ("Logging",), kind=BOOL),
        Column("technical_precautions_url", "Link til dokumentation af tekniske foranstaltninger",
               ("Tekniske foranstaltninger link",), kind=URL),
        Column("user_supervision", "Logning af brugerkontrol", (
            "Brugerkontrol", "User supervision"), kind=CHOICE, choices=choices.YesNoUnknown),
        Column("user_supervision_on", "Dato for seneste brugerkontrol", (
            "Seneste brugerkontrol", "User supervision date"), kind=DATE),
        Column("user_supervision_url", "Link til dokumentation af brugerkontrol", (
            "Brugerkontrol link",), kind=URL),
        Column("risk_assessment", "Foretaget risikovurdering", (
            "Risikovurdering", "Risk assessment"), kind=CHOICE, choices=choices.YesNoUnknown),
        Column("risk_assessment_on", "Dato for seneste risikovurdering", (
            "Seneste risikovurdering", "Risk assessment date"), kind=DATE),
        Column("risk_assessment_result", "Resultat af seneste risikovurdering", (
            "Hvad viste den seneste risikovurdering", "Risikoniveau", "Risk level"),
            kind=CHOICE, choices=choices.RiskLevel),
        Column("risk_assessment_url", "Link til risikovurdering", (
            "Risikovurdering link",), kind=URL),
        Column("risk_assessment_notes", "Bemærkninger til risikovurdering", (
            "Risikovurdering bemærkninger", "Risk assessment notes")),
        Column("risk_assessment_planned_on", "Dato for planlagt risikovurdering", (
            "Planlagt risikovurdering", "Planned risk assessment"), kind=DATE),
        Column("dpia", "Gennemført DPIA / konsekvensanalyse", (
            "DPIA", "Konsekvensanalyse", "Gennemført DPIA"), kind=CHOICE,
            choices=choices.YesNoUnknown),
        Column("dpia_on", "Dato for seneste DPIA", ("DPIA dato", "DPIA date"), kind=DATE),
        Column("dpia_url", "Link til DPIA", ("DPIA link",), kind=URL),
        Column("retention_period", "Bevaringsfrist på data før sletning", (
            "Er der bevaringsfrist på data inden de må slettes", "Bevaringsfrist",
            "Retention period"), kind=CHOICE, choices=choices.YesNoUnknown),
        Column("retention_next_evaluation_on", "Næste dato for sletning", (
            "Dato for hvornår der må foretages sletning", "Next retention evaluation"),
            kind=DATE),
        Column("retention_evaluation_months", "Antal måneder mellem sletningsdatoerne", (
            "Måneder mellem sletning", "Retention evaluation months"), kind=INT),
        # Local KLE deviations (OS2KITOS "Lokale KLE") and what they give.
        Column("kle_added", "Lokalt tilknyttede KLE-numre", (
            "Lokale tilknyttede opgaver", "Tilføjede KLE", "KLE added"), kind=REFS, ref="kle"),
        Column("kle_removed", "Fravalgte KLE-numre", (
            "Fravalgte opgaver", "Fravalgte KLE", "KLE removed"), kind=REFS, ref="kle"),
        Column("kle_effective", "Gældende KLE-numre", ("Effective KLE",), field=None),
        Column("time_assessment", "TIME-vurdering", ("TIME", "TIME assessment"), kind=CHOICE,
               choices=choices.TimeAssessment),
        Column("time_reason", "Begrundelse for TIME-vurdering", ("TIME-begrundelse",
                                                                  "TIME reason")),
        Column("notes", "Noter", ("Bemærkninger", "Bemærkning", "Notes", "Note")),
        Column("reference_url", "Link til dokumentation", ("Dokumentation", "Reference URL",
                                                           "Documentation"), kind=URL),
        EXTERNAL_REFERENCE,
    )
    key_columns = ("system",)

    def existing(self, organisation):
        return SystemUsage.objects.filter(organisation=organisation).select_related(
            "system", "responsible_unit"
        )

    def prepare(self, obj, row, context):
        """The rules of the usage's links the services keep (portfolio.services
        .link_errors), on what the row changes: the catalog KLE of each system read once
        per import."""
        from .services import link_errors

        changed = {name: new for name, (_old, new) in row.m2m.items()}
        sensitive = row.changes.get("sensitive_personal_data")
        system_changed = "system" in row.changes
        if not (changed.keys() & {"sensitive_data_types", "kle_added", "kle_removed"}
                or sensitive or system_changed):
            return
        system = obj.system
        known = context.cache.setdefault("system_kle", {})
        if system.pk is None:
            # A system created by this same file has no catalog KLE saved yet.
            inherited = set()
        else:
            if system.pk not in known:
                known[system.pk] = set(system.kle_numbers.values_list("pk", flat=True))
            inherited = known[system.pk]
        errors = link_errors(
            obj, system=system, sensitive_data=obj.sensitive_personal_data,
            was_sensitive=bool(sensitive and sensitive[0]), m2m=changed,
            system_changed=system_changed and not row.created,
            inherited=inherited,
        )
        row.errors.extend((name, message) for name, message in errors.items())

    def adjust(self, values, context):
        """The "Journalperioder" cell as a list of period dicts, or the errors of its
        lines (each period's own rules: the service checks them again)."""
        if "journal_periods" not in values:
            return []
        periods, errors = parse_journal_periods(values["journal_periods"])
        values["journal_periods"] = periods
        return [("journal_periods", message) for message in errors]

    def _stored_periods(self, context) -> dict:
        """usage id -> its stored periods (dicts), read once per import."""
        stored = context.cache.get("journal_periods")
        if stored is None:
            from .models import UsageJournalPeriod
            from .services import JOURNAL_PERIOD_FIELDS

            stored = defaultdict(list)
            for period in UsageJournalPeriod.objects.filter(
                usage__organisation=context.organisation
            ).order_by("usage", "start_date", "pk").values("usage_id", *JOURNAL_PERIOD_FIELDS):
                stored[period.pop("usage_id")].append(period)
            context.cache["journal_periods"] = stored
        return stored

    def after_row(self, row, context):
        """A "Journalperioder" cell that differs from what is stored shows in the preview
        as a change of the row (written in after_write)."""
        super().after_row(row, context)
        wanted = row.values.get("journal_periods")
        if wanted is None:
            return
        current = self._stored_periods(context).get(row.obj.pk, []) if row.obj.pk else []
        if _period_set(wanted) != _period_set(current):
            row.extra.append(("journal_periods",
                              "\n".join(journal_period_line(_Period(p)) for p in current),
                              "\n".join(journal_period_line(_Period(p)) for p in wanted)))

    def after_write(self, state, context):
        """The periods of the rows whose cell differs from what is stored, through the
        service (audited per period); an unchanged cell writes nothing."""
        from .models import UsageJournalPeriod
        from .services import JOURNAL_PERIOD_FIELDS, journal_periods_replace

        super().after_write(state, context)
        rows = [row for row in state.rows
                if not row.errors and row.obj is not None and row.obj.pk
                and row.values.get("journal_periods") is not None]
        if not rows:
            return
        stored = defaultdict(list)
        for period in UsageJournalPeriod.objects.filter(
            usage__in=[row.obj.pk for row in rows]
        ).order_by("usage", "start_date", "pk").values("usage_id", *JOURNAL_PERIOD_FIELDS):
            stored[period.pop("usage_id")].append(period)
        for row in rows:
            wanted = row.values["journal_periods"]
            if _period_set(wanted) != _period_set(stored.get(row.obj.pk, [])):
                journal_periods_replace(actor=context.actor, usage=row.obj, periods=wanted)

    def export_cell(self, column, context, links, queryset):
        if column.key == "journal_periods":
            from .models import UsageJournalPeriod

            lines = defaultdict(list)
            for period in UsageJournalPeriod.objects.filter(
                usage__in=queryset.order_by().values("pk")
            ).order_by("usage", "start_date", "pk"):
                lines[period.usage_id].append(journal_period_line(period))
            return ExportCell(("pk",), lambda row: "\n".join(lines.get(row["pk"], ())))
        if column.key == "kle_effective":
            # Written for the reader; an import ignores it (the deviations are the input).
            numbers = dict(with_effective_kle(queryset.order_by()).values_list(
                "pk", "effective_kle_numbers"))
            return ExportCell(("pk",), lambda row: "; ".join(kle_numbers(numbers.get(row["pk"]))))
        return super().export_cell(column, context, links, queryset)

    def reference_texts(self, obj, lookup):
        texts = [obj.system.name]
        if obj.local_name and obj.local_name != obj.system.name:
            texts.append(obj.local_name)
        return texts


class _Period:
    """A period given as a dict, read like the model by journal_period_line."""

    def __init__(self, values: dict):
        self.archive_id = values["archive_id"]
        self.start_date, self.end_date = values["start_date"], values["end_date"]
        self.approved = bool(values.get("approved"))


def _period_set(periods) -> set:
    return {(p["archive_id"], p["start_date"], p["end_date"], bool(p.get("approved")))
            for p in periods}


def journal_period_line(period) -> str:
    """A period as the sheet shows it: "AVID.SA.18002; 01-01-2015; 31-12-2019; Ja"."""
    approved = gettext("Ja") if period.approved else gettext("Nej")
    return (f"{period.archive_id}; {period.start_date:%d-%m-%Y}; "
            f"{period.end_date:%d-%m-%Y}; {approved}")


_YES = {"ja", "j", "yes", "y", "true", "1", "x", "sand"}
_NO = {"nej", "n", "no", "false", "0", "falsk", ""}


def _period_date(text: str):
    for pattern in ("%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_journal_periods(cell) -> tuple[list[dict], list[str]]:
    """The periods of a "Journalperioder" cell, one per line: "arkiv-id; startdato;
    slutdato; godkendt (Ja/Nej)", dates as dd-mm-yyyy or yyyy-mm-dd; and the errors."""
    periods, errors, seen = [], [], set()
    max_length = 100
    for number, line in enumerate(str(cell or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) not in (3, 4):
            errors.append(gettext(
                "Linje %(number)s: skriv »arkiv-id; startdato; slutdato; godkendt (Ja/Nej)«."
            ) % {"number": number})
            continue
        archive_id, start_text, end_text = parts[:3]
        approved_text = parts[3].casefold() if len(parts) == 4 else ""
        start, end = _period_date(start_text), _period_date(end_text)
        line_errors = []
        if not archive_id:
            line_errors.append(gettext("Linje %(number)s: arkiv-id'et mangler."))
        elif len(archive_id) > max_length:
            line_errors.append(gettext("Linje %(number)s: arkiv-id'et er for langt."))
        elif archive_id in seen:
            line_errors.append(gettext("Linje %(number)s: arkiv-id'et står to gange."))
        if start is None or end is None:
            line_errors.append(gettext(
                "Linje %(number)s: datoerne skal skrives dd-mm-åååå (eller åååå-mm-dd)."))
        elif end < start:
            line_errors.append(gettext(
                "Linje %(number)s: slutdatoen må ikke ligge før startdatoen."))
        if approved_text not in _YES | _NO:
            line_errors.append(gettext("Linje %(number)s: godkendt skal være Ja eller Nej."))
        seen.add(archive_id)
        if line_errors:
            errors.extend(message % {"number": number} for message in line_errors)
            continue
        periods.append({"archive_id": archive_id, "start_date": start, "end_date": end,
                        "approved": approved_text in _YES})
    return periods, errors


class IntegrationSpec(EntitySpec):
    key = "integrations"
    label = gettext_lazy("Integrationer")
    model = Integration
    # "Snitflader" is the interface catalog's sheet (OS2KITOS's name for it).
    sheet_names = ("Integrations", "Integrationer", "Dataflows", "Relationer")
    reference_label = gettext_lazy("Integrationen")
    ambiguity_hint = gettext_lazy("flere integrationer hedder det.")
    duplicate_label = gettext_lazy("samme integration (navn, afsender og modtager)")
    columns = (
        Column("name", "Navn", ("Integrationsnavn", "Name", "Integration"), required=True),
        Column("source", "Afsender", ("Fra system", "Kilde", "Source", "From"), kind=REF,
               ref="usages", required=True),
        Column("target", "Modtager", ("Til system", "Target", "To"), kind=REF, ref="usages",
               required=True),
        Column("direction", "Retning", ("Direction",), kind=CHOICE,
               choices=choices.IntegrationDirection),
        Column("interface_type", "Snitfladetype", ("Interface type", "Teknologi"), kind=CHOICE,
               choices=choices.InterfaceType),
        Column("frequency", "Frekvens", ("Frequency", "Hyppighed"), kind=CHOICE,
               choices=choices.Frequency),
        Column("description", "Beskrivelse", ("Description",)),
        EXTERNAL_REFERENCE,
        Column("interface", "Snitflade (katalog)", ("Relationssnitflade", "Via snitflade",
                                                    "Interface"), kind=REF, ref="interfaces"),
    )
    key_columns = ("source", "target", "name")

    def existing(self, organisation):
        return Integration.objects.filter(organisation=organisation).select_related(
            "source", "target"
        )


KLE = KleReference()
SUPPLIERS = SupplierSpec()
SYSTEMS = SystemSpec()
USAGES = UsageSpec()
INTEGRATIONS = IntegrationSpec()


class InterfaceSpec(CatalogSpec):
    key = "interfaces"
    label = gettext_lazy("Snitflader")
    model = Interface
    sheet_names = ("Snitflader", "Interfaces", "Snitflade", "IT Snitflader", "Snitfladekatalog")
    reference_label = gettext_lazy("Snitfladen")
    ambiguity_hint = gettext_lazy("flere snitflader hedder det; skriv snitflade-id'et i stedet.")
    missing_hint = gettext_lazy(
        "Skriv navnet som i snitfladekataloget, eller opret snitfladen på et ark »Snitflader« "
        "i samme fil (kræver administratorrettigheder)."
    )
    duplicate_label = gettext_lazy("samme snitflade (navn og snitflade-id)")
    columns = (
        Column("name", "Navn", ("Snitflade", "Snitfladenavn", "Interface", "Name",
                                "Interface name"), required=True),
        Column("interface_id", "Snitflade-id", ("Snitflade ID", "SnitfladeID", "Interface ID",
                                                "InterfaceId")),
        Column("version", "Version", ()),
        Column("interface_type", "Snitfladetype", ("Grænseflade", "Grænsefladetype",
                                                   "Interface type", "Type"),
               kind=REF, ref=reference_key("interface_type")),
        Column("exposed_by", "Udstillet af", ("Udstillersystem", "Udstillende system",
                                              "Exposed by", "System"),
               kind=REF, ref="systems"),
        Column("url", "Link til beskrivelse", ("Link til yderligere beskrivelse", "URL",
                                               "Link"), kind=URL),
        Column("description", "Beskrivelse", ("Description",)),
        Column("notes", "Note", ("Noter", "Bemærkning", "Notes")),
        Column("is_deactivated", "Deaktiveret", ("Deactivated", "Inaktiv"), kind=BOOL),
        # One data row per line, "Data; Datatype" as on the interface form; written
        # through the service (portfolio.services.interface_update), see after_write.
        Column("data_rows", "Data", ("Datarækker", "Data rows", "Overførte data"),
               field=None),
    )

    def row_keys(self, values):
        if not values.get("name"):
            return []
        return [("name", key_part(values["name"]), key_part(values.get("interface_id") or ""))]

    def object_keys(self, obj):
        return [("name", key_part(obj.name), key_part(obj.interface_id))]

    def reference_texts(self, obj, lookup):
        return [obj.name, obj.interface_id] if obj.interface_id else [obj.name]

    def existing(self, organisation):
        return super().existing(organisation).select_related("exposed_by", "interface_type")

    # -- the data rows --------------------------------------------------------------------

    def _data_types(self, context) -> dict:
        """Name or code (casefolded) -> option: those offered to the organisation and
        those interfaces have already (they stay valid on the interface that has them)."""
        types = context.cache.get("interface_data_types")
        if types is None:
            from kitos import options

            used = InterfaceDataRow.objects.exclude(data_type=None).values_list(
                "data_type_id", flat=True).distinct()
            types = {}
            for option in options.offered("interface_data_type", context.organisation,
                                          keep=list(used)):
                types[option.name.casefold()] = option
                types[option.code.casefold()] = option
            context.cache["interface_data_types"] = types
        return types

    def adjust(self, values, context):
        """The "Data" cell as [(description, option or None)], or the errors of its
        lines."""
        if "data_rows" not in values:
            return []
        types = self._data_types(context)
        rows, errors = [], []
        for number, line in enumerate(str(values["data_rows"] or "").splitlines(), start=1):
            if not line.strip():
                continue
            description, _separator, type_text = line.partition(DATA_ROW_SEPARATOR)
            description, type_text = description.strip(), type_text.strip()
            data_type = None
            if type_text:
                data_type = types.get(type_text.casefold())
                if data_type is None:
                    errors.append(("data_rows", gettext(
                        "Linje %(number)s: datatypen »%(type)s« findes ikke i valglisten."
                    ) % {"number": number, "type": type_text}))
            if not description:
                errors.append(("data_rows", gettext("Linje %(number)s: skriv hvilke data.")
                               % {"number": number}))
            elif len(description) > InterfaceDataRow._meta.get_field("description").max_length:
                errors.append(("data_rows", gettext(
                    "Linje %(number)s: beskrivelsen er for lang.") % {"number": number}))
            rows.append((description, data_type))
        values["data_rows"] = rows
        return errors

    def _stored_rows(self, context) -> dict:
        """Interface pk -> [(description, data type id)], loaded once per import."""
        stored = context.cache.get("interface_data_rows")
        if stored is None:
            stored = defaultdict(list)
            for interface_id, description, type_id in InterfaceDataRow.objects.order_by(
                "interface", "pk"
            ).values_list("interface_id", "description", "data_type_id"):
                stored[interface_id].append((description, type_id))
            context.cache["interface_data_rows"] = stored
        return stored

    def after_row(self, row, context):
        """Rows whose "Data" differs from what is stored are written after the import's
        own writes (after_write); an unchanged cell writes nothing."""
        wanted = row.values.get("data_rows")
        if wanted is None:
            return
        current = self._stored_rows(context).get(row.obj.pk, []) if row.obj.pk else []
        if [(d, t.pk if t else None) for d, t in wanted] == current:
            return
        if not context.may_edit(row.obj, self):
            row.errors.append((None, self.permission_message()))
            return
        names = dict(Option.objects.filter(
            pk__in={type_id for _d, type_id in current if type_id}).values_list("pk", "name"))
        row.extra.append(("data_rows", "\n".join(
            f"{d}{DATA_ROW_SEPARATOR} {names[t]}" if t else d for d, t in current
        ), "\n".join(
            f"{d}{DATA_ROW_SEPARATOR} {t.name}" if t else d for d, t in wanted
        )))
        context.cache.setdefault("interface_data_rows_changed", []).append((row, wanted))

    def after_write(self, state, context):
        from .services import interface_update

        super().after_write(state, context)
        for row, wanted in context.cache.pop("interface_data_rows_changed", []):
            if not row.errors:
                interface_update(actor=context.actor, interface=row.obj, data_rows=wanted)

    def export_cell(self, column, context, links, queryset):
        if column.key == "data_rows":
            lines = defaultdict(list)
            for interface_id, description, type_name in InterfaceDataRow.objects.filter(
                interface__in=queryset.order_by().values("pk")
            ).order_by("interface", "pk").values_list(
                "interface_id", "description", "data_type__name"
            ):
                lines[interface_id].append(
                    f"{description}{DATA_ROW_SEPARATOR} {type_name}" if type_name
                    else description)
            return ExportCell(("pk",), lambda row: "\n".join(lines.get(row["pk"], ())))
        return super().export_cell(column, context, links, queryset)


INTERFACES = InterfaceSpec()
