"""Choices of the core: what a membership lets a user do in an organisation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MembershipRole(models.TextChoices):
    READER = "reader", _("Læser")
    EDITOR = "editor", _("Redaktør")
    ADMIN = "admin", _("Administrator")
