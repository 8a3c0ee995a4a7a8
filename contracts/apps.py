from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    """Suppliers, contracts, coverage and cost lines."""

    name = "contracts"
    verbose_name = _("Kontrakter")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kitos.excel.registry import register_entity

        from . import importers, tables

        register_entity(importers.CONTRACTS, order=70)
        register_entity(importers.COST_LINES, order=80)
        tables.add_columns_to_lower_lists()
