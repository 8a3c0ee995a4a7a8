from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Outgoing webhooks: an organisation's admin subscribes a URL to the events of the
    organisation (created, updated, deleted, deadline decided, gap opened/closed); kitos
    signs and delivers them from Celery. A feature app: it hears of changes through the
    audit log's listeners (kitos.hooks) and is read by nothing below it."""

    name = "webhooks"
    verbose_name = _("Webhooks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kitos import hooks

        from . import services

        hooks.add_audit_listener(services.on_audit_entries)
