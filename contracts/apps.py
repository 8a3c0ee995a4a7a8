from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    """Suppliers, contracts, coverage and cost lines."""

    name = "contracts"
    verbose_name = _("Kontrakter")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What this app tells the layers below it (kitos.hooks and the registries).
        from kitos.api.registry import register_routes
        from kitos.excel.registry import register_entity

        from . import importers, tables
        from .api.views import routes

        register_routes(routes)
        register_entity(importers.CONTRACTS, order=70)
        register_entity(importers.COST_LINES, order=80)
        tables.add_columns_to_lower_lists()
