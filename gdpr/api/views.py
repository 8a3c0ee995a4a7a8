"""API resources of the gdpr app."""

from __future__ import annotations

from kitos.api.base import ScopedModelViewSet

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
    data_asset_create,
    data_asset_update,
    oversight_record_create,
    oversight_record_delete,
    oversight_record_update,
    sub_processor_create,
    sub_processor_delete,
    sub_processor_update,
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

    # PATCH skips the serializer's defaults, nested ones too: a link without `use` stores.
    @staticmethod
    def create_service(*, actor, instance, m2m):
        links = m2m.pop("usage_links", None)
        return data_asset_create(
            actor=actor, asset=instance, m2m=m2m, usage_links=_pairs(links)
        )

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        links = m2m.pop("usage_links", None)
        return data_asset_update(
            actor=actor, asset=instance, data=data, m2m=m2m, usage_links=_pairs(links)
        )


def _pairs(links):
    return None if links is None else [(link["usage"], link.get("use")) for link in links]


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

    # The same services as the agreement page's forms and the admin.
    @staticmethod
    def create_service(*, actor, instance, m2m):
        return sub_processor_create(
            actor=actor,
            agreement=instance.agreement,
            supplier=instance.supplier,
            service=instance.service,
            country=instance.country,
            transfer_basis=instance.transfer_basis,
        )

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return sub_processor_update(actor=actor, sub_processor=instance, data=data)

    @staticmethod
    def delete_service(*, actor, instance):
        sub_processor_delete(actor=actor, sub_processor=instance)


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
