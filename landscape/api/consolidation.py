"""Read-only API of the consolidation analysis (landscape/consolidation.py), the same
figures as the pages: ``landscape/duplicates/`` (groups of usages serving the same need
across forvaltninger), ``landscape/catalog-duplicates/`` (likely duplicates in the
catalog) and ``landscape/kle-coverage/`` (KLE tasks with no, one or several systems).
Each is about one organisation the user may see (``?organisation=<uuid>``, default the
first by name) and paged like every list."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError as ApiValidationError

from kitos.api.pagination import PageNumberPagination
from kitos.models import Organisation
from portfolio.models import KleNumber
from roles.models import OrganisationUnit

from ..consolidation import Coverage, GroupKind, consolidation, kle_coverage

ORGANISATION = OpenApiParameter(
    "organisation", OpenApiTypes.UUID,
    description="The organisation analysed (one the user may see); default: the first "
                "by name.",
)
UNIT = OpenApiParameter(
    "unit", OpenApiTypes.UUID,
    description="One of the organisation's forvaltninger: only what it has a usage in "
                "(its consolidation list).",
)


class UsageRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    name = serializers.CharField(source="display_name")
    system = serializers.UUIDField(source="system.uuid")
    system_name = serializers.CharField(source="system.name")


class ForvaltningCountSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="unit.uuid")
    name = serializers.CharField(source="unit.name")
    usage_count = serializers.IntegerField(source="count")


class DuplicateGroupSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=GroupKind.choices)
    key = serializers.CharField(
        help_text="The KLE number, the business type or the catalog system's id.")
    label = serializers.CharField()
    usage_count = serializers.IntegerField()
    usages = UsageRefSerializer(many=True)
    forvaltninger = ForvaltningCountSerializer(many=True)
    contract_count = serializers.IntegerField(
        help_text="Contracts in force covering the usages, each counted once.")
    yearly_cost = serializers.DecimalField(max_digits=16, decimal_places=2)


class CatalogEntrySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    name = serializers.CharField()
    supplier = serializers.CharField()


class CatalogPairSerializer(serializers.Serializer):
    first = CatalogEntrySerializer()
    second = CatalogEntrySerializer()
    similarity = serializers.FloatField(help_text="0..1, of the normalised names.")
    same_supplier = serializers.BooleanField()
    usages = UsageRefSerializer(many=True)


class KleTaskSerializer(serializers.Serializer):
    number = serializers.CharField(source="kle.number")
    title = serializers.CharField(source="kle.title")
    coverage = serializers.ChoiceField(source="status", choices=Coverage.choices)
    usage_count = serializers.IntegerField()
    usages = UsageRefSerializer(many=True)


class _AnalysisViewSet(viewsets.GenericViewSet):
    pagination_class = PageNumberPagination
    filter_backends: list = []

    def organisation(self):
        organisations = Organisation.objects.visible_to(self.request.user).order_by("name")
        value = self.request.query_params.get("organisation", "").strip()
        if not value:
            organisation = organisations.first()
            if organisation is None:
                raise Http404
            return organisation
        try:
            return organisations.get(uuid=value)
        except (Organisation.DoesNotExist, ValueError, ValidationError) as error:
            raise Http404 from error

    def paged(self, rows):
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class DuplicateGroupViewSet(_AnalysisViewSet):
    """Usages of different catalog systems serving the same KLE task (the same number,
    one above or below) or business type across forvaltninger, and one system used in
    several forvaltninger; with the contracts in force covering them and their yearly
    cost. Largest yearly cost first."""

    serializer_class = DuplicateGroupSerializer

    @extend_schema(parameters=[
        ORGANISATION, UNIT,
        OpenApiParameter("kind", OpenApiTypes.STR, enum=GroupKind.values,
                         description="Only groups of this kind."),
    ])
    def list(self, request):
        organisation = self.organisation()
        analysis = consolidation(user=request.user, organisation=organisation,
                                 unit=self.unit(organisation))
        kind = request.query_params.get("kind", "")
        if kind and kind not in GroupKind.values:
            raise ApiValidationError({"kind": [_("Ukendt slags.")]})
        return self.paged(analysis.of_kind(kind) if kind else analysis.groups)

    def unit(self, organisation):
        value = self.request.query_params.get("unit", "").strip()
        if not value:
            return None
        units = OrganisationUnit.objects.visible_to(self.request.user).filter(
            organisation=organisation)
        forvaltninger = {str(unit.uuid): unit for unit in units.forvaltninger()}
        if value not in forvaltninger:
            raise Http404
        return forvaltninger[value]


class CatalogDuplicateViewSet(_AnalysisViewSet):
    """Pairs of catalog entries whose names are alike once lower-cased and stripped of
    version numbers and punctuation (a lower bar for the same supplier), with the
    organisation's usages of either; the pairs it uses first."""

    serializer_class = CatalogPairSerializer

    @extend_schema(parameters=[ORGANISATION])
    def list(self, request):
        analysis = consolidation(user=request.user, organisation=self.organisation())
        return self.paged(analysis.pairs)


class KleCoverageViewSet(_AnalysisViewSet):
    """KLE tasks and the organisation's usages in use whose system serves them (the
    same number, one above or below): the topics of a main group, or without one the
    KLE numbers of the organisation's processing activities."""

    serializer_class = KleTaskSerializer

    @extend_schema(parameters=[
        ORGANISATION,
        OpenApiParameter("main_group", OpenApiTypes.STR,
                         description='A KLE main group ("27"): its topics.'),
        OpenApiParameter("coverage", OpenApiTypes.STR, enum=Coverage.values,
                         description="Only tasks with no, one or several systems."),
    ])
    def list(self, request):
        organisation = self.organisation()
        number = request.query_params.get("main_group", "").strip()
        main_group = None
        if number:
            main_group = KleNumber.objects.filter(number=number, parent__isnull=True).first()
            if main_group is None:
                raise ApiValidationError({"main_group": [_("Ukendt KLE-hovedgruppe.")]})
        status = request.query_params.get("coverage", "")
        if status and status not in Coverage.values:
            raise ApiValidationError({"coverage": [_("Ukendt dækning.")]})
        coverage = kle_coverage(user=request.user, organisation=organisation,
                                main_group=main_group, status=status)
        return self.paged(coverage.shown)


routes = [
    ("landscape/duplicates", DuplicateGroupViewSet, "landscape-duplicates"),
    ("landscape/catalog-duplicates", CatalogDuplicateViewSet, "landscape-catalog-duplicates"),
    ("landscape/kle-coverage", KleCoverageViewSet, "landscape-kle-coverage"),
]
