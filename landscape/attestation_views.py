"""The attestation pages: the campaigns (list, create, edit, page with completeness per
forvaltning and its Excel export, open / close / next), every attestation (list and
page with the answer form) and *Mine attesteringer*, the logged-in person's own.
Writes go through landscape.attestation_services."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from kitos.detail import ObjectCreateView, ObjectUpdateView, get_visible_or_404
from kitos.excel.writer import SheetData, build_workbook, workbook_response
from kitos.links import object_url
from kitos.lists import ORGANISATION_COLUMN, UPDATED_COLUMN, Column, ListView
from kitos.tenancy import EDITOR, has_role
from roles.tables import unit_options

from . import attestation_services as services
from .attestation_choices import AttestationStatus, CampaignStatus
from .attestation_completeness import completeness
from .attestation_filtersets import AttestationCampaignFilterSet, AttestationFilterSet
from .attestation_forms import AttestationCampaignForm, AttestForm
from .models import Attestation, AttestationCampaign

# -- lists -----------------------------------------------------------------------------


def _percent(row) -> int:
    total = row.attestation_count
    return 100 * row.answered_count // total if total else 0


CAMPAIGN_COLUMNS = (
    Column("title", gettext_lazy("Titel"), "title", sort="title"),
    Column("year", gettext_lazy("År"), "year", sort="year", kind="number"),
    Column("status", gettext_lazy("Status"), "get_status_display", sort="status"),
    Column("opens_on", gettext_lazy("Åbner"), "opens_on", sort="opens_on", kind="date"),
    Column("due_on", gettext_lazy("Frist"), "due_on", sort="due_on", kind="date"),
    Column("attestation_count", gettext_lazy("Attesteringer"), "attestation_count",
           sort="attestation_count", kind="number"),
    Column("answered_count", gettext_lazy("Besvaret"), "answered_count",
           sort="answered_count", kind="number"),
    Column("percent", gettext_lazy("Besvaret %"), _percent, kind="number"),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)


def _subject_kind(row) -> str:
    return str(_("System") if row.usage_id else _("Kontrakt"))


ATTESTATION_COLUMNS = (
    Column("subject", gettext_lazy("System eller kontrakt"),
           lambda row: str(row.subject)),
    Column("kind", gettext_lazy("Type"), _subject_kind),
    Column("campaign", gettext_lazy("Kampagne"), "campaign.title", sort="campaign__title"),
    Column("unit", gettext_lazy("Ansvarlig enhed"), "unit.name", sort="unit__name"),
    Column("owner", gettext_lazy("Ansvarlig"), "owner.name", sort="owner__name"),
    Column("status", gettext_lazy("Status"), "get_status_display", sort="status"),
    Column("due_on", gettext_lazy("Frist"), "campaign.due_on", sort="campaign__due_on",
           kind="date"),
    Column("attested_at", gettext_lazy("Attesteret"), "attested_at", sort="attested_at",
           kind="date"),
    Column("comment", gettext_lazy("Kommentar"), "comment", default=False),
    ORGANISATION_COLUMN,
    UPDATED_COLUMN,
)


class AttestationCampaignListView(ListView):
    model = AttestationCampaign
    filterset_class = AttestationCampaignFilterSet
    columns = CAMPAIGN_COLUMNS
    title = gettext_lazy("Attesteringskampagner")
    create_label = gettext_lazy("Ny kampagne")
    default_sort = "opens_on"
    panel_first = ("status", "year")


class AttestationListView(ListView):
    model = Attestation
    filterset_class = AttestationFilterSet
    columns = ATTESTATION_COLUMNS
    title = gettext_lazy("Attesteringer")
    default_sort = "unit"
    filter_options = {"within": unit_options, "unit": unit_options}
    panel_first = ("status", "within", "no_unit")
    panel_hidden = ("unit", "campaign", "owner", "usage", "contract")

    def create_url(self):
        # Attestations come from opening a campaign.
        return None


# -- campaigns -------------------------------------------------------------------------


class AttestationCampaignCreateView(ObjectCreateView):
    model = AttestationCampaign
    form_class = AttestationCampaignForm

    def get_initial(self):
        today = timezone.localdate()
        return {"year": today.year, "opens_on": today,
                "due_on": today + datetime.timedelta(days=30), "interval_months": 12}

    def save(self, form):
        return services.campaign_create(
            actor=self.request.user, organisation=self.organisation, **form.field_data()
        )


class AttestationCampaignUpdateView(ObjectUpdateView):
    model = AttestationCampaign
    form_class = AttestationCampaignForm

    def save(self, form):
        return services.campaign_update(
            actor=self.request.user, campaign=self.object, data=form.field_data()
        )


def campaign_sheets(campaign, rows, table) -> list[SheetData]:
    """The campaign's status as sheets: every attestation, and attested of asked per
    forvaltning."""
    statuses = dict(AttestationStatus.choices)
    attestations = SheetData(
        title=str(_("Attesteringer")),
        headers=[str(h) for h in (_("Type"), _("System eller kontrakt"),
                                  _("Ansvarlig enhed"), _("Ansvarlig"), _("Status"),
                                  _("Kommentar"), _("Attesteret"))],
        rows=[
            [_subject_kind(row), str(row.subject), row.unit.name if row.unit else "",
             row.owner.name if row.owner else "", str(statuses[row.status]), row.comment,
             timezone.localtime(row.attested_at).replace(tzinfo=None)
             if row.attested_at else None]
            for row in rows
        ],
    )
    per_unit = SheetData(
        title=str(_("Pr. forvaltning")),
        headers=[str(h) for h in (_("Forvaltning"), _("Attesteringer"), _("Besvaret"),
                                  _("Afventer"), _("Besvaret %"))],
        rows=[[row.label, row.total, row.answered, row.pending, row.percent]
              for row in [*table.rows, table.total]],
    )
    return [attestations, per_unit]


class AttestationCampaignDetailView(LoginRequiredMixin, TemplateView):
    """A campaign: its dates and state, attested of asked per forvaltning (each number
    links to the attestations behind it), the steps an editor may take, and the
    export of its status (``?format=xlsx``)."""

    template_name = "landscape/attestation_campaign_detail.html"

    def get(self, request, *args, **kwargs):
        self.object = get_visible_or_404(
            AttestationCampaign, request.user, kwargs["uuid"], related=("organisation",)
        )
        self.table = completeness(user=request.user, campaign=self.object)
        if request.GET.get("format") == "xlsx":
            rows = (Attestation.objects.visible_to(request.user)
                    .filter(campaign=self.object).for_list()
                    .order_by("unit__name", "pk"))
            content = build_workbook(campaign_sheets(self.object, rows, self.table))
            return workbook_response(content, f"attestering-{self.object.year}.xlsx")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        campaign = self.object
        can_edit = has_role(self.request.user, campaign.organisation_id, at_least=EDITOR)
        uuid = campaign.uuid
        return super().get_context_data(
            campaign=campaign, object=campaign, table=self.table, can_edit=can_edit,
            is_open=campaign.status == CampaignStatus.OPEN,
            is_closed=campaign.status == CampaignStatus.CLOSED,
            export_url="?format=xlsx",
            update_url=reverse("attestationcampaign_update", args=[uuid]),
            open_url=reverse("attestationcampaign_open", args=[uuid]),
            close_url=reverse("attestationcampaign_close", args=[uuid]),
            next_url=reverse("attestationcampaign_next", args=[uuid]),
            **kwargs,
        )


class CampaignStepView(LoginRequiredMixin, TemplateView):
    """One step of a campaign (open, close, next): GET asks to confirm, POST takes the
    step through its service. Editors of the campaign's organisation only (else 403;
    another organisation's campaign is 404)."""

    template_name = "landscape/attestation_campaign_step.html"
    heading = ""
    explanation = ""
    button = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = get_visible_or_404(
            AttestationCampaign, request.user, kwargs["uuid"], related=("organisation",)
        )
        self.object.check_editable_by(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            campaign=self.object, heading=self.heading, explanation=self.explanation,
            button=self.button,
            cancel_url=reverse("attestationcampaign_detail", args=[self.object.uuid]),
            **kwargs,
        )

    def take_step(self):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            target, message = self.take_step()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("attestationcampaign_detail", self.object.uuid)
        messages.success(request, message)
        return redirect("attestationcampaign_detail", target.uuid)


