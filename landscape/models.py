"""The landscape's own records. Most of the landscape is computed from the inventory
(systems, integrations, contracts, suppliers); what it stores is what people decide."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models import _exactly_one
from kitos.tenancy import ScopedQuerySet, TenantModel

from .attestation_choices import (
    ANSWERED,
    DEFAULT_INTERVAL_MONTHS,
    AttestationStatus,
    CampaignStatus,
)


class ProcurementSharing(TenantModel):
    """An organisation's choice to show the other organisations on this installation
    when its contracts for catalog systems end or can be terminated, so neighbours can
    tender together (joint procurement). Without a record, or with `shares` off, the
    organisation's contracts are never shown to anyone outside it."""

    shares = models.BooleanField(
        _("deler kontrakters udløb til fælles udbud"), default=False,
        help_text=_("Andre organisationer på denne installation kan se, hvilke "
                    "katalogsystemer jeres kontrakter udløber eller kan opsiges for, "
                    "og hvornår. Beløb og bilag deles ikke."),
    )
    contact_email = models.EmailField(
        _("kontakt til fælles udbud"), blank=True,
        help_text=_("Vises for de andre organisationer ved jeres kontrakter."),
    )

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("deling til fælles udbud")
        verbose_name_plural = _("delinger til fælles udbud")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], name="landscape_sharing_one_per_organisation",
                violation_error_message=_("Organisationen har allerede et valg om deling."),
            ),
        ]

    def __str__(self) -> str:
        state = _("deler") if self.shares else _("deler ikke")
        return f"{self.organisation}: {state}"


# -- attestation -------------------------------------------------------------------------


class AttestationCampaignQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "created_by").annotate(
            attestation_count=models.Count("attestations", distinct=True),
            answered_count=models.Count(
                "attestations", filter=models.Q(attestations__status__in=ANSWERED),
                distinct=True,
            ),
        )

    def open(self):
        return self.filter(status=CampaignStatus.OPEN)


class AttestationCampaign(TenantModel):
    """A round in which every system owner and contract owner confirms or corrects the
    records they are responsible for, by a due date. Yearly by default; `interval_months`
    says when the next campaign is due (attestation_services.campaign_next)."""

    title = models.CharField(_("titel"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    opens_on = models.DateField(_("åbner"))
    due_on = models.DateField(_("frist"))
    interval_months = models.PositiveSmallIntegerField(
        _("interval (måneder)"), default=DEFAULT_INTERVAL_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Hvor ofte kampagnen gentages; 12 er årligt."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus, default=CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oprettet af"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    objects = AttestationCampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "title"]
        verbose_name = _("attesteringskampagne")
        verbose_name_plural = _("attesteringskampagner")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("opens_on")),
                name="attestationcampaign_due_after_opens",
                violation_error_message=_("Fristen skal ligge efter åbningsdatoen."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CampaignStatus.values),
                name="attestationcampaign_status_valid",
                violation_error_message=_("Status skal være en af de mulige."),
            ),
            models.CheckConstraint(
                condition=models.Q(interval_months__gte=1, interval_months__lte=60),
                name="attestationcampaign_interval_range",
                violation_error_message=_("Intervallet skal være mellem 1 og 60 måneder."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "title"], name="attestationcampaign_unique_title",
                violation_error_message=_("Der findes allerede en kampagne med den titel."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AttestationQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related(
            "organisation", "campaign", "usage__system", "contract", "unit", "owner",
            "attested_by",
        )

    def pending(self):
        return self.filter(status=AttestationStatus.PENDING)

    def overdue(self, today):
        """Pending in an open campaign whose due date has passed."""
        return self.pending().filter(
            campaign__status=CampaignStatus.OPEN, campaign__due_on__lt=today
        )


class Attestation(TenantModel):
    """One owner's answer for one record in a campaign: a system usage (asked of its
    system owner) or a contract (asked of its contract owner). The owner and the
    responsible unit are copied when the campaign opens, so the campaign shows who was
    asked even when roles change later."""

    campaign = models.ForeignKey(
        AttestationCampaign, verbose_name=_("kampagne"), on_delete=models.CASCADE,
        related_name="attestations",
    )
    usage = models.ForeignKey(
        "portfolio.SystemUsage", verbose_name=_("systemanvendelse"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="attestations",
    )
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("kontrakt"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="attestations",
    )
    unit = models.ForeignKey(
        "roles.OrganisationUnit", verbose_name=_("ansvarlig enhed"),
        on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    owner = models.ForeignKey(
        "roles.Person", verbose_name=_("ansvarlig"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="attestations",
        help_text=_("Systemejeren for et system, kontraktejeren for en kontrakt."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AttestationStatus,
        default=AttestationStatus.PENDING,
    )
    comment = models.TextField(_("kommentar"), blank=True)
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("attesteret af"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    attested_at = models.DateTimeField(_("attesteret"), null=True, blank=True)

    objects = AttestationQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "unit__name", "pk"]
        verbose_name = _("attestering")
        verbose_name_plural = _("attesteringer")
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one("usage", "contract"), name="attestation_one_subject",
                violation_error_message=_(
                    "En attestering gælder netop én systemanvendelse eller én kontrakt."
                ),
            ),
            models.UniqueConstraint(
                fields=["campaign", "usage"], condition=models.Q(usage__isnull=False),
                name="attestation_one_per_usage",
                violation_error_message=_("Systemet er allerede med i kampagnen."),
            ),
            models.UniqueConstraint(
                fields=["campaign", "contract"], condition=models.Q(contract__isnull=False),
                name="attestation_one_per_contract",
                violation_error_message=_("Kontrakten er allerede med i kampagnen."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AttestationStatus.values),
                name="attestation_status_valid",
                violation_error_message=_("Status skal være en af de mulige."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status=AttestationStatus.CORRECTED) | ~models.Q(comment=""),
                name="attestation_corrected_has_comment",
                violation_error_message=_("Skriv hvad der er rettet."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.campaign})"

    @property
    def subject(self):
        return self.usage if self.usage_id else self.contract

    @property
    def is_answered(self) -> bool:
        return self.status in ANSWERED

    def clean(self):
        super().clean()
        self.require_same_organisation(
            campaign=self.campaign if self.campaign_id else None,
            usage=self.usage if self.usage_id else None,
            contract=self.contract if self.contract_id else None,
            unit=self.unit if self.unit_id else None,
            owner=self.owner if self.owner_id else None,
        )
