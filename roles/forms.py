"""Forms for units, persons and role assignments. Choices are scoped to one organisation
(kitos.detail.ScopedModelForm); the views save through roles.services."""

from __future__ import annotations

from django.db.models import Q

from kitos.detail import ScopedModelForm

from .models import (
    Competency,
    CompetencyTarget,
    OrganisationUnit,
    Person,
    RoleAssignment,
    RoleGuideline,
    TrainingPlanItem,
)


def open_or_current(units, current_id):
    """The units offered for a new link: the open ones, and the one linked already even
    if it has been closed since (the form must not lose it on save)."""
    return units.filter(Q(closed_on__isnull=True) | Q(pk=current_id))


class OrganisationUnitForm(ScopedModelForm):
    class Meta:
        model = OrganisationUnit
        fields = ["name", "parent", "local_code", "ean", "external_reference"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = self.fields["parent"].queryset
        if self.instance.pk:
            # A unit cannot move below itself (the service refuses it too).
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = open_or_current(
            parents, self.instance.parent_id).order_by("path")
        self.fields["parent"].label_from_instance = lambda unit: "\u2003" * unit.depth + unit.name


class PersonForm(ScopedModelForm):
    class Meta:
        model = Person
        fields = ["name", "title", "email", "phone", "unit", "left_on", "external_reference"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = open_or_current(
            self.fields["unit"].queryset, self.instance.unit_id).order_by("path")


class RoleAssignmentForm(ScopedModelForm):
    """A person's role on one object; the role types offered are those for that kind of
    object (standard ones and the organisation's own)."""

    class Meta:
        model = RoleAssignment
        fields = ["role_type", "person", "start_date", "end_date", "note"]

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role_type"].queryset = self.fields["role_type"].queryset.filter(
            applies_to=kind
        )
        persons = self.fields["person"].queryset.select_related("unit")
        if self.instance.pk is None:
            persons = persons.filter(left_on__isnull=True)
        self.fields["person"].queryset = persons


class CompetencyForm(ScopedModelForm):
    """What a person can do in one discipline (standard disciplines and the
    organisation's own); the person is the page the form is opened from."""

    class Meta:
        model = Competency
        fields = ["discipline", "level", "note"]


class CompetencyTargetForm(ScopedModelForm):
    """A target level in a discipline for a unit or a role type (one of them)."""

    class Meta:
        model = CompetencyTarget
        fields = ["discipline", "level", "unit", "role_type", "tier", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = open_or_current(
            self.fields["unit"].queryset, self.instance.unit_id).order_by("path")
        self.fields["unit"].label_from_instance = lambda unit: "\u2003" * unit.depth + unit.name


class TrainingPlanItemForm(ScopedModelForm):
    """Who should reach which level in which discipline by when."""

    class Meta:
        model = TrainingPlanItem
        fields = ["person", "discipline", "target_level", "due_date", "status", "note"]


class RoleGuidelineForm(ScopedModelForm):
    """The guidelines and goals for a role type (a new version on publishing)."""

    class Meta:
        model = RoleGuideline
        fields = ["guidelines", "goals", "valid_from"]