class AttestationCampaignOpenView(CampaignStepView):
    heading = gettext_lazy("Åbn kampagnen")
    explanation = gettext_lazy(
        "Alle systemer i brug og alle løbende kontrakter får en attestering, som deres "
        "systemejer eller kontraktejer skal bekræfte eller rette inden fristen. De "
        "ansvarlige får påmindelser gennem varslingerne. Åbnes en åben kampagne igen, "
        "tilføjes kun systemer og kontrakter, der er kommet til siden."
    )
    button = gettext_lazy("Åbn kampagnen")

    def take_step(self):
        added = services.campaign_open(actor=self.request.user, campaign=self.object)
        return self.object, _("Kampagnen er åben; %(count)s attesteringer er tilføjet.") % {
            "count": added}


class AttestationCampaignCloseView(CampaignStepView):
    heading = gettext_lazy("Luk kampagnen")
    explanation = gettext_lazy(
        "Når kampagnen er lukket, kan der ikke længere attesteres, og der sendes ikke "
        "flere påmindelser."
    )
    button = gettext_lazy("Luk kampagnen")

    def take_step(self):
        services.campaign_close(actor=self.request.user, campaign=self.object)
        return self.object, _("Kampagnen er lukket.")


class AttestationCampaignNextView(CampaignStepView):
    heading = gettext_lazy("Opret næste kampagne")
    explanation = gettext_lazy(
        "Opretter den samme kampagne med datoerne flyttet kampagnens interval frem "
        "(årligt som standard), som kladde. Findes den allerede, åbnes den."
    )
    button = gettext_lazy("Opret næste kampagne")

    def take_step(self):
        successor = services.campaign_next(actor=self.request.user, campaign=self.object)
        return successor, _("Næste kampagne: %(title)s.") % {"title": successor.title}


