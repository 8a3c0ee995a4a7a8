from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    """Strategic goals and the IT project portfolio with its status reports."""

    name = "governance"
    verbose_name = _("Styring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What this app tells the layers below it (the API and Excel registries).
        from kitos.api.registry import register_routes
        from kitos.excel.registry import register_entity

        from . import importers
        from .api.views import routes

        register_routes(routes)
        # After the units, persons, systems and contracts they point at; before the role
        # assignments (1000), which may be held on any of them.
        register_entity(importers.GOALS, order=200)
        register_entity(importers.PROJECTS, order=210)
        register_entity(importers.STATUS_REPORTS, order=220)
        register_entity(importers.BENEFITS, order=230)
        register_entity(importers.STEERING_GROUPS, order=240)
        register_entity(importers.DECISIONS, order=250)
        # New-system requests and their sign-offs (governance/api/request_views.py).
        from .api.request_views import routes as request_routes

        register_routes(request_routes)
        # Benefit due dates go through the alerts' rules, deliveries and digest.
        from alerts.sources import register_deadline_source

        from .benefit_reminders import SOURCE as BENEFIT_REMINDERS

        register_deadline_source(BENEFIT_REMINDERS)
        from .api.benefit_due_views import routes as benefit_due_routes

        register_routes(benefit_due_routes)
        # The reminders sent about a benefit, under its due dates and measurements.
        from alerts.views import alert_log_context
        from kitos import hooks
        from kitos.detail import tab_of

        from .benefit_views import BenefitDetailView

        hooks.add_detail_panel(
            "governance.Benefit", tab_of(BenefitDetailView, "measurements"),
            template="alerts/_alert_log.html", provider=alert_log_context, slot="end",
        )
        _register_principles()


def _register_principles() -> None:
    """Principles and architecture reviews: their API routes, the Excel entity and the
    reviews tab on the pages of projects and system usages (kitos.hooks: portfolio is a
    lower layer and does not know this app)."""
    from kitos import hooks
    from kitos.api.registry import register_routes
    from kitos.excel.registry import register_entity

    from . import principle_importers
    from .api.principle_views import routes
    from .principle_views import REVIEWS_PANEL, REVIEWS_TAB, reviews_panel_context

    register_routes(routes)
    register_entity(principle_importers.PRINCIPLES, order=260)
    for model_label in ("governance.Project", "governance.NewSystemRequest",
                        "portfolio.SystemUsage"):
        hooks.add_detail_panel(model_label, REVIEWS_TAB, template=REVIEWS_PANEL,
                               provider=reviews_panel_context)
