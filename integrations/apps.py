from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    """Connectors that bring data in from the municipal landscape: the OS2KITOS API v2
    sync and the organisation tree from an FK Organisation export. Each run is recorded
    (counts, errors, duration) and applies its changes through the domain apps' audited
    services, as the Excel import does."""

    name = "integrations"
    verbose_name = _("Integrationer")
    default_auto_field = "django.db.models.BigAutoField"
