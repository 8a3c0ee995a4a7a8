"""The pages that look across every app: the home page, the dashboard per forvaltning,
my page and the global search."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from contracts.models import Contract
from gdpr.models import ProcessingActivity
from kitos.models import Organisation
from kitos.tenancy import active_organisation
from portfolio.models import SystemUsage
from roles.models import OrganisationUnit, Person
from roles.views import ForvaltningScopeMixin

from . import my_page, search, work_scope
from .dashboard import build_dashboard

# The headline numbers of each organisation on the home page.
HOME_COUNTS = {
    "usage_count": SystemUsage,
    "contract_count": Contract,
    "person_count": Person,
    "processing_activity_count": ProcessingActivity,
}


def with_home_counts(organisations):
    """`organisations` with one count per model of HOME_COUNTS, as subqueries."""
    annotations = {}
    for name, model in HOME_COUNTS.items():
        annotations[name] = Coalesce(
            Subquery(
                model.objects.filter(organisation=OuterRef("pk"))
                .order_by()
                .values("organisation")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            0,
        )
    return organisations.annotate(**annotations)


class HomeView(LoginRequiredMixin, TemplateView):
    """The user's organisations, each with its headline numbers."""

    template_name = "overview/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisations"] = with_home_counts(
            Organisation.objects.visible_to(self.request.user)
        )
        return context


class StartView(LoginRequiredMixin, View):
    """Where a login lands: *Min side* for someone registered as a person in the
    organisation they work in (it starts from what they hold), the list of their
    organisations otherwise."""

    def get(self, request, *args, **kwargs):
        if work_scope.own_person(request.user, active_organisation(request)) is None:
            return redirect("home")
        return redirect("my_page")


class DashboardView(ForvaltningScopeMixin, TemplateView):
    """The dashboard of an organisation or a forvaltning (a unit with its subtree).
    Without ``?within=`` it opens on the user's remembered choice or home forvaltning
    (overview.work_scope)."""

    template_name = "overview/dashboard.html"

    @cached_property
    def home_unit(self):
        # The header's query read its id (work_scope); the unit itself is among the
        # organisation's units this page reads anyway.
        home_id = work_scope.home_forvaltning_id_for(self.request, self.organisation)
        return next((unit for unit in self.units if unit.pk == home_id), None)

    @cached_property
    def units(self) -> list[OrganisationUnit]:
        # The remembered choice comes along with the units (the same value on each row;
        # with no units there is nothing to choose anyway).
        return list(
            OrganisationUnit.objects.visible_to(self.request.user)
            .filter(organisation=self.organisation)
            .annotate(remembered_choice=work_scope.remembered_choice(self.request.user,
                                                                     self.organisation))
            .order_by("path")
        )

    @cached_property
    def unit(self):
        if "within" in self.request.GET:
            return super().unit
        units = self.units
        chosen = (work_scope.remembered_among(units[0].remembered_choice, units)
                  if units else work_scope.UNSET)
        return work_scope.dashboard_unit(self.request.user, self.organisation,
                                         home=self.home_unit, chosen=chosen)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["home_unit"] = self.home_unit
        context["dashboard"] = build_dashboard(
            request=self.request,
            organisation=self.organisation,
            unit=self.unit,
            today=timezone.localdate(),
            units=self.units,
        )
        return context


class DashboardScopeView(ForvaltningScopeMixin, View):
    """The dashboard's picker (POST ``within``): show that forvaltning or unit, or the
    whole organisation when empty, and open Oversigt on it from now on."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        within = request.POST.get("within", "").strip()
        unit = None
        if within:
            try:
                unit = OrganisationUnit.objects.visible_to(request.user).get(
                    organisation=self.organisation, uuid=within
                )
            except (OrganisationUnit.DoesNotExist, ValueError, ValidationError) as error:
                raise Http404 from error
        work_scope.remember_unit(user=request.user, organisation=self.organisation, unit=unit)
        url = reverse("dashboard", args=[self.organisation.slug])
        # An explicit (possibly empty) ``within`` keeps the address meaning the same
        # scope whoever opens it.
        return HttpResponseRedirect(f"{url}?within={unit.uuid if unit else ''}")


class MyPageView(LoginRequiredMixin, TemplateView):
    """The logged-in user's own responsibilities in the active organisation."""

    template_name = "overview/my_page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = active_organisation(self.request)
        context["organisation"] = organisation
        context["page"] = (
            None
            if organisation is None
            else my_page.build(
                request=self.request, organisation=organisation, today=timezone.localdate()
            )
        )
        return context


class SearchView(LoginRequiredMixin, TemplateView):
    """Global search (``?q=``), results grouped by kind."""

    template_name = "overview/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        raw = self.request.GET.get("q", "")
        query = search.normalise(raw)
        context["query"] = query
        context["shortened"] = search.was_shortened(raw)
        context["max_terms"], context["max_length"] = search.MAX_TERMS, search.MAX_LENGTH
        context["too_short"] = bool(query) and len(query) < search.MIN_LENGTH
        context["groups"] = (
            search.search(
                request=self.request,
                query=query,
                organisation=active_organisation(self.request),
            )
            if len(query) >= search.MIN_LENGTH
            else []
        )
        context["total"] = sum(group.total for group in context["groups"])
        context["capped"] = any(group.capped for group in context["groups"])
        return context
