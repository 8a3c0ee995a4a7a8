"""/api/v1/references/: external references, written through references.services
(registered from ReferencesConfig.ready: the core's API knows no feature app)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions

from kitos.api.base import ScopedModelViewSet, _call_service

from ..filtersets import ReferenceFilterSet
from ..models import ExternalReference
from ..services import reference_create, reference_delete, reference_update
from .serializers import ReferenceSerializer


class ReferenceViewSet(ScopedModelViewSet):
    """External references ("referencer"): links from a catalog entry, a system usage, a
    contract, a data processing agreement or a processing activity to documents and
    pages elsewhere, each checked weekly (`check_status`, `dead_since`). A reference is
    visible to whoever sees its object and changed by whoever may edit the object; it
    cannot be moved to another object. At most 50 per object, one per link."""

    serializer_class = ReferenceSerializer
    filterset_class = ReferenceFilterSet
    # The object's kind and id are read through the content type.
    fast_list = False

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # The schema is built without a database; the scoping reads content types.
            return ExternalReference.objects.none()
        return super().get_queryset()

    def check_object_permissions(self, request, obj):
        try:
            super().check_object_permissions(request, obj)
        except DjangoValidationError as error:  # the object is gone
            raise exceptions.NotFound() from error
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(str(error) or None) from error

    def _reloaded(self, reference):
        return self.get_queryset().get(pk=reference.pk)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        reference = _call_service(reference_create, actor=self.request.user, **data)
        serializer.instance = self._saved = self._reloaded(reference)

    def perform_update(self, serializer):
        reference = serializer.instance
        self._check_if_match(reference)
        reference = _call_service(reference_update, actor=self.request.user,
                                  reference=reference, data=dict(serializer.validated_data))
        serializer.instance = self._saved = self._reloaded(reference)

    @staticmethod
    def delete_service(*, actor, instance):
        reference_delete(actor=actor, reference=instance)


routes = [("references", ReferenceViewSet, "reference")]
