from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GdprConfig(AppConfig):
    """Data categories, data assets, processing activities and processor agreements;
    the gap rules that find what is missing across every domain app."""

    name = "gdpr"
    verbose_name = _("Data og GDPR")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What this app tells the layers below it (kitos.hooks and the registries).
        from django.apps import apps

        from kitos import hooks
        from kitos.api.registry import register_routes
        from kitos.excel.registry import register_entity, register_reference

        from . import importers
        from .api.views import routes
        from .gaps import object_gap_links
        from .reference import ensure_data_categories

        register_routes(routes)
        register_entity(importers.DATA_ASSETS, order=100)
        register_entity(importers.PROCESSING_ACTIVITIES, order=110)
        register_entity(importers.AGREEMENTS, order=120)
        register_reference(importers.DATA_CATEGORIES)
        hooks.add_reference_loader(lambda: ensure_data_categories(apps))
        hooks.add_object_gaps(object_gap_links)
