"""Organisation scoping shared by every app.

Every tenant-owned model uses a ``ScopedQuerySet`` (or a subclass naming the path to its
organisation), so views, the API, exports and tasks all start from
``Model.objects.visible_to(user)`` or ``editable_by(user)`` and never from ``all()``.
The models here are bases, so ``kitos.models`` (Organisation, Membership) imports this
module; Membership is looked up lazily through the app registry to keep that one-way.
"""

from __future__ import annotations

import uuid

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constraints import validate_constraints
from .dates import check_date_ranges

READER, EDITOR, ADMIN = "reader", "editor", "admin"
# Which membership roles carry which right. An admin can do what an editor can, etc.
ROLES_AT_LEAST = {
    READER: (READER, EDITOR, ADMIN),
    EDITOR: (EDITOR, ADMIN),
    ADMIN: (ADMIN,),
}


def _membership_model():
    return apps.get_model("kitos", "Membership")


def organisation_ids(user, *, at_least: str = READER):
    """The ids of the organisations `user` is a member of with at least the given role,
    as a lazy subquery (one SQL statement when used inside a filter)."""
    return _membership_model().objects.filter(
        user_id=user.pk, role__in=ROLES_AT_LEAST[at_least]
    ).values("organisation_id")


def has_role(user, organisation_id, *, at_least: str) -> bool:
    """Whether `user` holds at least `at_least` in the organisation (superusers always)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if organisation_id is None:
        return False
    roles = getattr(user, MEMBERSHIP_ROLES_ATTRIBUTE, None)
    if roles is not None:
        # The request's chrome query read every membership of this user already.
        return roles.get(organisation_id) in ROLES_AT_LEAST[at_least]
    return _membership_model().objects.filter(
        user_id=user.pk, organisation_id=organisation_id, role__in=ROLES_AT_LEAST[at_least]
    ).exists()


# The user's role per organisation id, set on the request's own user object by
# ``user_organisations`` (AuthenticationMiddleware loads a fresh user for every request,
# so the answers never outlive the request or reach another user). Writes to a user's
# memberships drop it (``forget_membership_roles``).
MEMBERSHIP_ROLES_ATTRIBUTE = "_kitos_membership_roles"


def forget_membership_roles(user) -> None:
    """After a change to `user`'s memberships: later checks in the same request ask the
    database again."""
    if user is not None and hasattr(user, MEMBERSHIP_ROLES_ATTRIBUTE):
        delattr(user, MEMBERSHIP_ROLES_ATTRIBUTE)


class ScopedQuerySet(models.QuerySet):
    """A queryset of objects that belong to one organisation.

    Subclasses (or ``for_path``) set ``organisation_path`` when the organisation is reached
    through a parent (a cost line through its contract, say).
    """

    organisation_path = "organisation"

    def _scoped(self, user, at_least: str):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            **{f"{self.organisation_path}__in": organisation_ids(user, at_least=at_least)}
        )

    def visible_to(self, user):
        return self._scoped(user, READER)

    def editable_by(self, user):
        return self._scoped(user, EDITOR)

    def administrable_by(self, user):
        return self._scoped(user, ADMIN)

    def in_organisation(self, organisation):
        return self.filter(**{self.organisation_path: organisation})


def scoped_queryset(path: str) -> type[ScopedQuerySet]:
    """A ScopedQuerySet class whose organisation is reached through `path`."""
    return type(f"ScopedQuerySet_{path}", (ScopedQuerySet,), {"organisation_path": path})


class SharedCatalogQuerySet(ScopedQuerySet):
    """Shared catalog data (systems, suppliers): every member reads the shared entries and
    their own organisation's local ones; only admins of the owning organisation (and
    superusers) edit. Entries with no owning organisation are national: superusers only."""

    organisation_path = "owner_organisation"

    @staticmethod
    def _shared_or_local_to(**owner) -> models.Q:
        # The rule in SQL (SharedCatalogModel.usable_by is the same rule in Python).
        return models.Q(is_local=False) | models.Q(**owner)

    def usable_by(self, organisation):
        """The entries `organisation` (an Organisation or its id) may use, i.e. point at
        from its own objects: the shared ones and its own local ones."""
        return self.filter(self._shared_or_local_to(owner_organisation=organisation))

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        # What any of the user's organisations may use. A login with no membership at
        # all (e.g. a supplier's user with rights-holder access only, see
        # portfolio.rights_holders) sees no shared entry either: only what a model's own
        # queryset adds for it.
        member = models.Exists(_membership_model().objects.filter(user_id=user.pk))
        return self.filter(
            (models.Q(is_local=False) & member)
            | models.Q(owner_organisation__in=organisation_ids(user, at_least=READER))
        )

    def editable_by(self, user):
        return self._scoped(user, ADMIN)

    def for_list(self):
        return self.select_related("owner_organisation")


class StandardOrOwnQuerySet(ScopedQuerySet):
    """Reference data (role types, disciplines, data categories): the standard entries
    have no organisation and are visible to every member; organisations may add their
    own, visible to their members and edited by their admins."""

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            models.Q(organisation__isnull=True)
            | models.Q(organisation__in=organisation_ids(user, at_least=READER))
        )

    def editable_by(self, user):
        return self._scoped(user, ADMIN)


class EditPolicy:
    """Who may change an object: members of its owning organisation holding at least
    ``edit_role`` (and superusers). Services call ``check_editable_by`` before writing."""

    edit_role = EDITOR

    @property
    def owning_organisation_id(self):
        raise NotImplementedError

    def check_editable_by(self, user) -> None:
        if not has_role(user, self.owning_organisation_id, at_least=self.edit_role):
            raise PermissionDenied(_("Du har ikke rettigheder til at ændre dette objekt."))

    def check_deletable_by(self, user) -> None:
        """Who may delete: by default whoever may edit. A model whose objects some may
        edit but not delete (a supplier's rights-holder access) says so here."""
        self.check_editable_by(user)


class PublicIdModel(EditPolicy, models.Model):
    """A stable public id (UUID) that other systems reference, plus timestamps used by
    sync clients (``changed_since``)."""

    uuid = models.UUIDField(
        _("offentligt id"), default=uuid.uuid4, unique=True, editable=False
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True, db_index=True)

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        # A broken check constraint's message goes on the field its rule is about (in
        # forms, the API and full_clean), not on the object as a whole.
        validate_constraints(self, exclude)

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        # Dates first: the models' clean() computes deadlines from them, and a year-9999
        # date would overflow there instead of being reported on its field.
        check_date_ranges(self, exclude)
        super().full_clean(
            exclude=exclude, validate_unique=validate_unique,
            validate_constraints=validate_constraints,
        )


class TenantModel(PublicIdModel):
    """An object owned by one organisation (the tenant)."""

    organisation = models.ForeignKey(
        "kitos.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def owning_organisation_id(self):
        return self.organisation_id

    def require_same_organisation(self, **related) -> None:
        """Validation helper: each given related tenant object must belong to this
        object's organisation (no pointing a contract at another municipality's unit)."""
        errors = {}
        for field, obj in related.items():
            if obj is None:
                continue
            other = getattr(obj, "organisation_id", None)
            if other is not None and other != self.organisation_id:
                errors[field] = _("Skal høre til samme organisation.")
        if errors:
            raise ValidationError(errors)


class SharedCatalogModel(PublicIdModel):
    """A shared catalog entry (ItSystem, Supplier): visible to every organisation unless
    marked local; maintained by the organisation that created it."""

    owner_organisation = models.ForeignKey(
        "kitos.Organisation",
        verbose_name=_("ejende organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Organisationen der vedligeholder posten. Tom: national post."),
    )
    is_local = models.BooleanField(
        _("lokal"),
        default=False,
        help_text=_("Lokale poster ses kun af den ejende organisation."),
    )

    objects = SharedCatalogQuerySet.as_manager()
    edit_role = ADMIN

    class Meta:
        abstract = True

    @property
    def owning_organisation_id(self):
        return self.owner_organisation_id

    def usable_by(self, organisation_id) -> bool:
        """Whether the organisation may use this entry (point at it from its own
        objects): a shared entry, or a local one it owns. The same rule in SQL:
        ``SharedCatalogQuerySet.usable_by``."""
        return not self.is_local or self.owner_organisation_id == organisation_id

    def clean(self):
        super().clean()
        if self.is_local and not self.owner_organisation_id:
            raise ValidationError(
                {"owner_organisation": _("En lokal post skal have en ejende organisation.")}
            )
        if self.pk and self.is_local:
            stored = type(self).objects.filter(pk=self.pk).values_list("is_local", flat=True)
            if stored.first() is False:
                # Other organisations may use a shared entry; hiding it would leave them
                # pointing at something they can no longer see.
                raise ValidationError(
                    {"is_local": _("En delt post kan ikke gøres lokal. Opret en lokal post.")}
                )


def catalog_reference_errors(*, organisation_id, shared: bool, **references) -> dict:
    """Errors for references to catalog entries (suppliers, systems) the referring object
    may not use: another organisation's local entry, or — from a shared entry, which
    every organisation sees — any local entry."""
    return {
        field: _("Lokale poster kan kun bruges af deres egen organisation.")
        for field, entry in references.items()
        if entry is not None
        and (entry.is_local if shared else not entry.usable_by(organisation_id))
    }


def reference_data_errors(*, organisation_id, **references) -> dict:
    """Errors for references to reference data (disciplines, data categories) of another
    organisation; standard entries (no organisation) may be used by all."""
    return {
        field: _("Hører til en anden organisation.")
        for field, entry in references.items()
        if entry is not None and entry.organisation_id not in (None, organisation_id)
    }


class _SystemActor:
    """The actor for changes kitos makes itself (nightly tasks, seeding, commands run by
    an operator): allowed everything, audited as "system" with no user row."""

    pk = None
    id = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = False

    def __str__(self) -> str:
        return "system"


SYSTEM = _SystemActor()


# The organisation picked in the header's switcher, kept in the session.
ACTIVE_ORGANISATION_SESSION_KEY = "kitos_organisation"


def user_organisations(request):
    """The organisations the logged-in user may see, cached on the request.

    This is the page chrome's one query: each organisation comes with the user's role
    in it (``membership_role``; None for a superuser without a membership) and what the
    higher apps annotate for the header (``kitos.hooks.add_organisation_annotation``:
    the unread alerts, say). The roles then answer ``has_role`` for the rest of the
    request without another query."""
    if not hasattr(request, "_kitos_organisations"):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            request._kitos_organisations = []
        else:
            organisations = list(
                _organisations_with_chrome(user).order_by("name")
            )
            request._kitos_organisations = organisations
            if user.is_active and not user.is_superuser:
                setattr(user, MEMBERSHIP_ROLES_ATTRIBUTE, {
                    organisation.pk: organisation.membership_role
                    for organisation in organisations
                })
    return request._kitos_organisations


def _organisations_with_chrome(user):
    from . import hooks

    organisation_model = apps.get_model("kitos", "Organisation")
    role = _membership_model().objects.filter(
        user_id=user.pk, organisation_id=models.OuterRef("pk")
    ).values("role")[:1]
    return organisation_model.objects.visible_to(user).annotate(
        membership_role=models.Subquery(role), **hooks.organisation_annotations(user)
    )


def active_organisation(request):
    """The organisation the user works in now: the one picked in the switcher while the
    user may still see it, otherwise the first one. Pages use it for their default scope
    and for new objects; lists of all organisations still use ``visible_to``."""
    organisations = user_organisations(request)
    if not organisations:
        return None
    picked = request.session.get(ACTIVE_ORGANISATION_SESSION_KEY)
    for organisation in organisations:
        if str(organisation.pk) == str(picked):
            return organisation
    return organisations[0]


def set_active_organisation(request, organisation) -> None:
    """Remember the switcher's choice (the caller has checked the user may see it)."""
    request.session[ACTIVE_ORGANISATION_SESSION_KEY] = organisation.pk


def shared_catalog_models() -> list[type[models.Model]]:
    """Every model whose entries are shared between organisations unless local (the
    system catalog, suppliers): found by their base class, so the core names no app."""
    return [model for model in apps.get_models() if issubclass(model, SharedCatalogModel)]


def standard_reference_models() -> list[type[models.Model]]:
    """Every model of standard reference data plus each organisation's own entries
    (role types, disciplines, data categories): found by their queryset class."""
    return [
        model for model in apps.get_models()
        if issubclass(model._default_manager._queryset_class, StandardOrOwnQuerySet)
    ]
