"""Data and GDPR: data categories, data assets held in systems, the article 30 record of
processing activities, and data processing agreements with their oversight. Depends on
``roles``, ``portfolio`` and ``contracts`` (the processor is a supplier)."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from kitos.tenancy import (
    PublicIdModel,
    ScopedQuerySet,
    StandardOrOwnQuerySet,
    TenantModel,
    catalog_reference_errors,
    reference_data_errors,
    scoped_queryset,
)
from portfolio.choices import DataClassification
from roles.choices import RoleTarget

from . import choices, countries


class DataCategoryQuerySet(StandardOrOwnQuerySet):
    def for_list(self):
        return self.select_related("organisation", "parent")


class DataCategory(PublicIdModel):
    """A category of data (CPR-nummer, helbredsoplysninger, ...) of one GDPR kind.
    Standard categories have no organisation; organisations may add sub-types."""

    organisation = models.ForeignKey(
        "kitos.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="data_categories",
    )
    code = models.SlugField(_("kode"), max_length=60)
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("art"), max_length=20, choices=choices.DataCategoryKind)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("overordnet kategori"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    objects = DataCategoryQuerySet.as_manager()
    edit_role = "admin"

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("datakategori")
        verbose_name_plural = _("datakategorier")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="datacategory_unique_code",
                violation_error_message=_(
                    "Der findes allerede en datakategori med den kode i organisationen."
                ),
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(organisation__isnull=True),
                name="datacategory_unique_standard_code",
                violation_error_message=_("Der findes allerede en standardkategori med den kode."),
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=choices.DataCategoryKind.values),
                name="datacategory_kind_valid",
                violation_error_message=_("Arten skal være en af de mulige."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owning_organisation_id(self):
        return self.organisation_id

    def clean(self):
        super().clean()
        errors = reference_data_errors(
            organisation_id=self.organisation_id,
            parent=self.parent if self.parent_id else None,
        )
        if errors:
            raise ValidationError(errors)

    @property
    def is_personal(self) -> bool:
        return self.kind != choices.DataCategoryKind.NON_PERSONAL

    @property
    def kind_label(self) -> str:
        """The GDPR kind to show beside the name, or "" when the name already says it:
        "CPR-nummer" is its own kind, so it is shown once, not "CPR-nummer [CPR-nummer]";
        "Helbredsoplysninger" gets "Følsomme personoplysninger (art. 9)"."""
        kind = str(self.get_kind_display())
        return "" if kind.casefold().startswith(self.name.casefold()) else kind


class DataAssetQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "owning_unit").prefetch_related(
            "categories",
            "integrations",
            Prefetch("usage_links", queryset=DataAssetUsage.objects.select_related("usage")),
        )


class DataAsset(TenantModel):
    """A set of data the organisation holds (Elevdata, Sagsakter børn og unge, ...), the
    systems that store, use or expose it, and the integrations it travels by."""

    role_target = RoleTarget.DATA_ASSET
    role_unit_path = "owning_unit__path"

    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    categories = models.ManyToManyField(
        DataCategory, verbose_name=_("datakategorier"), blank=True, related_name="assets"
    )
    owning_unit = models.ForeignKey(
        "roles.OrganisationUnit",
        verbose_name=_("dataejende enhed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="data_assets",
    )
    classification = models.CharField(
        _("klassifikation"), max_length=15, choices=DataClassification, blank=True
    )
    retention = models.CharField(_("opbevaringsperiode"), max_length=300, blank=True)
    usages = models.ManyToManyField(
        "portfolio.SystemUsage",
        verbose_name=_("systemer"),
        through="DataAssetUsage",
        blank=True,
        related_name="data_assets",
    )
    integrations = models.ManyToManyField(
        "portfolio.Integration",
        verbose_name=_("overføres via integrationer"),
        blank=True,
        related_name="data_assets",
    )
    external_reference = models.CharField(_("ekstern reference"), max_length=100, blank=True)

    objects = DataAssetQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("dataaktiv")
        verbose_name_plural = _("dataaktiver")
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "organisation", name="dataasset_unique_name_per_org",
                violation_error_message=_(
                    "Der findes allerede et dataaktiv med det navn i organisationen."
                ),
            ),
            models.UniqueConstraint(
                fields=["id", "organisation"],
                name="dataasset_id_org_unique",
                violation_error_message=_("Dataaktivet findes allerede i organisationen."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        self.require_same_organisation(owning_unit=self.owning_unit)


class DataAssetUsage(models.Model):
    """How a system usage relates to a data asset: stores, uses or exposes it."""

    asset = models.ForeignKey(DataAsset, on_delete=models.CASCADE, related_name="usage_links")
    usage = models.ForeignKey(
        "portfolio.SystemUsage", on_delete=models.CASCADE, related_name="data_asset_links"
    )
    organisation = models.ForeignKey(
        "kitos.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    use = models.CharField(
        _("anvendelse"), max_length=10, choices=choices.AssetUse, default=choices.AssetUse.STORES
    )

    objects = scoped_queryset("organisation").as_manager()

    class Meta:
        ordering = ["asset", "usage"]
        verbose_name = _("dataaktiv i system")
        verbose_name_plural = _("dataaktiver i systemer")
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "usage", "use"],
                name="assetusage_unique",
                violation_error_message=_("Systemet har allerede dataaktivet med den anvendelse."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset} · {self.usage} ({self.get_use_display()})"

    def save(self, *args, **kwargs):
        self.organisation_id = self.asset.organisation_id
        super().save(*args, **kwargs)


class ProcessingActivityQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "responsible_unit").prefetch_related(
            "data_categories", "usages", "data_assets", "kle_numbers"
        )


class ProcessingActivity(TenantModel):
    """A record of processing activities entry (GDPR article 30)."""

    role_target = RoleTarget.PROCESSING_ACTIVITY
    role_unit_path = "responsible_unit__path"

    name = models.CharField(_("navn"), max_length=300)
    standard_number = models.CharField(
        _("KL-nummer"),
        max_length=10,
        blank=True,
        help_text=_("Nummeret i KL's liste over standardbehandlingsaktiviteter."),
    )
    purpose = models.TextField(_("formål"), blank=True)
    legal_basis_art6 = models.CharField(
        _("retsgrundlag (art. 6)"), max_length=10, choices=choices.LegalBasisArt6, blank=True
    )
    legal_basis_art9 = models.CharField(
        _("retsgrundlag (art. 9)"), max_length=10, choices=choices.LegalBasisArt9, blank=True
    )
    legal_basis_text = models.TextField(_("hjemmel (lovgivning)"), blank=True)
    data_subjects = models.TextField(_("kategorier af registrerede"), blank=True)
    data_categories = models.ManyToManyField(
        DataCategory,
        verbose_name=_("kategorier af personoplysninger"),
        blank=True,
        related_name="processing_activities",
    )
    recipients = models.TextField(_("modtagere"), blank=True)
    third_country_transfer = models.BooleanField(_("overførsel til tredjeland"), default=False)
    transfer_countries = models.CharField(_("tredjelande"), max_length=300, blank=True)
    transfer_basis = models.CharField(
        _("overførselsgrundlag"), max_length=15, choices=choices.TransferBasis, blank=True
    )
    retention = models.TextField(_("opbevaring og sletning"), blank=True)
    security_measures = models.TextField(_("sikkerhedsforanstaltninger"), blank=True)
    usages = models.ManyToManyField(
        "portfolio.SystemUsage",
        verbose_name=_("anvendte systemer"),
        blank=True,
        related_name="processing_activities",
    )
    data_assets = models.ManyToManyField(
        DataAsset, verbose_name=_("dataaktiver"), blank=True, related_name="processing_activities"
    )
    responsible_unit = models.ForeignKey(
        "roles.OrganisationUnit",
        verbose_name=_("ansvarlig enhed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="processing_activities",
    )
    dpia_needed = models.CharField(
        _("konsekvensanalyse nødvendig"),
        max_length=10,
        choices=choices.DpiaNeed,
        default=choices.DpiaNeed.UNKNOWN,
    )
    dpia_done = models.BooleanField(_("konsekvensanalyse udført"), default=False)
    dpia_date = models.DateField(_("konsekvensanalyse dato"), null=True, blank=True)
    risk_level = models.CharField(
        _("risikoniveau"), max_length=10, choices=choices.RiskLevel, blank=True
    )
    kle_numbers = models.ManyToManyField(
        "portfolio.KleNumber",
        verbose_name=_("KLE-numre"),
        blank=True,
        related_name="processing_activities",
    )
    external_reference = models.CharField(_("ekstern reference"), max_length=100, blank=True)

    role_assignments = GenericRelation("roles.RoleAssignment")

    objects = ProcessingActivityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("behandlingsaktivitet")
        verbose_name_plural = _("behandlingsaktiviteter")
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "organisation", name="processing_unique_name_per_org",
                violation_error_message=_(
                    "Der findes allerede en behandlingsaktivitet med det navn i organisationen."
                ),
            ),
            # Adopting one of KL's standard activities twice must not give two records.
            models.UniqueConstraint(
                fields=["organisation", "standard_number"],
                condition=~Q(standard_number=""),
                name="processing_unique_standard_number_per_org",
                violation_error_message=_(
                    "Organisationen har allerede en behandlingsaktivitet med det KL-nummer."
                ),
            ),
            models.CheckConstraint(
                condition=Q(dpia_done=False) | ~Q(dpia_needed="no"),
                name="processing_dpia_done_implies_needed",
                violation_error_message=_(
                    "En konsekvensanalyse kan ikke være udført, når den ikke er nødvendig."
                ),
            ),
            models.CheckConstraint(
                condition=Q(dpia_date__isnull=True) | Q(dpia_done=True),
                name="processing_dpia_date_needs_done",
                violation_error_message=_(
                    "En dato for konsekvensanalysen kræver, at den er udført."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        self.require_same_organisation(responsible_unit=self.responsible_unit)


def agreement_in_force(today) -> Q:
    """An agreement binds on `today` until its end date has passed (an ended agreement
    needs no more oversight, roles or alerts)."""
    return Q(ended_on__isnull=True) | Q(ended_on__gte=today)


class DataProcessingAgreementQuerySet(ScopedQuerySet):
    def in_force(self, today):
        return self.filter(agreement_in_force(today))

    def needing_roles(self, today):
        """The agreements whose roles still matter (roles.responsibilities)."""
        return self.in_force(today)

    def for_list(self):
        return self.select_related("organisation", "processor", "contract").prefetch_related(
            "usages",
            Prefetch("sub_processors", queryset=SubProcessor.objects.select_related("supplier")),
        )


class DataProcessingAgreement(TenantModel):
    """A data processing agreement (databehandleraftale) with a supplier as processor,
    with its sub-processors and how and how often the processor is supervised."""

    role_target = RoleTarget.DATA_PROCESSING_AGREEMENT
    # An agreement has no unit of its own; it belongs where its contract does.
    role_unit_path = "contract__responsible_unit__path"

    name = models.CharField(_("navn"), max_length=250)
    processor = models.ForeignKey(
        "portfolio.Supplier",
        verbose_name=_("databehandler"),
        on_delete=models.PROTECT,
        related_name="data_processing_agreements",
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("kontrakt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_processing_agreements",
    )
    usages = models.ManyToManyField(
        "portfolio.SystemUsage",
        verbose_name=_("systemanvendelser"),
        blank=True,
        related_name="data_processing_agreements",
    )
    concluded_on = models.DateField(_("indgået"), null=True, blank=True)
    ended_on = models.DateField(_("ophørt"), null=True, blank=True)
    third_country_transfer = models.BooleanField(_("overførsel til tredjeland"), default=False)
    transfer_basis = models.CharField(
        _("overførselsgrundlag"), max_length=15, choices=choices.TransferBasis, blank=True
    )
    oversight_method = models.CharField(
        _("tilsynsmetode"), max_length=15, choices=choices.OversightMethod, blank=True
    )
    oversight_interval = models.CharField(
        _("tilsynsinterval"), max_length=3, choices=choices.OversightInterval, blank=True
    )
    next_oversight_date = models.DateField(
        _("næste tilsyn"), null=True, blank=True, db_index=True
    )
    document_url = models.URLField(_("link til aftalen"), blank=True, max_length=500)
    notes = models.TextField(_("noter"), blank=True)
    external_reference = models.CharField(_("ekstern reference"), max_length=100, blank=True)

    role_assignments = GenericRelation("roles.RoleAssignment")

    objects = DataProcessingAgreementQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("databehandleraftale")
        verbose_name_plural = _("databehandleraftaler")
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "organisation", name="dpa_unique_name_per_org",
                violation_error_message=_(
                    "Der findes allerede en databehandleraftale med det navn i organisationen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(concluded_on__isnull=True)
                | Q(ended_on__gte=F("concluded_on")),
                name="dpa_ended_after_concluded",
                violation_error_message=_("Ophørsdatoen skal ligge efter indgåelsesdatoen."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        self.require_same_organisation(contract=self.contract if self.contract_id else None)
        errors = catalog_reference_errors(
            organisation_id=self.organisation_id,
            shared=False,
            processor=self.processor if self.processor_id else None,
        )
        if errors:
            raise ValidationError(errors)


class SubProcessorQuerySet(scoped_queryset("agreement__organisation")):
    def for_list(self):
        return self.select_related("agreement", "supplier")


class SubProcessor(PublicIdModel):
    """A sub-processor (underdatabehandler) the processor uses, where it processes the
    data and on which basis when that is outside the EU/EEA."""

    agreement = models.ForeignKey(
        DataProcessingAgreement,
        verbose_name=_("databehandleraftale"),
        on_delete=models.CASCADE,
        related_name="sub_processors",
    )
    supplier = models.ForeignKey(
        "portfolio.Supplier",
        verbose_name=_("underdatabehandler"),
        on_delete=models.PROTECT,
        related_name="sub_processing",
    )
    service = models.CharField(_("ydelse"), max_length=300, blank=True)
    country = models.CharField(_("behandlingsland"), max_length=2, default="DK")
    transfer_basis = models.CharField(
        _("overførselsgrundlag"), max_length=15, choices=choices.TransferBasis, blank=True
    )

    objects = SubProcessorQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "supplier__name"]
        verbose_name = _("underdatabehandler")
        verbose_name_plural = _("underdatabehandlere")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "supplier", "country"], name="subprocessor_unique",
                violation_error_message=_(
                    "Underdatabehandleren står allerede på aftalen med det behandlingsland."
                ),
            ),
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"), name="subprocessor_country_iso2",
                violation_error_message=_(
                    "Behandlingslandet skal angives med to store bogstaver, fx DK."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} ({self.country})"

    @property
    def country_name(self) -> str:
        return countries.country_name(self.country)

    @property
    def is_third_country(self) -> bool:
        return countries.is_third_country(self.country)

    @property
    def needs_transfer_basis(self) -> bool:
        return countries.needs_transfer_basis(self.country)

    @property
    def owning_organisation_id(self):
        return self.agreement.organisation_id if self.agreement_id else None

    def clean(self):
        super().clean()
        if self.agreement_id:
            errors = catalog_reference_errors(
                organisation_id=self.agreement.organisation_id,
                shared=False,
                supplier=self.supplier if self.supplier_id else None,
            )
            if errors:
                raise ValidationError(errors)


class OversightRecordQuerySet(scoped_queryset("agreement__organisation")):
    def for_list(self):
        return self.select_related("agreement")


class OversightRecord(PublicIdModel):
    """One performed supervision of a processor: when, how, the result, the report."""

    agreement = models.ForeignKey(
        DataProcessingAgreement,
        verbose_name=_("databehandleraftale"),
        on_delete=models.CASCADE,
        related_name="oversight_records",
    )
    date = models.DateField(_("dato"))
    method = models.CharField(_("metode"), max_length=15, choices=choices.OversightMethod)
    result = models.CharField(
        _("resultat"), max_length=15, choices=choices.OversightResult, blank=True
    )
    report_url = models.URLField(_("link til rapport"), blank=True, max_length=500)
    notes = models.TextField(_("noter"), blank=True)

    objects = OversightRecordQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "-date"]
        verbose_name = _("tilsyn")
        verbose_name_plural = _("tilsyn")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "date", "method"], name="oversight_unique_per_day_method",
                violation_error_message=_(
                    "Der er allerede registreret et tilsyn med den metode på den dato."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.date:%d-%m-%Y}"

    @property
    def owning_organisation_id(self):
        return self.agreement.organisation_id if self.agreement_id else None
