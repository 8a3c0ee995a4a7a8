from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    """Suppliers, contracts, coverage and cost lines."""

    name = "contracts"
    verbose_name = _("Kontrakter")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What this app tells the layers below it (kitos.hooks and the registries).
        from kitos import hooks
        from kitos.api.registry import register_routes
        from kitos.excel.registry import register_entity
        from portfolio.detail_views import UNIT_SYSTEMS_TAB

        from . import importers, tables
        from .api.views import routes
        from .detail_views import unit_contracts_context

        register_routes(routes)
        register_entity(importers.CONTRACTS, order=70)
        register_entity(importers.COST_LINES, order=80)
        tables.add_columns_to_lower_lists()
        hooks.add_detail_panel(
            "roles.OrganisationUnit", UNIT_SYSTEMS_TAB,
            template="contracts/_unit_contracts.html", provider=unit_contracts_context,
        )
