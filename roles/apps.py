from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolesConfig(AppConfig):
    """Organisations, units, memberships, persons, roles and competencies."""

    name = "roles"
    verbose_name = _("Organisation og roller")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.apps import apps

        from kitos import hooks
        from kitos.excel.registry import register_entity, register_reference

        from . import importers
        from .reference import ensure_disciplines_and_role_types

        register_entity(importers.UNITS, order=10)
        register_entity(importers.PERSONS, order=20)
        register_entity(importers.COMPETENCIES, order=90)
        # Last: a role may be held on any other entity, created by the same file.
        register_entity(importers.ROLE_ASSIGNMENTS, order=1000)
        register_reference(importers.ROLE_TYPES)
        register_reference(importers.DISCIPLINES)
        hooks.add_reference_loader(lambda: ensure_disciplines_and_role_types(apps))
