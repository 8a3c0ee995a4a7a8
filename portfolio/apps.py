from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    """The system catalog, system usages and integrations."""

    name = "portfolio"
    verbose_name = _("Systemer")
    default_auto_field = "django.db.models.BigAutoField"
