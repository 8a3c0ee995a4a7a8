"""Choices for suppliers and contracts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractType(models.TextChoices):
    MAIN = "main", _("Hovedkontrakt")
    SUPPLEMENT = "supplement", _("Tillægskontrakt")
    SERVICE = "service", _("Serviceaftale")
    LICENCE = "licence", _("Licens")
    OPERATION = "operation", _("Drift")
    DATA_PROCESSING = "data_processing", _("Databehandleraftale")


class ProcurementForm(models.TextChoices):
    SKI = "ski", _("SKI-aftale")
    EU_TENDER = "eu_tender", _("EU-udbud")
    BELOW_THRESHOLD = "below_threshold", _("Udbud under tærskelværdi")
    DIRECT = "direct", _("Direkte tildeling")
    OTHER = "other", _("Andet")


class NoticeToEndOf(models.TextChoices):
    """A contract may only end on the last day of such a period (løbende måned etc.)."""

    MONTH = "month", _("Løbende måned")
    QUARTER = "quarter", _("Kvartal")
    YEAR = "year", _("År")


class CostKind(models.TextChoices):
    ACQUISITION = "acquisition", _("Anskaffelse")
    OPERATION = "operation", _("Drift")
    OTHER = "other", _("Andet")


class ContractStatus(models.TextChoices):
    """Computed by contracts/deadlines.py; stored so lists and alerts filter in SQL."""

    FUTURE = "future", _("Fremtidig")
    ACTIVE = "active", _("Aktiv")
    IN_NOTICE = "in_notice", _("I opsigelse")
    EXPIRED = "expired", _("Udløbet")
    TERMINATED = "terminated", _("Ophørt")


# What the code means by groups of statuses. ContractQuerySet filters by them (running(),
# in_force(), ended(), actionable()); the dashboard passes them to the contract list's
# status filter, so a number and the list it opens agree.
# Over: the contract has expired or ended after notice.
ENDED_STATUSES = (ContractStatus.EXPIRED, ContractStatus.TERMINATED)
# Not ended: it runs, in notice or not, or will start (it needs an owner).
RUNNING_STATUSES = tuple(s for s in ContractStatus if s not in ENDED_STATUSES)
# Binding today: started and not ended (it is paid for, and decides whether the systems it
# is the main contract for are active).
IN_FORCE_STATUSES = (ContractStatus.ACTIVE, ContractStatus.IN_NOTICE)
# Running and no notice given: it goes on unless someone acts, so its notice, re-tender
# and end dates call for an alert.
ACTIONABLE_STATUSES = (ContractStatus.ACTIVE, ContractStatus.FUTURE)



class DecisionKind(models.TextChoices):
    """What the owner decided to do about a contract's deadline."""

    RENEW = "renew", _("Forny / lad kontrakten løbe videre")
    OPTION = "option", _("Udnyt en option")
    TERMINATE = "terminate", _("Opsig kontrakten")
    RETENDER = "retender", _("Genudbyd")
    OTHER = "other", _("Andet")


def decision_label(kind: str | None) -> str | None:
    """A decision kind's label as lists show it (None: nothing decided yet; an annotated
    ``decision_kind`` of ``Contract.objects.with_decision()`` goes straight in)."""
    return DecisionKind(kind).label if kind in DecisionKind.values else None


# Decisions after which the contract needs no re-tender at this deadline: it goes on
# (renewed, an option used) or simply ends. A re-tender decision puts the contract on the
# procurement plan; "other" leaves the question open, so the plan still shows it.
NO_RETENDER_DECISIONS = (DecisionKind.RENEW, DecisionKind.OPTION, DecisionKind.TERMINATE)


class Quarter(models.IntegerChoices):
    Q1 = 1, _("1. kvartal")
    Q2 = 2, _("2. kvartal")
    Q3 = 3, _("3. kvartal")
    Q4 = 4, _("4. kvartal")


class AuditStatus(models.TextChoices):
    """The audit of a cost line (OS2KITOS: revisionsstatus, a traffic light)."""

    NOT_AUDITED = "not_audited", _("Ikke revideret")
    GREEN = "green", _("Grøn: opfylder kravene")
    YELLOW = "yellow", _("Gul: mindre forbedringer påkrævet")
    RED = "red", _("Rød: væsentlige forbedringer nødvendige")
