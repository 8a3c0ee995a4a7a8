from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Alert rules, the daily scan, in-app notifications, e-mail digests, contract
    subscriptions and the personal calendar feed. A feature app: it reads contracts and
    data processing agreements and is read by nothing below it."""

    name = "alerts"
    verbose_name = _("Varsler")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kitos import hooks

        from .views import alert_log_context, person_subscriptions_context, subscriptions_context

        hooks.add_detail_context("contracts.Contract", "overview", alert_log_context)
        hooks.add_detail_context("contracts.Contract", "overview", subscriptions_context)
        hooks.add_detail_context("gdpr.DataProcessingAgreement", "overview", alert_log_context)
        hooks.add_detail_context("roles.Person", "responsibilities", person_subscriptions_context)
