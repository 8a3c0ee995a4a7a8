"""Choices of the alerts: which date a rule watches, and the rules every organisation
starts with."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    """Which date an alert rule watches."""

    NOTICE_DEADLINE = "notice_deadline", _("Frist for opsigelse / option")
    RETENDER_START = "retender_start", _("Start på genudbud")
    CONTRACT_END = "contract_end", _("Kontraktens udløb (uden opsigelsesfrist)")
    OVERSIGHT_DUE = "oversight_due", _("Tilsyn med databehandler")
    # No decision on a contract's deadline this close to it: the leader of the responsible
    # unit (or the unit above) is told, once per deadline.
    ESCALATION = "escalation", _("Eskalering: frist uden beslutning")
    # A benefit's measurement point (governance, through alerts.sources): before it, and
    # once it has passed without a measurement ("days before" counts days after then).
    BENEFIT_DUE = "benefit_due", _("Gevinstmåling forfalder")
    BENEFIT_OVERDUE = "benefit_overdue", _("Gevinstmåling overskredet")
    # An attestation campaign's due date (landscape, through alerts.sources): its pending
    # attestations' owners are reminded before it, and once it has passed.
    ATTESTATION_DUE = "attestation_due", _("Attestering forfalder")
    ATTESTATION_OVERDUE = "attestation_overdue", _("Attestering overskredet")


# Kinds that fire after their date instead of before: the rule's days count after it.
OVERDUE_KINDS = frozenset({AlertKind.BENEFIT_OVERDUE, AlertKind.ATTESTATION_OVERDUE})


# The default rules every organisation starts with: (kind, days before).
DEFAULT_ALERT_RULES = (
    (AlertKind.NOTICE_DEADLINE, 180),
    (AlertKind.NOTICE_DEADLINE, 90),
    (AlertKind.NOTICE_DEADLINE, 30),
    (AlertKind.RETENDER_START, 0),
    (AlertKind.CONTRACT_END, 30),
    (AlertKind.CONTRACT_END, 0),
    (AlertKind.OVERSIGHT_DUE, 30),
    (AlertKind.OVERSIGHT_DUE, 0),
    (AlertKind.ESCALATION, 30),
    (AlertKind.BENEFIT_DUE, 30),
    (AlertKind.BENEFIT_DUE, 7),
    (AlertKind.BENEFIT_OVERDUE, 1),
    (AlertKind.ATTESTATION_DUE, 14),
    (AlertKind.ATTESTATION_OVERDUE, 1),
)

