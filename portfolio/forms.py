"""Forms for catalog entries, system usages and integrations. Choices are scoped to one
organisation (kitos.detail.ScopedModelForm); the views save through portfolio.services."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kitos import options
from kitos.detail import ScopedModelForm

from .models import Integration, Interface, ItSystem, SystemUsage, UsageJournalPeriod

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
            "archive_duty_recommendation",
            "archive_duty_recommendation_comment",
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
            "interface",
            "interface_type",
            "frequency",
            "external_reference",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Deactivated interfaces are not offered for new use; the one set stays.
        current = self.instance.interface_id
        self.fields["interface"].queryset = self.fields["interface"].queryset.filter(
            Q(is_deactivated=False) | Q(pk=current)
        ).select_related("exposed_by")
        self.fields["interface"].help_text = _(
            "En snitflade fra kataloget, udstillet af afsenderens eller modtagerens system."
        )


DATA_ROW_SEPARATOR = ";"


class InterfaceForm(ScopedModelForm):
    """A catalog interface maintained by the user's organisation (local by default). Its
    data rows are typed one per line, "Data; Datatype"."""

    data_rows = forms.CharField(
        label=_("Data"),
        required=False,
        widget=forms.Textarea,
        help_text=_(
            "Én datarække pr. linje: hvilke data, semikolon, datatypen, fx "
            "»CPR-nummer; Personoplysninger«. Datatypen kan udelades."
        ),
    )
    fieldsets = (
        (
            _("Snitfladen"),
            ["name", "interface_id", "version", "interface_type", "exposed_by", "url",
             "is_local", "is_deactivated"],
        ),
        (_("Beskrivelse"), ["description", "data_rows", "notes"]),
    )

    class Meta:
        model = Interface
        fields = [
            "name",
            "interface_id",
            "version",
            "interface_type",
            "exposed_by",
            "url",
            "is_local",
            "is_deactivated",
            "description",
            "notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial.setdefault("is_local", True)
        else:
            self.initial.setdefault("data_rows", "\n".join(
                f"{row.description}{DATA_ROW_SEPARATOR} {row.data_type.name}"
                if row.data_type_id else row.description
                for row in self.instance.data_rows.select_related("data_type")
            ))

    def clean_data_rows(self):
        """[(description, Option or None)] from the lines; a type by its name or code
        among the organisation's data types (a type a row has already stays valid: the
        service checks what is offered)."""
        types = {}
        for option in options.offered("interface_data_type", self.organisation, keep=[
            row.data_type_id for row in (
                self.instance.data_rows.all() if self.instance.pk else ()
            )
        ]):
            types[option.name.casefold()] = option
            types[option.code.casefold()] = option
        rows, errors = [], []
        for number, line in enumerate(self.cleaned_data["data_rows"].splitlines(), start=1):
            if not line.strip():
                continue
            description, _separator, type_text = line.partition(DATA_ROW_SEPARATOR)
            data_type = None
            if type_text.strip():
                data_type = types.get(type_text.strip().casefold())
                if data_type is None:
                    errors.append(gettext(
                        "Linje %(number)s: datatypen »%(type)s« findes ikke i valglisten."
                    ) % {"number": number, "type": type_text.strip()})
            if not description.strip():
                errors.append(gettext("Linje %(number)s: skriv hvilke data.") % {
                    "number": number})
            rows.append((description.strip(), data_type))
        if errors:
            raise forms.ValidationError(errors)
        return rows


class JournalPeriodForm(ScopedModelForm):
    class Meta:
        model = UsageJournalPeriod
        fields = ["start_date", "end_date", "archive_id", "approved"]
