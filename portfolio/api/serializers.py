"""API representations of the system catalog, system usages, integrations and KLE."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from kitos.api.base import BaseSerializer, OptionField, OrganisationField, ScopedUUIDField
from kitos.models import Organisation
from roles.models import OrganisationUnit

from ..kle import kle_numbers, usage_kle
from ..models import (
    Integration,
    Interface,
    InterfaceDataRow,
    ItSystem,
    KleNumber,
    Supplier,
    SystemUsage,
    UsageJournalPeriod,
)


class JournalPeriodSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)

    class Meta:
        model = UsageJournalPeriod
        fields = ["id", "start_date", "end_date", "archive_id", "approved"]

    def get_validators(self):
        # The service checks the periods together (unique archive id per usage).
        return []


class ItSystemSerializer(BaseSerializer):
    rights_holder = ScopedUUIDField(Supplier, required=False, allow_null=True)
    parent = ScopedUUIDField(ItSystem, required=False, allow_null=True)
    owner_organisation = ScopedUUIDField(Organisation, required=False, allow_null=True)
    kle_numbers = ScopedUUIDField(
        KleNumber, slug_field="number", many=True, required=False,
        help_text="KLE numbers (\"15.00.05\") of the tasks the system supports. Replaces "
        "the whole list when sent.",
    )

    class Meta:
        model = ItSystem
        fields = [
            "id", "name", "previous_names", "description", "rights_holder", "business_type",
            "kle_numbers", "url", "licence_model", "parent", "external_reference",
            "archive_duty_recommendation", "archive_duty_recommendation_comment",
            "owner_organisation", "is_local", "created_at", "updated_at",
        ]


class SystemUsageSerializer(BaseSerializer):
    organisation = OrganisationField(Organisation)
    system = ScopedUUIDField(ItSystem)
    responsible_unit = ScopedUUIDField(OrganisationUnit, required=False, allow_null=True)
    using_units = ScopedUUIDField(
        OrganisationUnit, many=True, required=False,
        help_text="Units of the organisation that use the system. Replaces the whole list "
        "when sent.",
    )
    is_active = serializers.SerializerMethodField(
        help_text="In use today: inside its dates, in an operational lifecycle and not "
        "held by an inactive main contract."
    )
    archive_type = OptionField("archive_type", required=False, allow_null=True)
    archive_location = OptionField("archive_location", required=False, allow_null=True)
    archive_test_location = OptionField("archive_test_location", required=False,
                                        allow_null=True)
    archive_supplier = ScopedUUIDField(Supplier, required=False, allow_null=True)
    sensitive_data_types = OptionField("sensitive_personal_data_type", many=True,
                                       required=False)
    kle_added = ScopedUUIDField(
        KleNumber, slug_field="number", many=True, required=False,
        help_text="KLE numbers the organisation uses the system for beyond the catalog's. "
        "Replaces the whole list when sent.",
    )
    kle_removed = ScopedUUIDField(
        KleNumber, slug_field="number", many=True, required=False,
        help_text="KLE numbers of the catalog system the organisation does not use it for. "
        "Replaces the whole list when sent.",
    )
    kle_effective = serializers.SerializerMethodField(
        help_text="The KLE numbers the usage serves: the system's, minus kle_removed, plus "
        "kle_added."
    )
    journal_periods = JournalPeriodSerializer(
        many=True, required=False,
        help_text="The journal periods of the archiving. Replaces the whole list when "
        "sent: a period is matched by its archive_id (changed in place), the others are "
        "created or deleted; one invalid period fails the whole request.",
    )

    class Meta:
        model = SystemUsage
        fields = [
            "id", "organisation", "system", "local_name", "local_id", "version",
            "responsible_unit", "using_units", "lifecycle", "go_live_date", "retirement_date",
            "criticality", "socially_critical", "data_classification", "hosting",
            "user_count", "contains_ai", "web_accessibility", "web_accessibility_checked_on",
            "web_accessibility_notes",
            "archive_duty", "archive_type", "archive_location", "archive_test_location",
            "archive_supplier", "archive_active", "archive_notes", "archive_frequency_years",
            "document_bearing", "journal_periods",
            "purpose", "no_personal_data", "ordinary_personal_data", "cpr_numbers",
            "social_problems", "other_private_matters", "sensitive_personal_data",
            "sensitive_data_types", "criminal_offence_data",
            "technical_precautions", "precaution_encryption", "precaution_pseudonymisation",
            "precaution_access_control", "precaution_logging", "technical_precautions_url",
            "user_supervision", "user_supervision_on", "user_supervision_url",
            "risk_assessment", "risk_assessment_on", "risk_assessment_result",
            "risk_assessment_url", "risk_assessment_notes", "risk_assessment_planned_on",
            "dpia", "dpia_on", "dpia_url", "retention_period", "retention_next_evaluation_on",
            "retention_evaluation_months",
            "kle_added", "kle_removed", "kle_effective",
            "time_assessment", "time_reason",
            "notes", "reference_url", "external_reference", "is_active",
            "created_at", "updated_at",
        ]

    # Lists read the annotations of SystemUsageViewSet's queryset (kitos.api.fast).
    fast_columns = {"is_active": "is_active",
                    "kle_effective": ("effective_kle_numbers", kle_numbers)}

    def get_kle_effective(self, usage) -> list[str]:
        # Lists annotate it (portfolio.kle.with_effective_kle); a freshly written object
        # costs one query.
        if hasattr(usage, "effective_kle_numbers"):
            return kle_numbers(usage.effective_kle_numbers)
        return list(usage_kle(usage).values_list("number", flat=True))

    def get_is_active(self, usage) -> bool:
        # Lists annotate it (SystemUsageQuerySet.with_is_active); a freshly written
        # object costs one query.
        if hasattr(usage, "is_active"):
            return usage.is_active
        return SystemUsage.objects.active(timezone.localdate()).filter(pk=usage.pk).exists()


class IntegrationSerializer(BaseSerializer):
    organisation = serializers.SlugRelatedField(
        slug_field="uuid", read_only=True, help_text="The source usage's organisation."
    )
    source = ScopedUUIDField(SystemUsage)
    target = ScopedUUIDField(SystemUsage)
    interface = ScopedUUIDField(
        Interface, required=False, allow_null=True,
        help_text="The catalog interface the data goes through; it must be exposed by the "
        "source's or the target's system.",
    )

    class Meta:
        model = Integration
        fields = [
            "id", "organisation", "name", "description", "source", "target", "direction",
            "interface", "interface_type", "frequency", "external_reference",
            "created_at", "updated_at",
        ]


class InterfaceDataRowSerializer(serializers.ModelSerializer):
    data_type = OptionField("interface_data_type", required=False, allow_null=True)

    class Meta:
        model = InterfaceDataRow
        fields = ["description", "data_type"]


class InterfaceSerializer(BaseSerializer):
    interface_type = OptionField("interface_type", required=False, allow_null=True)
    exposed_by = ScopedUUIDField(ItSystem, required=False, allow_null=True)
    owner_organisation = ScopedUUIDField(Organisation, required=False, allow_null=True)
    data_rows = InterfaceDataRowSerializer(
        many=True, required=False,
        help_text="The data the interface carries, in order. Replaces the whole list when "
        "sent; one invalid row fails the whole request.",
    )

    class Meta:
        model = Interface
        fields = [
            "id", "name", "interface_id", "version", "interface_type", "exposed_by", "url",
            "description", "notes", "is_deactivated", "data_rows", "owner_organisation",
            "is_local", "created_at", "updated_at",
        ]


class KleNumberSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True,
        help_text="The number of the group or main group above; null for a main group.",
    )

    class Meta:
        model = KleNumber
        fields = ["number", "title", "parent"]
