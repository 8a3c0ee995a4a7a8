"""API resources of the gdpr app."""

from __future__ import annotations

from django.db import transaction

from kitos.api.base import ScopedModelViewSet
from kitos.services import create_object, delete_link, update_object

from ..choices import AssetUse
from ..filtersets import (
    DataAssetFilterSet,
    DataCategoryFilterSet,
    DataProcessingAgreementFilterSet,
    OversightRecordFilterSet,
    ProcessingActivityFilterSet,
    SubProcessorFilterSet,
)
from ..services import (
    agreement_create,
    agreement_update,
    data_asset_link_usage,
    oversight_record_create,
    oversight_record_delete,
    oversight_record_update,
)
from .serializers import (
    DataAssetSerializer,
    DataCategorySerializer,
    DataProcessingAgreementSerializer,
    OversightRecordSerializer,
    ProcessingActivitySerializer,
    SubProcessorSerializer,
)


class DataCategoryViewSet(ScopedModelViewSet):
    """Categories of data. The standard ones (no organisation) are shared by everyone;
    an organisation's admins add their own sub-types."""

    serializer_class = DataCategorySerializer
    filterset_class = DataCategoryFilterSet


class DataAssetViewSet(ScopedModelViewSet):
    """Data the organisation holds, and the system usages that store, use or expose it."""

    serializer_class = DataAssetSerializer
    filterset_class = DataAssetFilterSet
    m2m_fields = ("categories", "integrations", "usage_links")

    @staticmethod
    @transaction.atomic
    def create_service(*, actor, instance, m2m):
        links = m2m.pop("usage_links", None)
        asset = create_object(actor=actor, instance=instance, m2m=m2m or None)
        _set_usage_links(actor, asset, links)
        return asset

    @staticmethod
    @transaction.atomic
    def update_service(*, actor, instance, data, m2m):
        links = m2m.pop("usage_links", None)
        asset = update_object(actor=actor, instance=instance, data=data, m2m=m2m or None)
        _set_usage_links(actor, asset, links)
        return asset


def _set_usage_links(actor, asset, links) -> None:
    """Make the asset's usage links the given ones: new links through the audited
    service, links no longer wanted deleted as audited link rows."""
    if links is None:
        return
    # PATCH skips the serializer's defaults, nested ones too.
    wanted = {
        (link["usage"].pk, link.get("use", AssetUse.STORES)): link["usage"] for link in links
    }
    existing = {(link.usage_id, link.use): link for link in asset.usage_links.all()}
    for key, link in existing.items():
        if key not in wanted:
            delete_link(actor=actor, instance=link)
    for (_usage_id, use), usage in wanted.items():
        if (usage.pk, use) not in existing:
            data_asset_link_usage(actor=actor, asset=asset, usage=usage, use=use)
    # The links were written around the related manager: drop what get_object prefetched,
    # and take the change time the link service stamped (the response's ETag uses it).
    getattr(asset, "_prefetched_objects_cache", {}).pop("usage_links", None)
    asset.refresh_from_db(fields=["updated_at"])


class ProcessingActivityViewSet(ScopedModelViewSet):
    """The record of processing activities (GDPR article 30)."""

    serializer_class = ProcessingActivitySerializer
    filterset_class = ProcessingActivityFilterSet
    m2m_fields = ("data_categories", "usages", "data_assets", "kle_numbers")


class DataProcessingAgreementViewSet(ScopedModelViewSet):
    """Data processing agreements with their sub-processors (read-only here) and the
    next oversight date, which follows the interval and the oversight records."""

    serializer_class = DataProcessingAgreementSerializer
    filterset_class = DataProcessingAgreementFilterSet
    m2m_fields = ("usages",)

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return agreement_create(actor=actor, agreement=instance, m2m=m2m or None)

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return agreement_update(actor=actor, agreement=instance, data=data, m2m=m2m or None)


class SubProcessorViewSet(ScopedModelViewSet):
    """The sub-processors a processor uses, where, and on which transfer basis."""

    serializer_class = SubProcessorSerializer
    filterset_class = SubProcessorFilterSet


class OversightRecordViewSet(ScopedModelViewSet):
    """Performed supervisions of a processor. Recording one moves the agreement's next
    oversight date."""

    serializer_class = OversightRecordSerializer
    filterset_class = OversightRecordFilterSet

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return oversight_record_create(
            actor=actor,
            agreement=instance.agreement,
            date=instance.date,
            method=instance.method,
            result=instance.result,
            report_url=instance.report_url,
            notes=instance.notes,
        )

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return oversight_record_update(actor=actor, record=instance, data=data)

    @staticmethod
    def delete_service(*, actor, instance):
        oversight_record_delete(actor=actor, record=instance)


routes = [
    ("data-categories", DataCategoryViewSet, "datacategory"),
    ("data-assets", DataAssetViewSet, "dataasset"),
    ("processing-activities", ProcessingActivityViewSet, "processingactivity"),
    ("data-processing-agreements", DataProcessingAgreementViewSet, "dataprocessingagreement"),
    ("sub-processors", SubProcessorViewSet, "subprocessor"),
    ("oversight-records", OversightRecordViewSet, "oversightrecord"),
]
