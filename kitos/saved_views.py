"""Saved views of the list pages: a list's filters, sort, page size and columns under a
name, private to its owner or shared with the organisation, and the organisation's
default view of a list, set by its admins.

The services (``saved_view_*``) are the only writers; ``ListViews`` is what a list page
(kitos.lists.ListView) knows of its saved views: the menu's views (one query), the view
open in the URL (``?visning=<uuid>``; ``?visning=ingen``: none, not even the default) and
the header's form actions.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from .audit import AuditAction, diff, record_change, snapshot
from .models import SavedView
from .tenancy import ADMIN, EDITOR, READER, active_organisation, has_role

# The query parameter naming the open view, and its value for "no view" (the plain
# list, which a default view would otherwise replace).
VIEW_PARAMETER = "visning"
NO_VIEW = "ingen"
# Parameters that are not part of what a view remembers.
NOT_SAVED = ("page", "format", VIEW_PARAMETER, "csrfmiddlewaretoken")
QUERY_MAX_LENGTH = SavedView._meta.get_field("query").max_length
# Who may share a view with the organisation (its default: admins only).
SHARE_ROLE = EDITOR


def saved_query(query: QueryDict) -> str:
    """The part of a list URL's query string a view remembers: every non-empty
    parameter except the page, the export format and the view itself, in URL order."""
    kept = QueryDict(mutable=True)
    for key, values in query.lists():
        if key in NOT_SAVED:
            continue
        for value in values:
            if value.strip():
                kept.appendlist(key, value)
    return kept.urlencode()


def view_url(path: str, view: SavedView) -> str:
    """The list at `path` as `view` arranged it."""
    opened = QueryDict(view.query, mutable=True)
    opened[VIEW_PARAMETER] = str(view.uuid)
    return f"{path}?{opened.urlencode()}"


def plain_url(path: str, query: QueryDict) -> str:
    """The list with `query`'s filters and no view (``?visning=ingen`` when nothing is
    left, so the organisation's default does not come back)."""
    rest = query.copy()
    rest.pop(VIEW_PARAMETER, None)
    rest.pop("page", None)
    if not any(value for _key, value in rest.items()):
        return f"{path}?{VIEW_PARAMETER}={NO_VIEW}"
    return f"{path}?{rest.urlencode()}"


def can_share(user, organisation_id) -> bool:
    return has_role(user, organisation_id, at_least=SHARE_ROLE)


# -- services ---------------------------------------------------------------------------


def _audit(actor, action, view: SavedView, before: dict) -> None:
    changes = diff(before, {} if action == AuditAction.DELETE else snapshot(view))
    if changes:
        record_change(actor=actor, action=action, instance=view, changes=changes)


def _require_owner(actor, view: SavedView) -> None:
    if view.owner_id != actor.pk:
        raise PermissionDenied(_("Kun ejeren kan ændre visningen."))


def _require_admin(actor, view: SavedView) -> None:
    if not has_role(actor, view.organisation_id, at_least=ADMIN):
        raise PermissionDenied(
            _("Kun organisationens administratorer kan vælge standardvisningen.")
        )


def _clean_and_save(view: SavedView) -> None:
    view.name = view.name.strip()
    if len(view.query) > QUERY_MAX_LENGTH:
        raise ValidationError(_("Filtrene er for lange til at blive gemt i en visning."))
    view.full_clean()
    view.save()


@transaction.atomic
def saved_view_create(
    *, actor, organisation, list_key: str, name: str, query: str, columns: Iterable[str],
    shared: bool = False,
) -> SavedView:
    """Save a list as `actor` sees it now (`query`: see ``saved_query``) in
    `organisation`, which the actor must be a member of; sharing needs ``SHARE_ROLE``."""
    if organisation is None or not has_role(actor, organisation.pk, at_least=READER):
        raise PermissionDenied(_("Du er ikke medlem af organisationen."))
    if shared and not can_share(actor, organisation.pk):
        raise PermissionDenied(_("Du har ikke rettigheder til at dele visninger."))
    view = SavedView(
        organisation=organisation, owner=actor, list_key=list_key, name=name,
        query=query, columns=list(columns), shared=shared,
    )
    _clean_and_save(view)
    _audit(actor, AuditAction.CREATE, view, {})
    return view


