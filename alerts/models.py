"""The alerts: which dates each organisation wants to be warned about (rules), who
follows a contract without a role on it (subscriptions), and the log of every alert
recorded exactly once (deliveries) with the daily e-mail that carried it (digests).

These tables were created by the contracts app before the layers were split; they kept
their names (``contracts_*``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kitos.tenancy import READER, TenantModel, has_role, scoped_queryset

from .choices import OVERDUE_KINDS, AlertKind


class AlertRule(TenantModel):
    """When an organisation wants to be warned: `days_before` a watched date. The
    defaults (choices.DEFAULT_ALERT_RULES) are created with the organisation's first
    scan; its admins edit them."""

    kind = models.CharField(_("frist"), max_length=20, choices=AlertKind)
    days_before = models.PositiveSmallIntegerField(
        _("dage før"), validators=[MaxValueValidator(730)]
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    edit_role = "admin"

    class Meta:
        db_table = "contracts_alertrule"
        ordering = ["organisation", "kind", "-days_before"]
        verbose_name = _("varslingsregel")
        verbose_name_plural = _("varslingsregler")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "days_before"], name="alertrule_unique",
                violation_error_message=_(
                    "Der findes allerede en regel for denne frist med samme antal dage."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AlertKind.values), name="alertrule_kind_valid",
                violation_error_message=_("Fristen skal være en af de mulige."),
            ),
            models.CheckConstraint(
                condition=Q(days_before__lte=730), name="alertrule_days_at_most_two_years",
                violation_error_message=_("Der kan højst varsles 730 dage (to år) før."),
            ),
        ]

    def __str__(self) -> str:
        if self.kind in OVERDUE_KINDS:
            return _("%(kind)s: %(days)s dage efter") % {
                "kind": self.get_kind_display(),
                "days": self.days_before,
            }
        if self.days_before == 0:
            return _("%(kind)s: på dagen") % {"kind": self.get_kind_display()}
        return _("%(kind)s: %(days)s dage før") % {
            "kind": self.get_kind_display(),
            "days": self.days_before,
        }


class ContractSubscription(TenantModel):
    """A person who wants the alerts of a contract without holding a role on it."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="subscriptions",
        verbose_name=_("kontrakt"),
    )
    person = models.ForeignKey(
        "roles.Person", on_delete=models.CASCADE, related_name="contract_subscriptions",
        verbose_name=_("person"),
    )

    class Meta:
        db_table = "contracts_contractsubscription"
        ordering = ["contract", "person"]
        verbose_name = _("abonnement på kontrakt")
        verbose_name_plural = _("abonnementer på kontrakter")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "person"], name="subscription_unique_person_contract",
                violation_error_message=_("Personen abonnerer allerede på kontrakten."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.contract}"

    def check_editable_by(self, user) -> None:
        """People subscribe themselves with read access: it is personal and changes
        nothing on the contract. Subscribing someone else changes who is alerted about
        the contract, so it needs the right to edit the contract."""
        is_own = self.person_id and self.person.user_id is not None and (
            self.person.user_id == getattr(user, "pk", None)
        )
        if is_own and has_role(user, self.organisation_id, at_least=READER):
            return
        self.contract.check_editable_by(user)

    def clean(self):
        super().clean()
        self.require_same_organisation(
            contract=self.contract if self.contract_id else None,
            person=self.person if self.person_id else None,
        )


class AlertDigest(models.Model):
    """The one e-mail a recipient gets on a day, listing every alert due for them."""

    email = models.EmailField(_("e-mail"))
    sent_on = models.DateField(_("dato"))
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    item_count = models.PositiveIntegerField(_("antal varsler"), default=0)

    class Meta:
        db_table = "contracts_alertdigest"
        ordering = ["-sent_on", "email"]
        verbose_name = _("varslingsmail")
        verbose_name_plural = _("varslingsmails")
        constraints = [
            models.UniqueConstraint(
                fields=["email", "sent_on"],
                name="digest_one_per_day",
                violation_error_message=_("Modtageren har allerede fået en varslingsmail den dag."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} {self.sent_on:%d-%m-%Y}"


class AlertDeliveryQuerySet(scoped_queryset("organisation")):
    def for_user(self, user):
        """The in-app notifications of a login user, in organisations they still belong
        to (a former member sees none)."""
        if not user.is_authenticated:
            return self.none()
        return self.visible_to(user).filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class AlertDelivery(models.Model):
    """One alert to one recipient about one date of one object, recorded exactly once:
    the unique constraint on rule × object × deadline date × recipient makes a second
    scan, a second beat or a retried task a no-op, and a moved deadline (another date)
    gets alerts of its own."""

    organisation = models.ForeignKey(
        "kitos.Organisation", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("organisation"),
    )
    # PROTECT: the log of what was sent must outlive a rule; switch rules off instead.
    rule = models.ForeignKey(
        AlertRule, on_delete=models.PROTECT, related_name="deliveries",
        verbose_name=_("regel"),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("objekttype")
    )
    object_id = models.PositiveBigIntegerField(_("objekt-id"))
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("objekt"), max_length=300)
    deadline = models.DateField(_("frist"))
    email = models.EmailField(_("modtager"))
    person = models.ForeignKey(
        "roles.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("person"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="alert_deliveries", verbose_name=_("bruger"),
    )
    without_owner = models.BooleanField(
        _("mangler ansvarlig"),
        default=False,
        help_text=_("Sendt til organisationens administratorer, fordi ingen har rollen."),
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True, db_index=True)
    digest = models.ForeignKey(
        AlertDigest, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="deliveries", verbose_name=_("mail"),
    )
    read_at = models.DateTimeField(_("læst"), null=True, blank=True)

    objects = AlertDeliveryQuerySet.as_manager()

    class Meta:
        db_table = "contracts_alertdelivery"
        ordering = ["-created_at", "deadline"]
        verbose_name = _("varsel")
        verbose_name_plural = _("varsler")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="delivery_target_idx"),
            models.Index(fields=["user", "read_at"], name="delivery_user_unread_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "content_type", "object_id", "deadline", "email"],
                name="alert_delivery_exactly_once",
                violation_error_message=_(
                    "Varslet er allerede registreret for denne modtager og frist."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.object_repr} → {self.email}"

    @property
    def kind(self) -> str:
        return self.rule.kind

    @property
    def owning_organisation_id(self):
        return self.organisation_id



class AlertScanState(models.Model):
    """Where the daily scan left off, so the next one looks only at what can be new:
    the thresholds crossed since `last_day`, the objects (and their recipients) changed
    since `changes_since`, and the organisations whose active rules differ from
    `rule_signatures`. One row; without it (or with `full`) the scan looks at
    everything."""

    last_day = models.DateField(_("sidst scannet for dagen"), null=True, blank=True)
    changes_since = models.DateTimeField(_("ændringer siden"), null=True, blank=True)
    # organisation id (text: JSON keys) -> the signature of its active rules.
    rule_signatures = models.JSONField(_("reglernes fingeraftryk"), default=dict, blank=True)

    class Meta:
        db_table = "alerts_alertscanstate"
        ordering = ["pk"]
        verbose_name = _("varslingsscanningens tilstand")
        verbose_name_plural = _("varslingsscanningens tilstand")
        constraints = [
            models.CheckConstraint(
                condition=Q(id=1), name="alert_scan_state_one_row",
                violation_error_message=_("Der er kun én tilstand for varslingsscanningen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.last_day or '-'}"
