"""The user's API keys: create (the key is shown once), list, revoke."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kitos.models import ApiToken, ApiTokenScope

from .tokens import api_token_create, api_token_revoke

LIFETIMES = [
    ("30", gettext_lazy("30 dage")),
    ("90", gettext_lazy("90 dage")),
    ("365", gettext_lazy("1 år")),
    ("", gettext_lazy("Udløber ikke")),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Navn"), max_length=100,
                           help_text=gettext_lazy("Hvad bruges nøglen til? Fx “BI-udtræk”."))
    scope = forms.ChoiceField(label=gettext_lazy("Rettighed"), choices=ApiTokenScope.choices,
                              initial=ApiTokenScope.READ)
    lifetime = forms.ChoiceField(label=gettext_lazy("Gyldighed"), choices=LIFETIMES, initial="90",
                                 required=False)


class ApiTokenListView(LoginRequiredMixin, View):
    template_name = "kitos/api_tokens.html"

    def get(self, request, form=None, new_key=None, status=200):
        tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
        context = {
            "form": form or ApiTokenForm(),
            "tokens": tokens,
            "new_key": new_key,
            "now": timezone.now(),
            "docs_url": reverse("api-docs"),
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request):
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        days = form.cleaned_data["lifetime"]
        expires = timezone.now() + datetime.timedelta(days=int(days)) if days else None
        try:
            _token, key = api_token_create(
                actor=request.user, name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"], expires_at=expires,
            )
        except ValidationError:
            form.add_error("name", _("Du har allerede en aktiv nøgle med det navn."))
            return self.get(request, form=form, status=400)
        # The key is shown on this response only; it is never stored in clear text.
        return self.get(request, new_key=key, status=201)


class ApiTokenRevokeView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("Nøglen “%(name)s” er tilbagekaldt.") % {"name": token.name})
        return redirect("api_token_list")