@transaction.atomic
def saved_view_update(
    *, actor, view: SavedView, name: str | None = None, query: str | None = None,
    columns: Iterable[str] | None = None,
) -> SavedView:
    """Rename a view and/or save the list's current filters and columns into it (the
    owner only)."""
    _require_owner(actor, view)
    view = SavedView.objects.select_for_update().get(pk=view.pk)
    before = snapshot(view)
    if name is not None:
        view.name = name
    if query is not None:
        view.query = query
    if columns is not None:
        view.columns = list(columns)
    _clean_and_save(view)
    _audit(actor, AuditAction.UPDATE, view, before)
    return view


@transaction.atomic
def saved_view_share(*, actor, view: SavedView, shared: bool) -> SavedView:
    """Share a view with its organisation or make it private again (the owner only; the
    organisation's default stays shared until an admin removes it as default)."""
    _require_owner(actor, view)
    if shared and not can_share(actor, view.organisation_id):
        raise PermissionDenied(_("Du har ikke rettigheder til at dele visninger."))
    view = SavedView.objects.select_for_update().get(pk=view.pk)
    before = snapshot(view)
    view.shared = shared
    _clean_and_save(view)
    _audit(actor, AuditAction.UPDATE, view, before)
    return view


@transaction.atomic
def saved_view_delete(*, actor, view: SavedView) -> None:
    """Delete a view: its owner, or an admin of its organisation when it is shared."""
    if view.owner_id != actor.pk and not (view.shared and _is_admin(actor, view)):
        raise PermissionDenied(_("Du har ikke rettigheder til at slette visningen."))
    before = snapshot(view)
    pk = view.pk
    view.delete()
    view.pk = pk  # the audit entry names the deleted view's id
    _audit(actor, AuditAction.DELETE, view, before)


def _is_admin(actor, view: SavedView) -> bool:
    return has_role(actor, view.organisation_id, at_least=ADMIN)


@transaction.atomic
def saved_view_set_default(*, actor, view: SavedView, default: bool) -> SavedView:
    """Make a view its organisation's default for its list, replacing the previous one,
    or stop it being the default (the organisation's admins only). An admin's own private
    view is shared by becoming the default; another user's private view is not theirs to
    see, let alone to publish."""
    _require_admin(actor, view)
    if default and not view.shared and view.owner_id != actor.pk:
        raise PermissionDenied(_("Visningen er ikke delt med organisationen."))
    # Locks the list's views: two admins choosing at once do not make two defaults.
    list(
        SavedView.objects.select_for_update()
        .filter(organisation_id=view.organisation_id, list_key=view.list_key)
        .values_list("pk", flat=True)
    )
    view = SavedView.objects.get(pk=view.pk)
    if default:
        for previous in SavedView.objects.filter(
            organisation_id=view.organisation_id, list_key=view.list_key, is_default=True
        ).exclude(pk=view.pk):
            before = snapshot(previous)
            previous.is_default = False
            previous.save(update_fields=["is_default", "updated_at"])
            _audit(actor, AuditAction.UPDATE, previous, before)
    before = snapshot(view)
    view.is_default = default
    if default:
        view.shared = True
    _clean_and_save(view)
    _audit(actor, AuditAction.UPDATE, view, before)
    return view


# -- a list page's saved views -----------------------------------------------------------


