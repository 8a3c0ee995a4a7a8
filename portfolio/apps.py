from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    """The system and supplier catalogs, system usages and integrations."""

    name = "portfolio"
    verbose_name = _("Systemer")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What this app tells the layers below it (kitos.hooks and the registries).
        from kitos import hooks
        from kitos.api.registry import register_routes
        from kitos.excel.registry import register_entity, register_reference

        from . import bulk_actions, importers, tables
        from .api.views import routes
        from .detail_views import UNIT_SYSTEMS_TAB, unit_usages_context
        from .kle import load_kle

        register_routes(routes)
        from kitos.options import register_kind

        from .option_lists import KINDS

        for kind in KINDS:
            register_kind(kind)
        register_entity(importers.SUPPLIERS, order=30)
        register_entity(importers.SYSTEMS, order=40)
        # After the systems that expose them, before the integrations through them.
        register_entity(importers.INTERFACES, order=45)
        register_entity(importers.USAGES, order=50)
        register_entity(importers.INTEGRATIONS, order=60)
        register_reference(importers.KLE)
        tables.add_columns_to_lower_lists()
        bulk_actions.register()
        hooks.add_reference_loader(lambda: _("%(count)s nye KLE-numre") % {"count": load_kle()})
        hooks.add_detail_panel(
            "roles.OrganisationUnit", UNIT_SYSTEMS_TAB,
            template="portfolio/_unit_usages.html", provider=unit_usages_context,
        )
        register_pickers()


def register_pickers() -> None:
    """The searchable pickers of suppliers, catalog systems and system usages
    (kitos/pickers.py)."""
    from kitos.pickers import add_picker

    from .models import ItSystem, Supplier, SystemUsage

    add_picker(
        "leverandoerer",
        queryset=lambda user: Supplier.objects.visible_to(user).order_by("name", "pk"),
        search_fields=("name", "cvr"),
    )
    add_picker(
        "it-systemer",
        queryset=lambda user: ItSystem.objects.visible_to(user).order_by("name", "pk"),
        search_fields=("name", "previous_names"),
    )
    add_picker(
        "systemer",
        queryset=lambda user: SystemUsage.objects.visible_to(user)
        .select_related("system").order_by("system__name", "pk"),
        search_fields=("local_name", "system__name"),
    )
