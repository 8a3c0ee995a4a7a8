"""Detail pages and forms for units, persons and role assignments (kitos/detail.py).

Kept apart from roles/views.py (the roles-in-depth pages and lists) so that each module
stays about one thing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kitos.detail import (
    HISTORY_TAB,
    ObjectCreateView,
    ObjectDeleteView,
    ObjectUpdateView,
    ReturnToMixin,
    Tab,
    TabbedDetailView,
    editable_organisations,
    field_facts,
    get_visible_or_404,
    object_url,
    overview_tab,
)
from kitos.links import url_or_none

from .forms import CompetencyForm, OrganisationUnitForm, PersonForm, RoleAssignmentForm
from .models import (
    Competency,
    OrganisationUnit,
    Person,
    RoleAssignment,
    TrainingPlanItem,
    role_target_models,
    target_kind,
    target_usable_by,
)
from .services import (
    competency_create,
    competency_delete,
    competency_update,
    person_create,
    person_update,
    role_assign,
    unit_create,
    unit_delete,
    unit_update,
)
from .tabs import ROLES_TAB, RolesTabMixin


class OrganisationUnitDetailView(RolesTabMixin, TabbedDetailView):
    model = OrganisationUnit
    related = ("organisation", "parent")
    tabs = (
        overview_tab("roles/unit_overview.html"),
        # The apps above add a "Systemer og kontrakter" tab (kitos.hooks).
        ROLES_TAB,
        HISTORY_TAB,
    )

    def overview_context(self):
        user, unit = self.request.user, self.object
        return {
            "facts": field_facts(
                unit, ("name", "parent", "local_code", "ean", "external_reference")
                + (("closed_on",) if unit.closed_on else ())
            ),
            "children": unit.children.visible_to(user).order_by("name"),
            "persons": unit.persons.visible_to(user).order_by("name"),
        }


class OrganisationUnitCreateView(ObjectCreateView):
    model = OrganisationUnit
    form_class = OrganisationUnitForm

    def save(self, form):
        return unit_create(
            actor=self.request.user, organisation=self.organisation, **form.field_data()
        )


class OrganisationUnitUpdateView(ObjectUpdateView):
    model = OrganisationUnit
    form_class = OrganisationUnitForm

    def save(self, form):
        return unit_update(actor=self.request.user, unit=self.object, data=form.field_data())


class OrganisationUnitDeleteView(ObjectDeleteView):
    model = OrganisationUnit

    def delete(self, obj):
        unit_delete(actor=self.request.user, unit=obj)


COMPETENCIES_SLUG = "kompetencer"


class PersonDetailView(TabbedDetailView):
    model = Person
    related = ("organisation", "unit")
    tabs = (
        overview_tab("roles/person_overview.html"),
        Tab("ansvar", gettext_lazy("Roller"), "responsibilities", "roles/person_roles.html"),
        Tab(COMPETENCIES_SLUG, gettext_lazy("Kompetencer"), "competencies",
            "roles/person_competencies.html"),
        HISTORY_TAB,
    )

    def overview_context(self):
        return {
            "facts": field_facts(
                self.object,
                ("name", "title", "email", "phone", "unit", "left_on", "external_reference"),
            ),
        }

    def competencies_context(self):
        return {
            "competencies": self.object.competencies.visible_to(self.request.user)
            .select_related("discipline")
            .order_by("discipline__name"),
            "competency_create_url": url_or_none("competency_create", self.object.uuid),
            # The person's training plan (roles.competence_views), on the same tab.
            "training_plan_items": TrainingPlanItem.objects.visible_to(self.request.user)
            .filter(person=self.object).select_related("discipline"),
            "training_plan_create_url": (
                f"{reverse('trainingplanitem_create')}?person={self.object.uuid}"
                f"&organisation={self.object.organisation.slug}"
            ),
        }

    def responsibilities_context(self):
        # One query for the assignments plus one per kind of target (GenericPrefetch).
        assignments = list(
            RoleAssignment.objects.visible_to(self.request.user)
            .filter(person=self.object)
            .for_list()
            .order_by("role_type__name", "-start_date")
        )
        today = timezone.localdate()
        return {
            # The roles-in-depth pages: everything the person answers for, and handing
            # it over when they leave.
            "responsibilities_url": url_or_none("person_responsibilities", self.object.uuid),
            "handover_url": url_or_none("person_handover", self.object.uuid),
            "held_now": [
                a
                for a in assignments
                if (a.start_date is None or a.start_date <= today)
                and (a.end_date is None or a.end_date >= today)
            ],
            "held_before": [a for a in assignments if a.end_date and a.end_date < today],
            "held_later": [a for a in assignments if a.start_date and a.start_date > today],
        }


class PersonCreateView(ObjectCreateView):
    model = Person
    form_class = PersonForm

    def save(self, form):
        return person_create(
            actor=self.request.user, organisation=self.organisation, **form.field_data()
        )


class PersonUpdateView(ObjectUpdateView):
    model = Person
    form_class = PersonForm

    def save(self, form):
        return person_update(actor=self.request.user, person=self.object, data=form.field_data())


class PersonDeleteView(ObjectDeleteView):
    model = Person


def _competencies_tab(person) -> str:
    return f"{object_url(person)}?tab={COMPETENCIES_SLUG}"


class CompetencyCreateView(ObjectCreateView):
    """Record a competency from the person's Kompetencer tab (editors of the person's
    organisation; others 403, other organisations' persons 404)."""

    model = Competency
    form_class = CompetencyForm
    parent_model = Person

    def save(self, form):
        return competency_create(actor=self.request.user, person=self.parent, **form.field_data())

    def success_url_for(self, obj) -> str:
        return _competencies_tab(self.parent)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cancel_url": _competencies_tab(self.parent)}


