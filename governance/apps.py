from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    """Strategic goals and the IT project portfolio with its status reports."""

    name = "governance"
    verbose_name = _("Styring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What this app tells the layers below it (the API registry).
        from kitos.api.registry import register_routes

        from .api.views import routes

        register_routes(routes)
