"""Roles pages."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from kitos import hooks
from kitos.tenancy import ADMIN, EDITOR, active_organisation, has_role
from kitos.views import OrganisationFromUrlMixin

from . import responsibilities as queries
from .choices import RoleTarget
from .competency_export import competency_matrix_response
from .models import Competency, OrganisationUnit, Person, role_target_models
from .responsibility_forms import (
    CompetencyMatrixFilterForm,
    HandoverForm,
    UnitScopeForm,
    VacancyAssignForm,
    VacancyFilterForm,
)
from .services import person_handover

# -- roles in depth: role overview, vacancies, who can fill a role, competency matrix,
# -- a person's responsibilities and the hand-over when someone leaves ----------------

MATRIX_PAGE_SIZE = 100


class ActiveOrganisationMixin(LoginRequiredMixin):
    """Pages about the organisation the user works in (the header's switcher). A unit
    (``?within=``) or object of another organisation is not a valid choice: 404."""

    @cached_property
    def organisation(self):
        organisation = active_organisation(self.request)
        if organisation is None:
            raise Http404
        return organisation

    @cached_property
    def today(self):
        return timezone.localdate()

    def units(self):
        return (
            OrganisationUnit.objects.visible_to(self.request.user)
            .in_organisation(self.organisation.pk)
            .order_by("path")
        )

    def scoped_unit(self, form):
        """The ``within`` unit of a filter form; an unknown one is 404, not "everything"."""
        unit = form.unit()
        if self.request.GET.get("within") and unit is None:
            raise Http404
        return unit

    @cached_property
    def can_assign(self) -> bool:
        """Whether the user may give roles here: readers are shown no *Tildel* links
        (they would end in 403)."""
        return has_role(self.request.user, self.organisation.pk, at_least=EDITOR)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            organisation=self.organisation, today=self.today, can_assign=self.can_assign
        )
        return context


def assign_url(role_type, obj, person=None, *, next_url: str = "") -> str | None:
    """The form that gives someone `role_type` on `obj` (prefilled with the role, and
    the person when given), returning to `next_url` after saving."""
    try:
        url = reverse(
            "roleassignment_create", kwargs={"kind": role_type.applies_to, "uuid": obj.uuid}
        )
    except NoReverseMatch:
        return None
    query = {"role_type": role_type.uuid}
    if person is not None:
        query["person"] = person.uuid
    if next_url:
        query["next"] = next_url
    return f"{url}?{urlencode(query)}"


class ForvaltningScopeMixin(OrganisationFromUrlMixin):
    """Pages about an organisation (``<slug>`` in the URL) or one of its units with its
    subtree (``?within=<unit uuid>``). An organisation the user may not see, or a unit
    that is not one of its units, is 404."""

    @cached_property
    def units(self) -> list[OrganisationUnit]:
        """Every unit of the organisation the user sees, in tree order: the picker's
        choices, the unit of ``?within=`` and the rows of a breakdown per forvaltning
        (gdpr.gaps.breakdown) all come from this one query."""
        return list(
            OrganisationUnit.objects.visible_to(self.request.user)
            .filter(organisation=self.organisation)
            .order_by("path")
        )

    @cached_property
    def unit(self):
        within = self.request.GET.get("within", "").strip()
        if not within:
            return None
        try:
            wanted = uuid.UUID(within)
        except ValueError as error:
            raise Http404 from error
        for unit in self.units:
            if unit.uuid == wanted:
                return unit
        raise Http404

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unit"] = self.unit
        context["unit_choices"] = self.units
        return context


class RoleOverviewView(ActiveOrganisationMixin, TemplateView):
    """Every role type: what it is held on, whether it is required, the discipline it
    needs, and how many hold it, lack it and could fill it. A fixed number of queries."""

    template_name = "roles/vacancies_roles.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation, today = self.organisation, self.today
        kinds = list(RoleTarget.values)
        # The holders and the persons who could fill each role come with the role types
        # (one query): per role type, a count subquery.
        holders = (
            queries.in_force(today)
            .filter(organisation=organisation, role_type=OuterRef("pk"))
            .order_by()
            .values("role_type")
            .annotate(n=Count("person", distinct=True))
            .values("n")
        )
        can_fill = (
            Competency.objects.filter(
                person__in=queries.available_persons(organisation),
                level__in=queries.CAN_FILL_LEVELS,
                discipline=OuterRef("discipline_id"),
            )
            .order_by()
            .values("discipline")
            .annotate(n=Count("pk"))
            .values("n")
        )
        role_types = sorted(
            queries.role_types(organisation).annotate(
                holder_count=Coalesce(Subquery(holders, output_field=IntegerField()), 0),
                candidate_count=Coalesce(Subquery(can_fill, output_field=IntegerField()), 0),
            ),
            key=lambda rt: (kinds.index(rt.applies_to), rt.sort_order, rt.name),
        )
        vacant = {
            vacancy.role_type.pk: vacancy
            for vacancy in queries.vacancies(
                organisation, today=today, role_types=[rt for rt in role_types if rt.is_required]
            )
        }
        labels = dict(RoleTarget.choices)
        groups = {}
        for role_type in role_types:
            role_type.vacancy = vacant.get(role_type.pk)
            groups.setdefault(labels.get(role_type.applies_to, ""), []).append(role_type)
        context["groups"] = groups
        return context


class VacancyReportView(ActiveOrganisationMixin, TemplateView):
    """Objects missing a required role today, per role type, in the organisation or a
    unit's subtree. A fixed number of queries however many objects."""

    template_name = "roles/vacancies_report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = VacancyFilterForm(
            self.request.GET or None,
            units=self.units(),
            role_types=queries.required_role_types(self.organisation),
        )
        within = self.scoped_unit(form)
        groups = queries.vacancies(
            self.organisation,
            today=self.today,
            within=within,
            role_types=form.selected_role_types(),
        )
        for group in groups:
            for obj in group.objects:
                obj.assign_url = (
                    assign_url(group.role_type, obj, next_url=self.request.get_full_path())
                    if self.can_assign
                    else None
                )
        context.update(
            form=form,
            within=within,
            vacant=[group for group in groups if group.count],
            filled=[group for group in groups if not group.count],
            vacancy_count=sum(group.count for group in groups),
            # Ticking vacancies and giving them to one person (roles/vacancy_assign.py).
            assign_form=(
                VacancyAssignForm(organisation=self.organisation) if self.can_assign else None
            ),
        )
        return context