class ListViews:
    """The saved views a list page offers and the one open in its URL."""

    ACTIONS = ("save", "update", "rename", "share", "unshare", "delete", "default",
               "undefault")

    def __init__(self, request, list_key: str):
        self.request = request
        self.list_key = list_key

    @cached_property
    def organisation(self):
        return active_organisation(self.request)

    @cached_property
    def views(self) -> list[SavedView]:
        """The user's own views and the shared ones of the active organisation, with
        their owners: one query, whatever the number of rows or views."""
        user = self.request.user
        if self.organisation is None:
            return []
        return list(
            SavedView.objects.filter(organisation=self.organisation, list_key=self.list_key)
            .filter(Q(owner_id=user.pk) | Q(shared=True))
            .select_related("owner")
        )

    @property
    def own(self) -> list[SavedView]:
        return [view for view in self.views if view.owner_id == self.request.user.pk]

    @property
    def shared(self) -> list[SavedView]:
        return [
            view for view in self.views
            if view.shared and view.owner_id != self.request.user.pk
        ]

    @property
    def default(self) -> SavedView | None:
        return next((view for view in self.views if view.is_default), None)

    def find(self, public_id: str) -> SavedView:
        """The view `public_id` names, if the user may see it (their own, or shared in
        one of their organisations) and it belongs to this list; else 404."""
        try:
            wanted = uuid.UUID(str(public_id))
        except ValueError:
            raise Http404(_("Visningen findes ikke.")) from None
        for view in self.views:
            if view.uuid == wanted:
                return view
        view = (
            SavedView.objects.visible_to(self.request.user)
            .filter(uuid=wanted, list_key=self.list_key).select_related("owner").first()
        )
        if view is None:
            raise Http404(_("Visningen findes ikke."))
        return view

    @cached_property
    def current(self) -> SavedView | None:
        """The view open in the URL (``?visning=``), or None."""
        wanted = self.request.GET.get(VIEW_PARAMETER, "")
        if not wanted or wanted == NO_VIEW:
            return None
        return self.find(wanted)

    def default_redirect(self) -> str | None:
        """Where a plain visit (no query parameters at all) goes when the organisation
        has a default view: its URL, so the address says what is shown."""
        if self.request.GET or self.request.headers.get("HX-Request"):
            return None
        default = self.default
        return view_url(self.request.path, default) if default else None

    # -- for the template ---------------------------------------------------------------

    def url(self, view: SavedView) -> str:
        return view_url(self.request.path, view)

    @property
    def entries(self) -> dict:
        return {
            "own": [(view, self.url(view)) for view in self.own],
            "shared": [(view, self.url(view)) for view in self.shared],
        }

    @cached_property
    def is_admin(self) -> bool:
        return self.organisation is not None and has_role(
            self.request.user, self.organisation.pk, at_least=ADMIN
        )

    @cached_property
    def can_share(self) -> bool:
        return self.organisation is not None and can_share(
            self.request.user, self.organisation.pk
        )

    @property
    def reset_url(self) -> str:
        return f"{self.request.path}?{VIEW_PARAMETER}={NO_VIEW}"

    @property
    def current_actions(self) -> dict:
        """What the user may do with the open view."""
        view = self.current
        if view is None:
            return {}
        own = view.owner_id == self.request.user.pk
        same_organisation = self.organisation is not None and (
            view.organisation_id == self.organisation.pk
        )
        return {
            "update": own,
            "rename": own,
            "share": own and not view.shared and self.can_share,
            "unshare": own and view.shared and not view.is_default,
            "delete": own or (view.shared and same_organisation and self.is_admin),
            "default": same_organisation and self.is_admin and not view.is_default
            and (view.shared or own),
            "undefault": same_organisation and self.is_admin and view.is_default,
        }

    # -- the header's forms --------------------------------------------------------------

    def handle_post(self, *, columns: list[str]):
        """Carry out one of the header's actions (``view_action``) on behalf of the user
        and go back to the list. `columns`: the keys of the columns shown now."""
        request = self.request
        action = request.POST.get("view_action", "")
        if action not in self.ACTIONS:
            raise Http404(_("Ukendt handling."))
        query = saved_query(request.GET)
        user = request.user
        try:
            if action == "save":
                view = saved_view_create(
                    actor=user, organisation=self.organisation, list_key=self.list_key,
                    name=request.POST.get("name", ""), query=query, columns=columns,
                    shared=request.POST.get("shared") == "on",
                )
                messages.success(request, _("Visningen “%(name)s” er gemt.") % {"name": view.name})
                return redirect(self.url(view))
            view = self.find(request.POST.get("view", ""))
            if action == "delete":
                saved_view_delete(actor=user, view=view)
                messages.success(request, _("Visningen er slettet."))
                return redirect(plain_url(request.path, request.GET))
            if action == "update":
                view = saved_view_update(actor=user, view=view, query=query, columns=columns)
                messages.success(request, _("Ændringerne er gemt i visningen."))
                return redirect(self.url(view))
            if action == "rename":
                saved_view_update(actor=user, view=view, name=request.POST.get("name", ""))
            elif action in ("share", "unshare"):
                saved_view_share(actor=user, view=view, shared=action == "share")
            else:
                saved_view_set_default(actor=user, view=view, default=action == "default")
            messages.success(request, _("Visningen er ændret."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except IntegrityError:
            # Two requests at once (the same name twice): the constraint had the last word.
            messages.error(request, _("Visningen blev ændret samtidig et andet sted. Prøv igen."))
        return redirect(request.get_full_path())
