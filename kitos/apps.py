from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KitosConfig(AppConfig):
    """The core: organisations and memberships, the audit log, API tokens, list
    preferences, and the machinery every app uses. Imports no app (README: Architecture)."""

    name = "kitos"
    verbose_name = _("Organisationer, adgang og historik")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The lockout's audit entry is written by a receiver of django-axes' signal.
        from kitos.login import lockout  # noqa: F401
