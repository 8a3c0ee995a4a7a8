from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data (`manage.py seed_demo`): two municipalities with systems, contracts,
    processing activities and roles, built through every app's services."""

    name = "demo"
    verbose_name = _("Demodata")
