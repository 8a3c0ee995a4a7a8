from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GdprConfig(AppConfig):
    """Data categories, data assets, processing activities and processor agreements."""

    name = "gdpr"
    verbose_name = _("Data og GDPR")
    default_auto_field = "django.db.models.BigAutoField"
