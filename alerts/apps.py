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
        # What this app shows on the pages of the apps below it (kitos.hooks).
        from contracts.views import ContractDetailView
        from gdpr.views import AgreementDetailView
        from kitos import hooks
        from kitos.detail import tab_of

        from .context_processors import UNREAD_ANNOTATION, unread_alerts_in_organisation
        from .views import alert_log_context, person_subscriptions_context, subscriptions_context

        # The header's unread count, read with the user's organisations (one query).
        hooks.add_organisation_annotation(UNREAD_ANNOTATION, unread_alerts_in_organisation)

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
