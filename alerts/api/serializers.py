"""API representation of manual advice, with its sent log (read-only)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kitos.api.base import BaseSerializer, ObjectTargetMixin, ScopedUUIDField
from roles.models import RoleType

from ..filtersets import ADVICE_TARGET_CHOICES, advice_target_models
from ..models import ADVICE_MAX_EMAILS, Advice, AdviceSent


class AdviceSentSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdviceSent
        fields = ["due_at", "sent_at", "recipients", "ok", "error"]
        read_only_fields = fields


class AdviceObjectTypeField(serializers.ChoiceField):
    """The kind of object the advice is on, read from its content type."""

    def __init__(self, **kwargs):
        super().__init__(choices=ADVICE_TARGET_CHOICES, **kwargs)

    def get_attribute(self, instance):
        return getattr(instance.content_type.model_class(), "role_target", None)


class AdviceObjectField(serializers.UUIDField):
    """The public id of the object the advice is on."""

    def get_attribute(self, instance):
        return getattr(instance.target, "uuid", None)


def _emails(help_text: str):
    return serializers.ListField(
        child=serializers.EmailField(), required=False, max_length=ADVICE_MAX_EMAILS,
        help_text=help_text,
    )


class AdviceSerializer(ObjectTargetMixin, BaseSerializer):
    organisation = serializers.UUIDField(source="organisation.uuid", read_only=True)
    object_type = AdviceObjectTypeField(
        help_text="The kind of object the advice is on (set when it is created).")
    object_id = AdviceObjectField(
        help_text="The id of the object the advice is on (of the kind in object_type; "
        "set when it is created).")
    object_name = serializers.SerializerMethodField()
    to_roles = ScopedUUIDField(
        RoleType, many=True, required=False,
        help_text="Role types on the object whose holders (on the day of each send) get "
        "the advice.")
    cc_roles = ScopedUUIDField(RoleType, many=True, required=False,
                               help_text="Role types whose holders get a copy.")
    to_emails = _emails("Further addresses that get the advice.")
    cc_emails = _emails("Further addresses that get a copy.")
    sent = AdviceSentSerializer(many=True, read_only=True, help_text="Every send, newest first.")

    class Meta:
        model = Advice
        fields = [
            "id", "organisation", "object_type", "object_id", "object_name", "name",
            "subject", "body", "repetition", "alarm_at", "stop_on", "is_active",
            "next_send_at", "last_sent_at", "to_roles", "cc_roles", "to_emails",
            "cc_emails", "sent", "created_at", "updated_at",
        ]
        read_only_fields = ["next_send_at", "last_sent_at"]
        extra_kwargs = {
            "alarm_at": {"required": False, "help_text": "The first send (repeating "
                         "advice); an immediate advice goes now."},
        }

    def get_object_name(self, advice) -> str:
        target = advice.target
        return "" if target is None else str(target)

    moved_message = _("Et advis kan ikke flyttes til et andet objekt.")

    def target_models(self) -> dict:
        return advice_target_models()

    def validate(self, attrs):
        return self.resolve_target(super().validate(attrs))
