"""Filters of external references (the API's list; the references of one object are
its "Referencer" tab, an organisation's dead links their own page)."""

from __future__ import annotations

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kitos.filtersets import BaseFilterSet, UUIDInFilter
from roles.choices import RoleTarget
from roles.models import role_target_models

from .models import DEAD_STATUSES, REFERENCE_TARGET_LABELS, CheckStatus, ExternalReference


def reference_target_models() -> dict:
    """Kind of object (RoleTarget value) -> its model, for the kinds that carry
    references."""
    return {
        kind: model for kind, model in role_target_models().items()
        if model._meta.label in REFERENCE_TARGET_LABELS
    }


# The kinds of REFERENCE_TARGET_LABELS (spelt out: the schema needs the choices before any
# model is asked; tests/references checks that they match).
REFERENCE_TARGET_KINDS = (
    RoleTarget.IT_SYSTEM, RoleTarget.SYSTEM_USAGE, RoleTarget.CONTRACT,
    RoleTarget.DATA_PROCESSING_AGREEMENT, RoleTarget.PROCESSING_ACTIVITY,
)
REFERENCE_TARGET_CHOICES = [(kind, label) for kind, label in RoleTarget.choices
                            if kind in REFERENCE_TARGET_KINDS]


class ReferenceFilterSet(BaseFilterSet):
    search_fields = ("title", "url", "external_id")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    object_type = django_filters.ChoiceFilter(
        choices=REFERENCE_TARGET_CHOICES, method="filter_object_type", label=_("objekttype")
    )
    # Public ids are unique across kinds of object: `object_id` needs no `object_type`.
    object_id = UUIDInFilter(method="filter_object_id", label=_("objekt"))
    check_status = django_filters.MultipleChoiceFilter(
        choices=CheckStatus.choices, label=_("linkstatus")
    )
    dead = django_filters.BooleanFilter(method="filter_dead", label=_("død"))

    class Meta:
        model = ExternalReference
        fields = []

    def filter_object_type(self, queryset, name, value):
        model = reference_target_models()[value]
        return queryset.filter(content_type=ContentType.objects.get_for_model(model))

    def filter_object_id(self, queryset, name, value):
        condition = Q(pk__in=[])
        for model, content_type in ContentType.objects.get_for_models(
            *reference_target_models().values()
        ).items():
            condition |= Q(content_type=content_type,
                           object_id__in=model._base_manager.filter(uuid__in=value).values("pk"))
        return queryset.filter(condition)

    def filter_dead(self, queryset, name, value):
        if value is None:
            return queryset
        dead = Q(check_status__in=DEAD_STATUSES)
        return queryset.filter(dead if value else ~dead)
