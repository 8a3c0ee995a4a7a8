"""Forms for catalog entries, system usages and integrations. Choices are scoped to one
organisation (kitos.detail.ScopedModelForm); the views save through portfolio.services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kitos.detail import ScopedModelForm

from .models import Integration, ItSystem, SystemUsage, UsageJournalPeriod

GENERAL_FIELDS = ["system", "local_name", "local_id", "version", "lifecycle", "go_live_date",
                  "retirement_date", "responsible_unit", "using_units"]
CLASSIFICATION_FIELDS = ["criticality", "socially_critical", "data_classification", "hosting",
                         "user_count", "contains_ai"]
WEB_ACCESSIBILITY_FIELDS = ["web_accessibility", "web_accessibility_checked_on",
                            "web_accessibility_notes"]
ARCHIVING_FIELDS = ["archive_duty", "archive_type", "archive_location", "archive_test_location",
                    "archive_supplier", "archive_active", "archive_frequency_years",
                    "document_bearing", "archive_notes"]
GDPR_DATA_FIELDS = ["purpose", "no_personal_data", "ordinary_personal_data", "cpr_numbers",
                    "social_problems", "other_private_matters", "sensitive_personal_data",
                    "sensitive_data_types", "criminal_offence_data"]
GDPR_MEASURE_FIELDS = [
    "technical_precautions", "precaution_encryption", "precaution_pseudonymisation",
    "precaution_access_control", "precaution_logging", "technical_precautions_url",
    "user_supervision", "user_supervision_on", "user_supervision_url",
    "risk_assessment", "risk_assessment_on", "risk_assessment_result", "risk_assessment_url",
    "risk_assessment_notes", "risk_assessment_planned_on",
    "dpia", "dpia_on", "dpia_url",
    "retention_period", "retention_next_evaluation_on", "retention_evaluation_months",
]
KLE_FIELDS = ["kle_added", "kle_removed"]
ASSESSMENT_FIELDS = ["time_assessment", "time_reason", "notes", "reference_url",
                     "external_reference"]
class SystemUsageForm(ScopedModelForm):
    fieldsets = (
        (_("Grundoplysninger"), GENERAL_FIELDS),
        (_("Klassifikation og drift"), CLASSIFICATION_FIELDS),
        (_("Webtilgængelighed"), WEB_ACCESSIBILITY_FIELDS),
        (_("Arkivering"), ARCHIVING_FIELDS),
        (_("GDPR: data i systemet"), GDPR_DATA_FIELDS),
        (_("GDPR: foranstaltninger, risiko og sletning"), GDPR_MEASURE_FIELDS),
        (_("Lokale KLE-afvigelser"), KLE_FIELDS),
        (_("Vurdering og noter"), ASSESSMENT_FIELDS),
    )

    class Meta:
        model = SystemUsage
        fields = [*GENERAL_FIELDS, *CLASSIFICATION_FIELDS, *WEB_ACCESSIBILITY_FIELDS,
                  *ARCHIVING_FIELDS, *GDPR_DATA_FIELDS, *GDPR_MEASURE_FIELDS, *KLE_FIELDS,
                  *ASSESSMENT_FIELDS]

    def links(self) -> dict:
        """The usage's many-to-many fields, which the services write with it."""
        return {name: self.cleaned_data[name]
                for name in ("using_units", "sensitive_data_types", *KLE_FIELDS)}


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


class JournalPeriodForm(ScopedModelForm):
    class Meta:
        model = UsageJournalPeriod
        fields = ["start_date", "end_date", "archive_id", "approved"]
