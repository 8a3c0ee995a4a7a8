from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolesConfig(AppConfig):
    """Organisations, units, memberships, persons, roles and competencies."""

    name = "roles"
    verbose_name = _("Organisation og roller")
    default_auto_field = "django.db.models.BigAutoField"
