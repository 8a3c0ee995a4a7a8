from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The pages that look across every app: the home page, the dashboard per
    forvaltning, my page and the global search. No models of its own."""

    name = "overview"
    verbose_name = _("Overblik")