class CompetencyUpdateView(ObjectUpdateView):
    model = Competency
    form_class = CompetencyForm
    related = ("person", "discipline")

    def save(self, form):
        return competency_update(
            actor=self.request.user, competency=self.object, data=form.field_data()
        )

    def success_url_for(self, obj) -> str:
        return _competencies_tab(self.object.person)


class CompetencyDeleteView(ObjectDeleteView):
    model = Competency

    def delete(self, obj):
        competency_delete(actor=self.request.user, competency=obj)

    def after_delete_url(self, obj) -> str:
        return _competencies_tab(obj.person)


def _role_target(kind: str, user, uuid):
    model = role_target_models().get(kind)
    if model is None or not hasattr(model, "uuid"):
        raise Http404
    return get_visible_or_404(model, user, uuid)


class RoleAssignmentFormMixin:
    model = RoleAssignment
    form_class = RoleAssignmentForm
    success_tab = "roller"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.kind}

    def success_url_for(self, obj) -> str:
        return f"{object_url(self.target) or '/'}?tab={self.success_tab}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cancel_url": self.success_url_for(None)}


class RoleAssignmentCreateView(ReturnToMixin, RoleAssignmentFormMixin, ObjectCreateView):
    """Give a person a role on an object (from the object's Roller tab)."""

    def get_parent(self):
        self.kind = self.kwargs["kind"]
        self.target = _role_target(self.kind, self.request.user, self.kwargs["uuid"])
        return self.target

    def get_organisations(self) -> list:
        # A shared catalog entry (supplier, catalog system) has no single owner: each
        # organisation that may use it gives its own people roles on it.
        return [
            organisation
            for organisation in editable_organisations(self.request.user)
            if target_usable_by(self.target, organisation.pk)
        ]

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not form.is_bound:
            form.initial.update(self.prefilled(form))
        return form

    def prefilled(self, form) -> dict:
        """The choices the link that opened the form made (a gap's or the vacancy
        report's *Tildel rollen*): ``role_type`` by public id or ``rolle`` by code, and
        ``person`` by public id — only among the form's own (scoped) choices."""
        initial = {}
        role_types = form.fields["role_type"].queryset
        person_uuid = self.request.GET.get("person")
        try:
            if uuid := self.request.GET.get("role_type"):
                role_type = role_types.filter(uuid=uuid).first()
            elif code := self.request.GET.get("rolle"):
                # The organisation's own role with that code before the standard one.
                role_type = (
                    role_types.filter(code=code)
                    .order_by(F("organisation").asc(nulls_last=True))
                    .first()
                )
            else:
                role_type = None
            person = (
                form.fields["person"].queryset.filter(uuid=person_uuid).first()
                if person_uuid
                else None
            )
        except (ValueError, ValidationError):  # not a UUID: nothing prefilled
            return initial
        if role_type is not None:
            initial["role_type"] = role_type.pk
        if person is not None:
            initial["person"] = person.pk
        return initial

    def save(self, form):
        return role_assign(actor=self.request.user, target=self.target, **form.field_data())


class RoleAssignmentUpdateView(RoleAssignmentFormMixin, ObjectUpdateView):
    related = ("person", "role_type")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            assignment = get_visible_or_404(RoleAssignment, request.user, kwargs["uuid"])
            self.target = assignment.target
            self.kind = target_kind(self.target)
        return super().dispatch(request, *args, **kwargs)



class RoleAssignmentDeleteView(ObjectDeleteView):
    model = RoleAssignment

    def after_delete_url(self, obj) -> str:
        return f"{object_url(obj.target) or '/'}?tab=roller"

