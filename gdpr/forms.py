"""Forms for data assets, processing activities and data processing agreements. Choices
are scoped to one organisation (kitos.detail.ScopedModelForm); the views save through
gdpr.services."""

from __future__ import annotations

from kitos.detail import ScopedModelForm

from .models import DataAsset, DataProcessingAgreement, ProcessingActivity


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
