from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    """Suppliers, contracts, coverage and cost lines."""

    name = "contracts"
    verbose_name = _("Kontrakter")
    default_auto_field = "django.db.models.BigAutoField"