class RoleCandidatesView(ActiveOrganisationMixin, TemplateView):
    """Who can fill a role: persons with Færdighed or Underviser in the role's discipline,
    best level first, then the least loaded; optionally for one object (``?objekt=``).
    Those who only understand the discipline are listed apart, as people to train."""

    template_name = "roles/candidates_list.html"

    @cached_property
    def role_type(self):
        return get_object_or_404(
            queries.role_types(self.organisation), uuid=self.kwargs["uuid"]
        )

    @cached_property
    def target(self):
        uuid = self.request.GET.get("objekt")
        if not uuid:
            return None
        model = role_target_models().get(self.role_type.applies_to)
        if model is None:
            raise Http404
        try:
            return get_object_or_404(
                model.objects.visible_to(self.request.user).in_organisation(self.organisation.pk),
                uuid=uuid,
            )
        except ValidationError as error:  # not a UUID at all
            raise Http404 from error

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role_type, target = self.role_type, self.target
        form = UnitScopeForm(self.request.GET or None, units=self.units())
        within = self.scoped_unit(form)
        persons = list(
            queries.candidates(
                self.organisation, role_type, today=self.today, target=target,
                levels=(*queries.CAN_FILL_LEVELS, "understanding"), within=within,
            )
        )
        for person in persons:
            person.url = queries.person_url(person)
            person.assign_url = (
                assign_url(role_type, target, person, next_url=self.request.get_full_path())
                if target and self.can_assign
                else None
            )
        context.update(
            form=form,
            within=within,
            role_type=role_type,
            target=target,
            target_url=queries.target_url(target),
            can_fill=[p for p in persons if p.level in queries.CAN_FILL_LEVELS],
            can_learn=[p for p in persons if p.level not in queries.CAN_FILL_LEVELS],
            **self.guidelines_context(),
        )
        return context

    def guidelines_context(self) -> dict:
        """The organisation's guidelines and goals for the role type, newest version
        first (the older ones stay readable); admins publish a new version."""
        from .models import RoleGuideline

        versions = list(
            RoleGuideline.objects.visible_to(self.request.user)
            .in_organisation(self.organisation.pk)
            .filter(role_type=self.role_type)
            .order_by("-version")
        )
        can_publish = has_role(self.request.user, self.organisation.pk, at_least=ADMIN)
        return {
            "guideline": versions[0] if versions else None,
            "older_guidelines": versions[1:],
            "can_publish_guidelines": can_publish,
            "guideline_create_url": reverse(
                "roleguideline_create", kwargs={"uuid": self.role_type.uuid}
            ) if can_publish else None,
        }


