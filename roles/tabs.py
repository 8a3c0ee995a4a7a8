"""The Roles tab of every detail page whose object carries roles (a model with
``role_target``): who holds which role today, who will, who did. The roles app adds the
tab to every such page through kitos.hooks (``register_roles_tab``), so a new kind of
role target (an integration, a supplier ...) gets it without its app naming it; views
that declare ``ROLES_TAB`` themselves keep it at their chosen place."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kitos import hooks
from kitos.detail import PANELS_TEMPLATE, ROLES_SLUG, Tab
from kitos.tenancy import EDITOR, MEMBERSHIP_ROLES_ATTRIBUTE, has_role, organisation_ids

from .models import RoleAssignment, role_target_models, target_usable_by

ROLES_TAB = Tab(ROLES_SLUG, gettext_lazy("Roller"), "roles", "roles/_roles.html")
# The same tab made of the panel below, for pages that do not declare ROLES_TAB.
ROLES_PANEL_TAB = Tab(ROLES_SLUG, gettext_lazy("Roller"), "roles", PANELS_TEMPLATE)


class RolesTabMixin:
    """For the detail views that declare ROLES_TAB and show the roles elsewhere too (a
    usage's overview names its holders): the same context as the tab's."""

    def roles_context(self) -> dict:
        return roles_context(self.request.user, self.object)


def roles_context(user, obj) -> dict:
    """The tab's context: the assignments the user may see on `obj` (on a shared catalog
    entry, only their own organisations' — each keeps its own roles on it). Kept on the
    object for the request: a page asking twice (its own tab method and the hook) reads
    them once."""
    cached = obj.__dict__.get("_roles_context")
    if cached is not None and cached[0] == user.pk:
        return cached[1]
    context = _roles_context(user, obj)
    obj.__dict__["_roles_context"] = (user.pk, context)
    return context


def _roles_context(user, obj) -> dict:
    assignments = list(
        RoleAssignment.objects.visible_to(user)
        .on(obj)
        .select_related("person", "role_type")
        .order_by("role_type__sort_order", "role_type__name", "person__name", "-start_date")
    )
    today = timezone.localdate()
    return {
        "current_roles": [a for a in assignments if _in_force(a, today)],
        "past_roles": [a for a in assignments if a.end_date and a.end_date < today],
        "future_roles": [a for a in assignments if a.start_date and a.start_date > today],
        "role_create_url": reverse(
            "roleassignment_create",
            kwargs={"kind": type(obj).role_target, "uuid": obj.uuid},
        ),
        "can_assign_roles": can_assign_roles(user, obj),
    }


def can_assign_roles(user, obj) -> bool:
    """Whether `user` edits in an organisation that may hold roles on `obj` (its owner;
    for a shared catalog entry, any organisation that may use it)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    roles = getattr(user, MEMBERSHIP_ROLES_ATTRIBUTE, None)
    if roles is not None:
        # The request's header query read the user's memberships already.
        editing = [pk for pk in roles if has_role(user, pk, at_least=EDITOR)]
    else:
        editing = organisation_ids(user, at_least=EDITOR).values_list(
            "organisation_id", flat=True)
    return any(target_usable_by(obj, organisation_id) for organisation_id in editing)


def register_roles_tab() -> None:
    """Put the Roles tab on the page of every kind of object roles are held on."""
    for model in role_target_models().values():
        hooks.add_detail_panel(
            model._meta.label, ROLES_PANEL_TAB, template="roles/_roles.html",
            provider=roles_context,
        )


def _in_force(assignment, today) -> bool:
    return (assignment.start_date is None or assignment.start_date <= today) and (
        assignment.end_date is None or assignment.end_date >= today
    )
