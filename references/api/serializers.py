"""API representation of external references. The object a reference is on is named by
its kind and public id, set when the reference is created and never moved."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers

from kitos.api.base import BaseSerializer

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


class ReferenceSerializer(BaseSerializer):
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

    def validate(self, attrs):
        attrs = super().validate(attrs)
        kind = attrs.pop("object_type", None)
        public_id = attrs.pop("object_id", None)
        if self.instance is not None:
            if (kind is not None and kind != self.fields["object_type"].get_attribute(
                    self.instance)) or (public_id is not None and public_id
                                        != self.fields["object_id"].get_attribute(
                                            self.instance)):
                raise serializers.ValidationError(
                    {"object_id": _("En reference kan ikke flyttes til et andet objekt.")})
            return attrs
        errors = {}
        if kind is None:
            errors["object_type"] = self.fields["object_type"].error_messages["required"]
        if public_id is None:
            errors["object_id"] = self.fields["object_id"].error_messages["required"]
        if errors:
            raise serializers.ValidationError(errors)
        target = reference_target_models()[kind].objects.visible_to(
            self.context["request"].user).filter(uuid=public_id).first()
        if target is None:
            # As the object's own page: what the user may not see does not exist.
            raise exceptions.NotFound(
                _("Der er intet objekt af den type med det id, som du kan se."))
        attrs["target"] = target
        return attrs
