from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KitosConfig(AppConfig):
    """The project app: audit log, dashboards, shared templates and commands."""

    name = "kitos"
    verbose_name = _("Kitos")
    default_auto_field = "django.db.models.BigAutoField"
