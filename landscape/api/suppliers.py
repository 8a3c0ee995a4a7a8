"""API of the suppliers part: supplier dependence (``supplier-dependence/``, read-only,
per supplier of one organisation, with the trend on a supplier's own page), joint
procurement (``joint-procurement/``, read-only) and the organisation's sharing choice
(``procurement-sharing/``, read and, for administrators, create and update).

The figures are computed as on the portal's pages (landscape.suppliers,
landscape.suppliers_joint); ``organisation`` names the organisation they are about
(default: the first of the user's organisations by name)."""

from __future__ import annotations

import uuid

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, viewsets
from rest_framework.response import Response

from kitos.api.base import BaseSerializer, OrganisationField, ScopedModelViewSet
from kitos.api.permissions import TokenScopePermission
from kitos.models import Organisation
from portfolio.models import Supplier

from ..models import ProcurementSharing
from ..suppliers import supplier_dependence, supplier_trend
from ..suppliers_filtersets import ProcurementSharingFilterSet
from ..suppliers_joint import DEFAULT_MONTHS, MAX_MONTHS, MIN_MONTHS, joint_procurement
from ..suppliers_services import procurement_sharing_create, procurement_sharing_update

ORGANISATION_PARAMETER = OpenApiParameter(
    name="organisation", type=OpenApiTypes.UUID, location=OpenApiParameter.QUERY,
    required=False,
    description="The organisation the figures are about: one of yours (default: the first "
    "of your organisations by name). Another organisation's is 404.",
)
SUPPLIER_ID = OpenApiParameter(
    name="id", type=OpenApiTypes.UUID, location=OpenApiParameter.PATH,
    description="The supplier's id.",
)
MONTHS_PARAMETER = OpenApiParameter(
    name="months", type=OpenApiTypes.INT, location=OpenApiParameter.QUERY, required=False,
    description=f"How many months ahead a contract's end counts ({MIN_MONTHS}–{MAX_MONTHS}, "
    f"default {DEFAULT_MONTHS}).",
)


def organisation_from_query(request) -> Organisation:
    """The organisation of ?organisation= among those the user may see (404 otherwise);
    without it, the first of them by name."""
    visible = Organisation.objects.visible_to(request.user).order_by("name", "pk")
    value = request.query_params.get("organisation", "").strip()
    if not value:
        organisation = visible.first()
    else:
        try:
            public_id = uuid.UUID(value)
        except ValueError:
            raise exceptions.ValidationError(
                {"organisation": [_("Angiv organisationens id (et UUID).")]}
            ) from None
        organisation = visible.filter(uuid=public_id).first()
    if organisation is None:
        raise exceptions.NotFound()
    return organisation


# -- supplier dependence -----------------------------------------------------------------


class SupplierScoreComponentSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="spend, critical, systems, no_exit, proprietary "
                                "or no_window.")
    label = serializers.CharField()
    weight = serializers.IntegerField(help_text="The component's weight (all add up to 100).")
    fraction = serializers.FloatField(help_text="How much of its weight the supplier "
                                      "reaches, 0–1.")
    points = serializers.FloatField(help_text="fraction × weight.")


class SupplierDependenceSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="supplier.uuid", help_text="The supplier's id.")
    name = serializers.CharField(source="supplier.name")
    cvr = serializers.CharField(source="supplier.cvr")
    organisation = serializers.SerializerMethodField(help_text="The organisation's id.")
    score = serializers.IntegerField(help_text="The lock-in score, 0–100 (the sum of the "
                                     "components' points, rounded).")
    yearly_spend = serializers.DecimalField(
        source="spend", max_digits=16, decimal_places=2,
        help_text="The yearly cost of the supplier's contracts in force (DKK).")
    spend_share = serializers.FloatField(help_text="Share of the organisation's yearly "
                                         "spend on contracts in force, 0–1.")
    contracts_in_force = serializers.IntegerField(source="spend_contracts.value")
    systems = serializers.IntegerField(
        source="systems.value",
        help_text="System usages in use whose catalog system the supplier is rights "
        "holder of.")
    business_critical_systems = serializers.IntegerField(source="critical_systems.value")
    running_contracts = serializers.IntegerField(source="running_contracts.value")
    contracts_without_exit = serializers.IntegerField(
        source="contracts_without_exit.value",
        help_text="Running contracts, no notice given, with no notice deadline: neither "
        "terminable before expiry nor with an option left.")
    integrations = serializers.IntegerField(source="integrations.value")
    proprietary_integrations = serializers.IntegerField(
        source="proprietary_integrations.value",
        help_text="Integrations with the supplier's systems without a standard "
        "interface type.")
    contracts_ending_soon = serializers.IntegerField(
        source="ending_soon.value",
        help_text="Running contracts whose next possible end lies within 3 years.")
    components = SupplierScoreComponentSerializer(many=True)

    def get_organisation(self, row) -> uuid.UUID:
        return self.context["organisation"].uuid


class SupplierTrendPointSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    spend = serializers.DecimalField(max_digits=16, decimal_places=2,
                                     help_text="The yearly cost of the supplier's contracts "
                                     "valid in the year (DKK).")
    contracts = serializers.IntegerField(source="contracts.value")
    organisation_spend = serializers.DecimalField(source="total", max_digits=16,
                                                  decimal_places=2)
    organisation_contracts = serializers.IntegerField(source="total_contracts.value")
    share = serializers.FloatField(help_text="spend / organisation_spend, 0–1.")
    is_future = serializers.BooleanField()


