from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferencesConfig(AppConfig):
    """External references and the weekly check of their links. A feature app: it adds a
    "Referencer" tab to the pages of the apps below it (kitos.hooks) and is read by
    nothing below it."""

    name = "references"
    verbose_name = _("Eksterne referencer")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_delete

        from kitos import hooks
        from kitos.detail import PANELS_TEMPLATE, Tab

        from .models import REFERENCE_TARGET_LABELS
        from .views import references_context

        references_tab = Tab("referencer", _("Referencer"), "references", PANELS_TEMPLATE)
        for label in REFERENCE_TARGET_LABELS:
            hooks.add_detail_panel(
                label, references_tab, template="references/_references.html",
                provider=references_context,
            )
            post_delete.connect(_forget_references_of, sender=apps.get_model(label),
                                dispatch_uid=f"references-of-{label}")

        # The API (/api/v1/references/).
        from kitos.api.registry import register_routes

        from .api.views import routes

        register_routes(routes)


def _forget_references_of(sender, instance, **kwargs) -> None:
    """An object deleted takes its references along (a generic relation has no
    cascade of its own)."""
    from .models import ExternalReference

    ExternalReference.objects.about(instance).delete()
