from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Excel import runs (upload, preview, commit, progress, marked workbook) and the
    import/export commands. The engine is the core's (kitos.excel); each domain app
    registers its sheets there from its own AppConfig.ready()."""

    name = "imports"
    verbose_name = _("Import")
    default_auto_field = "django.db.models.BigAutoField"
