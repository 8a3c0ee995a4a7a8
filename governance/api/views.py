"""API resources of the governance app."""

from __future__ import annotations

from django.db.models import Prefetch

from kitos.admin_base import editable_values
from kitos.api.base import ScopedModelViewSet

from ..filtersets import (
    BenefitFilterSet,
    BenefitMeasurementFilterSet,
    DecisionFilterSet,
    MeetingFilterSet,
    ProjectFilterSet,
    ProjectStatusReportFilterSet,
    SteeringGroupFilterSet,
    StrategicGoalFilterSet,
)
from ..models import (
    Benefit,
    Project,
    ProjectContract,
    ProjectSystem,
    SteeringGroup,
    SteeringGroupMember,
)
from ..services import (
    benefit_create,
    benefit_delete,
    benefit_update,
    decision_create,
    decision_delete,
    decision_update,
    goal_create,
    measurement_create,
    measurement_delete,
    measurement_update,
    meeting_create,
    meeting_delete,
    meeting_update,
    project_create,
    project_delete,
    project_update,
    status_report_create,
    status_report_delete,
    status_report_update,
    steering_group_create,
    steering_group_delete,
    steering_group_update,
)
from .serializers import (
    BenefitMeasurementSerializer,
    BenefitSerializer,
    DecisionSerializer,
    MeetingSerializer,
    ProjectSerializer,
    ProjectStatusReportSerializer,
    SteeringGroupSerializer,
    StrategicGoalSerializer,
)


class StrategicGoalViewSet(ScopedModelViewSet):
    """Strategic goals of an organisation or a forvaltning, for a period."""

    serializer_class = StrategicGoalSerializer
    filterset_class = StrategicGoalFilterSet

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return goal_create(actor=actor, **editable_values(instance))


