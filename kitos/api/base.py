"""The base of every API resource: organisation scoping, the audited services as the
write path, `changed_since`, ETag / If-Match, hybrid pagination and UUID references.

Resources in the apps (``<app>/api/views.py``) only declare their serializer, FilterSet
and ``for_list`` queryset; everything a sync client relies on works the same everywhere.
"""

from __future__ import annotations

import hashlib
import uuid

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.settings import api_settings

from kitos import services
from kitos.constraints import errors_beside
from kitos.tenancy import EDITOR, EditPolicy, organisation_ids

from .fast import FastListMixin
from .pagination import HybridPagination
from .permissions import TokenScopePermission

# -- references ------------------------------------------------------------------------


class ScopedUUIDField(serializers.SlugRelatedField):
    """A reference to another object by its public UUID, limited to what the requesting
    user may see (no pointing a contract at another municipality's system)."""

    def __init__(self, model=None, **kwargs):
        self.model = model
        kwargs.setdefault("slug_field", "uuid")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        queryset = self.model.objects.all()
        if request is None or not hasattr(queryset, "visible_to"):
            return queryset
        return queryset.visible_to(request.user)


class OptionField(serializers.SlugRelatedField):
    """An option of the option list `kind` (kitos.options), by its code. The codes and
    what an organisation is offered: ``GET /api/v1/options/?kind=<kind>``; a new value
    the organisation has switched off is refused by the model's validation."""

    def __init__(self, kind: str, **kwargs):
        from kitos.models import Option

        kwargs.setdefault("slug_field", "code")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Option.objects.filter(kind=kind))
        kwargs.setdefault("help_text", f"Code of an option of the list `{kind}` "
                                       f"(GET /api/v1/options/?kind={kind}).")
        super().__init__(**kwargs)


class OrganisationField(ScopedUUIDField):
    """The organisation of a new object: one where the user may edit. Naming one the user
    can only read is 403 (no right to write there), not 400 (no such organisation)."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.model.objects.none()
        return self.model.objects.editable_by(request.user)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            if self._readable(data):
                raise exceptions.PermissionDenied(
                    _("Du har kun læseadgang til denne organisation.")
                ) from None
            raise

    def _readable(self, data) -> bool:
        request = self.context.get("request")
        try:
            public_id = uuid.UUID(str(data))
        except ValueError:
            return False
        return (
            request is not None
            and self.model.objects.visible_to(request.user).filter(uuid=public_id).exists()
        )


class BaseSerializer(serializers.ModelSerializer):
    """Objects are identified by their public `id` (UUID); timestamps are read-only."""

    id = serializers.UUIDField(source="uuid", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_validators(self):
        # DRF turns unique constraints into validators that make every field in them
        # required; the services' full_clean checks the same constraints correctly
        # (partial ones included) and their errors come back as 400s.
        return []

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not isinstance(error.detail, dict):
                raise
            raise serializers.ValidationError(
                {**self._model_errors_beside(data, set(error.detail)), **error.detail}
            ) from error

    def _model_errors_beside(self, data, failed: set) -> dict:
        """The model's rules (constraints, ``clean``) about the fields that passed, when
        others did not: the service that would check them is never reached, and a client
        should see every error in one answer, as the portal's forms do."""
        model = self.Meta.model
        by_source, values = {}, {}
        for field in self._writable_fields:
            if field.field_name in failed or "." in field.source or field.source == "*":
                continue
            primitive = field.get_value(data)
            if primitive is serializers.empty:
                continue
            try:
                value = field.run_validation(primitive)
            except (serializers.ValidationError, DjangoValidationError):
                continue
            by_source[field.source] = field.field_name
            values[field.source] = value
        concrete = {f.name for f in model._meta.concrete_fields}
        values = {name: value for name, value in values.items() if name in concrete}
        failed_sources = {
            self.fields[name].source for name in failed if name in self.fields
        }
        instance = self.instance if isinstance(self.instance, model) else model()
        errors = errors_beside(
            instance, values, failed=failed_sources, exclude_missing=False
        )
        non_field = api_settings.NON_FIELD_ERRORS_KEY
        return {
            by_source.get(name, non_field) if name != NON_FIELD_ERRORS else non_field: messages
            for name, messages in errors.items()
        }


