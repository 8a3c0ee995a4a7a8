"""Choices of the attestation campaigns: a campaign's state and an attestation's answer."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    """A campaign is prepared (draft), then opened (its attestations are created and
    their owners reminded), then closed (no more answers)."""

    DRAFT = "draft", _("Kladde")
    OPEN = "open", _("Åben")
    CLOSED = "closed", _("Lukket")


class AttestationStatus(models.TextChoices):
    """The owner's answer: the records are right (confirmed), or they were corrected
    (with a comment saying what)."""

    PENDING = "pending", _("Afventer")
    CONFIRMED = "confirmed", _("Bekræftet")
    CORRECTED = "corrected", _("Rettet")


# Answered: the attestation counts as done for completeness and gets no reminders.
ANSWERED = (AttestationStatus.CONFIRMED, AttestationStatus.CORRECTED)
# How often campaigns repeat by default (months): yearly.
DEFAULT_INTERVAL_MONTHS = 12
