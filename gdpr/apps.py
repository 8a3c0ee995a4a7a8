from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

CHAIN_LINK_LABEL = _("Se kæden: data, behandlingsaktiviteter og databehandlere")


def chain_url(route: str):
    """The chain page of an object; the chain view itself checks what the user sees."""
    return lambda user, obj: reverse(route, kwargs={"uuid": obj.uuid})


class GdprConfig(AppConfig):
    """Data categories, data assets, processing activities and processor agreements;
    the gap rules that find what is missing across every domain app."""

    name = "gdpr"
    verbose_name = _("Data og GDPR")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What this app tells the layers below it (kitos.hooks and the registries).
        from django.apps import apps

        from contracts.detail_views import SupplierDetailView
        from contracts.views import ContractDetailView
        from kitos import hooks
        from kitos.api.registry import register_routes
        from kitos.detail import tab_of
        from kitos.excel.registry import register_entity, register_reference
        from portfolio.detail_views import IntegrationDetailView

        from . import bulk_actions, importers
        from .api.views import routes
        from .detail_views import (
            USAGE_DATA_TAB,
            contract_agreements_context,
            contract_agreements_row_context,
            integration_data_assets_context,
            supplier_agreements_context,
            usage_data_context,
        )
        from .gaps import object_gap_links
        from .reference import ensure_data_categories

        register_routes(routes)
        register_entity(importers.DATA_ASSETS, order=100)
        register_entity(importers.PROCESSING_ACTIVITIES, order=110)
        register_entity(importers.AGREEMENTS, order=120)
        register_reference(importers.DATA_CATEGORIES)
        bulk_actions.register()
        hooks.add_reference_loader(lambda: ensure_data_categories(apps))
        hooks.add_object_gaps(object_gap_links)
        # The chain diagram is reachable from every object it can start from.
        for model_label, route in (
            ("contracts.Contract", "contract_chain"),
            ("portfolio.SystemUsage", "usage_chain"),
            ("gdpr.ProcessingActivity", "activity_chain"),
        ):
            hooks.add_object_link(model_label, CHAIN_LINK_LABEL, chain_url(route))
        hooks.add_detail_panel(
            "portfolio.SystemUsage", USAGE_DATA_TAB,
            template="gdpr/_usage_data.html", provider=usage_data_context,
        )
        hooks.add_detail_panel(
            "portfolio.Integration", tab_of(IntegrationDetailView, "overview"),
            template="gdpr/_integration_data_assets.html",
            provider=integration_data_assets_context, slot="data",
        )
        hooks.add_detail_panel(
            "contracts.Contract", tab_of(ContractDetailView, "overview"),
            template="gdpr/_contract_agreements_row.html",
            provider=contract_agreements_row_context, slot="facts",
        )
        hooks.add_detail_panel(
            "contracts.Contract", tab_of(ContractDetailView, "data_processing"),
            template="gdpr/_contract_agreements.html", provider=contract_agreements_context,
        )
        hooks.add_detail_panel(
            "portfolio.Supplier", tab_of(SupplierDetailView, "overview"),
            template="gdpr/_supplier_agreements.html", provider=supplier_agreements_context,
            slot="end",
        )
