"""The Roles tab of every detail page whose object carries roles (a model with
``role_target``): who holds which role today, who will, who did. Detail views of any
app above this one add ``ROLES_TAB`` to their tabs and ``RolesTabMixin`` to their bases."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kitos.detail import ROLES_SLUG, Tab

from .models import RoleAssignment

ROLES_TAB = Tab(ROLES_SLUG, gettext_lazy("Roller"), "roles", "roles/_roles.html")


class RolesTabMixin:
    """The context of ROLES_TAB for a TabbedDetailView."""

    def roles_context(self) -> dict:
        assignments = list(
            RoleAssignment.objects.visible_to(self.request.user)
            .on(self.object)
            .select_related("person", "role_type")
            .order_by("role_type__sort_order", "role_type__name", "person__name", "-start_date")
        )
        today = timezone.localdate()
        current = [a for a in assignments if _in_force(a, today)]
        return {
            "current_roles": current,
            "past_roles": [a for a in assignments if a.end_date and a.end_date < today],
            "future_roles": [a for a in assignments if a.start_date and a.start_date > today],
            "role_create_url": reverse(
                "roleassignment_create",
                kwargs={"kind": self.model.role_target, "uuid": self.object.uuid},
            ),
        }


def _in_force(assignment, today) -> bool:
    return (assignment.start_date is None or assignment.start_date <= today) and (
        assignment.end_date is None or assignment.end_date >= today
    )
