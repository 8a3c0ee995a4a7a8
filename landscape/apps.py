from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each part of the landscape registers its API routes, page sections and hooks from its
# own `<feature>_setup.py`, so the parts stay apart and the app's start-up reads as a list.
FEATURES = ("impact", "map", "consolidation", "suppliers", "attestation")


class LandscapeConfig(AppConfig):
    """The IT landscape across the inventory: the system map, what depends on a system,
    supplier or contract (impact analysis), duplicates and KLE coverage, supplier
    dependence and joint procurement, and the yearly attestation of records."""

    name = "landscape"
    verbose_name = _("Landskab")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        for feature in FEATURES:
            import_module(f"landscape.{feature}_setup").register()
