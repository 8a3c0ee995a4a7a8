"""Filters of manual advice (the API's list; the advice of one object is its tab)."""

from __future__ import annotations

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kitos.filtersets import BaseFilterSet, UUIDInFilter
from roles.choices import RoleTarget
from roles.models import role_target_models

from .models import ADVICE_TARGET_KINDS, Advice

ADVICE_TARGET_CHOICES = [(kind, label) for kind, label in RoleTarget.choices
                         if kind in ADVICE_TARGET_KINDS]


def advice_target_models() -> dict:
    """Kind of object (RoleTarget value) -> its model, for the kinds advice is set on."""
    models = role_target_models()
    return {kind: models[kind] for kind in ADVICE_TARGET_KINDS if kind in models}


class AdviceFilterSet(BaseFilterSet):
    search_fields = ("name", "subject")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    object_type = django_filters.ChoiceFilter(
        choices=ADVICE_TARGET_CHOICES, method="filter_object_type", label=_("objekttype")
    )
    # Public ids are unique across kinds of object: `object_id` needs no `object_type`.
    object_id = UUIDInFilter(method="filter_object_id", label=_("objekt"))
    is_active = django_filters.BooleanFilter(label=_("aktiv"))

    class Meta:
        model = Advice
        fields = []

    def filter_object_type(self, queryset, name, value):
        model = advice_target_models()[value]
        return queryset.filter(content_type=ContentType.objects.get_for_model(model))

    def filter_object_id(self, queryset, name, value):
        condition = Q(pk__in=[])
        for model, content_type in ContentType.objects.get_for_models(
            *advice_target_models().values()
        ).items():
            condition |= Q(content_type=content_type,
                           object_id__in=model.objects.filter(uuid__in=value).values("pk"))
        return queryset.filter(condition)
