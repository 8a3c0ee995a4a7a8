"""API of the impact analysis: ``impact/usages/{id}/``, ``impact/suppliers/{id}/`` and
``impact/contracts/{id}/`` with ``?depth=``. Read-only; the same content as the pages."""

from __future__ import annotations

import uuid

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.response import Response

from kitos.api.permissions import TokenScopePermission

from ..impact import (
    DEFAULT_DEPTH,
    MAX_DEPTH,
    DepthError,
    contract_impact,
    parse_depth,
    supplier_impact,
    usage_impact,
)
from .impact_serializers import ImpactSerializer

PARAMETERS = [
    OpenApiParameter(
        "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The object's public id."),
    OpenApiParameter(
        "depth", OpenApiTypes.INT, OpenApiParameter.QUERY, required=False,
        description=f"How many integrations away to follow (1 to {MAX_DEPTH}, default "
        f"{DEFAULT_DEPTH}). Anything else is 400.",
    ),
]


class ImpactViewSet(viewsets.GenericViewSet):
    """What depends on an object. An object the user does not see is 404."""

    permission_classes = [TokenScopePermission]
    serializer_class = ImpactSerializer
    pagination_class = None
    filter_backends: list = []
    lookup_url_kwarg = "id"
    compute = None
    uuid_argument = ""

    def retrieve(self, request, id=None):
        try:
            depth = parse_depth(request.query_params.get("depth"))
        except DepthError:
            raise exceptions.ValidationError({"depth": [
                _("Dybden skal være et helt tal fra 1 til %(max)s.") % {"max": MAX_DEPTH}
            ]}) from None
        try:
            public_id = uuid.UUID(str(id))
        except ValueError:
            raise exceptions.NotFound() from None
        try:
            impact = type(self).compute(
                user=request.user, depth=depth, **{self.uuid_argument: public_id})
        except ObjectDoesNotExist:
            raise exceptions.NotFound() from None
        return Response(ImpactSerializer(impact).data)


@extend_schema(tags=["impact"])
class UsageImpactViewSet(ImpactViewSet):
    """What depends on a system usage: integrations in and out (transitively), processing
    activities, data assets, units, contracts and deadlines, role holders, projects."""

    compute = staticmethod(usage_impact)
    uuid_argument = "usage_uuid"

    @extend_schema(operation_id="impact_usage_retrieve", parameters=PARAMETERS,
                   summary="Impact of retiring a system usage")
    def retrieve(self, request, id=None):
        return super().retrieve(request, id)


@extend_schema(tags=["impact"])
class SupplierImpactViewSet(ImpactViewSet):
    """What depends on a supplier in your organisations: the usages of its systems and
    those its contracts cover, and on from there."""

    compute = staticmethod(supplier_impact)
    uuid_argument = "supplier_uuid"

    @extend_schema(operation_id="impact_supplier_retrieve", parameters=PARAMETERS,
                   summary="Impact of leaving a supplier")
    def retrieve(self, request, id=None):
        return super().retrieve(request, id)


@extend_schema(tags=["impact"])
class ContractImpactViewSet(ImpactViewSet):
    """What depends on a contract: the usages it covers and on from there, its
    sub-contracts."""

    compute = staticmethod(contract_impact)
    uuid_argument = "contract_uuid"

    @extend_schema(operation_id="impact_contract_retrieve", parameters=PARAMETERS,
                   summary="Impact of ending a contract")
    def retrieve(self, request, id=None):
        return super().retrieve(request, id)


routes = [
    ("impact/usages", UsageImpactViewSet, "impact-usage"),
    ("impact/suppliers", SupplierImpactViewSet, "impact-supplier"),
    ("impact/contracts", ContractImpactViewSet, "impact-contract"),
]
