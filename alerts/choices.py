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
)

