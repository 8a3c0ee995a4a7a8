"""New-system request pages (the buying process): the list (FilterSet, export), a
request's page (need, duplicate check, goals and principles, the specialists'
sign-offs, the steering group's decisions), the create / edit / delete forms, the
steps (submit, sign off, withdraw) and the duplicate check beside the form (htmx).
Writes go through governance.request_services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kitos.detail import (
    HISTORY_TAB,
    ObjectCreateView,
    ObjectDeleteView,
    ObjectUpdateView,
    Tab,
    TabbedDetailView,
    can_edit,
    editable_organisations,
    field_facts,
    get_visible_or_404,
    overview_tab,
)
from kitos.lists import ListView
from portfolio.choices import BusinessType
from portfolio.models import KleNumber
from roles.models import Person
from roles.tables import unit_options

from . import request_tables
from .choices import RequestStatus, SignOffVerdict
from .duplicate_check import request_duplicates, systems_in_use
from .models import NewSystemRequest
from .request_filtersets import NewSystemRequestFilterSet
from .request_forms import NewSystemRequestForm, SignOffForm
from .request_services import (
    request_create,
    request_delete,
    request_sign_off,
    request_submit,
    request_update,
    request_withdraw,
)

# The most KLE numbers the duplicate check beside the form looks up at once.
MAX_CHECKED_KLE = 200


class NewSystemRequestListView(ListView):
    model = NewSystemRequest
    filterset_class = NewSystemRequestFilterSet
    columns = request_tables.REQUEST_COLUMNS
    title = gettext_lazy("Anmodninger om nye systemer")
    create_label = gettext_lazy("Ny anmodning")
    default_sort = "submitted_on"
    filter_options = {"unit": unit_options, "within": unit_options}
    panel_first = ("status", "within", "business_type", "kle", "submitted_on")
    panel_hidden = ("unit",)


class NewSystemRequestDetailView(TabbedDetailView):
    """A request: its need and facts, the systems already in use for the same tasks,
    the specialists' sign-offs (each role signs here), the decisions on it."""

    model = NewSystemRequest
    related = ("organisation", "unit", "requested_by", "project")
    prefetch = ("kle_numbers", "goals", "principles")
    tabs = (
        overview_tab("governance/request_overview.html"),
        Tab("dubletter", gettext_lazy("Dublettjek"), "duplicates",
            "governance/request_duplicates.html"),
        Tab("vurderinger", gettext_lazy("Specialistvurderinger"), "sign_offs",
            "governance/request_sign_offs.html"),
        Tab("beslutninger", gettext_lazy("Beslutninger"), "decisions",
            "governance/request_decisions.html"),
        HISTORY_TAB,
    )

    def overview_context(self):
        request = self.object
        editable = can_edit(self.request.user, request)
        return {
            "facts": field_facts(
                request,
                ("title", "need", "status", "unit", "requested_by", "business_type",
                 "kle_numbers", "goals", "principles", "expected_investment",
                 "expected_yearly_cost", "needed_by", "submitted_on", "project"),
            ),
            "can_submit": editable and request.status == RequestStatus.DRAFT,
            "can_withdraw": editable and request.is_open,
            "submit_url": reverse("newsystemrequest_submit", args=[request.uuid]),
            "withdraw_url": reverse("newsystemrequest_withdraw", args=[request.uuid]),
            "duplicates": request_duplicates(request),
        }

    def duplicates_context(self):
        return {"duplicates": request_duplicates(self.object)}

    def sign_offs_context(self):
        request = self.object
        signing = can_edit(self.request.user, request) and request.status in (
            RequestStatus.IN_REVIEW, RequestStatus.AWAITING_DECISION)
        return {
            "sign_offs": request.sign_offs.select_related("person").order_by("pk"),
            "can_sign": signing,
            "sign_url": reverse("newsystemrequest_sign", args=[request.uuid]),
            "verdicts": [c for c in SignOffVerdict.choices if c[0] != SignOffVerdict.PENDING],
        }

    def decisions_context(self):
        from .decision_views import group_decisions

        request = self.object
        return {
            "decisions": group_decisions(self.request.user, request=request),
            "decision_create_url": reverse("decision_create") + f"?request={request.uuid}",
            "awaiting": request.status == RequestStatus.AWAITING_DECISION,
        }


# -- forms -------------------------------------------------------------------------------


