"""Competence targets, the gap between them and the people they concern, the training
plan and the role types' guidelines (Aabenraa's Spor 4: specialists at the level their
place in the organisation asks for). Writes go through roles.services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from kitos.detail import (
    ObjectCreateView,
    ObjectDeleteView,
    ObjectUpdateView,
    ReturnToMixin,
    editable_organisations,
    get_visible_or_404,
)
from kitos.lists import ListView
from kitos.tenancy import ADMIN

from . import tables
from .choices import CompetencyLevel
from .competence_gaps import competence_gaps, gaps_response
from .filtersets import CompetencyTargetFilterSet, TrainingPlanItemFilterSet
from .forms import CompetencyTargetForm, RoleGuidelineForm, TrainingPlanItemForm
from .models import CompetencyTarget, RoleGuideline, RoleType, TrainingPlanItem
from .services import (
    competency_target_create,
    competency_target_delete,
    competency_target_update,
    role_guideline_publish,
    role_guideline_update,
    training_plan_item_create,
    training_plan_item_delete,
    training_plan_item_update,
)
from .tables import unit_options
from .views import ActiveOrganisationMixin


def _discipline_options(request):
    from .models import Discipline

    return Discipline.objects.visible_to(request.user).values_list("uuid", "name")


def _role_type_options(request):
    from .models import RoleType

    return RoleType.objects.visible_to(request.user).values_list("uuid", "name")


# -- competence targets and the gap view ----------------------------------------------


class CompetencyTargetListView(ListView):
    model = CompetencyTarget
    filterset_class = CompetencyTargetFilterSet
    columns = tables.COMPETENCY_TARGET_COLUMNS
    title = gettext_lazy("Kompetencemål")
    create_label = gettext_lazy("Nyt kompetencemål")
    export_entity = "competency_targets"
    filter_options = {
        "discipline": _discipline_options, "role_type": _role_type_options,
        "within": unit_options, "unit": unit_options,
    }
    panel_first = ("discipline", "level", "tier", "within", "role_type")
    panel_hidden = ("unit",)

    def row_url(self, row) -> str:
        # A target has no page of its own: its gap is shown on the gap view.
        return f"{reverse('competency_gaps')}#target-{row.uuid}"


class CompetencyTargetFormMixin:
    model = CompetencyTarget
    form_class = CompetencyTargetForm

    def success_url_for(self, obj) -> str:
        return reverse("competencytarget_list")


class CompetencyTargetCreateView(CompetencyTargetFormMixin, ObjectCreateView):
    def save(self, form):
        return competency_target_create(
            actor=self.request.user, organisation=self.organisation, **form.field_data()
        )


class CompetencyTargetUpdateView(CompetencyTargetFormMixin, ObjectUpdateView):
    related = ("discipline", "unit", "role_type")

    def save(self, form):
        return competency_target_update(
            actor=self.request.user, target=self.object, data=form.field_data()
        )


class CompetencyTargetDeleteView(ObjectDeleteView):
    model = CompetencyTarget

    def delete(self, obj):
        competency_target_delete(actor=self.request.user, target=obj)


class CompetencyGapMixin(ActiveOrganisationMixin):
    """The targets of the organisation the user works in, with the list's filters."""

    def gaps(self):
        queryset = (
            CompetencyTarget.objects.visible_to(self.request.user)
            .in_organisation(self.organisation.pk)
            .for_list()
        )
        filterset = CompetencyTargetFilterSet(
            self.request.GET, queryset=queryset, request=self.request
        )
        targets = filterset.qs if filterset.is_valid() else queryset.none()
        return filterset, competence_gaps(targets, today=self.today)


class CompetencyGapView(CompetencyGapMixin, TemplateView):
    """Per target: the people it concerns, their level and whether it meets the target;
    those below it with their planned training or a link to plan it. A fixed number of
    queries whatever the number of targets and people."""

    template_name = "roles/competency_gaps.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _filterset, gaps = self.gaps()
        query = self.request.GET.urlencode()
        context.update(
            gaps=gaps,
            query=query,
            total_met=sum(gap.met for gap in gaps),
            total_missing=sum(gap.missing for gap in gaps),
            plan_url=reverse("trainingplanitem_create"),
            next_url=self.request.get_full_path(),
        )
        return context


class CompetencyGapExportView(CompetencyGapMixin, View):
    """The gap view with its filters as an Excel workbook."""

    def get(self, request, *args, **kwargs):
        _filterset, gaps = self.gaps()
        return gaps_response(gaps, organisation=self.organisation, today=self.today)


# -- the training plan ------------------------------------------------------------------


