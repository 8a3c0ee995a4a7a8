"""The record of processing activities (GDPR article 30): adopting KL's standard
activities into an organisation's register, and the register as the rows a DPO hands to
Datatilsynet (the printable page and the Excel export read the same rows)."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kitos.excel.writer import SheetData, build_workbook
from kitos.models import Organisation
from kitos.services import create_object, update_object
from kitos.tenancy import EDITOR, has_role
from portfolio.kle import StandardActivity, load_kle, read_kl_list
from portfolio.models import KleNumber, SystemUsage
from roles.models import RoleAssignment

from . import countries
from .chain import detail_url
from .models import DataProcessingAgreement, ProcessingActivity, SubProcessor

# ---------------------------------------------------------------------------------------
# KL's standard activities


@functools.cache
def _kl_list() -> tuple[dict[str, str], tuple[StandardActivity, ...]]:
    # The vendored file never changes while the process runs; read it once.
    nodes, activities = read_kl_list()
    return nodes, tuple(activities)


def standard_activities() -> tuple[StandardActivity, ...]:
    return _kl_list()[1]


def kle_title(number: str) -> str:
    return _kl_list()[0].get(number, "")


def main_groups_of(activity: StandardActivity) -> list[str]:
    """The KLE main groups an activity's numbers fall in, in order of first appearance."""
    return list(dict.fromkeys(number.split(".")[0] for number in activity.kle_numbers))


def standard_main_groups() -> list[tuple[str, str]]:
    """(number, title) of every KLE main group KL's list uses, by number."""
    numbers = {group for activity in standard_activities() for group in main_groups_of(activity)}
    return [(number, kle_title(number)) for number in sorted(numbers)]


@dataclass
class StandardEntry:
    """One of KL's standard activities as the adopt page shows it."""

    activity: StandardActivity
    main_groups: list[tuple[str, str]]
    adopted: ProcessingActivity | None

    @property
    def number(self) -> str:
        return self.activity.number

    @property
    def name(self) -> str:
        return self.activity.name


def standard_catalogue(organisation, *, q: str = "", main_group: str = "") -> list[StandardEntry]:
    """KL's standard activities with the organisation's record of each (if adopted),
    filtered by free text (number, name or KLE number) and KLE main group."""
    adopted = {
        activity.standard_number: activity
        for activity in ProcessingActivity.objects.in_organisation(organisation)
        .exclude(standard_number="")
        .only("uuid", "name", "standard_number", "organisation_id")
    }
    needle = q.strip().lower()
    entries = []
    for activity in standard_activities():
        groups = main_groups_of(activity)
        if main_group and main_group not in groups:
            continue
        if needle and not (
            needle == activity.number.lower()
            or needle in activity.name.lower()
            or any(number.startswith(needle) for number in activity.kle_numbers)
        ):
            continue
        entries.append(
            StandardEntry(
                activity=activity,
                main_groups=[(group, kle_title(group)) for group in groups],
                adopted=adopted.get(activity.number),
            )
        )
    return entries


@dataclass
class Adoption:
    """What adopting some standard activities did."""

    created: list[ProcessingActivity] = field(default_factory=list)
    already: list[ProcessingActivity] = field(default_factory=list)
    # An existing record with the standard's name but no KL number now carries the number.
    linked: list[ProcessingActivity] = field(default_factory=list)


def _kle_numbers(numbers: set[str]) -> dict[str, KleNumber]:
    found = {k.number: k for k in KleNumber.objects.filter(number__in=numbers)}
    if len(found) < len(numbers):
        # The taxonomy comes from the same file; load it if the operator has not yet
        # run load_reference_data (idempotent, creates only what is missing).
        load_kle()
        found = {k.number: k for k in KleNumber.objects.filter(number__in=numbers)}
    return found


@transaction.atomic
def adopt_standard_activities(
    *, actor, organisation: Organisation, numbers: Iterable[str]
) -> Adoption:
    """Add KL's standard activities with the given numbers to the organisation's register,
    with their name and KLE numbers, ready to be completed. Adopting an activity that is
    already in the register changes nothing, so running this twice is harmless."""
    if not has_role(actor, organisation.pk, at_least=EDITOR):
        raise PermissionDenied(_("Du har ikke rettigheder til at ændre dette objekt."))
    by_number = {activity.number: activity for activity in standard_activities()}
    wanted = list(dict.fromkeys(str(number).strip() for number in numbers))
    unknown = [number for number in wanted if number not in by_number]
    if unknown:
        raise ValidationError(
            _("Ukendt nummer i KL's liste: %(numbers)s") % {"numbers": ", ".join(unknown)}
        )
    if not wanted:
        raise ValidationError(_("Vælg mindst én behandlingsaktivitet."))
    # Two editors adopting at the same moment take turns, so neither hits the unique
    # constraint half-way through.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    existing = list(ProcessingActivity.objects.in_organisation(organisation))
    by_standard = {a.standard_number: a for a in existing if a.standard_number}
    by_name = {a.name.lower(): a for a in existing}
    kle = _kle_numbers({n for number in wanted for n in by_number[number].kle_numbers})
    result = Adoption()
    for number in wanted:
        standard = by_number[number]
        if number in by_standard:
            result.already.append(by_standard[number])
            continue
        same_name = by_name.get(standard.name.lower())
        if same_name is not None:
            if same_name.standard_number:
                raise ValidationError(
                    _("“%(name)s” findes allerede med KL-nummer %(number)s.")
                    % {"name": same_name.name, "number": same_name.standard_number}
                )
            result.linked.append(
                update_object(actor=actor, instance=same_name, data={"standard_number": number})
            )
            continue
        result.created.append(
            create_object(
                actor=actor,
                instance=ProcessingActivity(
                    organisation=organisation, name=standard.name[:300], standard_number=number
                ),
                m2m={"kle_numbers": [kle[n] for n in standard.kle_numbers if n in kle]},
            )
        )
    return result


