"""Writes for data assets, processing activities and data processing agreements."""

from __future__ import annotations

import copy
import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitos.audit import AuditAction, record_change
from kitos.dates import add_months
from kitos.services import create_object, delete_link, delete_object, update_object

from .choices import AssetUse
from .models import (
    DataAsset,
    DataAssetUsage,
    DataProcessingAgreement,
    OversightRecord,
    SubProcessor,
)


def next_oversight_date(
    agreement: DataProcessingAgreement, last_date: datetime.date | None
) -> datetime.date | None:
    """The next supervision is due one interval after the last one (or after the
    agreement was concluded when none has been done yet)."""
    if not agreement.oversight_interval:
        return None
    base = last_date or agreement.concluded_on
    if base is None:
        return None
    return add_months(base, int(agreement.oversight_interval))


@transaction.atomic
def oversight_record_create(
    *, actor, agreement: DataProcessingAgreement, date: datetime.date, method: str, **fields: Any
) -> OversightRecord:
    """Record a performed supervision and move the agreement's next due date."""
    record = create_object(
        actor=actor,
        instance=OversightRecord(agreement=agreement, date=date, method=method, **fields),
    )
    _move_next_oversight(actor=actor, agreement=agreement)
    return record


@transaction.atomic
def oversight_record_update(*, actor, record: OversightRecord, data: dict) -> OversightRecord:
    """Correct a recorded supervision; a changed date moves the next due date too."""
    record = update_object(actor=actor, instance=record, data=data)
    _move_next_oversight(actor=actor, agreement=record.agreement)
    return record


@transaction.atomic
def oversight_record_delete(*, actor, record: OversightRecord) -> None:
    """Remove a supervision recorded by mistake; the due date falls back accordingly."""
    agreement = record.agreement
    delete_object(actor=actor, instance=record)
    _move_next_oversight(actor=actor, agreement=agreement)


def _last_oversight_date(agreement: DataProcessingAgreement) -> datetime.date | None:
    return agreement.oversight_records.order_by("-date").values_list("date", flat=True).first()


def _move_next_oversight(*, actor, agreement: DataProcessingAgreement) -> None:
    update_object(
        actor=actor,
        instance=agreement,
        data={
            "next_oversight_date": next_oversight_date(
                agreement, _last_oversight_date(agreement)
            )
        },
    )


@transaction.atomic
def sub_processor_create(
    *, actor, agreement: DataProcessingAgreement, supplier, **fields: Any
) -> SubProcessor:
    """Add a sub-processor to an agreement (its page's form, the admin)."""
    return create_object(
        actor=actor, instance=SubProcessor(agreement=agreement, supplier=supplier, **fields)
    )


@transaction.atomic
def sub_processor_update(*, actor, sub_processor: SubProcessor, data: dict) -> SubProcessor:
    return update_object(actor=actor, instance=sub_processor, data=data)


@transaction.atomic
def sub_processor_delete(*, actor, sub_processor: SubProcessor) -> None:
    delete_object(actor=actor, instance=sub_processor)


def agreement_create(*, actor, agreement: DataProcessingAgreement, m2m=None):
    """Create an agreement; its first oversight is due one interval after conclusion."""
    agreement.next_oversight_date = next_oversight_date(agreement, None)
    return create_object(actor=actor, instance=agreement, m2m=m2m)


def agreement_update(*, actor, agreement: DataProcessingAgreement, data: dict, m2m=None):
    """Update an agreement; a new interval or conclusion date moves the next oversight
    date in the same change (oversight records move it too, see above)."""
    changed = copy.copy(agreement)
    for name, value in data.items():
        setattr(changed, name, value)
    if (changed.oversight_interval, changed.concluded_on) != (
        agreement.oversight_interval,
        agreement.concluded_on,
    ):
        data = {
            **data,
            "next_oversight_date": next_oversight_date(changed, _last_oversight_date(agreement)),
        }
    return update_object(actor=actor, instance=agreement, data=data, m2m=m2m)


@transaction.atomic
def data_asset_link_usage(*, actor, asset: DataAsset, usage, use: str) -> DataAssetUsage:
    """Record that a system usage stores, uses or exposes a data asset (audited on the
    asset, like the other many-to-many changes)."""
    asset.check_editable_by(actor)
    link = DataAssetUsage(asset=asset, usage=usage, use=use)
    if usage.organisation_id != asset.organisation_id:
        raise ValidationError({"usage": _("Skal høre til samme organisation.")})
    link.full_clean(exclude=["organisation"])
    link.save()
    # Sync clients must see the asset as changed (its links are part of it).
    DataAsset.objects.filter(pk=asset.pk).update(updated_at=timezone.now())
    record_change(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=asset,
        changes={"usages": [None, {"usage": usage.pk, "use": use}]},
    )
    return link


@transaction.atomic
def data_asset_create(*, actor, asset: DataAsset, m2m=None, usage_links=None) -> DataAsset:
    """Create a data asset, with the system usages that store, use or expose it
    (`usage_links`: (usage, use) pairs; None leaves them out). The form, the API and
    the admin call it."""
    asset = create_object(actor=actor, instance=asset, m2m=m2m or None)
    data_asset_set_usage_links(actor=actor, asset=asset, links=usage_links)
    return asset


@transaction.atomic
def data_asset_update(
    *, actor, asset: DataAsset, data: dict, m2m=None, usage_links=None
) -> DataAsset:
    """Change a data asset and, unless `usage_links` is None, make its usage links
    exactly those pairs."""
    asset = update_object(actor=actor, instance=asset, data=data, m2m=m2m or None)
    data_asset_set_usage_links(actor=actor, asset=asset, links=usage_links)
    return asset


@transaction.atomic
def data_asset_set_usage_links(*, actor, asset: DataAsset, links) -> None:
    """Make the asset's usage links the given (usage, use) pairs: new links through the
    audited link service, links no longer wanted deleted as audited link rows."""
    if links is None:
        return
    wanted = {(usage.pk, use or AssetUse.STORES): usage for usage, use in links}
    existing = {(link.usage_id, link.use): link for link in asset.usage_links.all()}
    for key, link in existing.items():
        if key not in wanted:
            delete_link(actor=actor, instance=link)
    for (_usage_id, use), usage in wanted.items():
        if (usage.pk, use) not in existing:
            data_asset_link_usage(actor=actor, asset=asset, usage=usage, use=use)
    # The links were written around the related manager: drop what a caller prefetched,
    # and take the change time the link service stamped (the API's ETag uses it).
    getattr(asset, "_prefetched_objects_cache", {}).pop("usage_links", None)
    asset.refresh_from_db(fields=["updated_at"])