class SupplierDependenceDetailSerializer(SupplierDependenceSerializer):
    trend = serializers.SerializerMethodField()

    @extend_schema_field(SupplierTrendPointSerializer(many=True))
    def get_trend(self, row) -> list:
        return SupplierTrendPointSerializer(self.context["trend"], many=True).data


class SupplierDependenceViewSet(viewsets.GenericViewSet):
    """Supplier dependence (lock-in) of one organisation: per supplier its share of the
    yearly spend, systems, business-critical systems, contracts without exit or option,
    proprietary interfaces, contracts that can end within 3 years and the lock-in score
    with its components, highest score first. A supplier's own page adds the trend: its
    share of the spend of the contracts valid in each year."""

    serializer_class = SupplierDependenceSerializer
    permission_classes = [TokenScopePermission]
    pagination_class = None
    filter_backends = []
    lookup_url_kwarg = "id"

    @extend_schema(parameters=[ORGANISATION_PARAMETER])
    def list(self, request):
        organisation = organisation_from_query(request)
        dependence = supplier_dependence(request.user, organisation,
                                         today=timezone.localdate())
        return Response(SupplierDependenceSerializer(
            dependence.suppliers, many=True, context={"organisation": organisation}).data)

    @extend_schema(parameters=[SUPPLIER_ID, ORGANISATION_PARAMETER],
                   responses=SupplierDependenceDetailSerializer)
    def retrieve(self, request, id=None):
        organisation = organisation_from_query(request)
        try:
            public_id = uuid.UUID(str(id))
        except ValueError:
            raise exceptions.NotFound() from None
        supplier = (Supplier.objects.visible_to(request.user).usable_by(organisation)
                    .filter(uuid=public_id).first())
        if supplier is None:
            raise exceptions.NotFound()
        today = timezone.localdate()
        row = supplier_dependence(request.user, organisation, today=today,
                                  include=supplier).get(supplier)
        trend = supplier_trend(request.user, organisation, supplier, today=today)
        return Response(SupplierDependenceDetailSerializer(
            row, context={"organisation": organisation, "trend": trend}).data)


# -- joint procurement ---------------------------------------------------------------------


class JointProcurementOrganisationSerializer(serializers.Serializer):
    organisation = serializers.UUIDField(source="organisation_uuid")
    name = serializers.CharField(source="organisation_name")
    contact_email = serializers.CharField()
    is_own = serializers.BooleanField(help_text="Your own organisation's row.")
    next_end = serializers.DateField(help_text="The earliest next possible end of its "
                                     "running contracts for the system in the window.")
    notice_deadline = serializers.DateField(allow_null=True)
    own_contracts = serializers.SerializerMethodField(
        help_text="Your own rows only: how many of your contracts; null for others.")

    def get_own_contracts(self, entry) -> int | None:
        return entry.contracts.value if entry.contracts else None


class JointProcurementSystemSerializer(serializers.Serializer):
    system = serializers.UUIDField(source="system_uuid", help_text="The catalog system's id.")
    name = serializers.CharField()
    organisation_count = serializers.IntegerField()
    organisations = JointProcurementOrganisationSerializer(many=True, source="entries")


class JointProcurementViewSet(viewsets.GenericViewSet):
    """Joint procurement: for each catalog system, the organisations on this
    installation whose running contracts for it end or can be terminated within the
    next `months` months. Other organisations appear only when they share
    (`procurement-sharing/`), and only to organisations that share themselves; your own
    organisation's rows always appear. No amounts are shared."""

    serializer_class = JointProcurementSystemSerializer
    permission_classes = [TokenScopePermission]
    pagination_class = None
    filter_backends = []

    @extend_schema(parameters=[ORGANISATION_PARAMETER, MONTHS_PARAMETER])
    def list(self, request):
        organisation = organisation_from_query(request)
        raw = request.query_params.get("months", "").strip()
        months = DEFAULT_MONTHS
        if raw:
            try:
                months = int(raw)
            except ValueError:
                months = None
            if months is None or not MIN_MONTHS <= months <= MAX_MONTHS:
                raise exceptions.ValidationError({"months": [
                    _("Angiv et helt antal måneder fra %(min)s til %(max)s.")
                    % {"min": MIN_MONTHS, "max": MAX_MONTHS}]})
        result = joint_procurement(organisation, months=months, today=timezone.localdate())
        return Response(JointProcurementSystemSerializer(result.systems, many=True).data)


# -- the sharing choice ----------------------------------------------------------------------


class ProcurementSharingSerializer(BaseSerializer):
    organisation = OrganisationField(Organisation)

    class Meta:
        model = ProcurementSharing
        fields = ["id", "organisation", "shares", "contact_email", "created_at", "updated_at"]


class ProcurementSharingViewSet(ScopedModelViewSet):
    """Your organisations' choices to share their contracts' end dates for joint
    procurement (one per organisation; none means not sharing). Administrators of the
    organisation create and change it; it is never deleted (set `shares` to false)."""

    serializer_class = ProcurementSharingSerializer
    filterset_class = ProcurementSharingFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return procurement_sharing_create(
            actor=actor, organisation=instance.organisation, shares=instance.shares,
            contact_email=instance.contact_email,
        )

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return procurement_sharing_update(actor=actor, sharing=instance, data=data)


routes = [
    ("supplier-dependence", SupplierDependenceViewSet, "supplierdependence"),
    ("joint-procurement", JointProcurementViewSet, "jointprocurement"),
    ("procurement-sharing", ProcurementSharingViewSet, "procurementsharing"),
]
