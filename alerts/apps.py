from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

ADVICE_TARGET_LABELS = (
    "contracts.Contract", "portfolio.SystemUsage", "gdpr.DataProcessingAgreement",
    "gdpr.ProcessingActivity",
)


class AlertsConfig(AppConfig):
    """Alert rules, the daily scan, in-app notifications, e-mail digests, contract
    subscriptions and the personal calendar feed. A feature app: it reads contracts and
    data processing agreements and is read by nothing below it. Also manual advice
    (alerts.advice) on contracts, system usages, agreements and processing activities."""

    name = "alerts"
    verbose_name = _("Varsler")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What this app shows on the pages of the apps below it (kitos.hooks).
        from contracts.views import ContractDetailView
        from gdpr.views import AgreementDetailView
        from kitos import hooks
        from kitos.detail import PANELS_TEMPLATE, Tab, tab_of

        from .context_processors import UNREAD_ANNOTATION, unread_alerts_in_organisation
        from .views import (
            advice_context,
            alert_log_context,
            person_subscriptions_context,
            subscriptions_context,
        )

        # The header's unread count, read with the user's organisations (one query).
        hooks.add_organisation_annotation(UNREAD_ANNOTATION, unread_alerts_in_organisation)

        ADVICE_TAB = Tab("advis", _("Advis"), "advice", PANELS_TEMPLATE)  # noqa: N806
        contract_overview = tab_of(ContractDetailView, "overview")
        hooks.add_detail_panel(
            "contracts.Contract", contract_overview,
            template="alerts/_contract_subscribe.html", provider=subscriptions_context,
            slot="actions",
        )
        # Each panel with the context it shows (the subscribers and the subscribe button
        # share theirs; a provider registered twice for a tab runs once).
        hooks.add_detail_panel(
            "contracts.Contract", contract_overview,
            template="alerts/_contract_subscribers.html", provider=subscriptions_context,
            slot="end",
        )
        hooks.add_detail_panel(
            "contracts.Contract", contract_overview,
            template="alerts/_alert_log.html", provider=alert_log_context, slot="end",
        )
        hooks.add_detail_panel(
            "gdpr.DataProcessingAgreement", tab_of(AgreementDetailView, "overview"),
            template="alerts/_alert_log.html", provider=alert_log_context, slot="end",
        )
        hooks.add_detail_context("roles.Person", "responsibilities", person_subscriptions_context)

        # Manual advice: its API (/api/v1/advice/), and an "Advis" tab on each kind of
        # object an advice can be set on.
        from kitos.api.registry import register_routes

        from .api.views import routes as advice_routes

        register_routes(advice_routes)
        from django.apps import apps
        from django.db.models.signals import post_delete

        for label in ADVICE_TARGET_LABELS:
            hooks.add_detail_panel(
                label, ADVICE_TAB, template="alerts/_advice.html", provider=advice_context,
            )
            post_delete.connect(_forget_advice_of, sender=apps.get_model(label),
                                dispatch_uid=f"alerts-advice-of-{label}")


def _forget_advice_of(sender, instance, **kwargs) -> None:
    """An object deleted takes its advice (and their log) with it: nothing is sent about
    an object that is gone. (Bulk deletions skip signals; the sending then finds the
    object gone and switches the advice off, see alerts.advice._send_one.)"""
    from django.contrib.contenttypes.models import ContentType

    from .models import Advice

    Advice.objects.filter(content_type=ContentType.objects.get_for_model(sender),
                          object_id=instance.pk).delete()
