"""The user's side of alerts: in-app notifications, each organisation's alert rules and
the personal iCal feed of deadlines.

Lives in ``kitos`` because it combines contracts and gdpr (like kitos/alerts.py).
"""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView
from icalendar import Calendar, Event

from contracts.models import Contract
from kitos.detail import VisibleObjectMixin, add_service_errors, can_edit
from kitos.links import object_url, site_url
from kitos.models import Organisation
from kitos.services import create_object, delete_object, update_object
from kitos.tenancy import ADMIN, READER, has_role
from kitos.views import OrganisationFromUrlMixin
from roles.models import Person, RoleType, role_target_models
from roles.services import person_rotate_calendar_token

from . import services as alerts
from .advice import (
    advice_create,
    advice_deactivate,
    advice_delete,
    advice_update,
    person_advice_sends,
    usable_role_types,
)
from .models import (
    ADVICE_TARGET_KINDS,
    Advice,
    AdviceRepetition,
    AlertDelivery,
    AlertRule,
    ContractSubscription,
)
from .my_deadlines import calendar_url, person_deadlines
from .services import contract_subscribe, contract_unsubscribe


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# -- notifications --------------------------------------------------------------------


class NotificationListView(LoginRequiredMixin, ListView):
    """The user's alerts (deadline alerts and the advice sent to them), newest first,
    each linking to its object, and the addresses of the user's calendar feeds."""

    template_name = "alerts/notifications.html"
    context_object_name = "deliveries"
    paginate_by = 25

    def get_queryset(self):
        return (
            AlertDelivery.objects.for_user(self.request.user)
            .select_related("rule", "organisation", "content_type", "advice_sent__advice")
            .order_by("-created_at", "deadline", "pk")
        )

    def _attach_urls(self, deliveries) -> None:
        """Set ``url`` on each delivery, only for objects the user may still see."""
        user = self.request.user
        paths = alerts.detail_paths(deliveries, scope=lambda model: model.objects.visible_to(user))
        for delivery in deliveries:
            delivery.url = paths.get((delivery.content_type.model_class(), delivery.object_id))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        self._attach_urls(context["deliveries"])
        context["today"] = timezone.localdate()
        context["calendars"] = [
            (person, calendar_url(person, request=self.request))
            for person in Person.objects.visible_to(user)
            .still_working(context["today"])
            .filter(user_id=user.pk)
            .select_related("organisation")
            .order_by("organisation__name")
        ]
        context["organisations"] = Organisation.objects.visible_to(user).only("name", "slug")
        return context


class CalendarTokenRotateView(LoginRequiredMixin, View):
    """Give one of the user's own persons a new calendar address (POST)."""

    http_method_names = ["post"]

    def post(self, request, uuid):
        person = get_object_or_404(
            Person.objects.visible_to(request.user)
            .still_working(timezone.localdate())
            .filter(user_id=request.user.pk),
            uuid=uuid,
        )
        person_rotate_calendar_token(actor=request.user, person=person)
        messages.success(
            request,
            _("Din kalender har fået en ny adresse. Den gamle adresse virker ikke længere."),
        )
        return redirect(reverse("notification_list") + "#calendar-heading")


class NotificationMarkReadView(LoginRequiredMixin, View):
    """Mark one of the user's alerts read (POST); someone else's is 404."""

    http_method_names = ["post"]

    def post(self, request, pk):
        updated = (
            AlertDelivery.objects.for_user(request.user)
            .filter(pk=pk, read_at__isnull=True)
            .update(read_at=timezone.now())
        )
        if not updated and not AlertDelivery.objects.for_user(request.user).filter(pk=pk).exists():
            raise Http404
        return redirect(_safe_next(request, reverse("notification_list")))


class NotificationMarkAllReadView(LoginRequiredMixin, View):
    """Mark every unread alert of the user read (POST)."""

    http_method_names = ["post"]

    def post(self, request):
        count = (
            AlertDelivery.objects.for_user(request.user)
            .unread()
            .update(read_at=timezone.now())
        )
        if count:
            messages.success(request, _("Alle varsler er markeret som læst."))
        return redirect(_safe_next(request, reverse("notification_list")))


# -- alert rules ----------------------------------------------------------------------


