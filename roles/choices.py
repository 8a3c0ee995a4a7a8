"""Choices for organisations, people and roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleTarget(models.TextChoices):
    """The kind of object a role type is held on."""

    SYSTEM_USAGE = "system_usage", _("Systemanvendelse")
    CONTRACT = "contract", _("Kontrakt")
    PROCESSING_ACTIVITY = "processing_activity", _("Behandlingsaktivitet")
    DATA_PROCESSING_AGREEMENT = "data_processing_agreement", _("Databehandleraftale")
    ORGANISATION_UNIT = "organisation_unit", _("Organisationsenhed")
    ORGANISATION = "organisation", _("Organisation")
    PROJECT = "project", _("Projekt")
    INTEGRATION = "integration", _("Integration")
    DATA_ASSET = "data_asset", _("Dataaktiv")
    SUPPLIER = "supplier", _("Leverandør")
    IT_SYSTEM = "it_system", _("Katalogpost (it-system)")
    BENEFIT = "benefit", _("Gevinst")


class CompetencyLevel(models.TextChoices):
    UNDERSTANDING = "understanding", _("Forståelse")
    SKILL = "skill", _("Færdighed")
    TEACHER = "teacher", _("Underviser")


# The order of the levels: a target of færdighed is met by færdighed and underviser.
COMPETENCY_LEVEL_RANK = {
    CompetencyLevel.UNDERSTANDING: 1,
    CompetencyLevel.SKILL: 2,
    CompetencyLevel.TEACHER: 3,
}


class CompetencyTier(models.TextChoices):
    """Where in the organisation a competence target applies (Aabenraa's split: leaders
    understand, those who carry out the work have the skill)."""

    CENTRAL_STAFF = "central_staff", _("Central stab")
    FORVALTNING = "forvaltning", _("Forvaltning")
    DEPARTMENT = "department", _("Afdeling")


class TrainingStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    IN_PROGRESS = "in_progress", _("I gang")
    DONE = "done", _("Gennemført")
    CANCELLED = "cancelled", _("Aflyst")
