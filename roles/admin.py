"""Admin for organisations, their units, memberships, persons, roles and competencies."""

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

from kitos.admin_base import KitosModelAdmin, editable_values
from roles.models import (
    Competency,
    CompetencyTarget,
    Discipline,
    OrganisationUnit,
    Person,
    RoleAssignment,
    RoleGuideline,
    RoleType,
    TrainingPlanItem,
)

from .services import (
    competency_create,
    competency_delete,
    competency_target_create,
    competency_target_delete,
    competency_target_update,
    competency_update,
    role_guideline_delete,
    role_guideline_publish,
    role_guideline_update,
    training_plan_item_create,
    training_plan_item_delete,
    training_plan_item_update,
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


@admin.register(CompetencyTarget)
class CompetencyTargetAdmin(KitosModelAdmin):
    list_display = ("discipline", "level", "unit", "role_type", "tier", "organisation")
    list_filter = (
        "level",
        "tier",
        ("discipline", RelatedOnly),
        ("role_type", RelatedOnly),
        ("organisation", RelatedOnly),
    )
    search_fields = ("discipline__name", "unit__name", "role_type__name", "note")
    list_select_related = ("discipline", "unit", "role_type", "organisation")
    autocomplete_fields = ("unit",)

    # The same services as the Kompetencemål pages.
    def create(self, actor, obj, m2m):
        values = editable_values(obj)
        organisation = values.pop("organisation")
        return competency_target_create(actor=actor, organisation=organisation, **values)

    def update(self, actor, obj, data, m2m):
        return competency_target_update(actor=actor, target=obj, data=data)

    def remove(self, actor, obj):
        competency_target_delete(actor=actor, target=obj)


@admin.register(TrainingPlanItem)
class TrainingPlanItemAdmin(KitosModelAdmin):
    list_display = ("person", "discipline", "target_level", "due_date", "status", "organisation")
    list_filter = (
        "status",
        "target_level",
        ("discipline", RelatedOnly),
        ("organisation", RelatedOnly),
    )
    search_fields = ("person__name", "person__email", "discipline__name", "note")
    list_select_related = ("person", "discipline", "organisation")
    autocomplete_fields = ("person",)
    date_hierarchy = "due_date"

    # The services raise the person's competency when an item is marked done.
    def create(self, actor, obj, m2m):
        values = editable_values(obj)
        values.pop("organisation")  # the person's (the service sets it)
        return training_plan_item_create(actor=actor, **values)

    def update(self, actor, obj, data, m2m):
        return training_plan_item_update(actor=actor, item=obj, data=data)

    def remove(self, actor, obj):
        training_plan_item_delete(actor=actor, item=obj)


@admin.register(RoleGuideline)
class RoleGuidelineAdmin(KitosModelAdmin):
    list_display = ("role_type", "version", "valid_from", "organisation")
    list_filter = (("role_type", RelatedOnly), ("organisation", RelatedOnly))
    search_fields = ("role_type__name", "guidelines", "goals")
    list_select_related = ("role_type", "organisation")

    def get_readonly_fields(self, request, obj=None):
        # The service numbers the versions: adding publishes the next one, and a change
        # corrects a version in place without renumbering it.
        return (*super().get_readonly_fields(request, obj), "version")

    def create(self, actor, obj, m2m):
        return role_guideline_publish(
            actor=actor, organisation=obj.organisation, role_type=obj.role_type,
            guidelines=obj.guidelines, goals=obj.goals, valid_from=obj.valid_from,
        )

    def update(self, actor, obj, data, m2m):
        return role_guideline_update(actor=actor, guideline=obj, data=data)

    def remove(self, actor, obj):
        role_guideline_delete(actor=actor, guideline=obj)