# -- viewsets --------------------------------------------------------------------------


def etag_for(obj) -> str:
    digest = hashlib.sha256(f"{obj.pk}:{obj.updated_at.isoformat()}".encode()).hexdigest()
    return f'"{digest[:32]}"'


def _call_service(function, **kwargs):
    """Call a service; its Django errors become API errors (400 / 403), never a 500."""
    try:
        return function(**kwargs)
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise exceptions.ValidationError(detail) from error
    except DjangoPermissionDenied as error:
        raise exceptions.PermissionDenied(str(error) or None) from error


IF_MATCH = OpenApiParameter(
    name="If-Match", location=OpenApiParameter.HEADER, required=False,
    description=(
        "The ETag of the object as you last read it (from a GET, a create or an update). "
        "If the object has changed since, nothing is written and the answer is 412 "
        "Precondition Failed; `*` matches any version. Without If-Match the write is "
        "unconditional."
    ),
)


def etag_header(status_code: int) -> OpenApiParameter:
    return OpenApiParameter(
        name="ETag", location=OpenApiParameter.HEADER, response=[status_code],
        description="The object's version; send it back as If-Match when you write it.",
    )


@extend_schema_view(
    create=extend_schema(parameters=[etag_header(201)]),
    retrieve=extend_schema(parameters=[etag_header(200)]),
    update=extend_schema(parameters=[IF_MATCH, etag_header(200)]),
    partial_update=extend_schema(parameters=[IF_MATCH, etag_header(200)]),
    destroy=extend_schema(parameters=[IF_MATCH]),
)
class ScopedModelViewSet(FastListMixin, viewsets.ModelViewSet):
    """CRUD on one model, scoped to the user's organisations, written through the
    services. Subclasses set `serializer_class` and `filterset_class`; the model's
    queryset must have `visible_to` and `for_list`. Lists are read from ``values()``
    rows when the serializer allows it (kitos.api.fast)."""

    lookup_field = "uuid"
    lookup_url_kwarg = "id"
    pagination_class = HybridPagination
    permission_classes = [TokenScopePermission]
    ordering_fields = ("updated_at", "created_at")
    # Many-to-many fields set through the service (audited) rather than by DRF.
    m2m_fields: tuple[str, ...] = ()

    # Who may write, before the body is read: a reader sending an invalid body learns
    # that they may not write (403), not what is wrong with the body (400). The services
    # check the same rule (check_editable_by) again when they write.

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method in SAFE_METHODS or self.action != "create":
            return
        user = request.user
        model = self.serializer_class.Meta.model
        role = getattr(model, "edit_role", EDITOR)
        if not user.is_superuser and not organisation_ids(user, at_least=role).exists():
            raise exceptions.PermissionDenied(
                _("Du har ikke rettigheder til at oprette objekter af denne type.")
            )

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        if request.method in SAFE_METHODS or not isinstance(obj, EditPolicy):
            return
        try:
            obj.check_editable_by(request.user)
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(str(error) or None) from error

    def get_queryset(self):
        model = self.serializer_class.Meta.model
        queryset = model.objects.visible_to(self.request.user)
        if hasattr(queryset, "for_list"):
            queryset = queryset.for_list()
        return queryset.order_by(*model._meta.ordering, "pk")

    # ETag / If-Match --------------------------------------------------------------------

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = etag_for(instance)
        return response

    def _check_if_match(self, instance) -> None:
        """Compare If-Match with the row as it is *now*, locked until the write commits.

        The check and the write share one transaction and the row lock (``SELECT … FOR
        UPDATE``): of several writers holding the same ETag, the first writes and the
        others, waiting on the lock, then see the new ``updated_at`` and get 412. Without
        the lock all of them passed the check and the last write silently won.
        """
        expected = self.request.headers.get("If-Match")
        if not expected:
            return
        locked = (
            # No ordering: a default ordering over a nullable relation (cost lines by
            # unit) joins it, and PostgreSQL refuses FOR UPDATE on an outer join.
            type(instance)._default_manager.select_for_update()
            .filter(pk=instance.pk).order_by().values_list("pk", flat=True)
        )
        if not list(locked):  # SQLite has no row locks; its writes are serialised anyway
            raise exceptions.NotFound()
        # Under the lock: the row as the last committed writer left it, so the write
        # below builds on it and the ETag compared is the current one.
        instance.refresh_from_db()
        if expected.strip() not in ("*", etag_for(instance)):
            raise PreconditionFailed()

    def create(self, request, *args, **kwargs):
        # The new object's ETag, so that a client can update it without another GET.
        response = super().create(request, *args, **kwargs)
        response["ETag"] = etag_for(self._saved)
        return response

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            response = super().update(request, *args, **kwargs)
        response["ETag"] = etag_for(self._saved)
        return response

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.get_object()
            self._check_if_match(instance)
            _call_service(self.delete_service, actor=request.user, instance=instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # Writes through the services --------------------------------------------------------

    def _split(self, validated: dict) -> tuple[dict, dict]:
        data = dict(validated)
        m2m = {name: data.pop(name) for name in self.m2m_fields if name in data}
        return data, m2m

    def perform_create(self, serializer):
        data, m2m = self._split(serializer.validated_data)
        model = serializer.Meta.model
        instance = _call_service(
            self.create_service, actor=self.request.user, instance=model(**data), m2m=m2m
        )
        serializer.instance = self._saved = instance

    def perform_update(self, serializer):
        instance = serializer.instance
        self._check_if_match(instance)
        data, m2m = self._split(serializer.validated_data)
        self._saved = _call_service(
            self.update_service, actor=self.request.user, instance=instance, data=data, m2m=m2m
        )
        serializer.instance = self._saved

    # Entity services may replace these (e.g. units keep their tree path).
    @staticmethod
    def create_service(*, actor, instance, m2m):
        return services.create_object(actor=actor, instance=instance, m2m=m2m or None)

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return services.update_object(actor=actor, instance=instance, data=data, m2m=m2m or None)

    @staticmethod
    def delete_service(*, actor, instance):
        return services.delete_object(actor=actor, instance=instance)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("Objektet er ændret siden du hentede det (If-Match passer ikke).")
    default_code = "precondition_failed"


__all__ = [
    "BaseSerializer",
    "HybridPagination",
    "OrganisationField",
    "ScopedModelViewSet",
    "ScopedUUIDField",
    "TokenScopePermission",
]


class ObjectTargetMixin:
    """A serializer of something set on another object (an advice, an external
    reference) named by `object_type` (its RoleTarget) and `object_id` (its public id):
    given on create, among the objects the user may see, and never changed after.
    Subclasses name `target_models()` (kind -> model) and `moved_message`;
    `missing_target_is_404` answers an unseen object as 404 instead of a field error."""

    moved_message = ""
    missing_target_is_404 = False

    def target_models(self) -> dict:
        raise NotImplementedError

    def resolve_target(self, attrs: dict) -> dict:
        kind = attrs.pop("object_type", None)
        public_id = attrs.pop("object_id", None)
        if self.instance is not None:
            if (kind is not None and kind != self.fields["object_type"].get_attribute(
                    self.instance)) or (public_id is not None and public_id
                                        != self.fields["object_id"].get_attribute(
                                            self.instance)):
                raise serializers.ValidationError({"object_id": self.moved_message})
            return attrs
        errors = {}
        if kind is None:
            errors["object_type"] = self.fields["object_type"].error_messages["required"]
        if public_id is None:
            errors["object_id"] = self.fields["object_id"].error_messages["required"]
        if errors:
            raise serializers.ValidationError(errors)
        target = self.target_models()[kind].objects.visible_to(
            self.context["request"].user).filter(uuid=public_id).first()
        if target is None:
            message = _("Der er intet objekt af den type med det id, som du kan se.")
            if self.missing_target_is_404:
                # As the object's own page: what the user may not see does not exist.
                raise exceptions.NotFound(message)
            raise serializers.ValidationError({"object_id": message})
        attrs["target"] = target
        return attrs
