"""Principle and architecture review pages: the lists (FilterSet, export), a
principle's page (text, rationale, implications, its versions and its reviews), the
forms (writes through governance.principle_services), the "Vurder mod principper" form of
a project, request or system usage, the reviews panel other pages show, and the
compliance matrix per forvaltning."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from kitos.detail import (
    HISTORY_TAB,
    PANELS_TEMPLATE,
    ObjectCreateView,
    ObjectDeleteView,
    ObjectUpdateView,
    Tab,
    TabbedDetailView,
    add_service_errors,
    field_facts,
    get_visible_or_404,
    overview_tab,
)
from kitos.excel.writer import SheetData, build_workbook, workbook_response
from kitos.links import object_url
from kitos.lists import ListView
from kitos.tenancy import EDITOR, has_role
from portfolio.models import SystemUsage
from roles.tables import unit_options

from . import principle_tables
from .models import ArchitectureReview, NewSystemRequest, Principle, Project
from .principle_filtersets import ArchitectureReviewFilterSet, PrincipleFilterSet
from .principle_forms import (
    ArchitectureReviewForm,
    PrincipleForm,
    PrincipleVersionForm,
    SubjectReviewForm,
)
from .principle_matrix import compliance_matrix, matrix_sheet_rows
from .principle_services import (
    principle_create,
    principle_delete,
    principle_new_version,
    principle_update,
    review_delete,
    review_subject,
    review_update,
)

# The tab other pages (a project, a system usage) show their reviews on.
REVIEWS_TAB = Tab("arkitektur", gettext_lazy("Arkitekturvurderinger"), "architecture_reviews",
                  PANELS_TEMPLATE)
REVIEWS_PANEL = "governance/_reviews_panel.html"
# The route of the review form of each kind of subject.
REVIEW_ROUTES = {
    "governance.Project": "project_review",
    "governance.NewSystemRequest": "newsystemrequest_review",
    "portfolio.SystemUsage": "systemusage_review",
}


def review_rows(user, **subject):
    """The reviews of one subject the user may see, by area and principle (one query)."""
    return (
        ArchitectureReview.objects.visible_to(user).filter(**subject)
        .select_related("principle", "reviewer")
        .order_by("principle__area", "principle__code", "principle__title")
    )


def reviews_panel_context(user, obj) -> dict:
    """The context of templates/governance/_reviews_panel.html for a project, request or
    system usage: its reviews, itself and (for editors) the review form's URL."""
    field = {"governance.Project": "project", "governance.NewSystemRequest": "request",
             "portfolio.SystemUsage": "usage"}[obj._meta.label]
    can_review = has_role(user, obj.organisation_id, at_least=EDITOR)
    return {
        "reviews": review_rows(user, **{field: obj}),
        "subject": obj,
        "review_url": reverse(REVIEW_ROUTES[obj._meta.label], args=[obj.uuid])
        if can_review else "",
    }


# -- lists -------------------------------------------------------------------------------


class PrincipleListView(ListView):
    model = Principle
    filterset_class = PrincipleFilterSet
    columns = principle_tables.PRINCIPLE_COLUMNS
    title = gettext_lazy("Principper")
    create_label = gettext_lazy("Nyt princip")
    export_entity = "principles"
    panel_first = ("area", "current", "active", "owner")


class ArchitectureReviewListView(ListView):
    model = ArchitectureReview
    filterset_class = ArchitectureReviewFilterSet
    columns = principle_tables.REVIEW_COLUMNS
    title = gettext_lazy("Arkitekturvurderinger")
    default_sort = "reviewed_on"
    filter_options = {"unit": unit_options}
    panel_first = ("verdict", "subject", "area", "unit", "no_forvaltning", "reviewed_on")

    def get_queryset(self):
        return super().get_queryset().select_related(*principle_tables.REVIEW_RELATED)

    def create_url(self):
        # Reviews are made from the page of what is reviewed (Vurder mod principper).
        return None


# -- detail pages ------------------------------------------------------------------------


