from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The pages that look across every app: the home page, the dashboard per
    forvaltning, my page and the global search. No models of its own."""

    name = "overview"
    verbose_name = _("Overblik")

    def ready(self):
        # The header's home forvaltning, read with the user's organisations (one query).
        from kitos import hooks

        from .work_scope import HOME_ANNOTATIONS, home_annotation

        for name, field in HOME_ANNOTATIONS.items():
            hooks.add_organisation_annotation(name, home_annotation(field))
