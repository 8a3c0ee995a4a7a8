"""API resources of principles and architecture reviews."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from kitos.admin_base import editable_values
from kitos.api.base import ScopedModelViewSet, _call_service, etag_for

from ..principle_filtersets import ArchitectureReviewFilterSet, PrincipleFilterSet
from ..principle_services import (
    principle_create,
    principle_delete,
    principle_new_version,
    principle_update,
    review_delete,
    review_record,
    review_update,
)
from .principle_serializers import (
    ArchitectureReviewSerializer,
    PrincipleSerializer,
    PrincipleVersionSerializer,
)


class PrincipleViewSet(ScopedModelViewSet):
    """Principles for IT architecture, data and contract/supplier management, one row
    per version: `previous` and `replaced_by` link the versions; `is_current` marks the
    one in force. A principle reviewed against cannot be deleted (make it inactive).
    POST `new-version` makes the next version."""

    serializer_class = PrincipleSerializer
    filterset_class = PrincipleFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("replaced_by")

    @staticmethod
    def create_service(*, actor, instance, m2m):
        values = editable_values(instance)
        values.pop("previous", None)
        values.pop("version", None)
        return principle_create(actor=actor, **values)

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return principle_update(actor=actor, principle=instance, data=data)

    @staticmethod
    def delete_service(*, actor, instance):
        principle_delete(actor=actor, principle=instance)

    @extend_schema(
        request=PrincipleVersionSerializer, responses={201: PrincipleSerializer},
        summary="Make the next version of a principle",
        description="Creates version n+1 pointing at this one (which becomes inactive "
        "and keeps its reviews). Fields left out are copied from this version. Only the "
        "latest version can get a successor (else 400).",
    )
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, *args, **kwargs):
        principle = self.get_object()
        changes = PrincipleVersionSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        changes.is_valid(raise_exception=True)
        values = dict(changes.validated_data)
        valid_from = values.pop("valid_from", None)
        new = _call_service(principle_new_version, actor=request.user, principle=principle,
                            valid_from=valid_from, **values)
        new = self.get_queryset().get(pk=new.pk)
        response = Response(self.get_serializer(new).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag_for(new)
        return response


SUBJECTS = ("project", "request", "usage")


class ArchitectureReviewViewSet(ScopedModelViewSet):
    """Reviews of a project, a new-system request or a system usage against a principle
    version: complies, deviation_accepted (with a reason) or not_compliant. One review
    per principle and subject: a POST for a pair already reviewed replaces its
    verdict."""

    serializer_class = ArchitectureReviewSerializer
    filterset_class = ArchitectureReviewFilterSet

    @staticmethod
    def create_service(*, actor, instance, m2m):
        subjects = [getattr(instance, name) for name in SUBJECTS if getattr(instance, name)]
        if len(subjects) != 1:
            raise ValidationError(_(
                "En vurdering gælder netop ét projekt, én anmodning eller én "
                "systemanvendelse."
            ))
        return review_record(
            actor=actor, principle=instance.principle, subject=subjects[0],
            verdict=instance.verdict, reason=instance.reason,
            reviewed_on=instance.reviewed_on, reviewer=instance.reviewer,
        )

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return review_update(actor=actor, review=instance, data=data)

    @staticmethod
    def delete_service(*, actor, instance):
        review_delete(actor=actor, review=instance)


routes = [
    ("principles", PrincipleViewSet, "principle"),
    ("reviews", ArchitectureReviewViewSet, "architecturereview"),
]
