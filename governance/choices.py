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
    CONTRACT = "contract", _("Kontraktfrist")
    FREE = "free", _("Fritekst")
