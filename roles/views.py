"""Roles pages."""


# -- lists (kitos/lists.py) --------------------------------------------------------------

from django.urls import reverse  # noqa: E402
from django.utils.translation import gettext_lazy  # noqa: E402

from kitos.lists import ListView, unit_options  # noqa: E402

from . import tables  # noqa: E402
from .filtersets import (  # noqa: E402
    OrganisationUnitFilterSet,
    PersonFilterSet,
    RoleAssignmentFilterSet,
)
from .models import OrganisationUnit, Person, RoleAssignment, RoleType  # noqa: E402


class OrganisationUnitListView(ListView):
    model = OrganisationUnit
    filterset_class = OrganisationUnitFilterSet
    columns = tables.UNIT_COLUMNS
    title = gettext_lazy("Organisationsenheder")
    create_label = gettext_lazy("Ny enhed")
    export_entity = "units"
    filter_options = {"within": unit_options, "parent": unit_options}
    panel_first = ("within",)


class PersonListView(ListView):
    model = Person
    filterset_class = PersonFilterSet
    columns = tables.PERSON_COLUMNS
    title = gettext_lazy("Personer")
    create_label = gettext_lazy("Ny person")
    export_entity = "persons"
    filter_options = {"unit": unit_options}


def _role_type_options(request):
    return RoleType.objects.visible_to(request.user).values_list("uuid", "name")


class RoleAssignmentListView(ListView):
    model = RoleAssignment
    filterset_class = RoleAssignmentFilterSet
    columns = tables.ROLE_ASSIGNMENT_COLUMNS
    title = gettext_lazy("Roller")
    export_entity = "role_assignments"
    filter_options = {"role_type": _role_type_options}
    panel_first = ("role_type", "target_type", "current")

    def row_url(self, row):
        # An assignment has no page of its own; its person's page lists it.
        return reverse("person_detail", kwargs={"uuid": row.person.uuid})
