"""API resource of a benefit's due dates (measurement points): ``benefit-due-dates/``.
Writes go through governance.benefit_due_services; ``is_met`` is the reminders' rule."""

from __future__ import annotations

from rest_framework import serializers

from kitos.api.base import BaseSerializer, ScopedModelViewSet, ScopedUUIDField

from ..benefit_due_services import due_date_create, due_date_delete, due_date_update
from ..filtersets import BenefitDueDateFilterSet
from ..models import Benefit, BenefitDueDate


class BenefitDueDateSerializer(BaseSerializer):
    benefit = ScopedUUIDField(Benefit)
    is_met = serializers.BooleanField(
        read_only=True,
        help_text="Measured for this date: the benefit has a measurement dated at most "
        f"{BenefitDueDate.MEASURED_WINDOW_DAYS} days before it, or later. Its owner is "
        "reminded before an unmeasured due date and once it is overdue.",
    )

    class Meta:
        model = BenefitDueDate
        fields = [
            "id", "benefit", "date", "expected_value", "note", "is_met", "created_at",
            "updated_at",
        ]


def _reloaded(due_date: BenefitDueDate) -> BenefitDueDate:
    return BenefitDueDate.objects.for_list().get(pk=due_date.pk)


class BenefitDueDateViewSet(ScopedModelViewSet):
    """The due dates of benefits (measurement points): one per benefit and date. The
    benefit's own ``due_date`` is its final one and is not listed here."""

    serializer_class = BenefitDueDateSerializer
    filterset_class = BenefitDueDateFilterSet

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return _reloaded(due_date_create(
            actor=actor, benefit=instance.benefit, date=instance.date,
            expected_value=instance.expected_value, note=instance.note,
        ))

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return _reloaded(due_date_update(actor=actor, due_date=instance, data=data))

    @staticmethod
    def delete_service(*, actor, instance):
        due_date_delete(actor=actor, due_date=instance)


routes = [("benefit-due-dates", BenefitDueDateViewSet, "benefitduedate")]
