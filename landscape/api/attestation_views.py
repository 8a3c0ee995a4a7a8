"""API resources of the attestation campaigns (``attestation-campaigns/``: CRUD without
delete, with the steps open, close and next as actions) and their attestations
(``attestations/``: read, and the ``attest`` action to confirm or correct). Writes go
through landscape.attestation_services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from contracts.models import Contract
from kitos.api.base import (
    BaseSerializer,
    OrganisationField,
    ScopedModelViewSet,
    ScopedUUIDField,
    _call_service,
    etag_for,
)
from kitos.models import Organisation
from portfolio.models import SystemUsage
from roles.models import OrganisationUnit, Person

from ..attestation_choices import AttestationStatus
from ..attestation_filtersets import AttestationCampaignFilterSet, AttestationFilterSet
from ..attestation_services import (
    attestation_attest,
    campaign_close,
    campaign_create,
    campaign_next,
    campaign_open,
    campaign_update,
)
from ..models import Attestation, AttestationCampaign


class AttestationCampaignSerializer(BaseSerializer):
    organisation = OrganisationField(Organisation)
    attestation_count = serializers.IntegerField(
        read_only=True, help_text="Attestations in the campaign (one per live system usage "
        "and running contract when it was opened).")
    answered_count = serializers.IntegerField(
        read_only=True, help_text="Attestations confirmed or corrected.")

    class Meta:
        model = AttestationCampaign
        fields = [
            "id", "organisation", "title", "year", "opens_on", "due_on", "interval_months",
            "status", "attestation_count", "answered_count", "created_at", "updated_at",
        ]
        read_only_fields = ["status"]


class AttestationSerializer(BaseSerializer):
    organisation = ScopedUUIDField(Organisation, read_only=True)
    campaign = ScopedUUIDField(AttestationCampaign, read_only=True)
    usage = ScopedUUIDField(SystemUsage, read_only=True, allow_null=True)
    contract = ScopedUUIDField(Contract, read_only=True, allow_null=True)
    unit = ScopedUUIDField(OrganisationUnit, read_only=True, allow_null=True)
    owner = ScopedUUIDField(Person, read_only=True, allow_null=True)
    attested_by = serializers.SlugRelatedField(slug_field="username", read_only=True,
                                               allow_null=True)

    class Meta:
        model = Attestation
        fields = [
            "id", "organisation", "campaign", "usage", "contract", "unit", "owner",
            "status", "comment", "attested_by", "attested_at", "created_at", "updated_at",
        ]
        read_only_fields = ["status", "comment", "attested_at"]


class AttestSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[AttestationStatus.CONFIRMED, AttestationStatus.CORRECTED],
        help_text="confirmed: the records are right; corrected: they were corrected "
        "(say what in `comment`).")
    comment = serializers.CharField(required=False, allow_blank=True, default="",
                                    max_length=4000)


def _reloaded_campaign(campaign) -> AttestationCampaign:
    return AttestationCampaign.objects.for_list().get(pk=campaign.pk)


class AttestationCampaignViewSet(ScopedModelViewSet):
    """Attestation campaigns: each system owner and contract owner confirms or corrects
    their records by `due_on`. Created as drafts; `open` creates one pending attestation
    per live system usage and running contract (again: adds only the missing ones),
    `close` ends it, `next` creates the campaign `interval_months` later. Reminders to
    the owners go through the alert rules (attestation_due, attestation_overdue)."""

    serializer_class = AttestationCampaignSerializer
    filterset_class = AttestationCampaignFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return _reloaded_campaign(campaign_create(
            actor=actor, organisation=instance.organisation, title=instance.title,
            year=instance.year, opens_on=instance.opens_on, due_on=instance.due_on,
            interval_months=instance.interval_months,
        ))

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        data = dict(data)
        # A full update (PUT) names the organisation; a campaign never moves.
        if data.get("organisation", instance.organisation) == instance.organisation:
            data.pop("organisation", None)
        return _reloaded_campaign(campaign_update(actor=actor, campaign=instance, data=data))

    def _step(self, service, **extra):
        campaign = self.get_object()
        result = _call_service(service, actor=self.request.user, campaign=campaign, **extra)
        target = result if isinstance(result, AttestationCampaign) else campaign
        target = _reloaded_campaign(target)
        response = Response(self.get_serializer(target).data)
        response["ETag"] = etag_for(target)
        return response

    @extend_schema(request=None, responses=AttestationCampaignSerializer,
                   summary="Open the campaign (or add what is missing)")
    @action(detail=True, methods=["post"])
    def open(self, request, id=None):
        """draft → open: every live system usage and running contract gets a pending
        attestation asked of its system owner or contract owner. On an open campaign it
        adds only those missing."""
        return self._step(campaign_open)

    @extend_schema(request=None, responses=AttestationCampaignSerializer,
                   summary="Close the campaign")
    @action(detail=True, methods=["post"])
    def close(self, request, id=None):
        """→ closed: no more answers, no more reminders."""
        return self._step(campaign_close)

    @extend_schema(request=None, responses=AttestationCampaignSerializer,
                   summary="The next campaign (one interval later)")
    @action(detail=True, methods=["post"])
    def next(self, request, id=None):
        """The same campaign `interval_months` later, as a draft (returned as it is when
        it exists already)."""
        return self._step(campaign_next)


class AttestationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    """Attestations: one per system usage or contract in a campaign, with its owner
    (system owner or contract owner when the campaign opened), its unit and the answer.
    The owner, or an editor of the organisation, answers with `attest`."""

    serializer_class = AttestationSerializer
    filterset_class = AttestationFilterSet
    lookup_field = ScopedModelViewSet.lookup_field
    lookup_url_kwarg = ScopedModelViewSet.lookup_url_kwarg
    pagination_class = ScopedModelViewSet.pagination_class
    permission_classes = ScopedModelViewSet.permission_classes
    ordering_fields = ScopedModelViewSet.ordering_fields
    get_queryset = ScopedModelViewSet.get_queryset
    retrieve = ScopedModelViewSet.retrieve

    @extend_schema(request=AttestSerializer, responses=AttestationSerializer,
                   summary="Confirm or correct")
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def attest(self, request, id=None):
        """Answer the attestation: `confirmed`, or `corrected` with a `comment`. Only its
        owner or an editor; the campaign must be open. Confirming twice is harmless."""
        attestation = self.get_object()
        body = AttestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        saved = _call_service(
            attestation_attest, actor=request.user, attestation=attestation,
            status=body.validated_data["status"], comment=body.validated_data["comment"],
        )
        saved = Attestation.objects.for_list().get(pk=saved.pk)
        response = Response(AttestationSerializer(saved, context={"request": request}).data)
        response["ETag"] = etag_for(saved)
        return response


routes = [
    ("attestation-campaigns", AttestationCampaignViewSet, "attestationcampaign"),
    ("attestations", AttestationViewSet, "attestation"),
]