class CompetencyMatrixMixin(ActiveOrganisationMixin):
    def matrix_filter(self):
        form = CompetencyMatrixFilterForm(
            self.request.GET or None,
            units=self.units(),
            disciplines=queries.visible_disciplines(self.organisation),
        )
        within = self.scoped_unit(form)
        disciplines = form.selected_disciplines()
        persons = queries.matrix_persons(
            self.organisation,
            within=within,
            disciplines=disciplines,
            min_level=form.value("min_level"),
            everyone=form.value("everyone", False),
            search=form.value("q"),
        )
        return form, within, disciplines, persons


class CompetencyMatrixView(CompetencyMatrixMixin, TemplateView):
    """Persons × disciplines with the level in each cell, for a unit's subtree; a page of
    persons at a time, the same number of queries for 5 or 500 persons."""

    template_name = "roles/competency_matrix.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, within, disciplines, persons = self.matrix_filter()
        page = Paginator(persons, MATRIX_PAGE_SIZE).get_page(self.request.GET.get("side"))
        query = self.request.GET.copy()
        query.pop("side", None)
        context.update(
            form=form,
            within=within,
            page=page,
            matrix=queries.competency_matrix(page.object_list, disciplines),
            query=query.urlencode(),
        )
        return context


class CompetencyMatrixExportView(CompetencyMatrixMixin, View):
    """The matrix with the page's filters as an Excel workbook (every person, no pages)."""

    def get(self, request, *args, **kwargs):
        _form, within, disciplines, persons = self.matrix_filter()
        matrix = queries.competency_matrix(persons, disciplines)
        return competency_matrix_response(
            matrix, organisation=self.organisation, within=within, today=self.today
        )


class PersonResponsibilitiesMixin(LoginRequiredMixin):
    """The person by public id among those the user may see (other organisations: 404);
    changes need an editor of the person's organisation (readers: 403)."""

    @cached_property
    def person(self):
        return get_object_or_404(
            Person.objects.visible_to(self.request.user).select_related("organisation", "unit"),
            uuid=self.kwargs["uuid"],
        )

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def can_edit(self) -> bool:
        return has_role(self.request.user, self.person.organisation_id, at_least=EDITOR)

    def handover_form(self, data=None):
        assignments = queries.responsibilities(self.person, today=self.today)
        persons = queries.available_persons(self.person.organisation_id).select_related("unit")
        return HandoverForm(
            data, person=self.person, assignments=assignments, persons=persons,
            today=self.today,
        )

    def page_context(self, form) -> dict:
        return {
            "person": self.person,
            "person_url": queries.person_url(self.person),
            "today": self.today,
            "can_edit": self.can_edit,
            "form": form,
            "assignments": form.assignments,
            "has_successors": any(a.successor for a in form.assignments),
            # What higher apps add (kitos.hooks), e.g. the person's contract subscriptions.
            **hooks.detail_context(self.request.user, self.person, "responsibilities"),
        }