class AlertRuleForm(forms.ModelForm):
    class Meta:
        model = AlertRule
        fields = ["kind", "days_before"]
        help_texts = {
            "days_before": gettext_lazy("0 betyder på selve dagen; højst 730 dage."),
        }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, instance=AlertRule(organisation=organisation), **kwargs)

    def clean(self):
        cleaned = super().clean()
        kind, days = cleaned.get("kind"), cleaned.get("days_before")
        # The organisation is not a form field, so ModelForm skips the unique constraint;
        # check it here for a clear message instead of a database error.
        if kind and days is not None and AlertRule.objects.filter(
            organisation_id=self.instance.organisation_id, kind=kind, days_before=days
        ).exists():
            raise ValidationError(
                _("Der findes allerede en regel for denne frist med samme antal dage.")
            )
        return cleaned


class OrganisationRulesMixin(OrganisationFromUrlMixin):
    """The organisation from the URL among the user's own (others are 404); writes need
    an admin of it (others: 403)."""

    edit_role = ADMIN
    permission_denied_message = gettext_lazy(
        "Kun organisationens administratorer kan ændre reglerne."
    )

    def rules(self):
        return AlertRule.objects.visible_to(self.request.user).in_organisation(self.organisation)

    def list_url(self) -> str:
        return reverse("alert_rule_list", args=[self.organisation.slug])


class AlertRuleListView(OrganisationRulesMixin, TemplateView):
    """An organisation's alert rules; its admins add, switch on/off and delete them.

    An organisation with no rules gets the defaults when the page is opened, exactly as
    the next scan would give them (``alerts.ensure_default_rules`` is idempotent): the
    admin then edits real rules, and a first rule added by hand does not silently stop
    the defaults from ever being created.
    """

    template_name = "alerts/alert_rules.html"

    def get(self, request, *args, **kwargs):
        self._ensure_rules()
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        self.require_edit()
        self._ensure_rules()
        form = self._form(data=request.POST)
        if form.is_valid():
            try:
                rule = create_object(actor=request.user, instance=form.instance)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Reglen “%(rule)s” er oprettet.") % {"rule": rule})
                return redirect(self.list_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def _ensure_rules(self) -> None:
        if not self.rules().exists():
            alerts.ensure_default_rules()

    def _form(self, data=None):
        return AlertRuleForm(data, organisation=self.organisation) if self.can_edit else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_admin"] = self.can_edit
        context["rules"] = self.rules().annotate(
            has_deliveries=Exists(AlertDelivery.objects.filter(rule=OuterRef("pk")))
        )
        return context


class AlertRuleChangeView(OrganisationRulesMixin, View):
    """Switch a rule on/off or delete it (POST, admins). A rule that has fired cannot be
    deleted: its deliveries (the alert log) would go with it; deactivate it instead."""

    http_method_names = ["post"]
    action = "toggle"

    def post(self, request, *args, **kwargs):
        rule = get_object_or_404(self.rules(), pk=kwargs["pk"])
        self.require_edit()
        if self.action == "toggle":
            update_object(actor=request.user, instance=rule, data={"is_active": not rule.is_active})
            if rule.is_active:
                messages.success(request, _("Reglen “%(rule)s” er slået til.") % {"rule": rule})
            else:
                messages.success(request, _("Reglen “%(rule)s” er slået fra.") % {"rule": rule})
        elif rule.deliveries.exists():
            messages.error(
                request,
                _(
                    "Reglen “%(rule)s” har sendt varsler og kan ikke slettes, fordi "
                    "varslingsloggen så ville forsvinde. Slå den fra i stedet."
                )
                % {"rule": rule},
            )
        else:
            delete_object(actor=request.user, instance=rule)
            messages.success(request, _("Reglen “%(rule)s” er slettet.") % {"rule": rule})
        return redirect(self.list_url())


# -- the personal calendar ------------------------------------------------------------

# (field on Contract, UID suffix, summary) for each contract date in the feed.
def _event(*, uid: str, day: datetime.date, summary: str, url: str, why: str, stamp, org: str):
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)  # a date, so VALUE=DATE: an all-day event
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", f"{org}\n{why}\n{url}")
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    return event


