"""/api/v1/advice/: manual advice, written through alerts.advice (registered from
AlertsConfig.ready: the core's API knows no feature app)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from kitos.api.base import ScopedModelViewSet, _call_service, etag_for

from ..advice import advice_create, advice_deactivate, advice_delete, advice_update
from ..filtersets import AdviceFilterSet
from .serializers import AdviceSerializer


class AdviceViewSet(ScopedModelViewSet):
    """Manual advice ("advis") on a contract, system usage, data processing agreement or
    processing activity: a mail (and an in-app alert for kitos users) sent at once, or
    every period from `alarm_at` until `stop_on`, to the holders of the roles on the
    object and to the addresses. `sent` is the log of every send. An advice that was
    sent cannot be deleted (400): switch it off with POST `deactivate`."""

    serializer_class = AdviceSerializer
    filterset_class = AdviceFilterSet
    # The object (generic relation) and the nested log need model instances.
    fast_list = False

    def get_queryset(self):
        return (
            super().get_queryset()
            .select_related("organisation", "content_type")
            .prefetch_related("to_roles", "cc_roles", "sent", "target")
        )

    def _reloaded(self, advice):
        return self.get_queryset().get(pk=advice.pk)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        is_active = data.pop("is_active", True)
        advice = _call_service(advice_create, actor=self.request.user, **data)
        if not is_active:
            advice = _call_service(advice_deactivate, actor=self.request.user, advice=advice)
        serializer.instance = self._saved = self._reloaded(advice)

    def perform_update(self, serializer):
        advice = serializer.instance
        self._check_if_match(advice)
        data = dict(serializer.validated_data)
        to_roles, cc_roles = data.pop("to_roles", None), data.pop("cc_roles", None)
        advice = _call_service(advice_update, actor=self.request.user, advice=advice,
                               data=data, to_roles=to_roles, cc_roles=cc_roles)
        serializer.instance = self._saved = self._reloaded(advice)

    @staticmethod
    def delete_service(*, actor, instance):
        advice_delete(actor=actor, advice=instance)

    @extend_schema(request=None, responses={200: AdviceSerializer},
                   summary="Switch an advice off",
                   description="Nothing more is sent; its log stays.")
    @action(detail=True, methods=["post"])
    def deactivate(self, request, *args, **kwargs):
        advice = self.get_object()
        _call_service(advice_deactivate, actor=request.user, advice=advice)
        advice = self._reloaded(advice)
        response = Response(self.get_serializer(advice).data)
        response["ETag"] = etag_for(advice)
        return response


routes = [("advice", AdviceViewSet, "advice")]