class ProjectViewSet(ScopedModelViewSet):
    """IT projects and investments (the portfolio) with the goals they support, the
    system usages and contracts they affect and their latest status (read-only)."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    m2m_fields = ("units", "goals", "system_links", "contract_links")

    def get_queryset(self):
        return super().get_queryset().prefetch_related(
            "units", "goals",
            Prefetch("projectsystem_set", ProjectSystem.objects.select_related("usage")),
            Prefetch("projectcontract_set", ProjectContract.objects.select_related("contract")),
        )

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return _reloaded(project_create(actor=actor, **editable_values(instance), **_links(m2m)))

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return _reloaded(project_update(actor=actor, project=instance, data=data, **_links(m2m)))

    @staticmethod
    def delete_service(*, actor, instance):
        project_delete(actor=actor, project=instance)


def _links(m2m) -> dict:
    """The project services' link arguments from the API's lists (left out: unchanged)."""
    arguments = {name: m2m[name] for name in ("units", "goals") if name in m2m}
    if "system_links" in m2m:
        arguments["systems"] = [(link["usage"], link["effect"]) for link in m2m["system_links"]]
    if "contract_links" in m2m:
        arguments["contracts"] = [
            (link["contract"], link["effect"]) for link in m2m["contract_links"]
        ]
    return arguments


def _reloaded(project: Project) -> Project:
    """The project as the list reads it (latest status, links), for the answer."""
    return Project.objects.for_list().prefetch_related(
        "units", "goals", "projectsystem_set__usage", "projectcontract_set__contract"
    ).get(pk=project.pk)


class ProjectStatusReportViewSet(ScopedModelViewSet):
    """Status reports of projects: traffic lights on time, cost, scope and benefits per
    period; one per project and period."""

    serializer_class = ProjectStatusReportSerializer
    filterset_class = ProjectStatusReportFilterSet

    @staticmethod
    def create_service(*, actor, instance, m2m):
        # The report belongs to its project's organisation (not sent by the client).
        values = {
            field.name: getattr(instance, field.name)
            for field in instance._meta.concrete_fields
            if field.editable and not field.primary_key and field.name != "organisation"
        }
        return status_report_create(actor=actor, **values)

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return status_report_update(actor=actor, report=instance, data=data)

    @staticmethod
    def delete_service(*, actor, instance):
        status_report_delete(actor=actor, report=instance)


# -- benefits ------------------------------------------------------------------------------


def _own_values(instance) -> dict:
    """The editable fields of a new object made by the API, without its organisation
    (it belongs where its parent object does)."""
    return {
        field.name: getattr(instance, field.name)
        for field in instance._meta.concrete_fields
        if field.editable and not field.primary_key and field.name != "organisation"
    }


class BenefitViewSet(ScopedModelViewSet):
    """Benefits of projects (gevinster) with their realisation: the latest measurement
    and the share of the way from baseline to target (read-only)."""

    serializer_class = BenefitSerializer
    filterset_class = BenefitFilterSet
    m2m_fields = ("goals",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("goals")

    @staticmethod
    def create_service(*, actor, instance, m2m):
        benefit = benefit_create(actor=actor, **_own_values(instance), **m2m)
        return _reloaded_benefit(benefit)

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        benefit = benefit_update(actor=actor, benefit=instance, data=data, **m2m)
        return _reloaded_benefit(benefit)

    @staticmethod
    def delete_service(*, actor, instance):
        benefit_delete(actor=actor, benefit=instance)


def _reloaded_benefit(benefit: Benefit) -> Benefit:
    return Benefit.objects.for_list().prefetch_related("goals").get(pk=benefit.pk)


class BenefitMeasurementViewSet(ScopedModelViewSet):
    """Measurements of benefits over time: one value per benefit and date."""

    serializer_class = BenefitMeasurementSerializer
    filterset_class = BenefitMeasurementFilterSet

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return measurement_create(actor=actor, **_own_values(instance))

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return measurement_update(actor=actor, measurement=instance, data=data)

    @staticmethod
    def delete_service(*, actor, instance):
        measurement_delete(actor=actor, measurement=instance)


# -- steering groups, meetings and decisions ------------------------------------------------


def _members(m2m) -> dict:
    if "member_rows" not in m2m:
        return {}
    return {"members": [(row["person"], row["role"]) for row in m2m["member_rows"]]}


class SteeringGroupViewSet(ScopedModelViewSet):
    """Steering groups: mandate, scope (the whole organisation or a unit) and members
    with their role."""

    serializer_class = SteeringGroupSerializer
    filterset_class = SteeringGroupFilterSet
    m2m_fields = ("member_rows",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related(
            Prefetch("memberships", SteeringGroupMember.objects.select_related("person"))
        )

    @staticmethod
    def create_service(*, actor, instance, m2m):
        group = steering_group_create(actor=actor, **editable_values(instance), **_members(m2m))
        return SteeringGroup.objects.prefetch_related("memberships__person").get(pk=group.pk)

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        group = steering_group_update(actor=actor, group=instance, data=data,
                                      **_members(m2m))
        return SteeringGroup.objects.prefetch_related("memberships__person").get(pk=group.pk)

    @staticmethod
    def delete_service(*, actor, instance):
        steering_group_delete(actor=actor, group=instance)


class MeetingViewSet(ScopedModelViewSet):
    """Meetings of steering groups."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilterSet

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return meeting_create(actor=actor, **_own_values(instance))

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return meeting_update(actor=actor, meeting=instance, data=data)

    @staticmethod
    def delete_service(*, actor, instance):
        meeting_delete(actor=actor, meeting=instance)


class DecisionViewSet(ScopedModelViewSet):
    """Decisions of steering groups: on a project, a contract or free text; outcome,
    rationale, the units bound by it and the follow-up."""

    serializer_class = DecisionSerializer
    filterset_class = DecisionFilterSet
    m2m_fields = ("binding_units",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("binding_units")

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return decision_create(actor=actor, **_own_values(instance), **m2m)

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return decision_update(actor=actor, decision=instance, data=data, **m2m)

    @staticmethod
    def delete_service(*, actor, instance):
        decision_delete(actor=actor, decision=instance)


routes = [
    ("goals", StrategicGoalViewSet, "strategicgoal"),
    ("projects", ProjectViewSet, "project"),
    ("project-status-reports", ProjectStatusReportViewSet, "projectstatusreport"),
    ("benefits", BenefitViewSet, "benefit"),
    ("benefit-measurements", BenefitMeasurementViewSet, "benefitmeasurement"),
    ("steering-groups", SteeringGroupViewSet, "steeringgroup"),
    ("meetings", MeetingViewSet, "meeting"),
    ("decisions", DecisionViewSet, "decision"),
]
