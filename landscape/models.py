"""The landscape's own records. Most of the landscape is computed from the inventory
(systems, integrations, contracts, suppliers); what it stores is what people decide."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kitos.tenancy import TenantModel


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