class PersonResponsibilitiesView(PersonResponsibilitiesMixin, TemplateView):
    """Everything a person is responsible for (current and coming roles on every kind of
    object, contract alert subscriptions) and, for editors, the hand-over form."""

    template_name = "roles/person_responsibilities.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.page_context(self.handover_form()))
        return context


class PersonHandoverView(PersonResponsibilitiesMixin, TemplateView):
    """POST only. ``preview``: show exactly what will change, change nothing. ``apply``:
    make the change through ``person_handover`` (atomic, audited, new holders mailed)."""

    http_method_names = ["post"]
    template_name = "roles/person_leave_preview.html"

    def post(self, request, *args, **kwargs):
        if not self.can_edit:
            raise PermissionDenied(_("Du har ikke rettigheder til at ændre denne person."))
        form = self.handover_form(request.POST)
        if request.POST.get("action") == "edit":  # back from the preview, choices kept
            self.template_name = "roles/person_responsibilities.html"
            return self.render_to_response(self.page_context(form))
        if form.is_valid():
            data = form.cleaned_data
            arguments = dict(
                person=self.person, moves=data["moves"], on=data["on"],
                left_on=data["left_on"],
            )
            try:
                if request.POST.get("action") == "apply":
                    plan = person_handover(actor=request.user, **arguments)
                    messages.success(request, self.done_message(plan))
                    return redirect("person_responsibilities", uuid=self.person.uuid)
                plan = queries.handover_plan(today=self.today, **arguments)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                context = self.page_context(form)
                context["plan"] = plan
                return self.render_to_response(context)
        self.template_name = "roles/person_responsibilities.html"
        return self.render_to_response(self.page_context(form), status=400)

    def done_message(self, plan) -> str:
        parts = []
        if plan.moved:
            count = len(plan.moved)
            parts.append(
                ngettext(
                    "%(count)d rolle er overdraget til %(people)s.",
                    "%(count)d roller er overdraget til %(people)s.",
                    count,
                )
                % {
                    "count": count,
                    "people": ", ".join(sorted({c.new_person.name for c in plan.moved})),
                }
            )
        if plan.left_on:
            parts.append(
                _("%(person)s er registreret som fratrådt med %(day)s som sidste arbejdsdag.")
                % {"person": plan.person.name, "day": date_format(plan.left_on)}
            )
        if plan.ended:
            count = len(plan.ended)
            parts.append(
                ngettext(
                    "%(count)d rolle er ikke overdraget og ophører; den vises derefter som ledig.",
                    "%(count)d roller er ikke overdraget og ophører; de vises derefter som ledige.",
                    count,
                )
                % {"count": count}
            )
        return " ".join(parts) or _("Der var intet at ændre.")


# -- lists (kitos/lists.py) --------------------------------------------------------------

from django.utils.translation import gettext_lazy  # noqa: E402

from kitos.lists import ListView  # noqa: E402

from . import tables  # noqa: E402
from .filtersets import (  # noqa: E402
    OrganisationUnitFilterSet,
    PersonFilterSet,
    RoleAssignmentFilterSet,
)
from .models import RoleAssignment, RoleType  # noqa: E402
from .tables import unit_options  # noqa: E402


class OrganisationUnitListView(ListView):
    model = OrganisationUnit
    filterset_class = OrganisationUnitFilterSet
    columns = tables.UNIT_COLUMNS
    title = gettext_lazy("Organisationsenheder")
    create_label = gettext_lazy("Ny enhed")
    export_entity = "units"
    filter_options = {"within": unit_options, "parent": unit_options}
    panel_first = ("within",)
    panel_hidden = ("parent",)


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
    filter_pickers = {"person": "personer"}

    def row_url(self, row):
        # An assignment has no page of its own; its person's page lists it.
        return reverse("person_detail", kwargs={"uuid": row.person.uuid})
