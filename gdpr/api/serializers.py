"""API representations of data categories, data assets, processing activities and data
processing agreements with their sub-processors and oversight records."""

from __future__ import annotations

from rest_framework import serializers

from contracts.models import Contract
from kitos.api.base import BaseSerializer, OrganisationField, ScopedUUIDField
from kitos.models import Organisation
from portfolio.models import Integration, KleNumber, Supplier, SystemUsage
from roles.models import OrganisationUnit

from .. import choices
from ..models import (
    DataAsset,
    DataCategory,
    DataProcessingAgreement,
    OversightRecord,
    ProcessingActivity,
    SubProcessor,
)


class DataCategorySerializer(BaseSerializer):
    organisation = OrganisationField(
        Organisation, required=False, allow_null=True,
        help_text="Empty for the standard categories every organisation shares.",
    )
    parent = ScopedUUIDField(DataCategory, required=False, allow_null=True)

    class Meta:
        model = DataCategory
        fields = ["id", "organisation", "code", "name", "kind", "parent",
                  "created_at", "updated_at"]


class AssetUsageSerializer(serializers.Serializer):
    usage = ScopedUUIDField(SystemUsage)
    use = serializers.ChoiceField(choices=choices.AssetUse.choices,
                                  default=choices.AssetUse.STORES)


class DataAssetSerializer(BaseSerializer):
    organisation = OrganisationField(Organisation)
    categories = ScopedUUIDField(DataCategory, many=True, required=False)
    owning_unit = ScopedUUIDField(OrganisationUnit, required=False, allow_null=True)
    integrations = ScopedUUIDField(Integration, many=True, required=False)
    usages = AssetUsageSerializer(
        source="usage_links", many=True, required=False,
        help_text="The system usages that store, use or expose the asset. Replaces the "
        "whole list when sent.",
    )

    class Meta:
        model = DataAsset
        fields = [
            "id", "organisation", "name", "description", "categories", "owning_unit",
            "classification", "retention", "usages", "integrations", "external_reference",
            "created_at", "updated_at",
        ]


class ProcessingActivitySerializer(BaseSerializer):
    organisation = OrganisationField(Organisation)
    data_categories = ScopedUUIDField(DataCategory, many=True, required=False)
    usages = ScopedUUIDField(SystemUsage, many=True, required=False)
    data_assets = ScopedUUIDField(DataAsset, many=True, required=False)
    kle_numbers = ScopedUUIDField(
        KleNumber, slug_field="number", many=True, required=False,
        help_text="KLE numbers such as 27.24.00.",
    )
    responsible_unit = ScopedUUIDField(OrganisationUnit, required=False, allow_null=True)

    class Meta:
        model = ProcessingActivity
        fields = [
            "id", "organisation", "name", "standard_number", "purpose",
            "legal_basis_art6", "legal_basis_art9", "legal_basis_text", "data_subjects",
            "data_categories", "recipients", "third_country_transfer", "transfer_countries",
            "transfer_basis", "retention", "security_measures", "usages", "data_assets",
            "responsible_unit", "dpia_needed", "dpia_done", "dpia_date", "risk_level",
            "kle_numbers", "external_reference", "created_at", "updated_at",
        ]


class SubProcessorSerializer(BaseSerializer):
    agreement = ScopedUUIDField(DataProcessingAgreement)
    supplier = ScopedUUIDField(Supplier)

    class Meta:
        model = SubProcessor
        fields = ["id", "agreement", "supplier", "service", "country", "transfer_basis",
                  "created_at", "updated_at"]


class DataProcessingAgreementSerializer(BaseSerializer):
    organisation = OrganisationField(Organisation)
    processor = ScopedUUIDField(Supplier)
    contract = ScopedUUIDField(Contract, required=False, allow_null=True)
    usages = ScopedUUIDField(SystemUsage, many=True, required=False)
    sub_processors = SubProcessorSerializer(
        many=True, read_only=True,
        help_text="Change them under /sub-processors/.",
    )

    class Meta:
        model = DataProcessingAgreement
        fields = [
            "id", "organisation", "name", "processor", "contract", "usages",
            "concluded_on", "ended_on", "third_country_transfer", "transfer_basis",
            "oversight_method", "oversight_interval", "next_oversight_date",
            "document_url", "notes", "external_reference", "sub_processors",
            "created_at", "updated_at",
        ]
        read_only_fields = ["next_oversight_date"]
        extra_kwargs = {
            "next_oversight_date": {
                "help_text": "Computed from the oversight interval and the last oversight "
                "record (create those under /oversight-records/).",
            },
        }


class OversightRecordSerializer(BaseSerializer):
    agreement = ScopedUUIDField(DataProcessingAgreement)

    class Meta:
        model = OversightRecord
        fields = ["id", "agreement", "date", "method", "result", "report_url", "notes",
                  "created_at", "updated_at"]
