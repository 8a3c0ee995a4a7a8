"""Systems: the shared catalog (ItSystem), each organisation's use of a catalog entry
(SystemUsage) and the integrations between usages. Also the supplier catalog
(Supplier): systems point to their suppliers (DOMAIN.md) and contracts, one layer up,
point to both. Depends on ``roles`` and the core only."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from kitos.options import OptionFields
from kitos.tenancy import (
    EditPolicy,
    PublicIdModel,
    SharedCatalogModel,
    TenantModel,
    catalog_reference_errors,
    scoped_queryset,
)
from roles.choices import RoleTarget

from . import choices
from .querysets import (
    IntegrationQuerySet,
    InterfaceQuerySet,
    ItSystemQuerySet,
    SystemUsageQuerySet,
)
from .rights_holders import INTERFACE_FIELDS, SYSTEM_FIELDS, RightsHolderEditable


class Supplier(SharedCatalogModel):
    """A company (or public body) the municipalities buy from. Shared by every
    organisation so that supplier concentration can be seen across them."""

    role_target = RoleTarget.SUPPLIER

    name = models.CharField(_("navn"), max_length=200)
    cvr = models.CharField(_("CVR-nummer"), max_length=8, blank=True)
    country = models.CharField(_("land"), max_length=2, default="DK")
    website = models.URLField(_("hjemmeside"), blank=True)
    external_reference = models.CharField(_("ekstern reference"), max_length=100, blank=True)

    class Meta:
        # Created by the contracts app before the layers were split; the name is kept.
        db_table = "contracts_supplier"
        ordering = ["name"]
        verbose_name = _("leverandør")
        verbose_name_plural = _("leverandører")
        constraints = [
            # One shared entry per CVR; an organisation's local entries are its own
            # business (and must not reveal or block another organisation's).
            models.UniqueConstraint(
                fields=["cvr"], condition=~Q(cvr="") & Q(is_local=False),
                name="supplier_cvr_unique",
                violation_error_message=_(
                    "Der findes allerede en delt leverandør med det CVR-nummer."
                ),
                violation_error_code="unique",
            ),
            models.UniqueConstraint(
                fields=["cvr", "owner_organisation"], condition=~Q(cvr="") & Q(is_local=True),
                name="supplier_cvr_unique_local",
                violation_error_message=_(
                    "Organisationen har allerede en lokal leverandør med det CVR-nummer."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cvr="") | Q(cvr__regex=r"^[0-9]{8}$"), name="supplier_cvr_8_digits",
                violation_error_message=_("CVR-nummeret skal have 8 cifre."),
            ),
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"), name="supplier_country_iso2",
                violation_error_message=_("Landet skal angives med to store bogstaver, fx DK."),
            ),
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(cvr="", is_local=False),
                name="supplier_unique_name_without_cvr",
                violation_error_message=_(
                    "Der findes allerede en delt leverandør uden CVR-nummer med det navn."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class KleNumberQuerySet(models.QuerySet):
    def visible_to(self, user):
        """KLE is a national taxonomy: readable by everyone logged in."""
        return self if user is not None and user.is_authenticated else self.none()

    def for_list(self):
        return self.select_related("parent")


class KleNumber(models.Model):
    """A node of KLE (Kommunernes Landsforenings Emnesystematik), the national taxonomy
    of municipal tasks: main group "15", group "15.00", topic "15.00.05"."""

    number = models.CharField(_("KLE-nummer"), max_length=12, unique=True)
    title = models.CharField(_("titel"), max_length=300)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("overordnet"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )

    objects = KleNumberQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("KLE-nummer")
        verbose_name_plural = _("KLE-numre")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=r"^[0-9]{2}(\.[0-9]{2}){0,2}$"),
                name="kle_number_format",
                violation_error_message=_(
                    "KLE-nummeret skal have formen 00, 00.00 eller 00.00.00."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def level(self) -> int:
        return self.number.count(".") + 1


class ItSystem(RightsHolderEditable, SharedCatalogModel):
    """A catalog entry: a system as the market knows it, shared by every organisation
    unless marked local. Local facts live on SystemUsage."""

    role_target = RoleTarget.IT_SYSTEM
    rights_holder_fields = SYSTEM_FIELDS

    name = models.CharField(_("navn"), max_length=200)
    previous_names = models.CharField(_("tidligere navn(e)"), max_length=500, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    rights_holder = models.ForeignKey(
        "Supplier",
        verbose_name=_("rettighedshaver / leverandør"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="systems",
    )
    business_type = models.CharField(
        _("forretningstype"), max_length=30, choices=choices.BusinessType, blank=True
    )
    kle_numbers = models.ManyToManyField(
        KleNumber, verbose_name=_("KLE-numre"), blank=True, related_name="systems"
    )
    url = models.URLField(_("hjemmeside"), blank=True)
    licence_model = models.CharField(
        _("licensmodel"),
        max_length=20,
        choices=choices.LicenceModel,
        default=choices.LicenceModel.PROPRIETARY,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("overordnet system"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    external_reference = models.CharField(_("ekstern reference"), max_length=100, blank=True)
    # Rigsarkivet's recommendation for the system (OS2KITOS RecommendedArchiveDuty); each
    # organisation decides its own archive duty on its usage.
    archive_duty_recommendation = models.CharField(
        _("anbefalet arkiveringspligt"), max_length=10,
        choices=choices.ArchiveDutyRecommendation, blank=True,
    )
    archive_duty_recommendation_comment = models.TextField(
        _("kommentar til anbefalet arkiveringspligt"), blank=True
    )

    objects = ItSystemQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("it-system")
        verbose_name_plural = _("it-systemer")
        constraints = [
            models.UniqueConstraint(
                Lower("name"), condition=Q(is_local=False), name="itsystem_unique_shared_name",
                violation_error_message=_("Der findes allerede et delt it-system med det navn."),
            ),
            models.UniqueConstraint(
                Lower("name"),
                "owner_organisation",
                condition=Q(is_local=True),
                name="itsystem_unique_local_name",
                violation_error_message=_(
                    "Organisationen har allerede et lokalt it-system med det navn."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="itsystem_not_own_parent",
                violation_error_message=_("Et it-system kan ikke ligge under sig selv."),
            ),
            models.CheckConstraint(
                condition=Q(archive_duty_recommendation_comment="")
                | ~Q(archive_duty_recommendation=""),
                name="itsystem_archive_comment_needs_recommendation",
                violation_error_message=_(
                    "En kommentar til den anbefalede arkiveringspligt kræver, at der er "
                    "valgt en anbefaling."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def rights_holder_of(self, values: dict) -> int | None:
        return values.get("rights_holder_id")

    def clean(self):
        super().clean()
        errors = catalog_reference_errors(
            organisation_id=self.owner_organisation_id,
            shared=not self.is_local,
            rights_holder=self.rights_holder if self.rights_holder_id else None,
            parent=self.parent if self.parent_id else None,
        )
        if errors:
            raise ValidationError(errors)


def _option(key: str, label, **kwargs) -> models.ForeignKey:
    """A usage field choosing from option list `key` (portfolio/option_lists.py)."""
    return models.ForeignKey(
        "kitos.Option", verbose_name=label, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", limit_choices_to={"kind": key}, **kwargs,
    )


def _yes_no(label) -> models.CharField:
    """Ja / Nej / Ved ikke, blank while nobody has answered (OS2KITOS's YesNoDontKnow)."""
    return models.CharField(label, max_length=10, choices=choices.YesNoUnknown, blank=True)


# The GDPR registration's answers that only make sense when the question above them is
# answered Ja (OS2KITOS: "only allowed if main selection is Yes"): question -> details.
GDPR_GATED_FIELDS = {
    "technical_precautions": ("precaution_encryption", "precaution_pseudonymisation",
                              "precaution_access_control", "precaution_logging",
                              "technical_precautions_url"),
    "user_supervision": ("user_supervision_on", "user_supervision_url"),
    "risk_assessment": ("risk_assessment_on", "risk_assessment_result",
                        "risk_assessment_url", "risk_assessment_notes"),
    "dpia": ("dpia_on", "dpia_url"),
    "retention_period": ("retention_next_evaluation_on", "retention_evaluation_months"),
}
# Specific personal data are only registered with ordinary personal data.
SPECIFIC_PERSONAL_DATA_FIELDS = ("cpr_numbers", "social_problems", "other_private_matters")
DATA_SENSITIVITY_FIELDS = ("no_personal_data", "ordinary_personal_data",
                           "sensitive_personal_data", "criminal_offence_data")


class SystemUsage(OptionFields, TenantModel):
    """One organisation's use of a catalog system, with its local facts: the OS2KITOS
    usage record (general, archiving, GDPR registration, local KLE deviations)."""

    option_fields = {
        "archive_type": "archive_type",
        "archive_location": "archive_location",
        "archive_test_location": "archive_test_location",
        "sensitive_data_types": "sensitive_personal_data_type",
    }

    role_target = RoleTarget.SYSTEM_USAGE
    # Where the usage sits in the unit tree, for "this unit and its subtree".
    role_unit_path = "responsible_unit__path"
    # Named after its system (__str__): lists of names select it along (kitos.db).
    name_related = ("system",)

    system = models.ForeignKey(
        ItSystem, verbose_name=_("it-system"), on_delete=models.PROTECT, related_name="usages"
    )
    responsible_unit = models.ForeignKey(
        "roles.OrganisationUnit",
        verbose_name=_("ansvarlig enhed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_for_usages",
    )
    using_units = models.ManyToManyField(
        "roles.OrganisationUnit",
        verbose_name=_("anvendende enheder"),
        through="SystemUsageUnit",
        blank=True,
        related_name="used_systems",
    )
    local_name = models.CharField(_("lokalt navn"), max_length=200, blank=True)
    local_id = models.CharField(_("lokalt id"), max_length=100, blank=True)
    version = models.CharField(_("version"), max_length=100, blank=True)
    lifecycle = models.CharField(
        _("livscyklus"),
        max_length=20,
        choices=choices.Lifecycle,
        default=choices.Lifecycle.UNDECIDED,
        db_index=True,
    )
    go_live_date = models.DateField(_("ibrugtagningsdato"), null=True, blank=True)
    retirement_date = models.DateField(_("udfasningsdato"), null=True, blank=True)
    criticality = models.CharField(
        _("forretningskritikalitet"), max_length=10, choices=choices.Criticality, blank=True
    )
    socially_critical = _yes_no(_("samfundskritisk"))
    data_classification = models.CharField(
        _("dataklassifikation"), max_length=15, choices=choices.DataClassification, blank=True
    )
    hosting = models.CharField(_("hosting"), max_length=15, choices=choices.Hosting, blank=True)
    user_count = models.CharField(
        _("antal brugere"), max_length=10, choices=choices.UserCount, blank=True
    )
    contains_ai = models.CharField(
        _("indeholder AI"),
        max_length=10,
        choices=choices.YesNoUnknown,
        default=choices.YesNoUnknown.UNKNOWN,
    )
    # Web accessibility (webtilgængelighedsloven): compliance, last check, notes.
    web_accessibility = models.CharField(
        _("overholder krav til webtilgængelighed"), max_length=10,
        choices=choices.YesNoPartially, blank=True,
    )
    web_accessibility_checked_on = models.DateField(
        _("seneste tjek af webtilgængelighed"), null=True, blank=True
    )
    web_accessibility_notes = models.TextField(_("noter om webtilgængelighed"), blank=True)

    # Archiving (OS2KITOS "Arkivering").
    archive_duty = models.CharField(
        _("arkiveringspligt"), max_length=12, choices=choices.ArchiveDuty, blank=True
    )
    archive_type = _option("archive_type", _("arkivtype"))
    archive_location = _option("archive_location", _("arkiveringssted"))
    archive_test_location = _option("archive_test_location", _("arkiveringsteststed"))
    archive_supplier = models.ForeignKey(
        Supplier, verbose_name=_("arkiveringsleverandør"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="archived_usages",
    )
    archive_active = models.BooleanField(_("er der arkiveret fra systemet"), null=True,
                                         blank=True)
    archive_notes = models.TextField(_("arkiveringsbemærkninger"), blank=True)
    archive_frequency_years = models.PositiveSmallIntegerField(
        _("arkiveringsfrekvens (antal år)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    document_bearing = models.BooleanField(_("dokumentbærende"), null=True, blank=True)

    # GDPR registration (OS2KITOS "GDPR"); hosting above is "IT-systemet driftes".
    purpose = models.TextField(_("systemets overordnede formål"), blank=True)
    no_personal_data = models.BooleanField(_("ingen personoplysninger"), default=False)
    ordinary_personal_data = models.BooleanField(_("almindelige personoplysninger"),
                                                 default=False)
    sensitive_personal_data = models.BooleanField(_("følsomme personoplysninger"),
                                                  default=False)
    criminal_offence_data = models.BooleanField(_("straffedomme og lovovertrædelser"),
                                                default=False)
    cpr_numbers = models.BooleanField(_("CPR-numre"), default=False)
    social_problems = models.BooleanField(_("væsentlige sociale problemer"), default=False)
    other_private_matters = models.BooleanField(_("andre rent private forhold"),
                                                default=False)
    sensitive_data_types = models.ManyToManyField(
        "kitos.Option", verbose_name=_("typer af følsomme personoplysninger"), blank=True,
        related_name="+", limit_choices_to={"kind": "sensitive_personal_data_type"},
    )
    technical_precautions = _yes_no(_("passende tekniske foranstaltninger"))
    precaution_encryption = models.BooleanField(_("kryptering"), default=False)
    precaution_pseudonymisation = models.BooleanField(_("pseudonymisering"), default=False)
    precaution_access_control = models.BooleanField(_("adgangsstyring"), default=False)
    precaution_logging = models.BooleanField(_("logning"), default=False)
    technical_precautions_url = models.URLField(
        _("link til dokumentation af tekniske foranstaltninger"), blank=True, max_length=500
    )
    user_supervision = _yes_no(_("logning af brugerkontrol"))
    user_supervision_on = models.DateField(_("dato for seneste brugerkontrol"), null=True,
                                           blank=True)
    user_supervision_url = models.URLField(_("link til dokumentation af brugerkontrol"),
                                           blank=True, max_length=500)
    risk_assessment = _yes_no(_("foretaget risikovurdering"))
    risk_assessment_on = models.DateField(_("dato for seneste risikovurdering"), null=True,
                                          blank=True)
    risk_assessment_result = models.CharField(
        _("resultat af seneste risikovurdering"), max_length=10, choices=choices.RiskLevel,
        blank=True,
    )
    risk_assessment_url = models.URLField(_("link til risikovurdering"), blank=True,
                                          max_length=500)
    risk_assessment_notes = models.TextField(_("bemærkninger til risikovurdering"),
                                             blank=True)
    risk_assessment_planned_on = models.DateField(_("dato for planlagt risikovurdering"),
                                                  null=True, blank=True)
    dpia = _yes_no(_("gennemført DPIA / konsekvensanalyse"))
    dpia_on = models.DateField(_("dato for seneste DPIA"), null=True, blank=True)
    dpia_url = models.URLField(_("link til DPIA"), blank=True, max_length=500)
    retention_period = _yes_no(_("bevaringsfrist på data før sletning"))
    retention_next_evaluation_on = models.DateField(
        _("næste dato for sletning"), null=True, blank=True
    )
    retention_evaluation_months = models.PositiveSmallIntegerField(
        _("antal måneder mellem sletningsdatoerne"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )

    # Local KLE deviations from the catalog system's tasks (OS2KITOS "Lokale KLE"):
    # effective tasks = system's KLE − removed + added (portfolio.kle.effective_kle).
    kle_added = models.ManyToManyField(
        KleNumber, verbose_name=_("lokalt tilknyttede KLE-numre"), blank=True,
        related_name="usages_added",
    )
    kle_removed = models.ManyToManyField(
        KleNumber, verbose_name=_("fravalgte KLE-numre fra systemet"), blank=True,
        related_name="usages_removed",
    )
    time_assessment = models.CharField(
        _("TIME-vurdering"), max_length=10, choices=choices.TimeAssessment, blank=True
    )
    time_reason = models.TextField(_("begrundelse for TIME-vurdering"), blank=True)
    notes = models.TextField(_("noter"), blank=True)
    reference_url = models.URLField(_("link til dokumentation"), blank=True, max_length=500)
    external_reference = models.CharField(_("ekstern reference"), max_length=100, blank=True)

    role_assignments = GenericRelation("roles.RoleAssignment")

    objects = SystemUsageQuerySet.as_manager()

    class Meta:
        ordering = ["system__name"]
        verbose_name = _("systemanvendelse")
        verbose_name_plural = _("systemanvendelser")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "system"], name="usage_unique_system_per_org",
                violation_error_message=_("Organisationen anvender allerede dette it-system."),
            ),
            models.CheckConstraint(
                condition=Q(retirement_date__isnull=True)
                | Q(go_live_date__isnull=True)
                | Q(retirement_date__gte=F("go_live_date")),
                name="usage_retirement_after_go_live",
                violation_error_message=_("Udfasningsdatoen skal ligge efter ibrugtagningsdatoen."),
            ),
            models.CheckConstraint(
                condition=Q(lifecycle__in=choices.Lifecycle.values), name="usage_lifecycle_valid",
                violation_error_message=_("Livscyklussen skal være en af de mulige."),
            ),
            models.UniqueConstraint(
                fields=["id", "organisation"],
                name="usage_id_org_unique",
                violation_error_message=_("Systemanvendelsen findes allerede i organisationen."),
            ),
            models.CheckConstraint(
                condition=Q(archive_frequency_years__isnull=True)
                | Q(archive_frequency_years__gte=1, archive_frequency_years__lte=100),
                name="usage_archive_frequency_range",
                violation_error_message=_("Arkiveringsfrekvensen skal være 1–100 år."),
            ),
            models.CheckConstraint(
                condition=Q(retention_evaluation_months__isnull=True)
                | Q(retention_evaluation_months__gte=1, retention_evaluation_months__lte=600),
                name="usage_retention_months_range",
                violation_error_message=_(
                    "Antal måneder mellem sletningsdatoerne skal være 1–600."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.local_name or self.system.name

    @property
    def display_name(self) -> str:
        return str(self)

    def clean(self):
        super().clean()
        self.require_same_organisation(responsible_unit=self.responsible_unit)
        if self.system_id and not self.system.usable_by(self.organisation_id):
            raise ValidationError({"system": _("Systemet er lokalt for en anden organisation.")})
        errors = self.gdpr_errors()
        if self.archive_supplier_id and not self.archive_supplier.usable_by(
                self.organisation_id):
            errors["archive_supplier"] = _("Leverandøren er lokal for en anden organisation.")
        if errors:
            raise ValidationError(errors)

    def gdpr_errors(self) -> dict:
        """The GDPR registration's rules (OS2KITOS): details of a question only with the
        answer Ja, specific personal data only with ordinary personal data, and "no
        personal data" not together with a kind of personal data. Refused, not silently
        dropped, so that what is stored is what the user sees."""
        errors = {}
        for question, details in GDPR_GATED_FIELDS.items():
            if getattr(self, question) == choices.YesNoUnknown.YES:
                continue
            for name in details:
                if getattr(self, name) not in (None, "", False):
                    errors[name] = _(
                        "Kan kun udfyldes, når »%(question)s« er besvaret med Ja."
                    ) % {"question": self._meta.get_field(question).verbose_name}
        if not self.ordinary_personal_data:
            for name in SPECIFIC_PERSONAL_DATA_FIELDS:
                if getattr(self, name):
                    errors[name] = _(
                        "Kan kun vælges, når systemet indeholder almindelige personoplysninger."
                    )
        if self.no_personal_data and (self.ordinary_personal_data
                                      or self.sensitive_personal_data
                                      or self.criminal_offence_data):
            errors["no_personal_data"] = _(
                "»Ingen personoplysninger« kan ikke vælges sammen med en type af "
                "personoplysninger."
            )
        return errors


class SystemUsageUnit(models.Model):
    """A unit that uses a system usage. Carries the organisation so that PostgreSQL can
    enforce with composite foreign keys that usage and unit belong to the same one."""

    usage = models.ForeignKey(SystemUsage, on_delete=models.CASCADE, related_name="unit_links")
    unit = models.ForeignKey(
        "roles.OrganisationUnit", on_delete=models.CASCADE, related_name="usage_links"
    )
    organisation = models.ForeignKey(
        "kitos.Organisation", on_delete=models.CASCADE, related_name="+"
    )

    objects = scoped_queryset("organisation").as_manager()

    class Meta:
        ordering = ["usage", "unit"]
        verbose_name = _("anvendende enhed")
        verbose_name_plural = _("anvendende enheder")
        constraints = [
            models.UniqueConstraint(
                fields=["usage", "unit"],
                name="usage_unit_unique",
                violation_error_message=_("Enheden anvender allerede systemet."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.usage} · {self.unit}"

    def save(self, *args, **kwargs):
        # The organisation is always the usage's: never trust a caller to pass it.
        self.organisation_id = self.usage.organisation_id
        super().save(*args, **kwargs)


class UsageJournalPeriod(PublicIdModel):
    """A journal period of a usage's archiving (OS2KITOS "Journalperioder"): a period of
    the system's data handed over to the archive under one unique archive id."""

    usage = models.ForeignKey(
        SystemUsage, verbose_name=_("systemanvendelse"), on_delete=models.CASCADE,
        related_name="journal_periods",
    )
    start_date = models.DateField(_("startdato"))
    end_date = models.DateField(_("slutdato"))
    archive_id = models.CharField(_("unikt arkiv-id"), max_length=100)
    approved = models.BooleanField(_("godkendt"), default=False)

    objects = scoped_queryset("usage__organisation").as_manager()

    class Meta:
        ordering = ["usage", "start_date", "pk"]
        verbose_name = _("journalperiode")
        verbose_name_plural = _("journalperioder")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="journalperiod_end_after_start",
                violation_error_message=_("Slutdatoen må ikke ligge før startdatoen."),
            ),
            models.UniqueConstraint(
                fields=["usage", "archive_id"],
                name="journalperiod_unique_archive_id",
                violation_error_message=_(
                    "Systemet har allerede en journalperiode med det arkiv-id."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.archive_id} ({self.start_date:%d-%m-%Y}–{self.end_date:%d-%m-%Y})"

    @property
    def owning_organisation_id(self):
        return self.usage.organisation_id if self.usage_id else None


class Integration(TenantModel):
    """A data flow between two system usages of the same organisation."""

    role_target = RoleTarget.INTEGRATION

    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    source = models.ForeignKey(
        SystemUsage,
        verbose_name=_("afsender"),
        on_delete=models.PROTECT,
        related_name="outgoing_integrations",
    )
    target = models.ForeignKey(
        SystemUsage,
        verbose_name=_("modtager"),
        on_delete=models.PROTECT,
        related_name="incoming_integrations",
    )
    direction = models.CharField(
        _("retning"),
        max_length=10,
        choices=choices.IntegrationDirection,
        default=choices.IntegrationDirection.ONE_WAY,
    )
    interface_type = models.CharField(
        _("snitfladetype"), max_length=20, choices=choices.InterfaceType, blank=True
    )
    frequency = models.CharField(
        _("frekvens"), max_length=10, choices=choices.Frequency, blank=True
    )
    external_reference = models.CharField(_("ekstern reference"), max_length=100, blank=True)
    # The catalog interface the data goes through (OS2KITOS RelationInterface). PROTECT:
    # the organisation's record of its integrations must not lose it silently when the
    # catalog entry's maintainer deletes it; an interface out of use is deactivated.
    interface = models.ForeignKey(
        "Interface",
        verbose_name=_("snitflade"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="integrations",
    )

    objects = IntegrationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("integration")
        verbose_name_plural = _("integrationer")
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=F("target")), name="integration_source_not_target",
                violation_error_message=_("Afsender og modtager skal være forskellige systemer."),
            ),
            models.UniqueConstraint(
                fields=["source", "target", "name"], name="integration_unique_name_per_pair",
                violation_error_message=_(
                    "Der findes allerede en integration med det navn mellem de to systemer."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        self.require_same_organisation(
            source=getattr(self, "source", None) if self.source_id else None,
            target=getattr(self, "target", None) if self.target_id else None,
        )
        if self.interface_id:
            self._check_interface()

    def _end(self, name: str):
        """The usage at one end, also one not saved yet (an import creating the usages and
        their integrations from one file sets them unsaved)."""
        field = self._meta.get_field(name)
        if field.is_cached(self):
            return field.get_cached_value(self)
        return getattr(self, name) if getattr(self, field.attname) else None

    def _check_interface(self) -> None:
        """The interface must be one the organisation may use and be exposed by the
        system of one end. OS2KITOS asks for the system of the usage the relation points
        to; a kitos integration is a data flow instead, and data flows as often out of the
        sender's exposed interface (the receiver fetches) as into the receiver's (the
        sender delivers), so either end's system will do."""
        interface = self.interface
        if not interface.usable_by(self.organisation_id):
            raise ValidationError(
                {"interface": _("Snitfladen er lokal for en anden organisation.")}
            )
        ends = {usage.system_id for usage in (self._end("source"), self._end("target"))
                if usage is not None}
        if interface.exposed_by_id is None or interface.exposed_by_id not in ends:
            raise ValidationError({"interface": _(
                "Snitfladen skal være udstillet af afsenderens eller modtagerens it-system."
            )})


def _option(key: str, label, **kwargs) -> models.ForeignKey:
    """A field choosing from option list `key` (portfolio/option_lists.py)."""
    return models.ForeignKey(
        "kitos.Option", verbose_name=label, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", limit_choices_to={"kind": key}, **kwargs,
    )


class Interface(RightsHolderEditable, OptionFields, SharedCatalogModel):
    """A catalog interface (snitflade): how a catalog system lets others exchange data
    with it (OS2KITOS ItInterface). Shared by every organisation unless marked local, like
    the systems; integrations name the interface they go through."""

    option_fields = {"interface_type": "interface_type"}
    rights_holder_fields = INTERFACE_FIELDS

    name = models.CharField(_("navn"), max_length=100)
    interface_id = models.CharField(
        _("snitflade-id"), max_length=100, blank=True,
        help_text=_("Et id, I selv giver snitfladen, fx leverandørens betegnelse."),
    )
    version = models.CharField(_("version"), max_length=20, blank=True)
    url = models.URLField(_("link til yderligere beskrivelse"), max_length=500, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    notes = models.TextField(_("note"), blank=True)
    interface_type = _option("interface_type", _("snitfladetype"))
    exposed_by = models.ForeignKey(
        ItSystem,
        verbose_name=_("udstillet af"),
        # A system's interfaces are moved or deleted first (as in OS2KITOS): otherwise
        # the integrations through them would name an interface nobody exposes.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exposed_interfaces",
    )
    is_deactivated = models.BooleanField(
        _("deaktiveret"), default=False,
        help_text=_("En deaktiveret snitflade bevares, men bør ikke bruges til nye integrationer."),
    )

    objects = InterfaceQuerySet.as_manager()

    class Meta:
        ordering = ["name", "version"]
        verbose_name = _("snitflade")
        verbose_name_plural = _("snitflader")
        constraints = [
            # OS2KITOS: name and interface id together identify an interface.
            models.UniqueConstraint(
                Lower("name"), "interface_id", condition=Q(is_local=False),
                name="interface_unique_shared_name",
                violation_error_message=_(
                    "Der findes allerede en delt snitflade med det navn og snitflade-id."
                ),
            ),
            models.UniqueConstraint(
                Lower("name"), "interface_id", "owner_organisation",
                condition=Q(is_local=True),
                name="interface_unique_local_name",
                violation_error_message=_(
                    "Organisationen har allerede en lokal snitflade med det navn og "
                    "snitflade-id."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})" if self.version else self.name

    def rights_holder_of(self, values: dict) -> int | None:
        # An interface belongs to the rights holder of the system exposing it.
        system_id = values.get("exposed_by_id")
        if system_id is None:
            return None
        return ItSystem.objects.filter(pk=system_id).values_list(
            "rights_holder_id", flat=True).first()

    def clean(self):
        super().clean()
        errors = catalog_reference_errors(
            organisation_id=self.owner_organisation_id,
            shared=not self.is_local,
            exposed_by=self.exposed_by if self.exposed_by_id else None,
        )
        if errors:
            raise ValidationError(errors)
        loaded = getattr(self, "_loaded_exposed_by", self.exposed_by_id)
        if self.pk and self.exposed_by_id != loaded:
            self._check_still_exposed()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_exposed_by = instance.__dict__.get("exposed_by_id")
        return instance

    def _check_still_exposed(self) -> None:
        # Integrations through the interface must stay valid (Integration.clean).
        stranded = self.integrations.all()
        if self.exposed_by_id is not None:
            stranded = stranded.exclude(source__system_id=self.exposed_by_id).exclude(
                target__system_id=self.exposed_by_id)
        if stranded.exists():
            raise ValidationError({"exposed_by": _(
                "Snitfladen bruges af integrationer, hvis systemer ikke udstiller den "
                "efter ændringen. Ret integrationerne først."
            )})


class InterfaceDataRow(OptionFields, models.Model):
    """One kind of data an interface carries (OS2KITOS DataRow): what it is and its data
    type. Written with its interface (portfolio.services), whose history shows them."""

    option_fields = {"data_type": "interface_data_type"}

    interface = models.ForeignKey(
        Interface, verbose_name=_("snitflade"), on_delete=models.CASCADE,
        related_name="data_rows",
    )
    description = models.CharField(_("data"), max_length=300)
    data_type = _option("interface_data_type", _("datatype"))

    class Meta:
        ordering = ["interface", "pk"]
        verbose_name = _("datarække")
        verbose_name_plural = _("datarækker")
        constraints = [
            models.CheckConstraint(
                condition=~Q(description=""), name="interface_data_row_has_description",
                violation_error_message=_("Beskriv de data, snitfladen overfører."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.data_type})" if self.data_type_id else self.description

    @property
    def owning_organisation_id(self):
        return self.interface.owner_organisation_id


class RightsHolderAccess(EditPolicy, models.Model):
    """Rights-holder access (rettighedshaveradgang): a login of a supplier's staff may
    keep the supplier's shared catalog entries and their interfaces
    (portfolio.rights_holders). Granted by superusers in the admin; such a user needs no
    membership of any organisation and sees nothing else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("bruger"), on_delete=models.CASCADE,
        related_name="rights_holder_access",
    )
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("leverandør"), on_delete=models.CASCADE,
        related_name="rights_holder_access",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        ordering = ["supplier", "user"]
        verbose_name = _("rettighedshaveradgang")
        verbose_name_plural = _("rettighedshaveradgange")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "supplier"], name="rights_holder_access_unique",
                violation_error_message=_(
                    "Brugeren har allerede rettighedshaveradgang for leverandøren."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.supplier}"

    @property
    def owning_organisation_id(self):
        return None  # superusers only (EditPolicy: no organisation's role suffices)

    def clean(self):
        super().clean()
        if self.supplier_id and self.supplier.is_local:
            raise ValidationError({"supplier": _(
                "Rettighedshaveradgang gives kun til delte leverandører."
            )})