# -- attestations ----------------------------------------------------------------------


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


class AttestationDetailView(LoginRequiredMixin, TemplateView):
    """One attestation: what is attested, by whom and by when, and (for its owner and
    the organisation's editors, while the campaign is open) the answer form."""

    template_name = "landscape/attestation_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = get_visible_or_404(
            Attestation, request.user, kwargs["uuid"],
            related=("campaign", "usage__system", "contract", "unit", "owner", "attested_by"),
        )
        self.can_attest = (services.may_attest(request.user, self.object)
                           and self.object.campaign.status == CampaignStatus.OPEN)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", AttestForm(initial={"comment": self.object.comment}))
        attestation = self.object
        return super().get_context_data(
            attestation=attestation, object=attestation, can_attest=self.can_attest,
            subject_url=_subject_url(attestation), next=_safe_next(self.request) or "",
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not services.may_attest(request.user, self.object):
            raise PermissionDenied(_("Kun den ansvarlige eller en redaktør kan attestere."))
        form = AttestForm(request.POST)
        if form.is_valid():
            try:
                services.attestation_attest(
                    actor=request.user, attestation=self.object,
                    status=form.cleaned_data["status"], comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                messages.success(request, _("Tak, din attestering er gemt."))
                return redirect(_safe_next(request) or reverse(
                    "attestation_detail", args=[self.object.uuid]))
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _subject_url(attestation) -> str | None:
    return object_url(attestation.subject)


class MyAttestationsView(LoginRequiredMixin, TemplateView):
    """The logged-in person's attestations in open campaigns: the pending ones first,
    each with its answer form, then those already answered."""

    template_name = "landscape/attestation_mine.html"

    def get_context_data(self, **kwargs):
        rows = list(
            Attestation.objects.visible_to(self.request.user)
            .filter(owner__user=self.request.user, campaign__status=CampaignStatus.OPEN)
            .for_list().order_by("campaign__due_on", "unit__name", "pk")
        )
        pending = [row for row in rows if row.status == AttestationStatus.PENDING]
        answered = [row for row in rows if row.status != AttestationStatus.PENDING]
        for row in pending:
            # One form per row on the page: ids told apart by the row.
            row.form = AttestForm(auto_id=f"id_{row.pk}_%s")
        return super().get_context_data(
            pending=pending, answered=answered,
            today=timezone.localdate(), **kwargs,
        )
