"""Project-level API endpoints: the deletions feed."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import generics, pagination, serializers

from kitos.models import AuditEntry


class DeletionSerializer(serializers.ModelSerializer):
    type = serializers.SerializerMethodField(help_text="app_label.model of the deleted object")
    id = serializers.UUIDField(source="object_uuid", read_only=True)
    deleted_at = serializers.DateTimeField(source="timestamp", read_only=True)
    organisation = serializers.UUIDField(source="organisation.uuid", read_only=True,
                                         allow_null=True, default=None)

    class Meta:
        model = AuditEntry
        fields = ["type", "id", "deleted_at", "organisation", "object_repr"]

    def get_type(self, entry) -> str:
        return f"{entry.content_type.app_label}.{entry.content_type.model}"


class DeletionFilterSet(django_filters.FilterSet):
    since = django_filters.IsoDateTimeFilter(
        field_name="timestamp", lookup_expr="gte", label=_("Slettet siden")
    )
    type = django_filters.CharFilter(method="filter_type", label=_("Objekttype"))

    class Meta:
        model = AuditEntry
        fields = []

    def filter_type(self, queryset, name, value):
        app_label, _dot, model = value.lower().partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)


class DeletionPagination(pagination.CursorPagination):
    page_size = 100
    max_page_size = 250
    page_size_query_param = "page_size"
    ordering = ("timestamp", "id")


class DeletionListView(generics.ListAPIView):
    """Objects deleted since a moment (`?since=`), oldest first, so that a client can
    mirror kitos: fetch `changed_since` on each list, then apply these deletions.
    Cursor-paginated; follow `next` until it is null and keep the time you started."""

    serializer_class = DeletionSerializer
    filterset_class = DeletionFilterSet
    pagination_class = DeletionPagination
    throttle_scope = "sync"

    def get_queryset(self):
        user = self.request.user
        scoped = AuditEntry.objects.visible_to(user)
        if not user.is_superuser:
            # Shared catalog entries (no organisation) are visible to every member.
            scoped = AuditEntry.objects.filter(
                Q(pk__in=scoped.values("pk")) | Q(organisation__isnull=True)
            )
        return scoped.filter(action="delete", object_uuid__isnull=False).select_related(
            "content_type", "organisation"
        )
