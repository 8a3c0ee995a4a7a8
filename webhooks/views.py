"""The organisation's webhook pages (organisation admins only): list, create, edit,
delete, and a subscription's page with its delivery log and buttons (test event,
switch on again, new secret, send a delivery again)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from kitos.detail import add_service_errors
from kitos.tenancy import ADMIN
from kitos.views import OrganisationFromUrlMixin

from . import events, services
from .models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookSubscription

LOG_PAGE_SIZE = 25
NEW_SECRET_SESSION_KEY = "webhooks_new_secret"


class WebhookMixin(OrganisationFromUrlMixin):
    required_role = ADMIN
    edit_role = ADMIN
    permission_denied_message = gettext_lazy(
        "Kun organisationens administratorer kan se og ændre webhooks."
    )

    @cached_property
    def subscription(self) -> WebhookSubscription:
        subscription = WebhookSubscription.objects.filter(
            organisation=self.organisation, uuid=self.kwargs["uuid"]
        ).first()
        if subscription is None:
            raise Http404
        return subscription

    def list_url(self) -> str:
        return reverse("webhook_list", args=[self.organisation.slug])

    def detail_url(self, subscription=None) -> str:
        subscription = subscription or self.subscription
        return reverse("webhook_detail", args=[self.organisation.slug, subscription.uuid])


class WebhookForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        label=gettext_lazy("Hændelser"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Bruges kun, når “alle hændelser” ikke er valgt."),
    )

    class Meta:
        model = WebhookSubscription
        fields = ("name", "url", "all_events", "event_types", "allow_internal", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = events.event_choices()
        if self.instance.pk is None:
            del self.fields["is_active"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all_events") and not cleaned.get("event_types"):
            raise ValidationError(
                _("Vælg mindst én hændelse, eller vælg “alle hændelser”."))
        return cleaned


class WebhookListView(WebhookMixin, TemplateView):
    template_name = "webhooks/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subscriptions"] = WebhookSubscription.objects.filter(
            organisation=self.organisation).order_by("name", "pk")
        return context


class WebhookFormView(WebhookMixin, TemplateView):
    """Create (no uuid in the URL) or edit a subscription."""

    template_name = "webhooks/form.html"

    @property
    def is_create(self) -> bool:
        return "uuid" not in self.kwargs

    def get_form(self):
        instance = None if self.is_create else self.subscription
        data = self.request.POST if self.request.method == "POST" else None
        return WebhookForm(data, instance=instance)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.get_form())
        context.update(
            is_create=self.is_create,
            cancel_url=self.list_url() if self.is_create else self.detail_url(),
            subscription=None if self.is_create else self.subscription,
        )
        return context

    def post(self, request, *args, **kwargs):
        self.require_edit()
        form = self.get_form()
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.fields}
            if data.get("all_events"):
                data["event_types"] = []
            try:
                if self.is_create:
                    subscription = services.subscription_create(
                        actor=request.user, organisation=self.organisation, data=data)
                    request.session[NEW_SECRET_SESSION_KEY] = {
                        str(subscription.uuid): subscription.secret}
                    messages.success(request, _("Webhooken er oprettet."))
                else:
                    stored = WebhookSubscription.objects.get(pk=self.subscription.pk)
                    subscription = services.subscription_update(
                        actor=request.user, subscription=stored, data=data)
                    messages.success(request, _("Webhooken er gemt."))
                return redirect(self.detail_url(subscription))
            except ValidationError as error:
                add_service_errors(form, error)
        return self.render_to_response(self.get_context_data(form=form))


class WebhookDeleteView(WebhookMixin, TemplateView):
    template_name = "kitos/object_confirm_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        count = self.subscription.deliveries.count()
        context.update(
            object=self.subscription, cancel_url=self.detail_url(),
            verbose_name=WebhookSubscription._meta.verbose_name,
            removed=[{"label": _("Leverancer i loggen"), "count": count}] if count else [],
        )
        return context

    def post(self, request, *args, **kwargs):
        self.require_edit()
        services.subscription_delete(actor=request.user, subscription=self.subscription)
        messages.success(request, _("Webhooken er slettet."))
        return redirect(self.list_url())


class WebhookDetailView(WebhookMixin, TemplateView):
    """The subscription and its delivery log, newest first, paged (a fixed number of
    queries whatever the page holds)."""

    template_name = "webhooks/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        deliveries = (
            WebhookDelivery.objects.filter(subscription=self.subscription)
            .defer("body")
            .order_by("-created_at", "-pk")
        )
        page = Paginator(deliveries, LOG_PAGE_SIZE).get_page(self.request.GET.get("side"))
        secrets_shown = self.request.session.pop(NEW_SECRET_SESSION_KEY, None) or {}
        labels = dict(events.event_choices())
        context.update(
            subscription=self.subscription, page=page, deliveries=list(page.object_list),
            new_secret=secrets_shown.get(str(self.subscription.uuid)),
            event_labels=[labels.get(t, t) for t in self.subscription.event_types],
            retryable=(DeliveryStatus.GIVEN_UP, DeliveryStatus.CANCELLED),
        )
        return context


class WebhookDeliveryView(WebhookMixin, TemplateView):
    """One delivery: its body as sent (pretty-printed) and every attempt."""

    template_name = "webhooks/delivery.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        delivery = (
            WebhookDelivery.objects.filter(subscription=self.subscription,
                                           uuid=self.kwargs["delivery"])
            .prefetch_related(Prefetch("attempt_log",
                                       queryset=WebhookAttempt.objects.order_by("number")))
            .first()
        )
        if delivery is None:
            raise Http404
        try:
            body = json.dumps(json.loads(delivery.body), indent=2, ensure_ascii=False)
        except ValueError:
            body = delivery.body
        context.update(subscription=self.subscription, delivery=delivery, body=body,
                       retryable=(DeliveryStatus.GIVEN_UP, DeliveryStatus.CANCELLED))
        return context


class WebhookActionView(WebhookMixin, View):
    """The buttons (POST only): test event, switch on again, new secret, send again."""

    action = ""

    def post(self, request, *args, **kwargs):
        self.require_edit()
        subscription = self.subscription
        if self.action == "test":
            if not subscription.is_active:
                messages.error(request, _("Webhooken er slået fra: slå den til først."))
            else:
                services.send_test_event(actor=request.user, subscription=subscription)
                messages.success(request, _("Testhændelsen er sendt i kø."))
        elif self.action == "enable":
            services.subscription_enable(actor=request.user, subscription=subscription)
            messages.success(request, _("Webhooken er slået til igen."))
        elif self.action == "secret":
            secret = services.subscription_new_secret(actor=request.user,
                                                      subscription=subscription)
            request.session[NEW_SECRET_SESSION_KEY] = {str(subscription.uuid): secret}
            messages.success(request, _("Der er lavet en ny hemmelighed."))
        elif self.action == "resend":
            delivery = WebhookDelivery.objects.filter(
                subscription=subscription, uuid=self.kwargs["delivery"]).first()
            if delivery is None:
                raise Http404
            if not subscription.is_active:
                messages.error(request, _("Webhooken er slået fra: slå den til først."))
            else:
                services.resend(actor=request.user, delivery=delivery)
                messages.success(request, _("Leverancen sendes igen."))
        return redirect(self.detail_url())
