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


class CompetencyLevel(models.TextChoices):
    UNDERSTANDING = "understanding", _("Forståelse")
    SKILL = "skill", _("Færdighed")
    TEACHER = "teacher", _("Underviser")
