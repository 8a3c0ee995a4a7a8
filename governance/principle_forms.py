"""Forms for principles, their new versions and architecture reviews, including the
"Vurder mod principper" form of a project, request or system usage (one row per
principle in force). Choices are scoped to one organisation; the views save through
governance.principle_services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kitos.detail import DateInput, ScopedModelForm, scope_choices
from roles.models import Person

from .choices import ReviewVerdict
from .models import ArchitectureReview, Principle


class PrincipleForm(ScopedModelForm):
    class Meta:
        model = Principle
        fields = ["code", "title", "area", "text", "rationale", "implications", "valid_from",
                  "active", "owner"]


class PrincipleVersionForm(ScopedModelForm):
    """The next version of a principle: its fields start as the current version's."""

    class Meta:
        model = Principle
        fields = ["code", "title", "area", "text", "rationale", "implications", "valid_from",
                  "owner"]


class ArchitectureReviewForm(ScopedModelForm):
    class Meta:
        model = ArchitectureReview
        fields = ["verdict", "reason", "reviewed_on", "reviewer"]


NOT_REVIEWED = ("", _("Ikke vurderet"))


class SubjectReviewForm(forms.Form):
    """One row per principle: its verdict (blank: leave it as it is) and the reason,
    plus the date and reviewer common to the rows."""

    reviewed_on = forms.DateField(label=_("Vurderet den"), widget=DateInput())
    reviewer = forms.ModelChoiceField(Person.objects.all(), label=_("Vurderet af"),
                                      required=False)

    def __init__(self, *args, principles, existing, user, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.principles = list(principles)
        self.fields["reviewer"].queryset = scope_choices(
            Person.objects.all(), user=user, organisation=organisation
        ).order_by("name")
        self.fields["reviewer"].widget.attrs["data-picker"] = ""
        for principle in self.principles:
            review = existing.get(principle.pk)
            self.fields[f"verdict_{principle.pk}"] = forms.ChoiceField(
                label=_("Vurdering af %(principle)s") % {"principle": principle},
                choices=[NOT_REVIEWED, *ReviewVerdict.choices], required=False,
                initial=review.verdict if review else "",
            )
            self.fields[f"reason_{principle.pk}"] = forms.CharField(
                label=_("Begrundelse for %(principle)s") % {"principle": principle},
                required=False, initial=review.reason if review else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        """(principle, verdict field, reason field) per principle, for the table."""
        return [
            (principle, self[f"verdict_{principle.pk}"], self[f"reason_{principle.pk}"])
            for principle in self.principles
        ]

    def verdicts(self) -> list[tuple[Principle, str, str]]:
        data = self.cleaned_data
        return [
            (principle, data.get(f"verdict_{principle.pk}") or "",
             data.get(f"reason_{principle.pk}") or "")
            for principle in self.principles
        ]

    def clean(self):
        cleaned = super().clean()
        for principle in self.principles:
            if (cleaned.get(f"verdict_{principle.pk}") == ReviewVerdict.DEVIATION_ACCEPTED
                    and not (cleaned.get(f"reason_{principle.pk}") or "").strip()):
                self.add_error(
                    f"reason_{principle.pk}",
                    _("En accepteret afvigelse skal have en begrundelse."),
                )
        return cleaned
