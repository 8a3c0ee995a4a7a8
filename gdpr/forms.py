"""Forms for data assets, processing activities and data processing agreements. Choices
are scoped to one organisation (kitos.detail.ScopedModelForm); the views save through
gdpr.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kitos.detail import ScopedModelForm

from . import countries
from .models import (
    DataAsset,
    DataProcessingAgreement,
    OversightRecord,
    ProcessingActivity,
    SubProcessor,
)


class DataAssetForm(ScopedModelForm):
    class Meta:
        model = DataAsset
        fields = [
            "name",
            "description",
            "categories",
            "owning_unit",
            "classification",
            "retention",
            "usages",
            "integrations",
            "external_reference",
        ]


class ProcessingActivityForm(ScopedModelForm):
    class Meta:
        model = ProcessingActivity
        fields = [
            "name",
            "standard_number",
            "purpose",
            "legal_basis_art6",
            "legal_basis_art9",
            "legal_basis_text",
            "data_subjects",
            "data_categories",
            "recipients",
            "third_country_transfer",
            "transfer_countries",
            "transfer_basis",
            "retention",
            "security_measures",
            "usages",
            "data_assets",
            "responsible_unit",
            "dpia_needed",
            "dpia_done",
            "dpia_date",
            "risk_level",
            "kle_numbers",
            "external_reference",
        ]


class AgreementForm(ScopedModelForm):
    class Meta:
        model = DataProcessingAgreement
        fields = [
            "name",
            "processor",
            "contract",
            "usages",
            "concluded_on",
            "ended_on",
            "third_country_transfer",
            "transfer_basis",
            "oversight_method",
            "oversight_interval",
            "document_url",
            "notes",
            "external_reference",
        ]


class SubProcessorForm(ScopedModelForm):
    """A sub-processor on an agreement (the agreement is the page it is opened from)."""

    country = forms.ChoiceField(label=_("Behandlingsland"))

    class Meta:
        model = SubProcessor
        fields = ["supplier", "service", "country", "transfer_basis"]
        help_texts = {
            "transfer_basis": _(
                "Skal angives, når underdatabehandleren behandler oplysningerne uden for "
                "EU/EØS i et land uden tilstrækkelighedsafgørelse."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = countries.country_choices()
        # A country stored before the list knew it stays selectable.
        current = self.instance.country if self.instance.pk else ""
        if current and current not in dict(choices):
            choices.append((current, countries.country_name(current)))
        self.fields["country"].choices = choices
        self.fields["country"].initial = self.fields["country"].initial or "DK"


class OversightRecordForm(ScopedModelForm):
    """One performed supervision of the processor (from the agreement's Tilsyn tab);
    saving it moves the agreement's next oversight date."""

    class Meta:
        model = OversightRecord
        fields = ["date", "method", "result", "report_url", "notes"]
