"""API representations of strategic goals, projects and status reports."""

from __future__ import annotations

from rest_framework import serializers

from contracts.models import Contract
from kitos.api.base import BaseSerializer, OrganisationField, ScopedUUIDField
from kitos.models import Organisation
from portfolio.models import SystemUsage
from roles.models import OrganisationUnit, Person

from ..choices import ContractEffect, DecisionSubject, MemberRole, SystemEffect
from ..models import (
    Benefit,
    BenefitMeasurement,
    Decision,
    Meeting,
    NewSystemRequest,
    Principle,
    Project,
    ProjectStatusReport,
    SteeringGroup,
    StrategicGoal,
)


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


def _latest(label: str) -> serializers.CharField:
    return serializers.CharField(
        read_only=True, allow_null=True,
        help_text=f"The {label} light of the project's latest status report: green, yellow "
        "or red (null: no report yet).",
    )


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
    latest_period = serializers.DateField(
        read_only=True, allow_null=True,
        help_text="The period of the project's latest status report (null: no report yet).",
    )
    latest_time = _latest("time")
    latest_cost = _latest("cost")
    latest_scope = _latest("scope")
    latest_benefits = _latest("benefits")

    class Meta:
        model = Project
        fields = [
            "id", "organisation", "name", "purpose", "phase", "responsible_unit", "units",
            "owner", "manager", "investment", "yearly_operating_cost", "financing",
            "start_date", "end_date", "goals", "systems", "contracts", "latest_period",
            "latest_time", "latest_cost", "latest_scope", "latest_benefits",
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


class ProjectStatusReportSerializer(BaseSerializer):
    project = ScopedUUIDField(Project)
    reported_by = ScopedUUIDField(Person, required=False, allow_null=True)

    class Meta:
        model = ProjectStatusReport
        fields = [
            "id", "project", "period", "time", "cost", "scope", "benefits", "text",
            "reported_by", "created_at", "updated_at",
        ]


# -- benefits ------------------------------------------------------------------------------


class BenefitSerializer(BaseSerializer):
    project = ScopedUUIDField(Project)
    owner = ScopedUUIDField(Person, required=False, allow_null=True)
    goals = ScopedUUIDField(StrategicGoal, many=True, required=False)
    realised = serializers.DecimalField(
        max_digits=16, decimal_places=2, read_only=True, allow_null=True,
        help_text="The value of the benefit's latest measurement (null: not measured yet).",
    )
    realised_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="The date of the latest measurement.",
    )
    realised_share = serializers.FloatField(
        read_only=True, allow_null=True,
        help_text="(realised - baseline) / (target - baseline): 1 is fully realised; null "
        "without a measurement or baseline, or when target equals baseline.",
    )

    class Meta:
        model = Benefit
        fields = [
            "id", "project", "title", "kind", "measure", "unit_of_measure", "baseline",
            "target", "owner", "due_date", "goals", "notes", "realised", "realised_on",
            "realised_share", "created_at", "updated_at",
        ]


class BenefitMeasurementSerializer(BaseSerializer):
    benefit = ScopedUUIDField(Benefit)
    measured_by = ScopedUUIDField(Person, required=False, allow_null=True)

    class Meta:
        model = BenefitMeasurement
        fields = [
            "id", "benefit", "measured_on", "value", "note", "measured_by", "created_at",
            "updated_at",
        ]


# -- steering groups, meetings and decisions ------------------------------------------------


class SteeringGroupMemberSerializer(serializers.Serializer):
    person = ScopedUUIDField(Person)
    role = serializers.ChoiceField(choices=MemberRole.choices)


class SteeringGroupSerializer(BaseSerializer):
    organisation = OrganisationField(Organisation)
    unit = ScopedUUIDField(OrganisationUnit, required=False, allow_null=True)
    members = SteeringGroupMemberSerializer(
        many=True, required=False, source="member_rows",
        help_text="The group's members with their role (chair, member, secretary). "
        "Replaces the whole list when sent.",
    )

    class Meta:
        model = SteeringGroup
        fields = [
            "id", "organisation", "name", "mandate", "unit", "active", "members",
            "created_at", "updated_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["members"] = [
            {"person": str(membership.person.uuid), "role": membership.role}
            for membership in instance.memberships.all()
        ]
        return data


class MeetingSerializer(BaseSerializer):
    group = ScopedUUIDField(SteeringGroup)

    class Meta:
        model = Meeting
        fields = ["id", "group", "date", "place", "notes", "created_at", "updated_at"]


class DecisionSerializer(BaseSerializer):
    group = ScopedUUIDField(SteeringGroup)
    meeting = ScopedUUIDField(Meeting, required=False, allow_null=True)
    project = ScopedUUIDField(Project, required=False, allow_null=True)
    contract = ScopedUUIDField(Contract, required=False, allow_null=True)
    request = ScopedUUIDField(
        NewSystemRequest, required=False, allow_null=True,
        help_text="The new-system request decided on. Approved moves it to approved and "
        "creates its portfolio project; rejected rejects it.",
    )
    principle = ScopedUUIDField(Principle, required=False, allow_null=True)
    binding_units = ScopedUUIDField(OrganisationUnit, many=True, required=False)
    subject_kind = serializers.ChoiceField(
        choices=DecisionSubject.choices, read_only=True,
        help_text="What the decision is about: project, request, contract, principle or "
        "free (text only).",
    )

    class Meta:
        model = Decision
        fields = [
            "id", "group", "meeting", "project", "request", "contract", "principle",
            "subject_kind", "title",
            "outcome", "rationale", "binding_units", "decided_on", "follow_up_date",
            "follow_up_done", "created_at", "updated_at",
        ]
