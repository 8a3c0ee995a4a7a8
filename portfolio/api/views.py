"""API resources of the portfolio app."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from rest_framework import viewsets

from kitos.admin_base import editable_values
from kitos.api.base import ScopedModelViewSet
from kitos.api.fast import FastListMixin
from kitos.api.pagination import PageNumberPagination
from kitos.api.permissions import TokenScopePermission
from kitos.services import create_object

from ..filtersets import (
    IntegrationFilterSet,
    InterfaceFilterSet,
    ItSystemFilterSet,
    KleNumberFilterSet,
    SystemUsageFilterSet,
)
from ..kle import with_effective_kle
from ..models import InterfaceDataRow, KleNumber
from ..services import interface_create, interface_update, usage_create, usage_update
from .serializers import (
    IntegrationSerializer,
    InterfaceSerializer,
    ItSystemSerializer,
    KleNumberSerializer,
    SystemUsageSerializer,
)


class ItSystemViewSet(ScopedModelViewSet):
    """The system catalog: shared entries and the organisation's local ones. Admins of
    the owning organisation maintain an entry; national entries need a superuser."""

    serializer_class = ItSystemSerializer
    filterset_class = ItSystemFilterSet
    m2m_fields = ("kle_numbers",)


class SystemUsageViewSet(ScopedModelViewSet):
    """The organisation's use of catalog systems, with `is_active` computed for today."""

    serializer_class = SystemUsageSerializer
    filterset_class = SystemUsageFilterSet
    # Set through the service: the link table carries the organisation; the others
    # have rules of their own there (option lists, KLE deviations).
    m2m_fields = ("using_units", "sensitive_data_types", "kle_added", "kle_removed",
                  "journal_periods")

    def get_queryset(self):
        # The option fields with the usages (the model path reads them without a query
        # per field and row), the effective KLE as one subquery per row.
        return with_effective_kle(
            super().get_queryset().with_is_active(timezone.localdate())
            .select_related("archive_type", "archive_location", "archive_test_location",
                            "archive_supplier")
            .prefetch_related("sensitive_data_types", "kle_added", "kle_removed",
                              "journal_periods")
        )

    # The same services as the form and the admin: the usage with its using units.
    @staticmethod
    def create_service(*, actor, instance, m2m):
        return usage_create(actor=actor, **editable_values(instance), **m2m)

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return usage_update(actor=actor, usage=instance, data=data, **m2m)

    def perform_update(self, serializer):
        # The annotations were read before the change; the serializer recomputes them.
        vars(serializer.instance).pop("is_active", None)
        vars(serializer.instance).pop("effective_kle_numbers", None)
        # The periods were prefetched before the change too.
        getattr(serializer.instance, "_prefetched_objects_cache", {}).pop("journal_periods", None)
        super().perform_update(serializer)


class IntegrationViewSet(ScopedModelViewSet):
    """Data flows between two usages of one organisation (the source's)."""

    serializer_class = IntegrationSerializer
    filterset_class = IntegrationFilterSet

    @staticmethod
    def create_service(*, actor, instance, m2m):
        instance.organisation_id = instance.source.organisation_id
        return create_object(actor=actor, instance=instance)


class InterfaceViewSet(ScopedModelViewSet):
    """The interface catalog (snitflader): shared entries and the organisation's local
    ones, with the data they carry. Maintained like the systems."""

    serializer_class = InterfaceSerializer
    filterset_class = InterfaceFilterSet

    # Written through the service: the rows are replaced as a whole, audited on the
    # interface.
    m2m_fields = ("data_rows",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related(
            Prefetch("data_rows", queryset=InterfaceDataRow.objects.select_related("data_type"))
        )

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return interface_create(actor=actor, **editable_values(instance),
                                data_rows=_data_rows(m2m))

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return interface_update(actor=actor, interface=instance, data=data,
                                data_rows=_data_rows(m2m))

    def perform_update(self, serializer):
        # The rows were prefetched before the change.
        getattr(serializer.instance, "_prefetched_objects_cache", {}).pop("data_rows", None)
        super().perform_update(serializer)


def _data_rows(m2m):
    if "data_rows" not in m2m:
        return None
    return [(row.get("description", ""), row.get("data_type")) for row in m2m["data_rows"]]


class KleNumberViewSet(FastListMixin, viewsets.ReadOnlyModelViewSet):
    """The national KLE taxonomy (read-only): main groups, groups and topics."""

    serializer_class = KleNumberSerializer
    filterset_class = KleNumberFilterSet
    permission_classes = [TokenScopePermission]
    # KLE has no change times, so no sync cursor: plain page numbers.
    pagination_class = PageNumberPagination
    lookup_field = "number"
    lookup_value_regex = r"[0-9]{2}(?:\.[0-9]{2}){0,2}"
    ordering_fields = ("number",)

    def get_queryset(self):
        return KleNumber.objects.visible_to(self.request.user).for_list()


routes = [
    ("systems", ItSystemViewSet, "itsystem"),
    ("usages", SystemUsageViewSet, "systemusage"),
    ("integrations", IntegrationViewSet, "integration"),
    ("interfaces", InterfaceViewSet, "interface"),
    ("kle", KleNumberViewSet, "klenumber"),
]
