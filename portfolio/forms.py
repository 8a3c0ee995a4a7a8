"""Forms for catalog entries, system usages and integrations. Choices are scoped to one
organisation (kitos.detail.ScopedModelForm); the views save through portfolio.services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kitos.detail import ScopedModelForm

from .models import Integration, ItSystem, SystemUsage


class SystemUsageForm(ScopedModelForm):
    fieldsets = (
        (
            _("Grundoplysninger"),
            ["system", "local_name", "local_id", "version", "lifecycle", "go_live_date",
             "retirement_date", "responsible_unit", "using_units"],
        ),
        (
            _("Klassifikation og drift"),
            ["criticality", "socially_critical", "data_classification", "hosting", "user_count",
             "contains_ai", "archive_duty"],
        ),
        (
            _("Vurdering og noter"),
            ["time_assessment", "time_reason", "notes", "reference_url", "external_reference"],
        ),
    )

    class Meta:
        model = SystemUsage
        fields = [
            "system",
            "local_name",
            "local_id",
            "version",
            "lifecycle",
            "go_live_date",
            "retirement_date",
            "responsible_unit",
            "using_units",
            "criticality",
            "socially_critical",
            "data_classification",
            "hosting",
            "user_count",
            "contains_ai",
            "archive_duty",
            "time_assessment",
            "time_reason",
            "notes",
            "reference_url",
            "external_reference",
        ]


class ItSystemForm(ScopedModelForm):
    """A catalog entry maintained by the user's organisation (local by default)."""

    class Meta:
        model = ItSystem
        fields = [
            "name",
            "previous_names",
            "description",
            "rights_holder",
            "business_type",
            "licence_model",
            "parent",
            "url",
            "is_local",
            "kle_numbers",
            "external_reference",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial.setdefault("is_local", True)
        else:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(
                pk=self.instance.pk
            )


class IntegrationForm(ScopedModelForm):
    class Meta:
        model = Integration
        fields = [
            "name",
            "description",
            "source",
            "target",
            "direction",
            "interface_type",
            "frequency",
            "external_reference",
        ]
