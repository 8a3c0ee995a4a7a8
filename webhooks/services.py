"""Webhooks: the outbox (deliveries written with the change), sending, retries and the
automatic switch-off, and the admin's writes on subscriptions.

Sending: a delivery is claimed by moving its `next_attempt_at` past the send's timeout
in one conditional UPDATE (a lease): two workers never send the same attempt, without
holding a row lock during the HTTP request. The body is rendered at the first attempt
(outside the writer's transaction: an import writes 100,000 rows) and kept."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import random
import secrets
import time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kitos import safe_http, services
from kitos.audit import record_change
from kitos.models import AuditAction, AuditEntry, Membership, Organisation
from kitos.tenancy import ADMIN

from . import events
from .models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

USER_AGENT = "kitos-webhooks/1.0 (+https://github.com/os2kitos)"
EXCERPT_CHARS = 1000
# Deliveries enqueued one task each after a commit; more (an import) go to one batch task.
ENQUEUE_ONE_BY_ONE = 50
BATCH_SIZE = 200


def _setting(name: str, default):
    return getattr(settings, name, default)


# Which organisations have an active subscription -------------------------------------

_ACTIVE_KEY = "webhooks:active-organisations:v1"


def active_organisation_ids() -> frozenset:
    """The organisations with an active subscription, from the cache: every audited
    write asks, and without a subscription it must cost no query."""
    ids = cache.get(_ACTIVE_KEY)
    if ids is None:
        ids = frozenset(
            WebhookSubscription.objects.filter(is_active=True)
            .values_list("organisation_id", flat=True).distinct()
        )
        cache.set(_ACTIVE_KEY, ids, None)
    return ids


def forget_active_organisations() -> None:
    """After a subscription is saved, switched or deleted (after commit too, so a
    concurrent reader cannot put back the old set)."""
    cache.delete(_ACTIVE_KEY)
    transaction.on_commit(lambda: cache.delete(_ACTIVE_KEY))


# The outbox: deliveries written with the change ---------------------------------------

def on_audit_entries(entries) -> None:
    """kitos.hooks audit listener: a pending delivery per entry × matching subscription,
    in the writer's transaction; their sending is queued when it commits."""
    active = active_organisation_ids()
    if not active:
        return
    relevant = [entry for entry in entries if entry.organisation_id in active]
    if not relevant:
        return
    subscriptions: dict[int, list] = {}
    for subscription in WebhookSubscription.objects.filter(
        organisation_id__in={entry.organisation_id for entry in relevant}, is_active=True
    ).only("pk", "organisation_id", "all_events", "event_types"):
        subscriptions.setdefault(subscription.organisation_id, []).append(subscription)
    now = timezone.now()
    deliveries = []
    for entry in relevant:
        wanting = subscriptions.get(entry.organisation_id)
        if not wanting:
            continue
        for event_type in events.event_types_of(entry):
            for subscription in wanting:
                if subscription.wants(event_type):
                    deliveries.append(WebhookDelivery(
                        subscription_id=subscription.pk, event_type=event_type,
                        audit_entry_id=entry.pk, content_type_id=entry.content_type_id,
                        object_id=entry.object_id, object_repr=entry.object_repr[:300],
                        occurred_at=entry.timestamp or now, next_attempt_at=now,
                    ))
    if deliveries:
        _queue(WebhookDelivery.objects.bulk_create(deliveries, batch_size=500))


def _queue(deliveries) -> None:
    ids = [delivery.pk for delivery in deliveries]

    def enqueue():
        from . import tasks

        try:
            if len(ids) <= ENQUEUE_ONE_BY_ONE:
                for pk in ids:
                    tasks.deliver.delay(pk)
            else:
                tasks.deliver_due.delay()
        except Exception:  # noqa: BLE001 - the broker is down: the beat task sends them
            logger.warning("webhooks: could not queue %d deliveries", len(ids), exc_info=True)

    transaction.on_commit(enqueue)


