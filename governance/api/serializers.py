"""API representations of strategic goals, projects and status reports."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contracts.models import Contract
from kitos.api.base import BaseSerializer, OrganisationField, ScopedUUIDField
from kitos.models import Organisation
from portfolio.models import SystemUsage
from roles.models import OrganisationUnit, Person

from ..choices import ContractEffect, SystemEffect, TrafficLight
from ..models import Project, ProjectStatusReport, StrategicGoal


class StrategicGoalSerializer(BaseSerializer):
    organisation = OrganisationField(Organisation)
    owner = ScopedUUIDField(Person, required=False, allow_null=True)
    unit = ScopedUUIDField(OrganisationUnit, required=False, allow_null=True)
    parent = ScopedUUIDField(StrategicGoal, required=False, allow_null=True)

    class Meta:
        model = StrategicGoal
        fields = [
            "id", "organisation", "title", "description", "start_year", "end_year", "owner",
            "unit", "parent", "created_at", "updated_at",
        ]


class ProjectSystemSerializer(serializers.Serializer):
    usage = ScopedUUIDField(SystemUsage)
    effect = serializers.ChoiceField(choices=SystemEffect.choices)


class ProjectContractSerializer(serializers.Serializer):
    contract = ScopedUUIDField(Contract)
    effect = serializers.ChoiceField(choices=ContractEffect.choices)


class LatestStatusSerializer(serializers.Serializer):
    period = serializers.DateField()
    time = serializers.ChoiceField(choices=TrafficLight.choices)
    cost = serializers.ChoiceField(choices=TrafficLight.choices)
    scope = serializers.ChoiceField(choices=TrafficLight.choices)
    benefits = serializers.ChoiceField(choices=TrafficLight.choices)


class ProjectSerializer(BaseSerializer):
    organisation = OrganisationField(Organisation)
    responsible_unit = ScopedUUIDField(OrganisationUnit, required=False, allow_null=True)
    units = ScopedUUIDField(OrganisationUnit, many=True, required=False)
    owner = ScopedUUIDField(Person, required=False, allow_null=True)
    manager = ScopedUUIDField(Person, required=False, allow_null=True)
    goals = ScopedUUIDField(StrategicGoal, many=True, required=False)
    systems = ProjectSystemSerializer(
        many=True, required=False, source="system_links",
        help_text="The system usages the project introduces, changes or retires. Replaces "
        "the whole list when sent.",
    )
    contracts = ProjectContractSerializer(
        many=True, required=False, source="contract_links",
        help_text="The contracts the project creates, changes or ends. Replaces the whole "
        "list when sent.",
    )
    latest_status = serializers.SerializerMethodField(
        help_text="The traffic lights of the project's latest status report (null: none)."
    )

    class Meta:
        model = Project
        fields = [
            "id", "organisation", "name", "purpose", "phase", "responsible_unit", "units",
            "owner", "manager", "investment", "yearly_operating_cost", "financing",
            "start_date", "end_date", "goals", "systems", "contracts", "latest_status",
            "created_at", "updated_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["systems"] = [
            {"usage": str(link.usage.uuid), "effect": link.effect}
            for link in instance.projectsystem_set.all()
        ]
        data["contracts"] = [
            {"contract": str(link.contract.uuid), "effect": link.effect}
            for link in instance.projectcontract_set.all()
        ]
        return data

    @extend_schema_field(LatestStatusSerializer(allow_null=True))
    def get_latest_status(self, instance):
        period = getattr(instance, "latest_period", None)
        if period is None:
            return None
        return {
            "period": period.isoformat() if hasattr(period, "isoformat") else period,
            **{name: getattr(instance, f"latest_{name}") for name in
               ("time", "cost", "scope", "benefits")},
        }


class ProjectStatusReportSerializer(BaseSerializer):
    project = ScopedUUIDField(Project)
    reported_by = ScopedUUIDField(Person, required=False, allow_null=True)

    class Meta:
        model = ProjectStatusReport
        fields = [
            "id", "project", "period", "time", "cost", "scope", "benefits", "text",
            "reported_by", "created_at", "updated_at",
        ]
