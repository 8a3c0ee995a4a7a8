"""API resources of the roles app. Memberships (who may log in where) are not exposed."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from kitos.admin_base import editable_values
from kitos.api.base import ScopedModelViewSet
from kitos.api.permissions import TokenScopePermission

from ..filtersets import (
    CompetencyFilterSet,
    CompetencyTargetFilterSet,
    DisciplineFilterSet,
    OrganisationFilterSet,
    OrganisationUnitFilterSet,
    PersonFilterSet,
    RoleAssignmentFilterSet,
    RoleGuidelineFilterSet,
    RoleTypeFilterSet,
    TrainingPlanItemFilterSet,
)
from ..services import (
    competency_create,
    competency_delete,
    competency_target_create,
    competency_target_delete,
    competency_target_update,
    competency_update,
    organisation_create,
    role_assign,
    role_guideline_delete,
    role_guideline_publish,
    role_guideline_update,
    training_plan_item_create,
    training_plan_item_delete,
    training_plan_item_update,
    unit_create,
    unit_update,
)
from .serializers import (
    CompetencySerializer,
    CompetencyTargetSerializer,
    DisciplineSerializer,
    OrganisationSerializer,
    OrganisationUnitSerializer,
    PersonSerializer,
    RoleAssignmentSerializer,
    RoleGuidelineSerializer,
    RoleTypeSerializer,
    TrainingPlanItemSerializer,
)


class SuperuserWritesPermission(TokenScopePermission):
    """Creating, changing and removing tenants is a superuser's decision (an organisation's
    admins change its name in the UI)."""

    message = _("Kun superbrugere kan ændre organisationer via API'et.")

    def has_permission(self, request, view):
        return super().has_permission(request, view) and (
            request.method in permissions.SAFE_METHODS or request.user.is_superuser
        )


class OrganisationViewSet(ScopedModelViewSet):
    """The organisations the user is a member of (superusers: all)."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet
    permission_classes = [SuperuserWritesPermission]
    # Removing a tenant takes its whole audit log with it (the log's organisation
    # cascades): not an API call.
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return organisation_create(
            actor=actor, name=instance.name, slug=instance.slug, cvr=instance.cvr
        )


class OrganisationUnitViewSet(ScopedModelViewSet):
    """An organisation's unit tree; `depth` and `?within=` come from the tree path that
    the unit services keep."""

    serializer_class = OrganisationUnitSerializer
    filterset_class = OrganisationUnitFilterSet

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return unit_create(actor=actor, **editable_values(instance))

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return unit_update(actor=actor, unit=instance, data=data)


class PersonViewSet(ScopedModelViewSet):
    """People who can hold roles, with or without a login."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet


class DisciplineViewSet(ScopedModelViewSet):
    """Disciplines: the standard ones and the organisation's own (kept by its admins)."""

    serializer_class = DisciplineSerializer
    filterset_class = DisciplineFilterSet


class RoleTypeViewSet(ScopedModelViewSet):
    """Role types: the standard ones and the organisation's own (kept by its admins)."""

    serializer_class = RoleTypeSerializer
    filterset_class = RoleTypeFilterSet


# The model validates `content_type` / `object_id`; the API calls them target_type / target.
API_FIELD_NAMES = {"content_type": "target_type", "object_id": "target"}


@contextmanager
def _target_field_names():
    try:
        yield
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise DjangoValidationError(
            {API_FIELD_NAMES.get(name, name): errors for name, errors in error.error_dict.items()}
        ) from error


class RoleAssignmentViewSet(ScopedModelViewSet):
    """Who holds which role on which object (system usage, contract, processing activity,
    data processing agreement, unit or organisation)."""

    serializer_class = RoleAssignmentSerializer
    filterset_class = RoleAssignmentFilterSet

    @staticmethod
    def create_service(*, actor, instance, m2m):
        with _target_field_names():
            return role_assign(
                actor=actor,
                person=instance.person,
                role_type=instance.role_type,
                target=instance.target,
                start_date=instance.start_date,
                end_date=instance.end_date,
                note=instance.note,
            )

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        with _target_field_names():
            return ScopedModelViewSet.update_service(
                actor=actor, instance=instance, data=data, m2m=m2m
            )


class CompetencyViewSet(ScopedModelViewSet):
    """What people can do in each discipline."""

    serializer_class = CompetencySerializer
    filterset_class = CompetencyFilterSet

    # The same services as the person page's forms and the admin.
    @staticmethod
    def create_service(*, actor, instance, m2m):
        return competency_create(
            actor=actor,
            person=instance.person,
            discipline=instance.discipline,
            level=instance.level,
            note=instance.note,
        )

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return competency_update(actor=actor, competency=instance, data=data)

    @staticmethod
    def delete_service(*, actor, instance):
        competency_delete(actor=actor, competency=instance)


class CompetencyTargetViewSet(ScopedModelViewSet):
    """Target levels per discipline for a unit (and the units below it) or a role type,
    with the tier of the organisation they apply to."""

    serializer_class = CompetencyTargetSerializer
    filterset_class = CompetencyTargetFilterSet

    @staticmethod
    def create_service(*, actor, instance, m2m):
        values = editable_values(instance)
        return competency_target_create(
            actor=actor, organisation=values.pop("organisation"), **values
        )

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return competency_target_update(actor=actor, target=instance, data=data)

    @staticmethod
    def delete_service(*, actor, instance):
        competency_target_delete(actor=actor, target=instance)


class TrainingPlanItemViewSet(ScopedModelViewSet):
    """The training plan: who should reach which level in a discipline by when.
    Setting `status` to `done` raises the person's competency to the item's level."""

    serializer_class = TrainingPlanItemSerializer
    filterset_class = TrainingPlanItemFilterSet

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return training_plan_item_create(
            actor=actor, person=instance.person, discipline=instance.discipline,
            target_level=instance.target_level, due_date=instance.due_date,
            status=instance.status, note=instance.note,
        )

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return training_plan_item_update(actor=actor, item=instance, data=data)

    @staticmethod
    def delete_service(*, actor, instance):
        training_plan_item_delete(actor=actor, item=instance)


class RoleGuidelineViewSet(ScopedModelViewSet):
    """Guidelines and goals per role type, versioned: POST publishes the next version
    and keeps the earlier ones (admins of the organisation)."""

    serializer_class = RoleGuidelineSerializer
    filterset_class = RoleGuidelineFilterSet

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return role_guideline_publish(
            actor=actor, organisation=instance.organisation, role_type=instance.role_type,
            guidelines=instance.guidelines, goals=instance.goals,
            valid_from=instance.valid_from,
        )

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return role_guideline_update(actor=actor, guideline=instance, data=data)

    @staticmethod
    def delete_service(*, actor, instance):
        role_guideline_delete(actor=actor, guideline=instance)


routes = [
    ("organisations", OrganisationViewSet, "organisation"),
    ("units", OrganisationUnitViewSet, "organisationunit"),
    ("persons", PersonViewSet, "person"),
    ("role-types", RoleTypeViewSet, "roletype"),
    ("role-assignments", RoleAssignmentViewSet, "roleassignment"),
    ("disciplines", DisciplineViewSet, "discipline"),
    ("competencies", CompetencyViewSet, "competency"),
    ("competency-targets", CompetencyTargetViewSet, "competencytarget"),
    ("training-plan", TrainingPlanItemViewSet, "trainingplanitem"),
    ("role-guidelines", RoleGuidelineViewSet, "roleguideline"),
]
