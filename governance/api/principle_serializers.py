"""API representations of principles (with their version chain) and architecture
reviews."""

from __future__ import annotations

from rest_framework import serializers

from kitos.api.base import BaseSerializer, OrganisationField, ScopedUUIDField
from kitos.models import Organisation
from portfolio.models import SystemUsage
from roles.models import Person

from ..choices import PrincipleArea, ReviewSubject
from ..models import ArchitectureReview, NewSystemRequest, Principle, Project


class PrincipleSerializer(BaseSerializer):
    organisation = OrganisationField(Organisation)
    owner = ScopedUUIDField(Person, required=False, allow_null=True)
    previous = serializers.UUIDField(
        source="previous.uuid", read_only=True, allow_null=True, default=None,
        help_text="The version this one replaced (null: the first version).",
    )
    replaced_by = serializers.SerializerMethodField(
        help_text="The newer version that replaces this one (null: none, this is the "
        "latest version).",
    )
    is_current = serializers.SerializerMethodField(
        help_text="Whether this version is in force: active and not replaced.",
    )

    class Meta:
        model = Principle
        fields = [
            "id", "organisation", "code", "title", "area", "text", "rationale",
            "implications", "version", "valid_from", "active", "owner", "previous",
            "replaced_by", "is_current", "created_at", "updated_at",
        ]
        read_only_fields = ["version"]

    def _later(self, principle):
        try:
            return principle.replaced_by
        except Principle.DoesNotExist:
            return None

    def get_replaced_by(self, principle) -> str | None:
        later = self._later(principle)
        return str(later.uuid) if later is not None else None

    def get_is_current(self, principle) -> bool:
        return principle.active and self._later(principle) is None


class PrincipleVersionSerializer(serializers.Serializer):
    """What changes in the new version; what is left out is copied from the version it
    replaces."""

    code = serializers.CharField(required=False, allow_blank=True, max_length=20)
    title = serializers.CharField(required=False, max_length=250)
    area = serializers.ChoiceField(choices=PrincipleArea.choices, required=False)
    text = serializers.CharField(required=False)
    rationale = serializers.CharField(required=False, allow_blank=True)
    implications = serializers.CharField(required=False, allow_blank=True)
    owner = ScopedUUIDField(Person, required=False, allow_null=True)
    valid_from = serializers.DateField(
        required=False, allow_null=True, help_text="Default: today.",
    )


class ArchitectureReviewSerializer(BaseSerializer):
    principle = ScopedUUIDField(Principle)
    project = ScopedUUIDField(Project, required=False, allow_null=True)
    request = ScopedUUIDField(NewSystemRequest, required=False, allow_null=True)
    usage = ScopedUUIDField(SystemUsage, required=False, allow_null=True)
    reviewer = ScopedUUIDField(Person, required=False, allow_null=True)
    reviewed_on = serializers.DateField(required=False, help_text="Default: today.")
    subject_kind = serializers.ChoiceField(
        choices=ReviewSubject.choices, read_only=True,
        help_text="What is reviewed: project, request or usage (exactly one is set).",
    )

    class Meta:
        model = ArchitectureReview
        fields = [
            "id", "principle", "project", "request", "usage", "subject_kind", "verdict",
            "reason", "reviewed_on", "reviewer", "created_at", "updated_at",
        ]