class TrainingPlanItemListView(ListView):
    model = TrainingPlanItem
    filterset_class = TrainingPlanItemFilterSet
    columns = tables.TRAINING_PLAN_COLUMNS
    title = gettext_lazy("Uddannelsesplan")
    create_label = gettext_lazy("Nyt punkt i uddannelsesplanen")
    export_entity = "training_plan"
    filter_options = {"discipline": _discipline_options, "within": unit_options}
    filter_pickers = {"person": "personer"}
    panel_first = ("status", "discipline", "target_level", "within", "overdue")
    default_sort = "due_date"

    def row_url(self, row) -> str:
        # An item has no page of its own; its person's Kompetencer tab lists it.
        return f"{reverse('person_detail', kwargs={'uuid': row.person.uuid})}?tab=kompetencer"


class TrainingPlanItemFormMixin(ReturnToMixin):
    model = TrainingPlanItem
    form_class = TrainingPlanItemForm

    def success_url_for(self, obj) -> str:
        return (
            self.next_url()
            or f"{reverse('person_detail', kwargs={'uuid': obj.person.uuid})}?tab=kompetencer"
        )


class TrainingPlanItemCreateView(TrainingPlanItemFormMixin, ObjectCreateView):
    """Plan someone's training; the gap view's *Sæt på uddannelsesplanen* opens it
    prefilled (``?person=&discipline=`` by public id, ``?level=``)."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not form.is_bound:
            form.initial.update(self.prefilled(form))
        return form

    def prefilled(self, form) -> dict:
        initial = {}
        try:
            for name in ("person", "discipline"):
                if uuid := self.request.GET.get(name):
                    # Only among the form's own (scoped) choices.
                    found = form.fields[name].queryset.filter(uuid=uuid).first()
                    if found is not None:
                        initial[name] = found.pk
        except (ValueError, ValidationError):  # not a UUID: nothing prefilled
            return {}
        if self.request.GET.get("level") in CompetencyLevel.values:
            initial["target_level"] = self.request.GET["level"]
        return initial

    def save(self, form):
        data = form.field_data()
        person = data.pop("person")
        return training_plan_item_create(actor=self.request.user, person=person, **data)


class TrainingPlanItemUpdateView(TrainingPlanItemFormMixin, ObjectUpdateView):
    related = ("person", "discipline")

    def save(self, form):
        return training_plan_item_update(
            actor=self.request.user, item=self.object, data=form.field_data()
        )


class TrainingPlanItemDeleteView(ObjectDeleteView):
    model = TrainingPlanItem

    def delete(self, obj):
        training_plan_item_delete(actor=self.request.user, item=obj)

    def after_delete_url(self, obj) -> str:
        return reverse("trainingplanitem_list")


# -- guidelines and goals per role type --------------------------------------------------


def _role_type_page(role_type) -> str:
    return reverse("role_candidates", kwargs={"uuid": role_type.uuid})


class RoleGuidelineCreateView(ObjectCreateView):
    """Publish a new version of a role type's guidelines and goals (admins of the
    organisation). The form starts from the newest version's text."""

    model = RoleGuideline
    form_class = RoleGuidelineForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            # Another organisation's role type is 404 before any question of rights.
            self.role_type = get_visible_or_404(RoleType, request.user, kwargs["uuid"])
        return super().dispatch(request, *args, **kwargs)

    def get_organisations(self) -> list:
        # The admins' organisations that may use the role type (a standard one: all).
        return [
            organisation for organisation in editable_organisations(self.request.user, ADMIN)
            if self.role_type.organisation_id in (None, organisation.pk)
        ]

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not form.is_bound:
            latest = (
                RoleGuideline.objects.in_organisation(self.organisation.pk)
                .filter(role_type=self.role_type).order_by("-version").first()
            )
            if latest is not None:
                form.initial.update(guidelines=latest.guidelines, goals=latest.goals)
        return form

    def save(self, form):
        return role_guideline_publish(
            actor=self.request.user, organisation=self.organisation,
            role_type=self.role_type, **form.field_data(),
        )

    def success_url_for(self, obj) -> str:
        return _role_type_page(self.role_type)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "cancel_url": _role_type_page(self.role_type)}


class RoleGuidelineUpdateView(ObjectUpdateView):
    """Correct a published version in place (a typo); a change of substance is a new
    version."""

    model = RoleGuideline
    form_class = RoleGuidelineForm
    related = ("role_type",)

    def save(self, form):
        return role_guideline_update(
            actor=self.request.user, guideline=self.object, data=form.field_data()
        )

    def success_url_for(self, obj) -> str:
        return _role_type_page(obj.role_type)
