"""The impact analysis in the API: the same sections as the page and the Excel report
(landscape/impact.py computes them once). Read-only; every object is referenced by its
public id and name, and the codes are the models' choice values."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class ImpactObjectSerializer(serializers.Serializer):
    """A reference to an object: its public id and its name."""

    id = serializers.UUIDField(source="uuid", read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


class ImpactTypedObjectSerializer(ImpactObjectSerializer):
    """A reference to an object of one of several kinds."""

    type = serializers.CharField(
        source="_meta.model_name", read_only=True,
        help_text="The kind of object: systemusage, supplier, contract, integration, ...",
    )


class ImpactUsageSerializer(ImpactObjectSerializer):
    organisation = ImpactObjectSerializer(read_only=True)
    responsible_unit = ImpactObjectSerializer(read_only=True, allow_null=True)
    lifecycle = serializers.CharField(read_only=True)
    criticality = serializers.CharField(read_only=True)
    user_count = serializers.CharField(read_only=True)


class ImpactIntegrationSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="integration.uuid", read_only=True)
    name = serializers.CharField(source="integration.name", read_only=True)
    source = ImpactObjectSerializer(source="integration.source", read_only=True)
    target = ImpactObjectSerializer(source="integration.target", read_only=True)
    depth = serializers.IntegerField(
        read_only=True, help_text="1: touches one of the affected usages; 2: one step on.")
    direction = serializers.CharField(
        read_only=True,
        help_text="Seen from the end nearer the subject: `outgoing` (data flows away "
        "from it), `incoming` (towards it) or `two_way`.",
    )
    interface_type = serializers.CharField(source="integration.interface_type", read_only=True)
    frequency = serializers.CharField(source="integration.frequency", read_only=True)


class ImpactDependentUsageSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="usage.uuid", read_only=True)
    name = serializers.CharField(source="usage.__str__", read_only=True)
    depth = serializers.IntegerField(read_only=True)
    direction = serializers.CharField(
        read_only=True,
        help_text="Along the shortest path: `outgoing` (it receives data from the "
        "subject), `incoming` (it sends to it), `two_way`, or `mixed`.",
    )
    via = ImpactObjectSerializer(read_only=True, help_text="The usage the last step came from.")
    path = serializers.SerializerMethodField(
        help_text="The integrations of the shortest path, nearest the subject first.")
    responsible_unit = ImpactObjectSerializer(
        source="usage.responsible_unit", read_only=True, allow_null=True)
    lifecycle = serializers.CharField(source="usage.lifecycle", read_only=True)
    criticality = serializers.CharField(source="usage.criticality", read_only=True)

    @extend_schema_field(ImpactObjectSerializer(many=True))
    def get_path(self, reached) -> list[dict]:
        return [ImpactObjectSerializer(hop.integration).data for hop in reached.path]


class ImpactProcessingActivitySerializer(ImpactObjectSerializer):
    responsible_unit = ImpactObjectSerializer(read_only=True, allow_null=True)
    risk_level = serializers.CharField(read_only=True)


class ImpactDataAssetSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="asset.uuid", read_only=True)
    name = serializers.CharField(source="asset.name", read_only=True)
    relation = serializers.CharField(
        read_only=True,
        help_text="`stores`, `uses` or `exposes` (in an affected usage), or "
        "`transferred` (by an integration at depth 1).",
    )
    via = ImpactTypedObjectSerializer(read_only=True)


class ImpactUnitSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="unit.uuid", read_only=True)
    name = serializers.CharField(source="unit.name", read_only=True)
    relation = serializers.CharField(read_only=True, help_text="`responsible` or `using`.")
    usage = ImpactObjectSerializer(read_only=True)
    user_count = serializers.CharField(source="usage.user_count", read_only=True)


class ImpactContractSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="contract.uuid", read_only=True)
    name = serializers.CharField(source="contract.name", read_only=True)
    relation = serializers.CharField(
        read_only=True,
        help_text="`subject`, `child` (a sub-contract), `supplier` (the supplier's "
        "contract), `covers_main` or `covers` (covers an affected usage).",
    )
    supplier = ImpactObjectSerializer(source="contract.supplier", read_only=True, allow_null=True)
    status = serializers.CharField(source="contract.status", read_only=True)
    notice_deadline = serializers.DateField(
        source="contract.notice_deadline", read_only=True, allow_null=True)
    next_end = serializers.DateField(source="contract.next_end", read_only=True, allow_null=True)
    retender_start = serializers.DateField(
        source="contract.retender_start", read_only=True, allow_null=True)
    current_deadline = serializers.DateField(
        source="contract.current_deadline", read_only=True, allow_null=True)


class ImpactPersonSerializer(ImpactObjectSerializer):
    email = serializers.CharField(read_only=True)


class ImpactRoleHolderSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="assignment.uuid", read_only=True)
    person = ImpactPersonSerializer(source="assignment.person", read_only=True)
    role = ImpactObjectSerializer(source="assignment.role_type", read_only=True)
    target = ImpactTypedObjectSerializer(read_only=True)


class ImpactProjectSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="project.uuid", read_only=True)
    name = serializers.CharField(source="project.name", read_only=True)
    phase = serializers.CharField(source="project.phase", read_only=True)
    effect = serializers.CharField(read_only=True)
    target = ImpactTypedObjectSerializer(read_only=True)


class ImpactSerializer(serializers.Serializer):
    subject = ImpactTypedObjectSerializer(read_only=True)
    depth = serializers.IntegerField(read_only=True)
    more_beyond_depth = serializers.BooleanField(
        source="more_beyond", read_only=True,
        help_text="Integrations lead further out than `depth`.")
    usages = ImpactUsageSerializer(
        many=True, read_only=True, help_text="The usages that go with the subject.")
    integrations = ImpactIntegrationSerializer(source="hops", many=True, read_only=True)
    dependent_usages = ImpactDependentUsageSerializer(source="reached", many=True, read_only=True)
    processing_activities = ImpactProcessingActivitySerializer(many=True, read_only=True)
    data_assets = ImpactDataAssetSerializer(many=True, read_only=True)
    units = ImpactUnitSerializer(many=True, read_only=True)
    contracts = ImpactContractSerializer(many=True, read_only=True)
    role_holders = ImpactRoleHolderSerializer(many=True, read_only=True)
    projects = ImpactProjectSerializer(many=True, read_only=True)
