"""Benefit pages (gevinster): the list with expected vs realised totals, a benefit's
page with its measurements, the forms, the project's Gevinster tab, the portfolio view
(expected vs realised per forvaltning and year) and a project's gevinstdiagram."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from kitos.detail import (
    HISTORY_TAB,
    ObjectCreateView,
    ObjectDeleteView,
    ObjectUpdateView,
    ParentTabMixin,
    Tab,
    TabbedDetailView,
    field_facts,
    get_visible_or_404,
    overview_tab,
)
from kitos.links import parse_uuids
from kitos.lists import ListView
from roles.tables import unit_options

from . import tables
from .benefit_charts import benefit_diagram, portfolio_chart, portfolio_rows
from .benefit_due_views import due_rows
from .filtersets import BenefitFilterSet
from .forms import BenefitForm, BenefitMeasurementForm
from .models import Benefit, BenefitMeasurement, Project
from .services import (
    benefit_create,
    benefit_delete,
    benefit_update,
    measurement_create,
    measurement_delete,
    measurement_update,
)

BENEFITS_TAB = Tab("gevinster", gettext_lazy("Gevinster"), "benefits",
                   "governance/project_benefits.html")


class ProjectBenefitsTabMixin:
    """The Gevinster tab of a project's page: its benefits with their realisation."""

    def benefits_context(self):
        project = self.object
        return {
            "benefits": Benefit.objects.visible_to(self.request.user).filter(project=project)
            .for_list().order_by("due_date", "title"),
            "benefit_create_url": f"{reverse('benefit_create')}?project={project.uuid}",
        }


class BenefitListView(ListView):
    model = Benefit
    filterset_class = BenefitFilterSet
    columns = tables.BENEFIT_COLUMNS
    title = gettext_lazy("Gevinster")
    create_label = gettext_lazy("Ny gevinst")
    export_entity = "benefits"
    filter_options = {"within": unit_options}
    panel_first = ("kind", "within", "due_date", "overdue")
    default_sort = "due_date"


class BenefitDetailView(TabbedDetailView):
    """A benefit: its facts and realisation, its measurements and its history."""

    model = Benefit
    related = ("organisation", "project", "owner")
    prefetch = ("goals",)
    tabs = (
        overview_tab("governance/benefit_overview.html"),
        Tab("maalinger", gettext_lazy("Målinger"), "measurements",
            "governance/benefit_measurements.html"),
        HISTORY_TAB,
    )

    def get_queryset(self):
        return super().get_queryset().with_realisation()

    def overview_context(self):
        return {
            "facts": field_facts(
                self.object,
                ("project", "title", "kind", "owner", "due_date", "goals", "measure",
                 "unit_of_measure", "baseline", "target", "notes"),
            ),
            "share": tables._share(self.object),
        }

    def measurements_context(self):
        return {
            "measurements": BenefitMeasurement.objects.visible_to(self.request.user)
            .filter(benefit=self.object).select_related("measured_by")
            .order_by("-measured_on"),
            "measurement_create_url": reverse("benefitmeasurement_create",
                                              args=[self.object.uuid]),
            # Its due dates (measurement points) with the reminders' view of them.
            "due_rows": due_rows(self.request.user, self.object),
            "due_date_create_url": reverse("benefitduedate_create", args=[self.object.uuid]),
        }


class BenefitCreateView(ObjectCreateView):
    model = Benefit
    form_class = BenefitForm

    def get_initial(self):
        initial = super().get_initial()
        wanted = self.request.GET.get("project", "")
        project = Project.objects.visible_to(self.request.user).filter(
            organisation=self.organisation, uuid=wanted
        ).first() if parse_uuids([wanted])[0] else None
        if project is not None:
            initial["project"] = project.pk
        return initial

    def save(self, form):
        data = form.field_data()
        return benefit_create(
            actor=self.request.user, project=data.pop("project"), **data, **form.m2m_data()
        )



class BenefitUpdateView(ObjectUpdateView):
    model = Benefit
    form_class = BenefitForm

    def save(self, form):
        return benefit_update(
            actor=self.request.user, benefit=self.object, data=form.field_data(),
            **form.m2m_data(),
        )


class BenefitDeleteView(ObjectDeleteView):
    model = Benefit

    def delete(self, obj):
        benefit_delete(actor=self.request.user, benefit=obj)


class MeasurementMixin(ParentTabMixin):
    model = BenefitMeasurement
    form_class = BenefitMeasurementForm
    parent_field, parent_tab = "benefit", "maalinger"


class BenefitMeasurementCreateView(MeasurementMixin, ObjectCreateView):
    """A measurement of a benefit (from the benefit's Målinger tab)."""

    parent_model = Benefit

    def save(self, form):
        return measurement_create(
            actor=self.request.user, benefit=self.parent, **form.field_data()
        )


class BenefitMeasurementUpdateView(MeasurementMixin, ObjectUpdateView):
    related = ("benefit",)

    def save(self, form):
        return measurement_update(
            actor=self.request.user, measurement=self.object, data=form.field_data()
        )


class BenefitMeasurementDeleteView(MeasurementMixin, ObjectDeleteView):
    def delete(self, obj):
        measurement_delete(actor=self.request.user, measurement=obj)


# -- portfolio and gevinstdiagram ---------------------------------------------------------


class BenefitPortfolioView(LoginRequiredMixin, TemplateView):
    """Expected vs realised benefits per forvaltning and due year (a table), over the
    benefits the user may see; the list's filters narrow it (?project=, ?kind= ...)."""

    template_name = "governance/benefit_portfolio.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = BenefitFilterSet(
            self.request.GET, queryset=Benefit.objects.visible_to(self.request.user),
            request=self.request,
        )
        rows = portfolio_rows(self.request.user, filterset.qs if filterset.is_valid()
                              else Benefit.objects.none())
        context.update(
            rows=rows,
            chart=portfolio_chart(rows),
            expected=sum((row.expected for row in rows), Decimal(0)),
            realised=sum((row.realised for row in rows), Decimal(0)),
            count=sum(row.count for row in rows),
            errors=filterset.errors,
        )
        return context


class BenefitDiagramView(LoginRequiredMixin, TemplateView):
    """A project's gevinstdiagram with a table beside it carrying the same facts."""

    template_name = "governance/benefit_diagram.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = get_visible_or_404(Project, self.request.user, self.kwargs["uuid"])
        context.update(object=project, diagram=benefit_diagram(self.request.user, project))
        return context
