"""Project-level API endpoints: the deletions feed."""

from __future__ import annotations

import uuid

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, generics, mixins, pagination, serializers, viewsets
from rest_framework.authentication import SessionAuthentication

from kitos import options
from kitos.filtersets import UtcDateTimeFilter
from kitos.models import ApiToken, ApiTokenScope, AuditEntry, Option, Organisation, SavedView
from kitos.tenancy import shared_catalog_models, standard_reference_models

from .tokens import (
    ApiTokenAuthentication,
    LockoutBasicAuthentication,
    api_token_create,
    api_token_revoke,
)


class DeletionSerializer(serializers.ModelSerializer):
    type = serializers.SerializerMethodField(help_text="app_label.model of the deleted object")
    id = serializers.UUIDField(source="object_uuid", read_only=True)
    deleted_at = serializers.DateTimeField(source="timestamp", read_only=True)
    organisation = serializers.UUIDField(source="organisation.uuid", read_only=True,
                                         allow_null=True, default=None)

    class Meta:
        model = AuditEntry
        fields = ["type", "id", "deleted_at", "organisation", "object_repr"]

    def get_type(self, entry) -> str:
        return f"{entry.content_type.app_label}.{entry.content_type.model}"


class DeletionFilterSet(django_filters.FilterSet):
    since = UtcDateTimeFilter(
        field_name="timestamp", lookup_expr="gte", label=_("Slettet siden")
    )
    type = django_filters.CharFilter(method="filter_type", label=_("Objekttype"))

    class Meta:
        model = AuditEntry
        fields = []

    def filter_type(self, queryset, name, value):
        app_label, _dot, model = value.lower().partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)


class DeletionPagination(pagination.CursorPagination):
    page_size = 100
    max_page_size = 250
    page_size_query_param = "page_size"
    ordering = ("timestamp", "id")


class DeletionListView(generics.ListAPIView):
    """Objects deleted since a moment (`?since=`), oldest first, so that a client can
    mirror kitos: fetch `changed_since` on each list, then apply these deletions.
    Cursor-paginated; follow `next` until it is null and keep the time you started."""

    serializer_class = DeletionSerializer
    filterset_class = DeletionFilterSet
    pagination_class = DeletionPagination
    throttle_scope = "sync"

    queryset = AuditEntry.objects.none()  # for the schema; get_queryset scopes

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AuditEntry.objects.none()
        user = self.request.user
        scoped = AuditEntry.objects.visible_to(user)
        if not user.is_superuser:
            # Deleted shared data is every member's business: standard reference data
            # (no organisation) and catalog entries that were shared, not local (the
            # entry's last state says so). Nothing else of other organisations.
            catalog = ContentType.objects.get_for_models(*shared_catalog_models()).values()
            reference = ContentType.objects.get_for_models(*standard_reference_models()).values()
            scoped = AuditEntry.objects.filter(
                Q(pk__in=scoped.values("pk"))
                | Q(content_type__in=reference, organisation__isnull=True)
                | Q(content_type__in=catalog, changes__is_local__0=False)
            )
        # Saved views are no API resource, and a private one's name is its owner's own.
        return scoped.filter(action="delete", object_uuid__isnull=False).exclude(
            content_type=ContentType.objects.get_for_model(SavedView)
        ).select_related("content_type", "organisation")


class ApiTokenSerializer(serializers.ModelSerializer):
    key = serializers.CharField(
        read_only=True, allow_null=True, default=None,
        help_text="The key itself: returned once, when the token is created (null after)."
    )

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "scope", "created_at", "expires_at",
                  "last_used_at", "key"]
        read_only_fields = ["id", "prefix", "created_at", "last_used_at"]
        extra_kwargs = {
            "scope": {"help_text": (
                "`read`: GET only (writes are 403). `read_write`: reads and writes, "
                "within the rights of your user. Default `read`."
            )},
        }