def _new_delivery(subscription, event_type: str, *, extra: dict, obj=None,
                  content_type=None, object_id=None, object_repr: str = "") -> WebhookDelivery:
    now = timezone.now()
    if obj is not None:
        content_type = ContentType.objects.get_for_model(obj)
        object_id, object_repr = obj.pk, str(obj)[:300]
    return WebhookDelivery(
        subscription=subscription, event_type=event_type, extra=extra,
        content_type=content_type, object_id=object_id, object_repr=object_repr,
        occurred_at=now, next_attempt_at=now,
    )


# The body -------------------------------------------------------------------------------

def _reader_for(subscription):
    """Whose eyes the object's API representation is read with: the subscription's
    creator while an active admin of the organisation, else another active admin."""
    user = subscription.created_by
    if user is not None and user.is_active and Membership.objects.filter(
        user=user, organisation_id=subscription.organisation_id, role=ADMIN
    ).exists():
        return user
    membership = (
        Membership.objects.filter(organisation_id=subscription.organisation_id, role=ADMIN,
                                  user__is_active=True)
        .select_related("user").order_by("pk").first()
    )
    return membership.user if membership else None


def api_representation(obj, user):
    """`obj` as the API's detail endpoint shows it to `user` (None when it cannot)."""
    from rest_framework.test import APIRequestFactory, force_authenticate

    route = events.api_routes().get(type(obj))
    if route is None or user is None:
        return None
    _kind, viewset = route
    lookup = getattr(viewset, "lookup_field", "uuid")
    kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup
    request = APIRequestFactory().get(f"/api/v1/_webhook/{getattr(obj, lookup)}/")
    force_authenticate(request, user=user)
    # No throttling: the user's API quota is not spent by kitos's own reads.
    view = viewset.as_view({"get": "retrieve"}, throttle_classes=[])
    response = view(request, **{kwarg: getattr(obj, lookup)})
    if response.status_code != 200:
        return None
    return json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))


