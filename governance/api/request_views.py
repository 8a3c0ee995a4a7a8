"""API resources of new-system requests (``requests/``, with the steps submit and
withdraw and the duplicate check as actions) and their specialist sign-offs
(``request-sign-offs/``: read, and PATCH to give a role's verdict)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from kitos.api.base import ScopedModelViewSet, _call_service, etag_for

from ..duplicate_check import request_duplicates
from ..models import NewSystemRequest
from ..request_filtersets import NewSystemRequestFilterSet, RequestSignOffFilterSet
from ..request_services import (
    request_create,
    request_delete,
    request_sign_off,
    request_submit,
    request_update,
    request_withdraw,
)
from .request_serializers import (
    DuplicateSerializer,
    NewSystemRequestSerializer,
    RequestSignOffSerializer,
)

M2M = ("kle_numbers", "goals", "principles")


def _reloaded(request: NewSystemRequest) -> NewSystemRequest:
    return NewSystemRequest.objects.for_list().prefetch_related("goals", "principles").get(
        pk=request.pk)


class NewSystemRequestViewSet(ScopedModelViewSet):
    """Requests for new IT systems (the buying process): the need, KLE tasks and business
    type, goals and principles, expected costs and the status. Created as drafts; the
    steps are actions (`submit`, `withdraw`), the specialists sign off through
    `request-sign-offs/`, and a steering group decides with a decision (`decisions/`,
    `request` set): approved creates the portfolio project (`project`)."""

    serializer_class = NewSystemRequestSerializer
    filterset_class = NewSystemRequestFilterSet
    m2m_fields = M2M

    def get_queryset(self):
        return super().get_queryset().prefetch_related("goals", "principles")

    @staticmethod
    def create_service(*, actor, instance, m2m):
        values = {
            field.name: getattr(instance, field.name)
            for field in instance._meta.concrete_fields
            if field.editable and not field.primary_key
            and field.name not in ("title", "status", "submitted_on", "project")
        }
        return _reloaded(request_create(actor=actor, title=instance.title, **values, **m2m))

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return _reloaded(request_update(actor=actor, request=instance, data=data, **m2m))

    @staticmethod
    def delete_service(*, actor, instance):
        request_delete(actor=actor, request=instance)

    def _step(self, service):
        instance = self.get_object()
        _call_service(service, actor=self.request.user, request=instance)
        instance = _reloaded(instance)
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = etag_for(instance)
        return response

    @extend_schema(request=None, responses=NewSystemRequestSerializer,
                   summary="Send a draft to the specialists")
    @action(detail=True, methods=["post"])
    def submit(self, request, id=None):
        """draft → in_review: one pending sign-off per specialist role is created
        (it-arkitekt, kontraktansvarlig, udbudskonsulent, økonomikonsulent, DPO)."""
        return self._step(request_submit)

    @extend_schema(request=None, responses=NewSystemRequestSerializer,
                   summary="Withdraw an open request")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, id=None):
        """An open request (draft, in_review, awaiting_decision) → withdrawn."""
        return self._step(request_withdraw)

    @extend_schema(request=None, responses=DuplicateSerializer(many=True),
                   summary="Systems already in use for the same tasks")
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def duplicates(self, request, id=None):
        """The duplicate purchase check: the organisation's system usages (not retired)
        whose catalog system has one of the request's KLE numbers (the same, one above
        or one below it) or its business type, best matches first."""
        instance = self.get_object()
        return Response(DuplicateSerializer(request_duplicates(instance), many=True).data)


class RequestSignOffViewSet(ScopedModelViewSet):
    """The specialists' sign-offs of requests: one per role per request, made pending
    when the request is submitted. PATCH `verdict` (approved, conditions, objection) and
    `comment` to sign as that role; when no role is pending any more the request awaits
    the steering group's decision."""

    serializer_class = RequestSignOffSerializer
    filterset_class = RequestSignOffFilterSet
    http_method_names = ["get", "put", "patch", "head", "options"]

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return request_sign_off(
            actor=actor, request=instance.request, role=instance.role,
            verdict=data.get("verdict", instance.verdict),
            comment=data.get("comment", instance.comment),
        )


routes = [
    ("requests", NewSystemRequestViewSet, "newsystemrequest"),
    ("request-sign-offs", RequestSignOffViewSet, "requestsignoff"),
]