class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The requesting user's own API keys. Create one with your username and password
    (HTTP Basic) or a session; the key is in the response once and never again. DELETE
    revokes. A key cannot create keys (a session or a password can).

    Scopes: `read` lets a key GET; `read_write` also lets it POST, PUT, PATCH and
    DELETE, within the rights its user has in each organisation (a reader's key cannot
    write, whatever its scope).

    Failed logins count: repeated wrong passwords for one username from one address lock
    that pair out (429, as on the login page), and repeated failed authentications from
    one address get 429 for a while, whatever the username or key."""

    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()  # for the schema; get_queryset scopes to the user
    authentication_classes = [
        ApiTokenAuthentication, SessionAuthentication, LockoutBasicAuthentication,
    ]
    pagination_class = None
    throttle_scope = "sync"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user, revoked_at__isnull=True)

    def perform_create(self, serializer):
        if isinstance(self.request.auth, ApiToken):
            # A stolen key must not be able to mint a longer-lived one.
            raise exceptions.PermissionDenied(
                _("Nye nøgler oprettes med adgangskode eller i brugerfladen, ikke med en nøgle.")
            )
        data = serializer.validated_data
        try:
            token, key = api_token_create(
                actor=self.request.user, name=data["name"],
                scope=data.get("scope", ApiTokenScope.READ), expires_at=data.get("expires_at"),
            )
        except DjangoValidationError as error:
            if "expires_at" in getattr(error, "error_dict", {}):
                raise exceptions.ValidationError(
                    {"expires_at": error.message_dict["expires_at"]}
                ) from error
            raise exceptions.ValidationError(
                {"name": [_("Du har allerede en aktiv nøgle med det navn.")]}
            ) from error
        token.key = key
        serializer.instance = token

    def perform_destroy(self, instance):
        api_token_revoke(actor=self.request.user, token=instance)


# -- option lists ----------------------------------------------------------------------


class OptionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    description = serializers.CharField(
        source="local_description", read_only=True,
        help_text="The organisation's own description, or the standard one.")
    standard_description = serializers.CharField(source="description", read_only=True)
    sort_order = serializers.IntegerField(
        source="local_order", read_only=True, help_text="The organisation's order.")
    is_available = serializers.BooleanField(
        read_only=True,
        help_text="Offered to the organisation for new registrations. An option that is "
                  "not may still be the value of existing objects; writing it as a new "
                  "value is refused.")

    class Meta:
        model = Option
        fields = ["id", "kind", "code", "name", "description", "standard_description",
                  "sort_order", "is_obligatory", "is_available"]


class OptionFilterSet(django_filters.FilterSet):
    kind = django_filters.BaseInFilter(field_name="kind", label=_("Valgliste (flere med komma)"))
    is_available = django_filters.BooleanFilter(field_name="is_available",
                                                label=_("Tilbydes organisationen"))

    class Meta:
        model = Option
        fields = []


class OptionViewSet(viewsets.ReadOnlyModelViewSet):
    """The option lists (valglister) as one organisation is offered them: its order, its
    own descriptions, and whether each option may be chosen for new registrations
    (`is_available`). `?organisation=<uuid>` names the organisation (a member of one
    organisation gets its lists without it; otherwise, without it, the shared lists as
    they are); `?kind=payment_model,price_regulation` picks lists. An option switched
    off (for everybody or by the organisation) is listed with `is_available` false:
    objects may still hold it."""

    serializer_class = OptionSerializer
    filterset_class = OptionFilterSet
    lookup_field = "uuid"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Option.objects.none()
        organisation = self.organisation()
        available = ExpressionWrapper(options.offered_q(organisation),
                                      output_field=BooleanField())
        return options.ordered_for(Option.objects.all(), organisation).annotate(
            is_available=available)

    def organisation(self):
        visible = Organisation.objects.visible_to(self.request.user)
        wanted = self.request.query_params.get("organisation", "").strip()
        if wanted:
            try:
                return visible.get(uuid=uuid.UUID(wanted))
            except (ValueError, Organisation.DoesNotExist):
                raise exceptions.NotFound(_("Organisationen findes ikke.")) from None
        mine = list(visible[:2])
        # A member of one organisation gets its lists; anyone else the shared lists as
        # they are, until they name an organisation.
        return mine[0] if len(mine) == 1 else None

