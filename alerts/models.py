"""The alerts: which dates each organisation wants to be warned about (rules), who
follows a contract without a role on it (subscriptions), and the log of every alert
recorded exactly once (deliveries) with the daily e-mail that carried it (digests).

These tables were created by the contracts app before the layers were split; they kept
their names (``contracts_*``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, validate_email
from django.db import models
from django.db.models import Q
from django.utils import timezone
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


# The kind of an advice's in-app entry (AlertDelivery.kind; not a rule kind).
ADVICE_KIND = "advice"


class AlertDeliveryQuerySet(scoped_queryset("organisation")):
    def for_user(self, user):
        """The in-app notifications of a login user, in organisations they still belong
        to (a former member sees none)."""
        if not user.is_authenticated:
            return self.none()
        return self.visible_to(user).filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def of_rules(self):
        """The deadline alerts of the rules (the scan and the digest), without the
        in-app entries of advice, which have no rule and go by mail of their own."""
        return self.filter(rule__isnull=False)


class AlertDelivery(models.Model):
    """One alert to one recipient about one date of one object, recorded exactly once:
    the unique constraint on rule × object × deadline date × recipient makes a second
    scan, a second beat or a retried task a no-op, and a moved deadline (another date)
    gets alerts of its own.

    An advice's send is an alert too, in the user's list and unread count: one row per
    send × user (`advice_sent`, no rule, `deadline` the day it was due), written in the
    send's own transaction (alerts.advice)."""

    organisation = models.ForeignKey(
        "kitos.Organisation", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("organisation"),
    )
    # PROTECT: the log of what was sent must outlive a rule; switch rules off instead.
    # Empty for an advice's in-app entry (`advice_sent`): one or the other is set.
    rule = models.ForeignKey(
        AlertRule, on_delete=models.PROTECT, related_name="deliveries",
        verbose_name=_("regel"), null=True, blank=True,
    )
    advice_sent = models.ForeignKey(
        "AdviceSent", on_delete=models.CASCADE, null=True, blank=True,
        related_name="deliveries", verbose_name=_("sendt advis"),
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
            models.UniqueConstraint(
                fields=["advice_sent", "user"], condition=Q(advice_sent__isnull=False),
                name="alert_delivery_advice_once_per_user",
                violation_error_message=_("Brugeren har allerede fået dette advis."),
            ),
            models.CheckConstraint(
                condition=Q(rule__isnull=False, advice_sent__isnull=True)
                | Q(rule__isnull=True, advice_sent__isnull=False),
                name="alert_delivery_rule_or_advice",
                violation_error_message=_(
                    "Et varsel kommer enten fra en regel eller fra et advis."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason}: {self.object_repr} → {self.email}"

    @property
    def kind(self) -> str:
        return self.rule.kind if self.rule_id else ADVICE_KIND

    @property
    def reason(self) -> str:
        """Why it was sent: the rule, or the advice's subject."""
        if self.rule_id:
            return str(self.rule)
        return _("Advis: %(subject)s") % {"subject": self.advice_sent.advice.subject}

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


class AdviceRepetition(models.TextChoices):
    """How often an advice is sent (OS2KITOS "Gentagelse"): once at once, or every
    period from its alarm time until its stop date."""

    IMMEDIATE = "immediate", _("Straks")
    HOURLY = "hourly", _("Hver time")
    DAILY = "daily", _("Dagligt")
    WEEKLY = "weekly", _("Ugentligt")
    MONTHLY = "monthly", _("Månedligt")
    QUARTERLY = "quarterly", _("Kvartalsvis")
    HALF_YEARLY = "half_yearly", _("Halvårligt")
    YEARLY = "yearly", _("Årligt")


# The kinds of object an advice can be set on (roles.RoleTarget values): OS2KITOS's
# contracts, system usages and data processing registrations, plus processing activities.
ADVICE_TARGET_KINDS = ("contract", "system_usage", "data_processing_agreement",
                       "processing_activity")
# Free e-mail addresses per recipient list ("to" and "cc" each).
ADVICE_MAX_EMAILS = 20


class AdviceQuerySet(scoped_queryset("organisation")):
    def about(self, obj):
        """The advice set on `obj`."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )


class Advice(TenantModel):
    """A manual notification ("advis") on a contract, system usage, data processing
    agreement or processing activity: a mail sent at once, or every period from
    `alarm_at` until `stop_on`, to the holders of the chosen roles on the object (read
    at each send) and to free e-mail addresses. `next_send_at` is when it is next due
    (empty once it is done or switched off); every send is logged in `AdviceSent`."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("objekttype"),
    )
    object_id = models.PositiveBigIntegerField(_("objekt-id"))
    target = GenericForeignKey("content_type", "object_id")
    name = models.CharField(
        _("navn"), max_length=200, blank=True,
        help_text=_("Til at kende advis'et på; modtagerne ser emnet."),
    )
    subject = models.CharField(_("emne"), max_length=200)
    body = models.TextField(_("tekst"), blank=True)
    repetition = models.CharField(
        _("gentagelse"), max_length=20, choices=AdviceRepetition,
        default=AdviceRepetition.IMMEDIATE,
    )
    alarm_at = models.DateTimeField(
        _("første afsendelse"),
        help_text=_("Hvornår advis'et sendes første gang (for 'Straks': nu)."),
    )
    stop_on = models.DateField(
        _("stopdato"), null=True, blank=True,
        help_text=_("Der sendes ikke efter denne dag. Tom: indtil det slås fra."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    next_send_at = models.DateTimeField(_("næste afsendelse"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("sidst sendt"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("oprettet af"),
    )
    to_roles = models.ManyToManyField(
        "roles.RoleType", blank=True, related_name="+", verbose_name=_("modtagere (roller)"),
    )
    cc_roles = models.ManyToManyField(
        "roles.RoleType", blank=True, related_name="+", verbose_name=_("cc (roller)"),
    )
    to_emails = models.JSONField(_("modtagere (e-mail)"), default=list, blank=True)
    cc_emails = models.JSONField(_("cc (e-mail)"), default=list, blank=True)

    objects = AdviceQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "next_send_at", "subject", "pk"]
        verbose_name = _("advis")
        verbose_name_plural = _("advis")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="advice_target_idx"),
            # The beat's look-up of what is due: active advice by next send time.
            models.Index(fields=["next_send_at"], name="advice_next_send_idx",
                         condition=Q(is_active=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(subject=""), name="advice_subject_required",
                violation_error_message=_("Advis'et skal have et emne."),
            ),
            models.CheckConstraint(
                condition=Q(repetition__in=AdviceRepetition.values),
                name="advice_repetition_valid",
                violation_error_message=_("Gentagelsen skal være en af de mulige."),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.subject

    @property
    def is_repeating(self) -> bool:
        return self.repetition != AdviceRepetition.IMMEDIATE

    def check_editable_by(self, user) -> None:
        """Whoever may edit the object the advice is on may set and change its advice."""
        target = self.target if self.content_type_id and self.object_id else None
        if target is None or getattr(target, "organisation_id", None) != self.organisation_id:
            super().check_editable_by(user)
        else:
            target.check_editable_by(user)

    def clean(self):
        super().clean()
        errors = {}
        if self.content_type_id:
            model = self.content_type.model_class()
            kind = getattr(model, "role_target", None)
            if kind not in ADVICE_TARGET_KINDS:
                errors["content_type"] = _("Der kan ikke sættes advis på denne slags objekt.")
            else:
                target = model._base_manager.filter(pk=self.object_id).first()
                if target is None:
                    errors["object_id"] = _("Objektet findes ikke.")
                elif target.organisation_id != self.organisation_id:
                    errors["object_id"] = _("Objektet hører til en anden organisation.")
        if self.stop_on and self.alarm_at and self.stop_on < timezone.localdate(self.alarm_at):
            errors["stop_on"] = _("Stopdatoen må ikke ligge før første afsendelse.")
        for field in ("to_emails", "cc_emails"):
            addresses = getattr(self, field)
            if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
                errors[field] = _("Skal være en liste af e-mailadresser.")
                continue
            if len(addresses) > ADVICE_MAX_EMAILS:
                errors[field] = _("Højst %(max)s e-mailadresser.") % {"max": ADVICE_MAX_EMAILS}
                continue
            for address in addresses:
                try:
                    validate_email(address)
                except ValidationError:
                    errors[field] = _("“%(address)s” er ikke en gyldig e-mailadresse.") % {
                        "address": address
                    }
                    break
        if errors:
            raise ValidationError(errors)


class AdviceSent(models.Model):
    """One send of an advice (the log on its page). Unique per advice and due time:
    two workers, a retried task or a second beat cannot send the same time twice."""

    advice = models.ForeignKey(
        Advice, on_delete=models.CASCADE, related_name="sent", verbose_name=_("advis"),
    )
    due_at = models.DateTimeField(_("planlagt til"))
    sent_at = models.DateTimeField(_("sendt"))
    recipients = models.JSONField(_("modtagere"), default=dict, blank=True)
    ok = models.BooleanField(_("sendt uden fejl"), default=True)
    error = models.TextField(_("fejl"), blank=True)

    objects = scoped_queryset("advice__organisation").as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("sendt advis")
        verbose_name_plural = _("sendte advis")
        constraints = [
            models.UniqueConstraint(
                fields=["advice", "due_at"], name="advice_sent_once_per_due_time",
                violation_error_message=_("Advis'et er allerede sendt til dette tidspunkt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.advice} {self.sent_at:%d-%m-%Y %H:%M}"

    @property
    def owning_organisation_id(self):
        return self.advice.organisation_id
