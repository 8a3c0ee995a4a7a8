"""API representation of external references. The object a reference is on is named by
its kind and public id, set when the reference is created and never moved."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kitos.api.base import BaseSerializer, ObjectTargetMixin

from ..filtersets import REFERENCE_TARGET_CHOICES, reference_target_models
from ..models import ExternalReference


class ReferenceObjectTypeField(serializers.ChoiceField):
    """The kind of object the reference is on, read from its content type (cached per
    process: no query per row)."""

    def __init__(self, **kwargs):
        super().__init__(choices=REFERENCE_TARGET_CHOICES, **kwargs)

    def get_attribute(self, instance):
        model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
        return getattr(model, "role_target", None)


class ReferenceObjectField(serializers.UUIDField):
    """The public id of the object the reference is on (annotated by ``for_list``)."""

    def get_attribute(self, instance):
        if hasattr(instance, "object_uuid"):
            return instance.object_uuid
        return getattr(instance.target, "uuid", None)


class ReferenceSerializer(ObjectTargetMixin, BaseSerializer):
    object_type = ReferenceObjectTypeField(
        help_text="The kind of object the reference is on (set when it is created).")
    object_id = ReferenceObjectField(
        help_text="The id of the object the reference is on (of the kind in object_type; "
        "set when it is created).")

    class Meta:
        model = ExternalReference
        fields = [
            "id", "object_type", "object_id", "title", "url", "external_id",
            "check_status", "checked_at", "http_status", "check_detail", "dead_since",
            "created_at", "updated_at",
        ]
        read_only_fields = [
            "check_status", "checked_at", "http_status", "check_detail", "dead_since",
        ]
        extra_kwargs = {
            "url": {"help_text": "An http or https link; a new link is checked anew."},
            "external_id": {"required": False},
        }

    moved_message = _("En reference kan ikke flyttes til et andet objekt.")
    missing_target_is_404 = True

    def target_models(self) -> dict:
        return reference_target_models()

    def validate(self, attrs):
        return self.resolve_target(super().validate(attrs))