def render_body(delivery: WebhookDelivery) -> str:
    subscription = delivery.subscription
    organisation = subscription.organisation
    entry = None
    if delivery.audit_entry_id:
        entry = AuditEntry.objects.filter(pk=delivery.audit_entry_id).first()
    obj_info = None
    data = None
    if delivery.content_type_id:
        model = delivery.content_type.model_class()
        obj = model._base_manager.filter(pk=delivery.object_id).first() if model else None
        public_id = getattr(obj, "uuid", None) or (entry.object_uuid if entry else None)
        obj_info = {
            "kind": events.kind_of(model) or (model._meta.model_name if model else None),
            "uuid": str(public_id) if public_id else None,
            "id": delivery.object_id,
            "repr": delivery.object_repr,
        }
        deleted = entry is not None and entry.action == AuditAction.DELETE
        if obj is not None and not deleted:
            data = api_representation(obj, _reader_for(subscription))
    payload = {
        "id": str(delivery.uuid),
        "type": delivery.event_type,
        "occurred_at": delivery.occurred_at.isoformat(),
        "organisation": {"uuid": str(organisation.uuid), "name": organisation.name},
        "object": obj_info,
        "changes": entry.changes if entry else {},
        "source": entry.source if entry else "system",
        "group_id": str(entry.group_id) if entry else None,
        "data": data,
    }
    if delivery.extra:
        payload["extra"] = delivery.extra
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` with the subscription's secret."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(delivery: WebhookDelivery, secret: str, body: bytes,
                   timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Kitos-Event": delivery.event_type,
        "X-Kitos-Delivery": str(delivery.uuid),
        "X-Kitos-Timestamp": str(timestamp),
        "X-Kitos-Signature": f"t={timestamp},v1={signature(secret, timestamp, body)}",
    }


# Sending --------------------------------------------------------------------------------

def retry_delay(attempts: int) -> datetime.timedelta:
    """After the n-th failed attempt: base × 2^(n-1), ±20 % jitter (so many deliveries
    to one receiver that came back do not all arrive in the same second)."""
    base = float(_setting("WEBHOOK_RETRY_BASE_SECONDS", 60))
    seconds = base * (2 ** max(attempts - 1, 0)) * random.uniform(0.8, 1.2)  # noqa: S311
    return datetime.timedelta(seconds=seconds)


def _claim(delivery_id: int, now) -> bool:
    lease = now + datetime.timedelta(seconds=float(_setting("WEBHOOK_TIMEOUT", 10)) + 60)
    return bool(WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now,
        subscription__is_active=True,
    ).update(next_attempt_at=lease))


def deliver(delivery_id: int, *, now=None) -> str | None:
    """One attempt of a due delivery; its status afterwards (None: not due or taken)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = WebhookDelivery.objects.select_related(
        "subscription__organisation", "content_type").get(pk=delivery_id)
    subscription = delivery.subscription
    if not delivery.body:
        try:
            delivery.body = render_body(delivery)
        except Exception as error:  # noqa: BLE001 - logged on the delivery, retried
            logger.exception("webhooks: rendering delivery %s failed", delivery.pk)
            delivery.body = ""
            return _record(delivery, now, safe_http.PostResult(
                None, error=f"render: {type(error).__name__}"), 0)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(body=delivery.body)
    body = delivery.body.encode()
    if not subscription.secret:
        result = safe_http.PostResult(None, error=_("Ingen hemmelighed: lav en ny."))
        return _record(delivery, now, result, 0)
    started = time.monotonic()
    result = safe_http.post(
        subscription.url, body, headers=signed_headers(delivery, subscription.secret, body),
        timeout=float(_setting("WEBHOOK_TIMEOUT", 10)),
        allowed_networks=safe_http.ALL_NETWORKS if subscription.allow_internal else (),
        excerpt_bytes=EXCERPT_CHARS,
    )
    return _record(delivery, now, result, int((time.monotonic() - started) * 1000))


@transaction.atomic
def _record(delivery: WebhookDelivery, now, result: safe_http.PostResult,
            duration_ms: int) -> str:
    delivery.attempts += 1
    error = result.error
    if result.status_code is not None and not result.ok:
        error = f"HTTP {result.status_code}"
    WebhookAttempt.objects.create(
        delivery=delivery, number=delivery.attempts, started_at=now,
        status_code=result.status_code, error=error[:300],
        response_excerpt=result.body_excerpt[:EXCERPT_CHARS], duration_ms=duration_ms,
        succeeded=result.ok,
    )
    delivery.last_status_code = result.status_code
    delivery.last_error = error[:300]
    delivery.last_duration_ms = duration_ms
    subscription = delivery.subscription
    if result.ok:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
        WebhookSubscription.objects.filter(pk=subscription.pk).exclude(
            consecutive_failures=0).update(consecutive_failures=0)
    elif delivery.attempts >= int(_setting("WEBHOOK_MAX_ATTEMPTS", 6)):
        delivery.status = DeliveryStatus.GIVEN_UP
        delivery.next_attempt_at = None
        WebhookSubscription.objects.filter(pk=subscription.pk).update(
            consecutive_failures=F("consecutive_failures") + 1)
        subscription.refresh_from_db(fields=["consecutive_failures", "is_active"])
        if (subscription.is_active and subscription.consecutive_failures
                >= int(_setting("WEBHOOK_DISABLE_AFTER", 5))):
            _disable(subscription, reason=_(
                "Slået fra automatisk: %(count)s leverancer i træk blev opgivet "
                "(seneste fejl: %(error)s).") % {
                    "count": subscription.consecutive_failures, "error": error or "?"})
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save(update_fields=[
        "attempts", "status", "next_attempt_at", "last_status_code", "last_error",
        "last_duration_ms", "delivered_at",
    ])
    return delivery.status


def deliver_due(*, now=None, limit: int = 5000) -> int:
    """Send the deliveries that are due (the beat's sweep: retries, and deliveries whose
    task was lost with the broker). The number of attempts made."""
    now = now or timezone.now()
    sent = 0
    while sent < limit:
        ids = list(
            WebhookDelivery.objects.filter(
                status=DeliveryStatus.PENDING, next_attempt_at__lte=now,
                subscription__is_active=True,
            ).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:BATCH_SIZE]
        )
        if not ids:
            break
        made = sum(deliver(pk, now=now) is not None for pk in ids)
        sent += made
        if not made:
            break
    return sent


def _disable(subscription: WebhookSubscription, *, reason: str) -> None:
    """Switch the subscription off, stop its pending deliveries and tell the admins."""
    now = timezone.now()
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        is_active=False, disabled_at=now, disabled_reason=reason[:300])
    subscription.is_active, subscription.disabled_at = False, now
    subscription.disabled_reason = reason[:300]
    WebhookDelivery.objects.filter(subscription=subscription,
                                   status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.CANCELLED, next_attempt_at=None)
    forget_active_organisations()
    transaction.on_commit(lambda: _mail_admins_disabled(subscription.pk))


def admin_emails(organisation_id) -> list[str]:
    return sorted({
        email for email in Membership.objects.filter(
            organisation_id=organisation_id, role=ADMIN, user__is_active=True,
        ).values_list("user__email", flat=True) if email
    })


def _mail_admins_disabled(subscription_id: int) -> None:
    """The organisation's admins learn by mail that a webhook was switched off (the
    alerts app's in-app alerts are about deadlines and advice, with a rule or an advice
    behind each: a switched-off webhook is neither)."""
    subscription = WebhookSubscription.objects.select_related("organisation").get(
        pk=subscription_id)
    recipients = admin_emails(subscription.organisation_id)
    if not recipients:
        return
    base = getattr(settings, "KITOS_BASE_URL", "").rstrip("/")
    url = base + reverse("webhook_detail", args=[subscription.organisation.slug,
                                                 subscription.uuid])
    send_mail(
        subject=_("kitos: webhooken “%(name)s” er slået fra") % {"name": subscription.name},
        message=_(
            "Webhooken “%(name)s” (%(url)s) i %(organisation)s er slået fra automatisk.\n\n"
            "%(reason)s\n\nRet modtageren, og slå webhooken til igen her: %(link)s\n"
        ) % {"name": subscription.name, "url": subscription.url,
             "organisation": subscription.organisation.name,
             "reason": subscription.disabled_reason, "link": url},
        from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=recipients,
        fail_silently=True,
    )


# The admin's writes ---------------------------------------------------------------------

def new_secret() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def subscription_create(*, actor, organisation: Organisation, data: dict) -> WebhookSubscription:
    """A new subscription with a generated secret (the caller shows it once); the
    common audited write (admins only: the model's edit role)."""
    subscription = services.create_object(actor=actor, instance=WebhookSubscription(
        organisation=organisation, created_by=actor if getattr(actor, "pk", None) else None,
        secret=new_secret(), **data,
    ))
    forget_active_organisations()
    return subscription


@transaction.atomic
def subscription_update(*, actor, subscription: WebhookSubscription,
                        data: dict) -> WebhookSubscription:
    services.update_object(actor=actor, instance=subscription, data=data)
    forget_active_organisations()
    return subscription


@transaction.atomic
def subscription_delete(*, actor, subscription: WebhookSubscription) -> None:
    services.delete_object(actor=actor, instance=subscription)
    forget_active_organisations()


@transaction.atomic
def subscription_new_secret(*, actor, subscription: WebhookSubscription) -> str:
    """A new secret (the old one stops working at once); returned to be shown once."""
    subscription.check_editable_by(actor)
    subscription.secret = new_secret()
    subscription.save(update_fields=["secret", "updated_at"])
    # The secret itself is never audited: the entry says that it changed.
    record_change(actor=actor, action=AuditAction.UPDATE, instance=subscription,
                  changes={"secret": ["***", "***"]})
    return subscription.secret


@transaction.atomic
def subscription_enable(*, actor, subscription: WebhookSubscription) -> WebhookSubscription:
    """Switch on again (a subscription switched off by hand or after failures)."""
    services.update_object(actor=actor, instance=subscription, data={
        "is_active": True, "consecutive_failures": 0, "disabled_at": None,
        "disabled_reason": "",
    })
    forget_active_organisations()
    return subscription


@transaction.atomic
def send_test_event(*, actor, subscription: WebhookSubscription) -> WebhookDelivery:
    """A `ping` to the subscription, queued after commit like every delivery."""
    subscription.check_editable_by(actor)
    delivery = _new_delivery(subscription, events.PING, extra={
        "message": "Testhændelse fra kitos", "requested_by": str(actor)[:200],
    })
    delivery.save()
    _queue([delivery])
    return delivery


@transaction.atomic
def resend(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery that was given up or stopped again: the same body (and id)."""
    delivery.subscription.check_editable_by(actor)
    if delivery.status == DeliveryStatus.PENDING:
        return delivery
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    _queue([delivery])
    return delivery


# Gaps -----------------------------------------------------------------------------------

def scan_gaps(*, today=None) -> int:
    """Compare each subscribed organisation's open gaps with the last scan's and emit
    `gap.opened` / `gap.closed` for the differences. A subscription the scan sees for
    the first time gets none (its baseline is set silently). The number of events."""
    from gdpr.gaps import all_rules

    from .models import OpenGap

    today = today or timezone.localdate()
    made = 0
    for organisation_id in active_organisation_ids():
        current: dict[tuple, object] = {}
        for rule in all_rules():
            content_type = ContentType.objects.get_for_model(rule.model)
            scope = rule.model.objects.filter(organisation_id=organisation_id)
            for obj in rule.offending(scope, today).order_by():
                current[(content_type.pk, obj.pk, rule.key)] = (obj, rule)
        with transaction.atomic():
            stored = {
                (gap.content_type_id, gap.object_id, gap.rule): gap
                for gap in OpenGap.objects.filter(organisation_id=organisation_id)
            }
            opened = [key for key in current if key not in stored]
            closed = [key for key in stored if key not in current]
            OpenGap.objects.bulk_create([
                OpenGap(organisation_id=organisation_id, content_type_id=ct,
                        object_id=pk, rule=rule) for ct, pk, rule in opened
            ])
            OpenGap.objects.filter(pk__in=[stored[key].pk for key in closed]).delete()
            subscriptions = list(WebhookSubscription.objects.filter(
                organisation_id=organisation_id, is_active=True))
            deliveries = []
            for subscription in subscriptions:
                if subscription.gaps_seen_at is None:
                    continue  # the first scan of it: the baseline, silently
                for key, event_type in [(key, events.GAP_OPENED) for key in opened] + [
                        (key, events.GAP_CLOSED) for key in closed]:
                    if not subscription.wants(event_type):
                        continue
                    content_type = ContentType.objects.get_for_id(key[0])
                    obj, _rule = current.get(key, (None, None))
                    deliveries.append(_new_delivery(
                        subscription, event_type, extra={"rule": key[2]},
                        content_type=content_type, object_id=key[1],
                        object_repr=str(obj)[:300] if obj is not None else "",
                    ))
            WebhookSubscription.objects.filter(
                pk__in=[s.pk for s in subscriptions if s.gaps_seen_at is None]
            ).update(gaps_seen_at=timezone.now())
            if deliveries:
                _queue(WebhookDelivery.objects.bulk_create(deliveries))
            made += len(deliveries)
    return made