# ---------------------------------------------------------------------------------------
# The register


@dataclass
class RegisterEntry:
    """One activity with everything article 30(1) asks for, as plain values."""

    activity: ProcessingActivity
    usages: list[SystemUsage]
    agreements: list[DataProcessingAgreement]
    holders: list[RoleAssignment]

    @property
    def url(self) -> str:
        return detail_url(self.activity)

    @property
    def third_countries_via_processors(self) -> list[str]:
        """Third countries the activity's systems' processors and sub-processors use."""
        codes = {
            code
            for agreement in self.agreements
            for code in [agreement.processor.country]
            + [sub.country for sub in agreement.sub_processors.all()]
            if countries.is_third_country(code)
        }
        return [countries.country_name(code) for code in sorted(codes)]

    @property
    def legal_basis(self) -> str:
        activity = self.activity
        parts = [
            activity.get_legal_basis_art6_display(),
            activity.get_legal_basis_art9_display(),
            activity.legal_basis_text,
        ]
        return "\n".join(part for part in parts if part)

    @property
    def transfers(self) -> str:
        activity = self.activity
        if not activity.third_country_transfer:
            return _("Nej")
        parts = [_("Ja")]
        if activity.transfer_countries:
            parts.append(activity.transfer_countries)
        parts.append(
            activity.get_transfer_basis_display() if activity.transfer_basis
            else _("intet grundlag angivet")
        )
        return " – ".join(parts)

    @property
    def dpia(self) -> str:
        activity = self.activity
        if activity.dpia_done:
            done = _("Udført")
            if activity.dpia_date:
                done += f" {activity.dpia_date:%d-%m-%Y}"
            return done
        return {
            "yes": _("Nødvendig, ikke udført"),
            "no": _("Ikke nødvendig"),
        }.get(activity.dpia_needed, _("Ikke vurderet"))

    @property
    def categories(self) -> str:
        return ", ".join(c.name for c in self.activity.data_categories.all())

    @property
    def systems(self) -> str:
        return ", ".join(str(u) for u in self.usages)

    @property
    def processors(self) -> str:
        return "\n".join(
            f"{a.processor.name} ({a.name})" for a in self.agreements
        )

    @property
    def data_assets(self) -> str:
        return ", ".join(a.name for a in self.activity.data_assets.all())

    @property
    def responsible(self) -> str:
        unit = self.activity.responsible_unit
        people = [f"{h.person.name} ({h.role_type.name})" for h in self.holders]
        return "\n".join(([unit.name] if unit else []) + people)

    @property
    def kle(self) -> str:
        return ", ".join(f"{k.number} {k.title}" for k in self.activity.kle_numbers.all())

    @property
    def missing(self) -> list[str]:
        """The article 30 fields still empty: what is left to complete."""
        activity = self.activity
        checks = (
            (activity.purpose, gettext_lazy("formål")),
            (activity.legal_basis_art6 or activity.legal_basis_text,
             gettext_lazy("retsgrundlag")),
            (activity.data_subjects, gettext_lazy("kategorier af registrerede")),
            (self.categories, gettext_lazy("kategorier af personoplysninger")),
            (activity.recipients, gettext_lazy("modtagere")),
            (activity.retention, gettext_lazy("opbevaring og sletning")),
            (activity.security_measures, gettext_lazy("sikkerhedsforanstaltninger")),
            (self.usages, gettext_lazy("systemer")),
            (activity.responsible_unit_id or self.holders, gettext_lazy("ansvarlig")),
        )
        return [str(label) for value, label in checks if not value]


