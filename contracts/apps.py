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
        from kitos.detail import tab_of
        from kitos.excel.registry import register_entity
        from portfolio.detail_views import (
            UNIT_SYSTEMS_TAB,
            IntegrationDetailView,
            SystemUsageDetailView,
        )
        from portfolio.querysets import add_usage_out_of_use

        from . import bulk_actions, importers, tables
        from .api.views import routes
        from .detail_views import (
            USAGE_CONTRACTS_TAB,
            SupplierDetailView,
            integration_contracts_context,
            unit_contracts_context,
            usage_coverage_context,
            usage_main_contract_context,
        )
        from .models import main_contract_not_in_force
        from .spend import supplier_spend_context

        register_routes(routes)
        from kitos.options import register_kind

        from .option_lists import KINDS

        for kind in KINDS:
            register_kind(kind)
        register_entity(importers.CONTRACTS, order=70)
        register_entity(importers.COST_LINES, order=80)
        # After the contracts they are about (a file may create both).
        register_entity(importers.DEADLINE_DECISIONS, order=85)
        tables.add_columns_to_lower_lists()
        bulk_actions.register()
        add_usage_out_of_use(main_contract_not_in_force)
        hooks.add_detail_panel(
            "roles.OrganisationUnit", UNIT_SYSTEMS_TAB,
            template="contracts/_unit_contracts.html", provider=unit_contracts_context,
        )
        hooks.add_detail_panel(
            "portfolio.SystemUsage", tab_of(SystemUsageDetailView, "overview"),
            template="contracts/_usage_main_contract.html",
            provider=usage_main_contract_context, slot="contract",
        )
        hooks.add_detail_panel(
            "portfolio.SystemUsage", USAGE_CONTRACTS_TAB,
            template="contracts/_usage_contracts.html", provider=usage_coverage_context,
        )
        hooks.add_detail_panel(
            "portfolio.Integration", tab_of(IntegrationDetailView, "overview"),
            template="contracts/_integration_contracts.html",
            provider=integration_contracts_context, slot="contracts",
        )
        # The supplier (portfolio) page: what the user's organisations pay it a year.
        hooks.add_detail_panel(
            "portfolio.Supplier", tab_of(SupplierDetailView, "overview"),
            template="contracts/_supplier_spend.html", provider=supplier_spend_context,
            slot="end",
        )
        from kitos.pickers import add_picker

        from .models import Contract

        add_picker(
            "kontrakter",
            queryset=lambda user: Contract.objects.visible_to(user).order_by("name", "pk"),
            search_fields=("name", "contract_number"),
        )
