"""Forms for goals, projects (with the systems and contracts they affect) and status
reports. Choices are scoped to one organisation (kitos.detail.ScopedModelForm); the views
save through governance.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract
from kitos.detail import ScopedModelForm, scope_choices
from portfolio.models import SystemUsage

from .choices import ContractEffect, SystemEffect
from .models import Benefit, BenefitMeasurement, Project, ProjectStatusReport, StrategicGoal


class StrategicGoalForm(ScopedModelForm):
    class Meta:
        model = StrategicGoal
        fields = ["title", "description", "start_year", "end_year", "owner", "unit", "parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = self.fields["unit"].queryset.order_by("path")
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(
                pk=self.instance.pk
            )


# (form field, effect) of the project's link lists: one multiple choice per effect.
SYSTEM_FIELDS = (
    ("systems_introduces", SystemEffect.INTRODUCES, _("Systemer projektet indfører")),
    ("systems_changes", SystemEffect.CHANGES, _("Systemer projektet ændrer")),
    ("systems_retires", SystemEffect.RETIRES, _("Systemer projektet udfaser")),
)
CONTRACT_FIELDS = (
    ("contracts_creates", ContractEffect.CREATES, _("Kontrakter projektet indgår")),
    ("contracts_changes", ContractEffect.CHANGES, _("Kontrakter projektet ændrer")),
    ("contracts_ends", ContractEffect.ENDS, _("Kontrakter projektet afslutter")),
)


class ProjectForm(ScopedModelForm):
    fieldsets = (
        (_("Projektet"), ["name", "purpose", "phase", "responsible_unit", "units", "owner",
                          "manager", "goals"]),
        (_("Økonomi og periode"), ["investment", "yearly_operating_cost", "financing",
                                   "start_date", "end_date"]),
        (_("Systemer og kontrakter"), [name for name, _e, _l in SYSTEM_FIELDS + CONTRACT_FIELDS]),
    )

    class Meta:
        model = Project
        fields = [
            "name", "purpose", "phase", "responsible_unit", "units", "owner", "manager",
            "goals", "investment", "yearly_operating_cost", "financing", "start_date",
            "end_date",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        usages = scope_choices(
            SystemUsage.objects.all(), user=self.user, organisation=self.organisation
        ).order_by("system__name")
        contracts = scope_choices(
            Contract.objects.all(), user=self.user, organisation=self.organisation
        ).order_by("name")
        links = self._links()
        for fields, queryset in ((SYSTEM_FIELDS, usages), (CONTRACT_FIELDS, contracts)):
            for name, effect, label in fields:
                self.fields[name] = forms.ModelMultipleChoiceField(
                    label=label, queryset=queryset, required=False,
                    help_text=_("Hold Ctrl (Cmd på Mac) nede for at vælge flere."),
                    widget=forms.SelectMultiple(attrs={"size": 6}),
                )
                self.initial.setdefault(
                    name, [pk for pk, kind in links.get(name[:len("systems")] if
                           name.startswith("systems") else "contracts", ())
                           if kind == effect]
                )
        for name in ("responsible_unit", "units"):
            self.fields[name].queryset = self.fields[name].queryset.order_by("path")

    def links_read_with_form(self, instance) -> dict:
        # Read with the project's units and goals, in one query (kitos/forms.py).
        return {
            "systems": instance.projectsystem_set.values_list("usage_id", "effect"),
            "contracts": instance.projectcontract_set.values_list("contract_id", "effect"),
        }

    def _links(self) -> dict:
        return self.current_links

    def clean(self):
        cleaned = super().clean()
        for fields, message in (
            (SYSTEM_FIELDS, _("Et system kan kun have én virkning i projektet.")),
            (CONTRACT_FIELDS, _("En kontrakt kan kun have én virkning i projektet.")),
        ):
            seen = set()
            for name, _effect, _label in fields:
                chosen = {obj.pk for obj in cleaned.get(name) or ()}
                if chosen & seen:
                    self.add_error(name, message)
                seen |= chosen
        return cleaned

    def link_data(self) -> dict:
        """The services' `systems` and `contracts` arguments: (object, effect) pairs."""
        return {
            "systems": [(obj, effect) for name, effect, _l in SYSTEM_FIELDS
                        for obj in self.cleaned_data.get(name) or ()],
            "contracts": [(obj, effect) for name, effect, _l in CONTRACT_FIELDS
                          for obj in self.cleaned_data.get(name) or ()],
        }


class ProjectStatusReportForm(ScopedModelForm):
    class Meta:
        model = ProjectStatusReport
        fields = ["period", "time", "cost", "scope", "benefits", "text", "reported_by"]


# -- benefits ------------------------------------------------------------------------------


class BenefitForm(ScopedModelForm):
    fieldsets = (
        (_("Gevinsten"), ["project", "title", "kind", "owner", "due_date", "goals"]),
        (_("Måling"), ["measure", "unit_of_measure", "baseline", "target"]),
        (_("Noter"), ["notes"]),
    )

    class Meta:
        model = Benefit
        fields = [
            "project", "title", "kind", "owner", "due_date", "goals", "measure",
            "unit_of_measure", "baseline", "target", "notes",
        ]


class BenefitMeasurementForm(ScopedModelForm):
    class Meta:
        model = BenefitMeasurement
        fields = ["measured_on", "value", "note", "measured_by"]
