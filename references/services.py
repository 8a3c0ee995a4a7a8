"""Writes of external references (keyword-only, atomic, audited) and the link check."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from kitos.safe_http import LinkCheck, Outcome, check_urls
from kitos.services import create_object, delete_object, update_object
from kitos.tenancy import SharedCatalogModel

from .models import (
    MAX_REFERENCES_PER_OBJECT,
    REFERENCE_TARGET_LABELS,
    CheckStatus,
    ExternalReference,
)

EDITABLE_FIELDS = ("title", "url", "external_id")
# A link is checked again when its last check is older than this (the beat runs weekly;
# a slightly shorter age lets a run that started late still take last week's links).
RECHECK_AFTER = datetime.timedelta(days=6)


def owner_field(model) -> str:
    """The column naming the organisation that owns objects of `model`."""
    return "owner_organisation_id" if issubclass(model, SharedCatalogModel) else "organisation_id"


def _reset_check(reference: ExternalReference) -> None:
    reference.check_status = CheckStatus.UNCHECKED
    reference.checked_at = reference.http_status = reference.dead_since = None
    reference.check_detail = ""


@transaction.atomic
def reference_create(
    *, actor, target, title: str, url: str, external_id: str = ""
) -> ExternalReference:
    """Add a link to `target` (those who may edit the object)."""
    if target._meta.label not in REFERENCE_TARGET_LABELS:
        raise ValidationError(_("Der kan ikke sættes referencer på denne slags objekt."))
    reference = ExternalReference(
        organisation_id=target.owning_organisation_id,
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk,
        title=(title or "").strip(), url=(url or "").strip(),
        external_id=(external_id or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    reference.target = target
    # Locked so that two requests adding at once cannot pass the limit together.
    type(target)._base_manager.select_for_update().filter(pk=target.pk).exists()
    if ExternalReference.objects.about(target).count() >= MAX_REFERENCES_PER_OBJECT:
        raise ValidationError(
            _("Et objekt kan højst have %(max)s referencer.") % {"max": MAX_REFERENCES_PER_OBJECT}
        )
    return create_object(actor=actor, instance=reference)


@transaction.atomic
def reference_update(*, actor, reference: ExternalReference, data: dict) -> ExternalReference:
    """Change a reference's title, link or document id; a new link is checked anew."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Felterne kan ikke ændres: %(fields)s") % {
            "fields": ", ".join(sorted(unknown))
        })
    data = {name: (value or "").strip() for name, value in data.items()}
    if "url" in data and data["url"] != reference.url:
        _reset_check(reference)
        data.update(check_status=reference.check_status, checked_at=None, http_status=None,
                    check_detail="", dead_since=None)
    return update_object(actor=actor, instance=reference, data=data)


@transaction.atomic
def reference_delete(*, actor, reference: ExternalReference) -> None:
    delete_object(actor=actor, instance=reference)


# -- the link check --------------------------------------------------------------------------


def _store(url: str, result: LinkCheck, now) -> int:
    """Write one URL's outcome to every reference with that link. A link that stays dead
    keeps the time it was first found dead."""
    references = ExternalReference.objects.filter(url=url)
    fields = {
        "check_status": result.outcome, "checked_at": now, "http_status": result.status_code,
        "check_detail": result.detail[:300],
    }
    if result.outcome in (Outcome.BROKEN, Outcome.UNREACHABLE):
        references.filter(dead_since__isnull=True).update(dead_since=now)
    else:
        fields["dead_since"] = None
    # update(): the check is the system's observation, not a user's change (no audit
    # entry, no updated_at that sync clients would read as a change of the object).
    return references.update(**fields)


def sync_organisations() -> int:
    """Keep each reference's organisation equal to its object's (an object moved to
    another organisation takes its links' visibility with it)."""
    changed = 0
    for label in REFERENCE_TARGET_LABELS:
        model = apps.get_model(label)
        owner = Subquery(
            model._base_manager.filter(pk=OuterRef("object_id")).values(owner_field(model))[:1]
        )
        changed += (
            ExternalReference.objects.filter(content_type=ContentType.objects.get_for_model(model))
            .annotate(owner=owner).exclude(organisation_id=owner)
            .update(organisation_id=owner)
        )
    return changed


def check_links(*, now=None, limit: int | None = None, urls=None) -> dict[str, int]:
    """Check the links not checked for RECHECK_AFTER (or the given `urls`), each distinct
    link once, at most LINK_CHECK_CONCURRENCY at a time with LINK_CHECK_TIMEOUT seconds
    per request. Idempotent: a second run the same day finds nothing to check."""
    now = now or timezone.now()
    sync_organisations()
    if urls is None:
        due = ExternalReference.objects.filter(
            Q(checked_at__isnull=True) | Q(checked_at__lt=now - RECHECK_AFTER)
        )
        urls = (
            due.order_by(F("checked_at").asc(nulls_first=True))
            .values_list("url", flat=True).distinct()
        )
        if limit is not None:
            urls = urls[:limit]
    results = check_urls(
        list(urls),
        concurrency=settings.LINK_CHECK_CONCURRENCY,
        timeout=settings.LINK_CHECK_TIMEOUT,
        allowed_networks=settings.LINK_CHECK_ALLOWED_NETWORKS,
    )
    counts = {status: 0 for status in CheckStatus.values}
    for url, result in results.items():
        with transaction.atomic():
            counts[result.outcome] += _store(url, result, now)
    counts["urls"] = len(results)
    return counts
