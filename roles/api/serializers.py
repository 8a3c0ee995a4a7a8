"""API representations of organisations, units, persons, role types, role assignments,
disciplines and competencies.

Uniqueness is checked by the services' ``full_clean`` (``validators = []``): DRF's own
unique-together validators would make optional fields such as a unit's parent required.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kitos.api.base import BaseSerializer, OrganisationField, ScopedUUIDField
from kitos.models import Organisation
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
    role_target_models,
)

from ..choices import RoleTarget


class OrganisationSerializer(BaseSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "slug", "cvr", "created_at", "updated_at"]
        validators = []


class OrganisationUnitSerializer(BaseSerializer):
    organisation = OrganisationField(Organisation)
    parent = ScopedUUIDField(OrganisationUnit, required=False, allow_null=True)

    class Meta:
        model = OrganisationUnit
        fields = [
            "id", "organisation", "parent", "name", "local_code", "ean", "external_reference",
            "closed_on", "depth", "created_at", "updated_at",
        ]
        # Closing is its own use case (roles.services.unit_close, the FK Organisation
        # import), not a field to patch.
        extra_kwargs = {"closed_on": {"read_only": True}}
        validators = []

    def validate_organisation(self, organisation):
        # A subtree's paths, and what points at its units, belong to one organisation.
        if self.instance is not None and organisation.pk != self.instance.organisation_id:
            raise serializers.ValidationError(_("En enhed kan ikke flyttes til en anden "
                                                "organisation."))
        return organisation


class PersonSerializer(BaseSerializer):
    """A person; the calendar feed token is a secret and never leaves kitos this way."""

    organisation = OrganisationField(Organisation)
    unit = ScopedUUIDField(OrganisationUnit, required=False, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id", "organisation", "name", "email", "phone", "title", "unit", "left_on",
            "external_reference", "created_at", "updated_at",
        ]
        validators = []


class DisciplineSerializer(BaseSerializer):
    organisation = OrganisationField(
        Organisation, allow_null=True,
        help_text="The owning organisation; null for the standard disciplines (superusers).",
    )

    class Meta:
        model = Discipline
        fields = ["id", "organisation", "code", "name", "description",
                  "created_at", "updated_at"]
        validators = []


class RoleTypeSerializer(BaseSerializer):
    organisation = OrganisationField(
        Organisation, allow_null=True,
        help_text="The owning organisation; null for the standard role types (superusers).",
    )
    discipline = ScopedUUIDField(Discipline, required=False, allow_null=True)

    class Meta:
        model = RoleType
        fields = [
            "id", "organisation", "code", "name", "description", "applies_to",
            "is_specialist", "is_required", "discipline", "sort_order",
            "created_at", "updated_at",
        ]
        validators = []


class _PersonOwnedSerializer(BaseSerializer):
    """Objects that belong to the organisation of their person."""

    organisation = ScopedUUIDField(Organisation, read_only=True)
    person = ScopedUUIDField(Person)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "person" in attrs:
            attrs["organisation_id"] = attrs["person"].organisation_id
        return attrs


class RoleTargetTypeField(serializers.ChoiceField):
    """The kind of object a role is held on, read from the target's model."""

    def __init__(self, **kwargs):
        super().__init__(choices=RoleTarget.choices, **kwargs)

    def get_attribute(self, instance):
        return getattr(instance.content_type.model_class(), "role_target", None)


class RoleTargetField(serializers.UUIDField):
    """The public id of the object a role is held on."""

    def get_attribute(self, instance):
        return getattr(instance.target, "uuid", None)


class RoleAssignmentSerializer(_PersonOwnedSerializer):
    role_type = ScopedUUIDField(RoleType)
    target_type = RoleTargetTypeField(help_text="The kind of object the role is held on.")
    target = RoleTargetField(
        help_text="The id of the object the role is held on (of the kind in target_type)."
    )
    target_name = serializers.SerializerMethodField()

    class Meta:
        model = RoleAssignment
        fields = [
            "id", "organisation", "person", "role_type", "target_type", "target",
            "target_name", "start_date", "end_date", "note", "created_at", "updated_at",
        ]
        validators = []

    def get_target_name(self, assignment) -> str:
        target = assignment.target
        return "" if target is None else str(target)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        kind = attrs.pop("target_type", None)
        public_id = attrs.pop("target", None)
        if kind is None and public_id is None:
            return attrs
        if public_id is None:
            raise serializers.ValidationError({"target": self.fields["target"].error_messages[
                "required"]})
        if kind is None:  # a new target of the same kind (PATCH)
            kind = self.fields["target_type"].get_attribute(self.instance)
        attrs["target"] = self._visible_target(kind, public_id)
        return attrs

    def _visible_target(self, kind: str, public_id):
        model = role_target_models()[kind]
        target = model.objects.visible_to(self.context["request"].user).filter(
            uuid=public_id
        ).first()
        if target is None:
            raise serializers.ValidationError(
                {"target": _("Der er intet objekt af den type med det id, som du kan se.")}
            )
        return target


class CompetencySerializer(_PersonOwnedSerializer):
    discipline = ScopedUUIDField(Discipline)

    class Meta:
        model = Competency
        fields = ["id", "organisation", "person", "discipline", "level", "note",
                  "created_at", "updated_at"]
        validators = []


class CompetencyTargetSerializer(BaseSerializer):
    """A target level in a discipline for a unit's people or a role type's holders
    (exactly one of `unit` and `role_type`)."""

    organisation = OrganisationField(Organisation)
    discipline = ScopedUUIDField(Discipline)
    unit = ScopedUUIDField(OrganisationUnit, required=False, allow_null=True)
    role_type = ScopedUUIDField(RoleType, required=False, allow_null=True)

    class Meta:
        model = CompetencyTarget
        fields = ["id", "organisation", "discipline", "level", "unit", "role_type", "tier",
                  "note", "created_at", "updated_at"]
        validators = []


class TrainingPlanItemSerializer(_PersonOwnedSerializer):
    """Who should reach which level by when; `status: done` raises the person's
    competency to `target_level`."""

    discipline = ScopedUUIDField(Discipline)

    class Meta:
        model = TrainingPlanItem
        fields = ["id", "organisation", "person", "discipline", "target_level", "due_date",
                  "status", "note", "created_at", "updated_at"]
        validators = []


class RoleGuidelineSerializer(BaseSerializer):
    """A version of an organisation's guidelines and goals for a role type. Creating
    one publishes the next version (the number is given by kitos)."""

    organisation = OrganisationField(Organisation)
    role_type = ScopedUUIDField(RoleType)
    version = serializers.IntegerField(read_only=True)

    class Meta:
        model = RoleGuideline
        fields = ["id", "organisation", "role_type", "version", "guidelines", "goals",
                  "valid_from", "created_at", "updated_at"]
        validators = []

    def validate_role_type(self, role_type):
        # The text of one version belongs to that role type; a new role type is a new
        # set of guidelines.
        if self.instance is not None and role_type.pk != self.instance.role_type_id:
            raise serializers.ValidationError(_("Retningslinjerne kan ikke flyttes til en "
                                                "anden rolle."))
        return role_type
