from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolesConfig(AppConfig):
    """Organisations, units, memberships, persons, roles and competencies."""

    name = "roles"
    verbose_name = _("Organisation og roller")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What this app tells the layers below it (kitos.hooks and the registries).
        from django.apps import apps

        from kitos import hooks
        from kitos.api.registry import register_routes
        from kitos.excel.registry import register_entity, register_reference

        from . import bulk_actions, importers
        from .api.views import routes
        from .reference import ensure_disciplines_and_role_types

        register_routes(routes)
        register_entity(importers.UNITS, order=10)
        register_entity(importers.PERSONS, order=20)
        register_entity(importers.COMPETENCIES, order=90)
        register_entity(importers.COMPETENCY_TARGETS, order=91)
        register_entity(importers.TRAINING_PLAN, order=92)
        # Last: a role may be held on any other entity, created by the same file.
        register_entity(importers.ROLE_ASSIGNMENTS, order=1000)
        register_reference(importers.ROLE_TYPES)
        register_reference(importers.DISCIPLINES)
        bulk_actions.register()
        from .tabs import register_roles_tab

        register_roles_tab()
        hooks.add_reference_loader(lambda: ensure_disciplines_and_role_types(apps))
        register_pickers()


def register_pickers() -> None:
    """The searchable pickers of units and persons (kitos/pickers.py)."""
    from kitos.pickers import add_picker

    from .models import OrganisationUnit, Person

    add_picker(
        "enheder",
        queryset=lambda user: OrganisationUnit.objects.visible_to(user).order_by(
            "organisation", "path"),
        search_fields=("name", "local_code"),
    )
    add_picker(
        "personer",
        queryset=lambda user: Person.objects.visible_to(user).order_by("name", "pk"),
        search_fields=("name", "email", "title"),
    )
