"""Choices of the governance app: project phases, the effect of a project on a system or
a contract, and the traffic lights of a status report."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectPhase(models.TextChoices):
    IDEA = "idea", _("Idé")
    ANALYSIS = "analysis", _("Analyse")
    DECIDED = "decided", _("Besluttet")
    IN_PROGRESS = "in_progress", _("I gang")
    IMPLEMENTED = "implemented", _("Implementeret")
    CLOSED = "closed", _("Afsluttet")
    STOPPED = "stopped", _("Stoppet")


# Phases in which a project still runs (the portfolio's "active" projects).
ACTIVE_PHASES = (
    ProjectPhase.IDEA, ProjectPhase.ANALYSIS, ProjectPhase.DECIDED, ProjectPhase.IN_PROGRESS,
)


class SystemEffect(models.TextChoices):
    """What a project does to a system usage."""

    INTRODUCES = "introduces", _("Indfører")
    CHANGES = "changes", _("Ændrer")
    RETIRES = "retires", _("Udfaser")


class ContractEffect(models.TextChoices):
    """What a project does to a contract."""

    CREATES = "creates", _("Indgår")
    CHANGES = "changes", _("Ændrer")
    ENDS = "ends", _("Afslutter")


class TrafficLight(models.TextChoices):
    GREEN = "green", _("Grøn")
    YELLOW = "yellow", _("Gul")
    RED = "red", _("Rød")


# -- benefits ------------------------------------------------------------------------------


class BenefitKind(models.TextChoices):
    """What kind of gain a benefit is (gevinsttype)."""

    ECONOMIC = "economic", _("Økonomisk")
    QUALITY = "quality", _("Kvalitet")
    TIME = "time", _("Tid")
    OTHER = "other", _("Andet")


# -- steering groups and decisions ---------------------------------------------------------


class MemberRole(models.TextChoices):
    """A member's role in a steering group."""

    CHAIR = "chair", _("Formand")
    MEMBER = "member", _("Medlem")
    SECRETARY = "secretary", _("Sekretær")


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Godkendt")
    REJECTED = "rejected", _("Afvist")
    POSTPONED = "postponed", _("Udsat")
    NOTED = "noted", _("Taget til efterretning")


class DecisionSubject(models.TextChoices):
    """What a decision is about (which of its optional subject links is set)."""

    PROJECT = "project", _("Projekt")
    REQUEST = "request", _("Anmodning om nyt system")
    CONTRACT = "contract", _("Kontraktfrist")
    PRINCIPLE = "principle", _("Princip")
    FREE = "free", _("Fritekst")


# -- new-system requests (the buying process) ----------------------------------------------


class RequestStatus(models.TextChoices):
    """Where a new-system request is in the buying process."""

    DRAFT = "draft", _("Kladde")
    IN_REVIEW = "in_review", _("Til vurdering")
    AWAITING_DECISION = "awaiting_decision", _("Afventer beslutning")
    APPROVED = "approved", _("Godkendt")
    REJECTED = "rejected", _("Afvist")
    WITHDRAWN = "withdrawn", _("Trukket tilbage")


# Statuses in which a request still waits for someone (the open requests).
OPEN_REQUEST_STATUSES = (
    RequestStatus.DRAFT, RequestStatus.IN_REVIEW, RequestStatus.AWAITING_DECISION,
)


class SignOffRole(models.TextChoices):
    """The specialist roles that sign off a new-system request, in the order they sign."""

    ARCHITECT = "architect", _("It-arkitekt")
    CONTRACT_MANAGER = "contract_manager", _("Kontraktansvarlig")
    PROCUREMENT = "procurement", _("Udbudskonsulent")
    FINANCE = "finance", _("Økonomikonsulent")
    DPO = "dpo", _("Databeskyttelsesrådgiver (DPO)")


class SignOffVerdict(models.TextChoices):
    PENDING = "pending", _("Afventer")
    APPROVED = "approved", _("Godkendt")
    CONDITIONS = "conditions", _("Godkendt med forbehold")
    OBJECTION = "objection", _("Indsigelse")


# -- principles and architecture reviews ---------------------------------------------------


class PrincipleArea(models.TextChoices):
    """The field a principle governs (Aabenraa Spor 4)."""

    ARCHITECTURE = "architecture", _("It-arkitektur")
    DATA = "data", _("Data")
    CONTRACT = "contract", _("Kontrakt og leverandør")


class ReviewVerdict(models.TextChoices):
    """The outcome of reviewing one subject against one principle."""

    COMPLIES = "complies", _("Overholder")
    DEVIATION_ACCEPTED = "deviation_accepted", _("Afvigelse accepteret")
    NOT_COMPLIANT = "not_compliant", _("Overholder ikke")


class ReviewSubject(models.TextChoices):
    """What an architecture review is of (which of its subject links is set)."""

    PROJECT = "project", _("Projekt")
    REQUEST = "request", _("Anmodning om nyt system")
    USAGE = "usage", _("Systemanvendelse")