def person_calendar_events(person: Person, *, today: datetime.date, stamp,
                           request=None) -> list[Event]:
    """The person's deadlines as all-day events: exactly those of their Min side
    (alerts.my_deadlines), and the days the advice they receive will be sent
    (alerts.advice.person_advice_sends), in a fixed number of queries."""
    org = person.organisation.name
    return [
        _event(
            uid=due.uid,
            day=due.date,
            summary=f"{due.label}: {due.name}" + (
                f" ({_('besluttet')}: {due.decision})" if due.decision else ""
            ),
            url=site_url(due.path, request=request),
            why=_("Din rolle: %(roles)s") % {"roles": "; ".join(map(str, due.reasons))},
            stamp=stamp,
            org=org,
        )
        for due in [*person_deadlines(person, today=today),
                    *person_advice_sends(person, today=today)]
    ]


class PersonCalendarView(View):
    """The iCal feed of a person's deadlines. No login: the secret token in the URL is
    the credential (Outlook and phones subscribe without a session); a person who has
    left gets nothing."""

    http_method_names = ["get", "head"]

    def get(self, request, token: str):
        person = (
            Person.objects.still_working(timezone.localdate())
            .filter(calendar_token=token)
            .select_related("organisation", "user")
            .first()
        )
        if person is None:
            raise Http404
        # A person with a login only keeps the feed while that login is an active member
        # of the person's organisation.
        if person.user_id and not has_role(
            person.user, person.organisation_id, at_least=READER
        ):
            raise Http404
        now = timezone.now()
        with translation.override(settings.LANGUAGE_CODE):
            calendar = Calendar()
            calendar.add("prodid", "-//kitos//frister//DA")
            calendar.add("version", "2.0")
            calendar.add("calscale", "GREGORIAN")
            calendar.add("method", "PUBLISH")
            calendar.add(
                "x-wr-calname", _("kitos: frister for %(name)s") % {"name": person.name}
            )
            calendar.add("x-wr-timezone", settings.TIME_ZONE)
            calendar.add("x-published-ttl", "PT6H")
            for event in person_calendar_events(
                person, today=timezone.localdate(now), stamp=now, request=request
            ):
                calendar.add_component(event)
        response = HttpResponse(
            calendar.to_ical(), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = 'inline; filename="kitos.ics"'
        # The URL is a secret: keep it out of shared caches and search engines.
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Robots-Tag"] = "noindex"
        return response


# The alert log shows the newest deliveries; older ones stay in the database.
ALERT_LOG_LIMIT = 100


def alert_log_context(user, obj) -> dict:
    """The newest alert deliveries about `obj`, for the overview of contracts and data
    processing agreements (registered in kitos.hooks by AlertsConfig.ready)."""
    log = list(
        # The advice's sends are logged on its own page (the "Advis" tab).
        AlertDelivery.objects.visible_to(user).of_rules()
        .filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        .select_related("rule", "digest")
        .order_by("-created_at", "deadline", "email")[: ALERT_LOG_LIMIT + 1]
    )
    return {
        "alert_log": log[:ALERT_LOG_LIMIT],
        "alert_log_truncated": len(log) > ALERT_LOG_LIMIT,
        "alert_log_limit": ALERT_LOG_LIMIT,
    }


def subscriptions_context(user, contract) -> dict:
    """Who follows `contract`, and whether the user's own person does (the subscribe
    button on the contract's overview)."""
    subscriptions = list(
        ContractSubscription.objects.visible_to(user)
        .filter(contract=contract)
        .select_related("person")
        .order_by("person__name")
    )
    person = own_person(user, contract.organisation_id)
    return {
        "subscriptions": subscriptions,
        "own_person": person,
        "is_subscribed": person is not None
        and any(s.person_id == person.pk for s in subscriptions),
    }


def person_subscriptions_context(user, person) -> dict:
    """The contracts whose alerts `person` subscribes to, for the person's
    responsibilities page (registered in kitos.hooks by AlertsConfig.ready)."""
    return {
        "subscriptions": ContractSubscription.objects.filter(person=person)
        .select_related("contract")
        .order_by("contract__name")
    }


def own_person(user, organisation_id) -> Person | None:
    """The logged-in user's person in an organisation (who alerts reach), if any."""
    return (
        Person.objects.still_working(timezone.localdate())
        .filter(organisation_id=organisation_id, user_id=user.pk)
        .first()
    )


class ContractSubscriptionView(VisibleObjectMixin, View):
    """Subscribe or unsubscribe the logged-in user's own person (POST only). Reading the
    contract is enough: the subscription is personal and changes nothing on it."""

    model = Contract
    http_method_names = ["post"]
    subscribe = True

    def post(self, request, *args, **kwargs):
        contract = self.get_object()
        person = own_person(request.user, contract.organisation_id)
        if person is None:
            raise PermissionDenied(
                _("Du er ikke registreret som person i kontraktens organisation.")
            )
        if self.subscribe:
            contract_subscribe(actor=request.user, contract=contract, person=person)
            messages.success(request, _("Du får nu varsler om denne kontrakt."))
        else:
            contract_unsubscribe(actor=request.user, contract=contract, person=person)
            messages.success(request, _("Du får ikke længere varsler om denne kontrakt."))
        return redirect("contract_detail", uuid=contract.uuid)


# -- manual advice (advis) ------------------------------------------------------------


def _email_lines(addresses) -> str:
    return "\n".join(addresses or ())


class AdviceForm(forms.Form):
    """An advice's fields; the writes go through alerts.advice."""

    name = forms.CharField(
        label=gettext_lazy("Navn"), max_length=200, required=False,
        help_text=gettext_lazy("Til at kende advis'et på; modtagerne ser emnet."),
    )
    subject = forms.CharField(label=gettext_lazy("Emne"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Tekst"), widget=forms.Textarea, required=False)
    repetition = forms.ChoiceField(label=gettext_lazy("Gentagelse"), choices=AdviceRepetition)
    alarm_at = forms.DateTimeField(
        label=gettext_lazy("Første afsendelse"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Ved 'Straks' sendes advis'et nu."),
    )
    stop_on = forms.DateField(
        label=gettext_lazy("Stopdato"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Der sendes ikke efter denne dag. Tom: indtil det slås fra."),
    )
    to_roles = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Modtagere (roller)"), queryset=RoleType.objects.none(),
        required=False, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Dem der har rollen på objektet, når advis'et sendes."),
    )
    to_emails = forms.CharField(
        label=gettext_lazy("Modtagere (e-mail)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("En adresse pr. linje (eller adskilt af komma), højst 20."),
    )
    cc_roles = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Cc (roller)"), queryset=RoleType.objects.none(),
        required=False, widget=forms.CheckboxSelectMultiple,
    )
    cc_emails = forms.CharField(
        label=gettext_lazy("Cc (e-mail)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_active = forms.BooleanField(label=gettext_lazy("Aktiv"), required=False)

    def __init__(self, *args, roles, is_create: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_roles"].queryset = roles
        self.fields["cc_roles"].queryset = roles
        if is_create:
            del self.fields["is_active"]

    def clean(self):
        cleaned = super().clean()
        repeating = cleaned.get("repetition") not in (None, AdviceRepetition.IMMEDIATE)
        if repeating and not cleaned.get("alarm_at") and "alarm_at" not in self.errors:
            self.add_error("alarm_at", _("Et gentaget advis skal have en første afsendelse."))
        return cleaned


def advice_context(user, obj) -> dict:
    """The advice on `obj` and whether the user may set them (the "Advis" tab)."""
    return {
        "advice_list": list(
            Advice.objects.visible_to(user).about(obj)
            .order_by("-is_active", "next_send_at", "subject", "pk")
        ),
        "advice_can_edit": can_edit(user, obj),
        "advice_create_url": reverse("advice_create", args=[obj.role_target, obj.uuid]),
    }


class AdviceTargetMixin(LoginRequiredMixin):
    """The object an advice is on, among those the user may see (others: 404)."""

    def get_target(self, kind: str, uuid):
        model = role_target_models().get(kind) if kind in ADVICE_TARGET_KINDS else None
        if model is None:
            raise Http404
        return get_object_or_404(model.objects.visible_to(self.request.user), uuid=uuid)


class AdviceFormView(AdviceTargetMixin, TemplateView):
    """Set an advice on an object, or change one (editors of the object; readers 403)."""

    template_name = "alerts/advice_form.html"
    advice = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if "kind" in kwargs:
            self.target = self.get_target(kwargs["kind"], kwargs["uuid"])
        else:
            self.advice = get_object_or_404(
                Advice.objects.visible_to(request.user).select_related("content_type"),
                uuid=kwargs["uuid"],
            )
            self.target = self.advice.target
            if self.target is None:
                raise Http404
        self.target.check_editable_by(request.user)
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data=None):
        roles = usable_role_types(self.target.organisation_id, self.target.role_target)
        initial = {"repetition": AdviceRepetition.IMMEDIATE}
        if self.advice is not None:
            advice = self.advice
            initial = {
                "name": advice.name, "subject": advice.subject, "body": advice.body,
                "repetition": advice.repetition,
                "alarm_at": timezone.localtime(advice.alarm_at).replace(tzinfo=None),
                "stop_on": advice.stop_on, "is_active": advice.is_active,
                "to_roles": list(advice.to_roles.all()),
                "cc_roles": list(advice.cc_roles.all()),
                "to_emails": _email_lines(advice.to_emails),
                "cc_emails": _email_lines(advice.cc_emails),
            }
        return AdviceForm(data, initial=initial, roles=roles, is_create=self.advice is None)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            to_roles, cc_roles = data.pop("to_roles"), data.pop("cc_roles")
            try:
                if self.advice is None:
                    advice = advice_create(
                        actor=request.user, target=self.target, **data,
                        to_roles=to_roles, cc_roles=cc_roles,
                    )
                    messages.success(request, _("Advis'et “%(advice)s” er oprettet.")
                                     % {"advice": advice})
                else:
                    if data["repetition"] == AdviceRepetition.IMMEDIATE:
                        data.pop("alarm_at")  # sent (or sending) now: its time stays
                    advice = advice_update(
                        actor=request.user, advice=self.advice, data=data,
                        to_roles=to_roles, cc_roles=cc_roles,
                    )
                    messages.success(request, _("Advis'et “%(advice)s” er gemt.")
                                     % {"advice": advice})
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("advice_detail", uuid=advice.uuid)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(target=self.target, advice=self.advice,
                       target_url=object_url(self.target))
        return context


class AdviceDetailView(LoginRequiredMixin, TemplateView):
    """An advice, its recipients and its sent log."""

    template_name = "alerts/advice_detail.html"
    log_limit = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        advice = get_object_or_404(
            Advice.objects.visible_to(user).select_related("content_type", "created_by"),
            uuid=kwargs["uuid"],
        )
        target = advice.target
        log = list(advice.sent.order_by("-sent_at", "-pk")[: self.log_limit + 1])
        context.update(
            advice=advice, target=target,
            target_url=object_url(target) if target is not None else None,
            can_edit=target is not None and can_edit(user, target),
            to_roles=list(advice.to_roles.all()), cc_roles=list(advice.cc_roles.all()),
            sent_log=log[: self.log_limit], sent_log_truncated=len(log) > self.log_limit,
        )
        return context


class AdviceDeleteView(LoginRequiredMixin, View):
    """Delete an advice that was never sent (POST, editors of its object); one that was
    sent keeps its log and can only be switched off."""

    http_method_names = ["post"]

    def post(self, request, uuid):
        advice = get_object_or_404(
            Advice.objects.visible_to(request.user).select_related("content_type"), uuid=uuid
        )
        target = advice.target
        try:
            advice_delete(actor=request.user, advice=advice)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("advice_detail", uuid=advice.uuid)
        messages.success(request, _("Advis'et “%(advice)s” er slettet.") % {"advice": advice})
        return redirect(object_url(target) if target is not None else "notification_list")


class AdviceDeactivateView(LoginRequiredMixin, View):
    """Switch an advice off (POST, editors of its object)."""

    http_method_names = ["post"]

    def post(self, request, uuid):
        advice = get_object_or_404(
            Advice.objects.visible_to(request.user).select_related("content_type"), uuid=uuid
        )
        advice_deactivate(actor=request.user, advice=advice)
        messages.success(request, _("Advis'et “%(advice)s” er slået fra.") % {"advice": advice})
        return redirect("advice_detail", uuid=advice.uuid)