class PrincipleDetailView(TabbedDetailView):
    """A principle: its text, rationale and implications, its versions, the reviews
    made against this version and its history."""

    model = Principle
    related = ("organisation", "owner", "previous")
    tabs = (
        overview_tab("governance/principle_overview.html"),
        Tab("versioner", gettext_lazy("Versioner"), "versions",
            "governance/principle_versions.html"),
        Tab("vurderinger", gettext_lazy("Vurderinger"), "reviews",
            "governance/principle_reviews.html"),
        HISTORY_TAB,
    )

    def overview_context(self):
        principle = self.object
        later = Principle.objects.filter(previous=principle).first()
        return {
            "facts": field_facts(
                principle, ("code", "title", "area", "version", "valid_from", "active",
                            "owner"),
            ),
            "replaced_by": later,
            "can_version": later is None and self.can_edit(),
        }

    def can_edit(self) -> bool:
        return has_role(self.request.user, self.object.organisation_id, at_least=EDITOR)

    def versions_context(self):
        # The chain is walked through the organisation's principles in one query.
        rows = {
            p.pk: p for p in Principle.objects.visible_to(self.request.user)
            .filter(organisation=self.object.organisation_id).select_related("owner")
        }
        newest = self.object
        later = {p.previous_id: p for p in rows.values() if p.previous_id}
        while newest.pk in later:
            newest = later[newest.pk]
        versions = [newest]
        while versions[-1].previous_id in rows:
            versions.append(rows[versions[-1].previous_id])
        return {"versions": versions}

    def reviews_context(self):
        return {
            "reviews": ArchitectureReview.objects.visible_to(self.request.user)
            .filter(principle=self.object)
            .select_related("reviewer", "usage__system", "project", "request",
                            *principle_tables.REVIEW_RELATED)
            .order_by("-reviewed_on", "pk"),
            "review_list_url": f"{reverse('architecturereview_list')}"
            f"?principle={self.object.uuid}",
        }


class ArchitectureReviewDetailView(TabbedDetailView):
    model = ArchitectureReview
    related = ("organisation", "principle", "project", "request", "usage__system",
               "reviewer")
    tabs = (
        overview_tab("governance/architecturereview_overview.html"),
        HISTORY_TAB,
    )

    def overview_context(self):
        return {
            "facts": field_facts(
                self.object, ("principle", "verdict", "reason", "reviewed_on", "reviewer"),
            ),
            "subject_url": object_url(self.object.subject),
        }


# -- forms -------------------------------------------------------------------------------


class PrincipleCreateView(ObjectCreateView):
    model = Principle
    form_class = PrincipleForm

    def save(self, form):
        return principle_create(
            actor=self.request.user, organisation=self.organisation, **form.field_data()
        )


class PrincipleUpdateView(ObjectUpdateView):
    model = Principle
    form_class = PrincipleForm

    def save(self, form):
        return principle_update(
            actor=self.request.user, principle=self.object, data=form.field_data()
        )


class PrincipleDeleteView(ObjectDeleteView):
    model = Principle

    def delete(self, obj):
        principle_delete(actor=self.request.user, principle=obj)


