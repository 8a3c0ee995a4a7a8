"""The code asked for after the password, and when setting up or removing two-factor."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Kode"),
        max_length=20,
        help_text=_("De 6 cifre fra din godkendelses-app, eller en af dine reservekoder."),
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
        }),
    )
