"""Admin for organisations, their units, memberships, persons, roles and competencies."""

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

from kitos.admin_base import KitosModelAdmin, editable_values
from roles.models import Competency, Discipline, OrganisationUnit, Person, RoleAssignment, RoleType

from .services import (
    competency_create,
    competency_delete,
    competency_update,
    unit_create,
    unit_update,
)

RelatedOnly = admin.RelatedOnlyFieldListFilter


@admin.register(OrganisationUnit)
class OrganisationUnitAdmin(KitosModelAdmin):
    list_display = ("name", "parent", "organisation", "local_code", "ean", "depth")
    list_filter = (("organisation", RelatedOnly), "depth")
    search_fields = ("name", "local_code", "ean", "external_reference")
    list_select_related = ("organisation", "parent")
    autocomplete_fields = ("parent",)

    # The unit services keep `path`/`depth` (the subtree index) in step with `parent`.
    def create(self, actor, obj, m2m):
        return unit_create(actor=actor, **editable_values(obj))

    def update(self, actor, obj, data, m2m):
        return unit_update(actor=actor, unit=obj, data=data)

    def delete_queryset(self, request, queryset):
        # Deepest first: a unit that still has children is protected.
        super().delete_queryset(request, queryset.order_by("-depth"))


@admin.register(Person)
class PersonAdmin(KitosModelAdmin):
    list_display = ("name", "email", "title", "unit", "organisation", "left_on")
    list_filter = (("left_on", admin.EmptyFieldListFilter), ("organisation", RelatedOnly))
    search_fields = ("name", "email", "title", "external_reference")
    list_select_related = ("unit", "organisation")
    autocomplete_fields = ("unit",)
    raw_id_fields = ("user",)


@admin.register(Discipline)
class DisciplineAdmin(KitosModelAdmin):
    list_display = ("name", "code", "organisation")
    list_filter = (("organisation", RelatedOnly),)  # "-" lists the standard ones
    search_fields = ("name", "code", "description")
    list_select_related = ("organisation",)
    prepopulated_fields = {"code": ("name",)}


@admin.register(RoleType)
class RoleTypeAdmin(KitosModelAdmin):
    list_display = (
        "name",
        "code",
        "applies_to",
        "discipline",
        "is_required",
        "is_specialist",
        "sort_order",
        "organisation",
    )
    list_filter = (
        "applies_to",
        "is_required",
        "is_specialist",
        ("organisation", RelatedOnly),
    )
    search_fields = ("name", "code", "description")
    list_select_related = ("discipline", "organisation")
    prepopulated_fields = {"code": ("name",)}


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(KitosModelAdmin):
    list_display = (
        "person",
        "role_type",
        "content_type",
        "object_id",
        "start_date",
        "end_date",
        "organisation",
    )
    list_filter = (
        ("role_type", RelatedOnly),
        ("content_type", RelatedOnly),
        ("end_date", admin.EmptyFieldListFilter),
        ("organisation", RelatedOnly),
    )
    search_fields = ("person__name", "person__email", "role_type__name", "note")
    list_select_related = ("person", "role_type", "content_type", "organisation")
    autocomplete_fields = ("person",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "content_type":
            # Only the kinds of object a role can be held on (models with a role_target).
            targets = [m for m in apps.get_models() if getattr(m, "role_target", None)]
            kwargs["queryset"] = ContentType.objects.filter(
                pk__in=[ct.pk for ct in ContentType.objects.get_for_models(*targets).values()]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Competency)
class CompetencyAdmin(KitosModelAdmin):
    list_display = ("person", "discipline", "level", "organisation")
    list_filter = ("level", ("discipline", RelatedOnly), ("organisation", RelatedOnly))
    search_fields = ("person__name", "discipline__name", "note")
    list_select_related = ("person", "discipline", "organisation")
    autocomplete_fields = ("person",)

    # The same services as the person page's forms.
    def create(self, actor, obj, m2m):
        return competency_create(
            actor=actor, person=obj.person, discipline=obj.discipline, level=obj.level,
            note=obj.note,
        )

    def update(self, actor, obj, data, m2m):
        return competency_update(actor=actor, competency=obj, data=data)

    def remove(self, actor, obj):
        competency_delete(actor=actor, competency=obj)
