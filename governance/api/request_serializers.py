"""API representations of new-system requests, their specialist sign-offs and the
duplicate purchase check."""

from __future__ import annotations

from rest_framework import serializers

from kitos.api.base import BaseSerializer, OrganisationField, ScopedUUIDField
from kitos.models import Organisation
from portfolio.models import KleNumber
from roles.models import OrganisationUnit, Person

from ..choices import SignOffVerdict
from ..models import NewSystemRequest, Principle, RequestSignOff, StrategicGoal


class NewSystemRequestSerializer(BaseSerializer):
    organisation = OrganisationField(Organisation)
    kle_numbers = ScopedUUIDField(
        KleNumber, slug_field="number", many=True, required=False,
        help_text="KLE numbers (\"27.12.04\") of the tasks the system is for. Replaces the "
        "whole list when sent.",
    )
    unit = ScopedUUIDField(OrganisationUnit, required=False, allow_null=True)
    requested_by = ScopedUUIDField(Person, required=False, allow_null=True)
    goals = ScopedUUIDField(StrategicGoal, many=True, required=False)
    principles = ScopedUUIDField(Principle, many=True, required=False)
    project = serializers.SlugRelatedField(
        slug_field="uuid", read_only=True, allow_null=True,
        help_text="The portfolio project the approved request became (null until approved).",
    )

    class Meta:
        model = NewSystemRequest
        fields = [
            "id", "organisation", "title", "need", "business_type", "kle_numbers", "unit",
            "requested_by", "goals", "principles", "expected_investment",
            "expected_yearly_cost", "needed_by", "status", "submitted_on", "project",
            "created_at", "updated_at",
        ]
        read_only_fields = ["status", "submitted_on"]
        extra_kwargs = {
            "status": {"help_text": "draft → in_review (POST …/submit/) → "
                       "awaiting_decision (every sign-off given) → approved / rejected "
                       "(a decision with `request` set); withdrawn (POST …/withdraw/)."},
        }


class RequestSignOffSerializer(BaseSerializer):
    """A specialist role's sign-off. Made pending for every role when the request is
    submitted; a client gives the verdict with PATCH (verdict, comment)."""

    request = ScopedUUIDField(NewSystemRequest, read_only=True)
    person = ScopedUUIDField(Person, read_only=True, allow_null=True)
    verdict = serializers.ChoiceField(
        choices=[c for c in SignOffVerdict.choices],
        help_text="approved, conditions or objection (pending until signed). Signed by "
        "the person of the API user's login, dated today.",
    )

    class Meta:
        model = RequestSignOff
        fields = ["id", "request", "role", "verdict", "comment", "person", "signed_on",
                  "created_at", "updated_at"]
        read_only_fields = ["role", "signed_on"]


class DuplicateSerializer(serializers.Serializer):
    """A system already used in the organisation for the same tasks."""

    usage = serializers.UUIDField(source="usage.uuid", help_text="The system usage.")
    system = serializers.CharField(source="usage.system.name",
                                   help_text="The catalog system's name.")
    kle_numbers = serializers.SerializerMethodField(
        help_text="The KLE numbers of the system that match the request's.")
    same_business_type = serializers.BooleanField()

    def get_kle_numbers(self, match) -> list[str]:
        return [kle.number for kle in match.kle_numbers]
