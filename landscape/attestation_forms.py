"""Forms of the attestation pages: a campaign (create, edit) and an owner's answer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kitos.detail import ScopedModelForm

from .attestation_choices import AttestationStatus
from .attestation_services import CAMPAIGN_FIELDS
from .models import AttestationCampaign


class AttestationCampaignForm(ScopedModelForm):
    class Meta:
        model = AttestationCampaign
        fields = list(CAMPAIGN_FIELDS)


class AttestForm(forms.Form):
    """Confirm the records as they are, or say what was corrected."""

    status = forms.ChoiceField(
        label=_("Svar"), widget=forms.RadioSelect,
        choices=[(AttestationStatus.CONFIRMED, _("Oplysningerne er korrekte")),
                 (AttestationStatus.CORRECTED, _("Jeg har rettet oplysningerne"))],
    )
    comment = forms.CharField(
        label=_("Kommentar"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Skriv hvad du har rettet (skal udfyldes ved rettet)."),
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == AttestationStatus.CORRECTED and not (
            data.get("comment") or ""
        ).strip():
            self.add_error("comment", _("Skriv hvad der er rettet."))
        return data
