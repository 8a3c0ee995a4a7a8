"""The record of processing activities (GDPR article 30) as pages: the printable
register, its Excel export, adopting KL's standard activities, and the chain from a
contract, a system usage or a processing activity to the countries the data reaches."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, TemplateView

from contracts.models import Contract
from kitos.excel.writer import workbook_response
from kitos.tenancy import active_organisation
from kitos.views import OrganisationFromUrlMixin
from portfolio.models import SystemUsage

from . import chain as chains
from . import register
from .models import ProcessingActivity


class OrganisationPageMixin(OrganisationFromUrlMixin):
    """The organisation from the URL among the user's own (others are 404); its editors
    change the register."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = self.can_edit
        return context


class RegisterHomeView(LoginRequiredMixin, View):
    """The register of the organisation the user works in."""

    def get(self, request):
        organisation = active_organisation(request)
        if organisation is None:
            raise Http404
        return redirect("register", slug=organisation.slug)


class RegisterView(OrganisationPageMixin, TemplateView):
    """The register as a DPO hands it to Datatilsynet: one section per activity with every
    article 30 field, printable (page breaks, header with organisation and date)."""

    template_name = "gdpr/register.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = register.register_entries(self.request.user, self.organisation)
        context["entries"] = entries
        context["incomplete_count"] = sum(1 for entry in entries if entry.missing)
        context["dpo"] = register.organisation_dpo(self.request.user, self.organisation)
        context["today"] = timezone.localdate()
        return context


class RegisterExportView(OrganisationPageMixin, View):
    """The register as an Excel workbook, one row per activity."""

    def get(self, request, slug):
        today = timezone.localdate()
        content = register.register_workbook(
            register.register_entries(request.user, self.organisation),
            organisation=self.organisation,
            today=today,
            dpo=register.organisation_dpo(request.user, self.organisation),
        )
        return workbook_response(
            content, f"fortegnelse-{self.organisation.slug}-{today:%Y-%m-%d}.xlsx"
        )


class RegisterAdoptView(OrganisationPageMixin, TemplateView):
    """KL's standard activities, searchable and filterable by KLE main group, showing
    which the organisation has adopted; editors adopt one or many at a time."""

    template_name = "gdpr/register_adopt.html"
    permission_denied_message = gettext_lazy(
        "Kun redaktører kan føje aktiviteter til fortegnelsen."
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "")[:200]
        main_group = self.request.GET.get("hovedgruppe", "")[:2]
        entries = register.standard_catalogue(self.organisation, q=q, main_group=main_group)
        context.update(
            entries=entries,
            q=q,
            main_group=main_group,
            main_groups=register.standard_main_groups(),
            total=len(register.standard_activities()),
            adopted_count=sum(1 for entry in entries if entry.adopted),
            selected=set(self.request.POST.getlist("number")),
        )
        return context

    def post(self, request, slug):
        self.require_edit()
        try:
            result = register.adopt_standard_activities(
                actor=request.user,
                organisation=self.organisation,
                numbers=request.POST.getlist("number"),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return self.render_to_response(self.get_context_data(), status=400)
        if result.created:
            messages.success(
                request,
                _("%(count)s behandlingsaktiviteter er føjet til fortegnelsen. Udfyld formål, "
                  "retsgrundlag og de øvrige oplysninger på hver aktivitet.")
                % {"count": len(result.created)},
            )
        if result.linked:
            messages.info(
                request,
                _("%(count)s eksisterende aktiviteter med samme navn har fået KL-nummeret.")
                % {"count": len(result.linked)},
            )
        if result.already:
            messages.info(
                request,
                _("%(count)s var allerede i fortegnelsen og er ikke oprettet igen.")
                % {"count": len(result.already)},
            )
        url = reverse("register_adopt", args=[self.organisation.slug])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)


# ---------------------------------------------------------------------------------------
# The chain: contract → system → data → activities → processor → sub-processors → countries


class ChainView(LoginRequiredMixin, DetailView):
    """The chain from one object as an SVG diagram with the same content as a table.
    The object is looked up by its public id among those the user may see (404)."""

    slug_field = "uuid"
    slug_url_kwarg = "uuid"
    related = ()

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user).select_related(*self.related)

    template_name = "gdpr/chain.html"
    build = None
    kind = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chain = type(self).build(self.request.user, self.object)
        context.update(
            chain=chain,
            columns=chain.columns(),
            diagram=chains.layout(chain),
            kind=self.kind,
            start_url=chains.detail_url(self.object),
        )
        return context


class ContractChainView(ChainView):
    model = Contract
    related = ("organisation",)
    build = chains.contract_chain
    kind = gettext_lazy("Kontrakt")


class UsageChainView(ChainView):
    model = SystemUsage
    related = ("organisation", "system")
    build = chains.usage_chain
    kind = gettext_lazy("Systemanvendelse")


class ActivityChainView(ChainView):
    model = ProcessingActivity
    related = ("organisation",)
    build = chains.activity_chain
    kind = gettext_lazy("Behandlingsaktivitet")
