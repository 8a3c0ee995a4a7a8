"""Forms of the suppliers part: the organisation's sharing choice for joint procurement
and the joint-procurement page's window (months ahead)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ProcurementSharing
from .suppliers_joint import DEFAULT_MONTHS, MAX_MONTHS, MIN_MONTHS


class ProcurementSharingForm(forms.ModelForm):
    """Saved through landscape.suppliers_services.procurement_sharing_set."""

    class Meta:
        model = ProcurementSharing
        fields = ["shares", "contact_email"]


class WindowForm(forms.Form):
    """?months=N: how many months ahead a contract's end counts (1–120, default 24)."""

    months = forms.IntegerField(
        label=_("Måneder frem"), min_value=MIN_MONTHS, max_value=MAX_MONTHS, required=False,
        help_text=_("Kontrakter, der udløber eller kan opsiges inden for så mange måneder "
                    "(1–120)."),
    )

    def window_months(self) -> int:
        return self.cleaned_data.get("months") or DEFAULT_MONTHS