class RequestFormMixin:
    model = NewSystemRequest
    form_class = NewSystemRequestForm
    template_name = "governance/request_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        kle = form["kle_numbers"].value() or []
        context["duplicate_url"] = reverse("newsystemrequest_duplicates")
        context["duplicates"] = systems_in_use(
            organisation=self.organisation,
            kle_numbers=KleNumber.objects.filter(pk__in=_ints(kle)[:MAX_CHECKED_KLE]),
            business_type=form["business_type"].value() or "",
        )
        context["checked"] = bool(kle or form["business_type"].value())
        return context


def _ints(values) -> list[int]:
    result = []
    for value in values:
        try:
            result.append(int(value))
        except (TypeError, ValueError):
            continue
    return result


class NewSystemRequestCreateView(RequestFormMixin, ObjectCreateView):
    def get_initial(self):
        initial = super().get_initial()
        person = Person.objects.filter(organisation=self.organisation,
                                       user=self.request.user).first()
        if person is not None:
            initial["requested_by"] = person.pk
        return initial

    def save(self, form):
        return request_create(actor=self.request.user, organisation=self.organisation,
                              **form.field_data(), **form.m2m_data())


class NewSystemRequestUpdateView(RequestFormMixin, ObjectUpdateView):
    # No prefetch of the links: the form reads them all in one query (kitos/forms.py).

    def save(self, form):
        return request_update(actor=self.request.user, request=self.object,
                              data=form.field_data(), **form.m2m_data())


class NewSystemRequestDeleteView(ObjectDeleteView):
    model = NewSystemRequest

    def delete(self, obj):
        request_delete(actor=self.request.user, request=obj)


# -- steps -------------------------------------------------------------------------------


class RequestStepView(LoginRequiredMixin, View):
    """A step of a request (POST only): 404 when the user cannot see it, 403 when they
    may not edit it; a refused step is shown as a message on the request's page."""

    tab = ""

    def post(self, request, uuid):
        obj = get_visible_or_404(NewSystemRequest, request.user, uuid)
        obj.check_editable_by(request.user)
        try:
            message = self.step(obj)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, message)
        url = reverse("newsystemrequest_detail", args=[obj.uuid])
        return redirect(f"{url}?tab={self.tab}" if self.tab else url)

    def step(self, obj) -> str:
        raise NotImplementedError


class RequestSubmitView(RequestStepView):
    def step(self, obj):
        request_submit(actor=self.request.user, request=obj)
        return _("Anmodningen er sendt til specialisternes vurdering.")


class RequestWithdrawView(RequestStepView):
    def step(self, obj):
        request_withdraw(actor=self.request.user, request=obj)
        return _("Anmodningen er trukket tilbage.")


class RequestSignOffView(RequestStepView):
    tab = "vurderinger"

    def step(self, obj):
        form = SignOffForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError([
                f"{form.fields[name].label}: {message}" if name in form.fields else message
                for name, errors in form.errors.items() for message in errors
            ])
        sign_off = request_sign_off(actor=self.request.user, request=obj,
                                    **form.cleaned_data)
        return _("%(role)s har afgivet sin vurdering.") % {"role": sign_off.get_role_display()}


class DuplicateCheckView(LoginRequiredMixin, View):
    """The duplicate check beside the request form (htmx): the systems the organisation
    already uses for the KLE numbers and business type picked so far."""

    def get(self, request):
        # The organisation the form is for, among those where the user may make requests.
        organisations = editable_organisations(request.user, NewSystemRequest.edit_role)
        slug = request.GET.get("organisation")
        if not slug:
            # The form has not said which organisation yet: nothing to check.
            return render(request, "governance/_request_duplicates.html",
                          {"duplicates": [], "checked": False})
        organisation = next((o for o in organisations if o.slug == slug), None)
        if organisation is None:
            raise Http404
        kle = _ints(request.GET.getlist("kle_numbers"))[:MAX_CHECKED_KLE]
        business_type = request.GET.get("business_type", "")
        if business_type not in BusinessType.values:
            business_type = ""
        duplicates = systems_in_use(
            organisation=organisation, kle_numbers=KleNumber.objects.filter(pk__in=kle),
            business_type=business_type,
        )
        return render(request, "governance/_request_duplicates.html", {
            "duplicates": duplicates, "checked": bool(kle or business_type),
        })