class PrincipleNewVersionView(ObjectUpdateView):
    """Version n+1 of a principle: the form starts as the current version; saving makes
    the new version current and the old one inactive (it keeps its reviews)."""

    model = Principle
    form_class = PrincipleVersionForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["initial"] = {"valid_from": timezone.localdate()}
        return kwargs

    def save(self, form):
        data = form.field_data()
        valid_from = data.pop("valid_from", None)
        return principle_new_version(
            actor=self.request.user, principle=self.object, valid_from=valid_from, **data
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = object_url(self.object)
        return context

    def success_url_for(self, obj) -> str:
        return object_url(obj)

    def success_message(self, obj) -> str:
        return _("Version %(version)s af “%(principle)s” er oprettet.") % {
            "version": obj.version, "principle": obj.title,
        }


class ArchitectureReviewUpdateView(ObjectUpdateView):
    model = ArchitectureReview
    form_class = ArchitectureReviewForm
    related = ("principle", "project", "request", "usage__system")

    def save(self, form):
        return review_update(actor=self.request.user, review=self.object,
                             data=form.field_data())


class ArchitectureReviewDeleteView(ObjectDeleteView):
    model = ArchitectureReview

    def delete(self, obj):
        review_delete(actor=self.request.user, review=obj)

    def after_delete_url(self, obj) -> str:
        return object_url(obj.subject) or super().after_delete_url(obj)


class SubjectReviewView(LoginRequiredMixin, FormView):
    """Vurder mod principper: one row per principle in force of the subject's
    organisation (verdict and reason), saved together through review_subject. Another
    organisation's subject is 404; a reader is refused (403)."""

    template_name = "governance/principle_review_form.html"
    form_class = SubjectReviewForm
    subject_model = None
    success_tab = "arkitektur"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.subject = get_visible_or_404(self.subject_model, request.user, kwargs["uuid"])
        if not has_role(request.user, self.subject.organisation_id, at_least=EDITOR):
            raise PermissionDenied(_("Du har ikke rettigheder til at ændre dette objekt."))
        self.principles = list(
            Principle.objects.filter(organisation_id=self.subject.organisation_id).current()
            .order_by("area", "code", "title")
        )
        return super().dispatch(request, *args, **kwargs)

    def existing(self) -> dict:
        field = {Project: "project", NewSystemRequest: "request", SystemUsage: "usage"}[
            self.subject_model]
        return {
            review.principle_id: review
            for review in ArchitectureReview.objects.filter(**{field: self.subject})
        }

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            principles=self.principles, existing=self.existing(), user=self.request.user,
            organisation=self.subject.organisation,
        )
        kwargs.setdefault("initial", {})["reviewed_on"] = timezone.localdate()
        return kwargs

    def form_valid(self, form):
        try:
            with transaction.atomic():
                saved = review_subject(
                    actor=self.request.user, subject=self.subject,
                    verdicts=form.verdicts(), reviewed_on=form.cleaned_data["reviewed_on"],
                    reviewer=form.cleaned_data.get("reviewer"),
                )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("%(count)s vurderinger er gemt.") % {
            "count": len(saved)})
        return redirect(self.subject_url())

    def subject_url(self) -> str:
        url = object_url(self.subject) or reverse("home")
        return f"{url}?tab={self.success_tab}" if self.success_tab else url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(subject=self.subject, cancel_url=self.subject_url(),
                       principle_list_url=reverse("principle_list"))
        return context


class ProjectReviewView(SubjectReviewView):
    subject_model = Project


class RequestReviewView(SubjectReviewView):
    subject_model = NewSystemRequest
    # The request's page belongs to the requests' pages; its reviews panel is on the
    # overview.
    success_tab = ""


class UsageReviewView(SubjectReviewView):
    subject_model = SystemUsage


# -- the compliance matrix -----------------------------------------------------------------


class ComplianceMatrixView(LoginRequiredMixin, TemplateView):
    """Principles in force × forvaltninger: the verdicts of the reviews of subjects in
    each forvaltning, each count linking to those reviews; ?format=xlsx exports it.
    The principle list's filters narrow the rows (?area=, ?organisation= ...)."""

    template_name = "governance/principle_matrix.html"

    def get(self, request, *args, **kwargs):
        filterset = PrincipleFilterSet(
            request.GET, queryset=Principle.objects.visible_to(request.user), request=request
        )
        valid = filterset.is_valid()
        self.matrix = compliance_matrix(
            request.user, filterset.qs if valid else Principle.objects.none()
        )
        self.errors = filterset.errors
        if request.GET.get("format") == "xlsx" and valid:
            headers, rows = matrix_sheet_rows(self.matrix)
            content = build_workbook([SheetData(title=str(_("Efterlevelse")),
                                                headers=headers, rows=rows)])
            return workbook_response(
                content, f"principmatrix-{timezone.localdate().isoformat()}.xlsx")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query["format"] = "xlsx"
        context.update(
            matrix=self.matrix, errors=self.errors,
            export_url=f"{self.request.path}?{query.urlencode()}",
        )
        return context
