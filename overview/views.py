"""The pages that look across every app: the home page, the dashboard per forvaltning,
my page and the global search."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.views.generic import TemplateView

from contracts.models import Contract
from gdpr.models import ProcessingActivity
from kitos.models import Organisation
from kitos.tenancy import active_organisation
from portfolio.models import SystemUsage
from roles.models import Person
from roles.views import ForvaltningScopeMixin

from . import my_page, search
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


class DashboardView(ForvaltningScopeMixin, TemplateView):
    """The dashboard of an organisation or a forvaltning (a unit with its subtree)."""

    template_name = "overview/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["dashboard"] = build_dashboard(
            request=self.request,
            organisation=self.organisation,
            unit=self.unit,
            today=timezone.localdate(),
        )
        return context


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
                user=self.request.user, organisation=organisation, today=timezone.localdate()
            )
        )
        return context


class SearchView(LoginRequiredMixin, TemplateView):
    """Global search (``?q=``), results grouped by kind."""

    template_name = "overview/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = search.normalise(self.request.GET.get("q", ""))
        context["query"] = query
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
        return context
