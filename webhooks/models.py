"""Outgoing webhooks: an organisation's subscriptions and the log of what was sent.

A `WebhookDelivery` is written in the same transaction as the change it tells about (a
transactional outbox): it commits or rolls back with the change, and a worker sends it
afterwards. Its body is rendered at the first attempt and kept, so a retry sends the
same bytes (and the same signature base)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kitos import safe_http
from kitos.crypto import EncryptedTextField
from kitos.tenancy import ADMIN, TenantModel, organisation_ids, scoped_queryset


def _admin_scoped(path: str):
    """A queryset class whose `visible_to` shows an organisation's rows to its admins
    only (a webhook's URL and log are the admins' business)."""

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(**{f"{path}__in": organisation_ids(user, at_least=ADMIN)})

    return type(f"AdminScoped_{path}", (scoped_queryset(path),), {"visible_to": visible_to})


class WebhookSubscription(TenantModel):
    """A URL of an organisation's that kitos posts the organisation's events to, signed
    with the subscription's secret. Switched off automatically after repeated failed
    deliveries (`disabled_reason`); an admin switches it on again."""

    edit_role = ADMIN

    name = models.CharField(_("navn"), max_length=200)
    url = models.URLField(
        _("URL"), max_length=1000,
        validators=[URLValidator(schemes=safe_http.ALLOWED_SCHEMES,
                                 message=_("Angiv en http- eller https-adresse."))],
    )
    secret = EncryptedTextField(_("hemmelighed"), blank=True)
    all_events = models.BooleanField(
        _("alle hændelser"), default=True,
        help_text=_("Send alle hændelser, også typer der kommer til senere."),
    )
    event_types = models.JSONField(_("hændelsestyper"), default=list, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    allow_internal = models.BooleanField(
        _("tillad interne adresser"), default=False,
        help_text=_(
            "Tillad at sende til private og interne netværksadresser (fx 10.x.x.x eller "
            "localhost). Kun hvis modtageren står på jeres eget netværk."
        ),
    )
    consecutive_failures = models.PositiveIntegerField(
        _("opgivne leverancer i træk"), default=0
    )
    disabled_at = models.DateTimeField(_("slået fra"), null=True, blank=True)
    disabled_reason = models.CharField(_("årsag til at den er slået fra"), max_length=300,
                                       blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("oprettet af"),
    )
    # When the gap scan first saw the subscription: until then it gets no gap events, so
    # that a new subscription is not flooded with every gap open today.
    gaps_seen_at = models.DateTimeField(_("mangler set"), null=True, blank=True)

    # The secret is never audited or shown; the counter moves without anyone changing
    # the subscription.
    audit_exclude = ("secret", "consecutive_failures", "gaps_seen_at")

    objects = _admin_scoped("organisation").as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        indexes = [models.Index(fields=["organisation", "is_active"],
                                name="webhook_org_active_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="webhook_name_unique_per_org",
                violation_error_message=_(
                    "Organisationen har allerede en webhook med dette navn."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        return event_type == "ping" or self.all_events or event_type in self.event_types


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Venter")
    SUCCEEDED = "succeeded", _("Leveret")
    GIVEN_UP = "given_up", _("Opgivet")
    CANCELLED = "cancelled", _("Stoppet")


class WebhookDelivery(models.Model):
    """One event to one subscription: pending until an attempt gets a 2xx answer, or
    given up after the last attempt. `uuid` is the event's id in the payload and the
    X-Kitos-Delivery header (receivers de-duplicate on it)."""

    uuid = models.UUIDField(_("id"), default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("webhook"),
    )
    event_type = models.CharField(_("hændelse"), max_length=100)
    # The change the event tells about (empty for a test event or a gap).
    audit_entry = models.ForeignKey(
        "kitos.AuditEntry", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("ændring"), db_constraint=False,
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("objekttype"),
    )
    object_id = models.PositiveBigIntegerField(_("objekt-id"), null=True, blank=True)
    object_repr = models.CharField(_("objekt"), max_length=300, blank=True)
    # What an event without an audit entry carries (a gap's rule, a test's message).
    extra = models.JSONField(_("ekstra data"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("sket"))
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    next_attempt_at = models.DateTimeField(_("næste forsøg"), null=True, blank=True)
    body = models.TextField(_("indhold"), blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("svarkode"), null=True, blank=True)
    last_error = models.CharField(_("fejl"), max_length=300, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("varighed (ms)"), null=True, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("leveret"), null=True, blank=True)

    objects = _admin_scoped("subscription__organisation").as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook-leverance")
        verbose_name_plural = _("webhook-leverancer")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx"),
            models.Index(fields=["subscription", "-created_at"],
                         name="webhook_delivery_log_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.PENDING) | Q(next_attempt_at__isnull=False),
                name="webhook_pending_has_time",
                violation_error_message=_("En ventende leverance skal have et tidspunkt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription_id} ({self.get_status_display()})"

    @property
    def owning_organisation_id(self):
        return self.subscription.organisation_id


class WebhookAttempt(models.Model):
    """One POST of a delivery and its answer: the log shows every attempt's code."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log",
        verbose_name=_("leverance"),
    )
    number = models.PositiveSmallIntegerField(_("forsøg nr."))
    started_at = models.DateTimeField(_("startet"))
    status_code = models.PositiveSmallIntegerField(_("svarkode"), null=True, blank=True)
    error = models.CharField(_("fejl"), max_length=300, blank=True)
    response_excerpt = models.TextField(_("svar (uddrag)"), blank=True)
    duration_ms = models.PositiveIntegerField(_("varighed (ms)"))
    succeeded = models.BooleanField(_("lykkedes"), default=False)

    objects = _admin_scoped("delivery__subscription__organisation").as_manager()

    class Meta:
        ordering = ["delivery", "number", "pk"]
        verbose_name = _("leveringsforsøg")
        verbose_name_plural = _("leveringsforsøg")

    def __str__(self) -> str:
        return f"#{self.number}: {self.status_code or self.error}"


class OpenGap(models.Model):
    """A gap (kitos.hooks.object_gaps) that was open at the last scan: gaps are computed,
    not stored, so the scan compares with this table to tell which opened and closed."""

    organisation = models.ForeignKey(
        "kitos.Organisation", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("organisation"),
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("objekttype"))
    object_id = models.PositiveBigIntegerField(_("objekt-id"))
    rule = models.CharField(_("regel"), max_length=200)
    opened_at = models.DateTimeField(_("åbnet"), auto_now_add=True)

    objects = _admin_scoped("organisation").as_manager()

    class Meta:
        ordering = ["organisation", "content_type", "object_id", "rule"]
        verbose_name = _("åben mangel")
        verbose_name_plural = _("åbne mangler")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "content_type", "object_id", "rule"],
                name="webhook_open_gap_once",
                violation_error_message=_("Manglen er allerede registreret."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.content_type_id}/{self.object_id}"