def register_entries(user, organisation: Organisation) -> list[RegisterEntry]:
    """Every processing activity of the organisation the user may see, with what the
    register shows, in a fixed number of queries however many activities there are."""
    agreements = (
        DataProcessingAgreement.objects.in_organisation(organisation)
        .select_related("processor")
        .prefetch_related(
            Prefetch("sub_processors", queryset=SubProcessor.objects.select_related("supplier"))
        )
    )
    usages = (
        SystemUsage.objects.in_organisation(organisation)
        .select_related("system")
        .prefetch_related(Prefetch("data_processing_agreements", queryset=agreements))
    )
    activities = list(
        ProcessingActivity.objects.visible_to(user)
        .in_organisation(organisation)
        .select_related("responsible_unit")
        .prefetch_related(
            "data_categories",
            "data_assets",
            "kle_numbers",
            Prefetch("usages", queryset=usages),
        )
        .order_by("standard_number", "name")
    )
    holders = defaultdict(list)
    if activities:
        assignments = (
            RoleAssignment.objects.visible_to(user)
            .current(timezone.localdate())
            .filter(
                content_type=ContentType.objects.get_for_model(ProcessingActivity),
                object_id__in=[a.pk for a in activities],
            )
            .select_related("person", "role_type")
            .order_by("role_type__sort_order", "person__name")
        )
        for assignment in assignments:
            holders[assignment.object_id].append(assignment)
    entries = []
    for activity in activities:
        activity_usages = list(activity.usages.all())
        activity_agreements = list(
            {a.pk: a for u in activity_usages for a in u.data_processing_agreements.all()}.values()
        )
        entries.append(
            RegisterEntry(
                activity=activity,
                usages=activity_usages,
                agreements=sorted(activity_agreements, key=lambda a: a.name),
                holders=holders[activity.pk],
            )
        )
    return entries


def organisation_dpo(user, organisation: Organisation) -> list[RoleAssignment]:
    """The organisation's data protection officer(s) (article 30(1)(a))."""
    return list(
        RoleAssignment.objects.visible_to(user)
        .on(organisation)
        .current(timezone.localdate())
        .filter(role_type__code="dpo")
        .select_related("person")
    )


# ---------------------------------------------------------------------------------------
# Excel export

Column = tuple[str, Callable[[RegisterEntry], object], int]


def register_columns() -> list[Column]:
    """(header, value, width) of the export, in the order of article 30(1)."""

    def pa(attribute):
        return lambda entry: getattr(entry.activity, attribute)

    return [
        (_("KL-nummer"), pa("standard_number"), 10),
        (_("Behandlingsaktivitet"), pa("name"), 45),
        (_("Formål"), pa("purpose"), 40),
        (_("Retsgrundlag"), lambda e: e.legal_basis, 40),
        (_("Kategorier af registrerede"), pa("data_subjects"), 30),
        (_("Kategorier af personoplysninger"), lambda e: e.categories, 35),
        (_("Modtagere"), pa("recipients"), 30),
        (_("Overførsel til tredjelande"), lambda e: e.transfers, 30),
        (_("Tredjelande via databehandlere"),
         lambda e: ", ".join(e.third_countries_via_processors), 25),
        (_("Opbevaring og sletning"), pa("retention"), 30),
        (_("Sikkerhedsforanstaltninger"), pa("security_measures"), 35),
        (_("Systemer"), lambda e: e.systems, 35),
        (_("Dataaktiver"), lambda e: e.data_assets, 30),
        (_("Databehandlere og aftaler"), lambda e: e.processors, 40),
        (_("Konsekvensanalyse (DPIA)"), lambda e: e.dpia, 22),
        (_("Risikoniveau"), lambda e: e.activity.get_risk_level_display(), 12),
        (_("Ansvarlig enhed og personer"), lambda e: e.responsible, 35),
        (_("KLE-numre"), lambda e: e.kle, 45),
        (_("Mangler"), lambda e: ", ".join(e.missing), 35),
        (_("Sidst ændret"), lambda e: e.activity.updated_at.date(), 14),
    ]



def register_workbook(
    entries: list[RegisterEntry], *, organisation, today, dpo: list[RoleAssignment]
) -> bytes:
    """The register as one sheet, one row per activity, with the controller, the DPO and
    the date on the help sheet. Written by kitos' Excel writer, so no text a user typed
    ever becomes a formula, and the import reads the sheet back."""
    columns = register_columns()
    sheet = SheetData(
        title=_("Fortegnelse"),
        headers=[header for header, _value, _width in columns],
        rows=([value(entry) for _header, value, _width in columns] for entry in entries),
        column_widths={index: width for index, (_h, _v, width) in enumerate(columns)},
    )
    controller = organisation.name + (f", CVR {organisation.cvr}" if organisation.cvr else "")
    officers = ", ".join(
        f"{h.person.name} ({h.person.email})" if h.person.email else h.person.name for h in dpo
    )
    return build_workbook(
        [sheet],
        help_title=_("Fortegnelse over behandlingsaktiviteter – %(organisation)s")
        % {"organisation": organisation.name},
        help_rows=[
            (_("Dataansvarlig"), controller),
            (_("Databeskyttelsesrådgiver"), officers or _("Ikke udpeget i kitos")),
            (_("Dato"), today),
            (_("Grundlag"), _("Databeskyttelsesforordningens artikel 30, stk. 1")),
            (_("Behandlingsaktiviteter"), len(entries)),
        ],
    )
