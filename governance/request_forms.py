"""Forms of new-system requests: the request itself (what is needed, for which KLE
tasks and business type, goals, principles, costs) and a specialist's sign-off. Choices
are scoped to one organisation; the views save through governance.request_services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kitos.detail import ScopedModelForm

from .choices import SignOffRole, SignOffVerdict
from .models import NewSystemRequest, Principle


class NewSystemRequestForm(ScopedModelForm):
    fieldsets = (
        (_("Behov"), ["title", "need", "unit", "requested_by", "needed_by"]),
        (_("Opgaver"), ["kle_numbers", "business_type"]),
        (_("Mål og principper"), ["goals", "principles"]),
        (_("Økonomi"), ["expected_investment", "expected_yearly_cost"]),
    )

    class Meta:
        model = NewSystemRequest
        fields = ["title", "need", "unit", "requested_by", "needed_by", "kle_numbers",
                  "business_type", "goals", "principles", "expected_investment",
                  "expected_yearly_cost"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = self.fields["unit"].queryset.order_by("path")
        # Only the principles in force are reviewed against (a replaced version is history).
        self.fields["principles"].queryset = Principle.objects.filter(
            pk__in=self.fields["principles"].queryset.values("pk")
        ).current().order_by("code", "title")
        for name in ("kle_numbers", "business_type"):
            # The duplicate check beside the form follows these (templates/governance/
            # request_form.html, hx-trigger).
            self.fields[name].widget.attrs["data-duplicate-check"] = ""


class SignOffForm(forms.Form):
    """A specialist role's verdict with its comment."""

    role = forms.ChoiceField(label=_("Rolle"), choices=SignOffRole.choices)
    verdict = forms.ChoiceField(
        label=_("Vurdering"),
        choices=[c for c in SignOffVerdict.choices if c[0] != SignOffVerdict.PENDING],
    )
    comment = forms.CharField(label=_("Bemærkning"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
