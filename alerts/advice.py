"""Manual advice ("advis", OS2KITOS): a mail someone sets on a contract, system usage,
data processing agreement or processing activity, sent at once or every period from its
alarm time until its stop date.

The schedule is anchored on `alarm_at`: the k-th send is `alarm_at` plus k periods
(hours as elapsed time; days and weeks on the local wall clock; months, quarters, half
years and years by calendar months with the day of month clamped to the month's length,
so 31 January monthly is 28/29 February, 31 March, 30 April ...; no drift after a short
month). `next_send_at` is the next of those times not yet sent.

``send_due_advice`` (the beat, every five minutes) sends every active advice whose
`next_send_at` has come: each due time exactly once (the advice row is locked while it
is sent, skipped by a second worker, and ``AdviceSent`` is unique per advice × due time),
and after downtime once, not once per missed period: the next time is the first one after
now. Recipients are resolved at each send: the current holders (not left) of the chosen
roles on the object, plus the free addresses.

Each send is also an in-app alert (``AlertDelivery`` with `advice_sent` instead of a
rule) for every recipient who is a kitos user: the login of a role holder, and the
active members of the organisation whose e-mail is one of the addresses. They are
written in the send's transaction, next to its unique ``AdviceSent`` row, so they too
exist exactly once per due time. They are not put in the daily digest: an advice is its
own mail, at the time its author chose.
"""

from __future__ import annotations

import calendar
import copy
import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kitos.audit import AuditAction, diff, record_change, snapshot
from kitos.links import has_route, route_name, site_url
from kitos.services import create_object, delete_object, update_object
from roles.models import RoleAssignment, RoleType, still_working

from .models import ADVICE_TARGET_KINDS, Advice, AdviceRepetition, AdviceSent
from .my_deadlines import ADVICE, HORIZON_DAYS, Due, Reason

logger = logging.getLogger(__name__)

R = AdviceRepetition
MONTHS = {R.MONTHLY: 1, R.QUARTERLY: 3, R.HALF_YEARLY: 6, R.YEARLY: 12}
DAYS = {R.DAILY: 1, R.WEEKLY: 7}
# A period's rough length, to find the next time after a long pause in one step.
APPROXIMATE = {
    R.HOURLY: datetime.timedelta(hours=1),
    R.DAILY: datetime.timedelta(days=1),
    R.WEEKLY: datetime.timedelta(days=7),
    **{rep: datetime.timedelta(days=30.436875 * months) for rep, months in MONTHS.items()},
}
# Advice fields the edit form and the API may change (the rest is computed).
EDITABLE_FIELDS = ("name", "subject", "body", "repetition", "alarm_at", "stop_on",
                   "is_active", "to_emails", "cc_emails")


# -- the schedule -------------------------------------------------------------------------


def _add_months_clamped(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def occurrence(alarm_at: datetime.datetime, repetition: str, k: int) -> datetime.datetime:
    """The `k`-th send time (0: `alarm_at`) of a repeating advice."""
    if k == 0 or repetition == R.IMMEDIATE:
        return alarm_at
    if repetition == R.HOURLY:
        return alarm_at + datetime.timedelta(hours=k)
    local = timezone.localtime(alarm_at)
    wall = local.replace(tzinfo=None)
    if repetition in DAYS:
        wall += datetime.timedelta(days=DAYS[repetition] * k)
    else:
        day = _add_months_clamped(wall.date(), MONTHS[repetition] * k)
        wall = datetime.datetime.combine(day, wall.time())
    return timezone.make_aware(wall, local.tzinfo)


def next_occurrence(
    alarm_at: datetime.datetime, repetition: str, after: datetime.datetime
) -> datetime.datetime | None:
    """The first send time strictly after `after` (None for an immediate advice that
    is past its one time)."""
    if alarm_at > after:
        return alarm_at
    if repetition == R.IMMEDIATE:
        return None
    k = max(1, int((after - alarm_at) / APPROXIMATE[repetition]))
    while k > 1 and occurrence(alarm_at, repetition, k - 1) > after:
        k -= 1
    while occurrence(alarm_at, repetition, k) <= after:
        k += 1
    return occurrence(alarm_at, repetition, k)


def _past_stop(advice: Advice, when: datetime.datetime | None) -> bool:
    return when is not None and advice.stop_on is not None and (
        timezone.localdate(when) > advice.stop_on
    )


def _schedule(advice: Advice) -> None:
    """Set `next_send_at` (and switch the advice off when nothing is left to send): the
    alarm time until the first send, then the first time after the last send."""
    if not advice.is_active:
        advice.next_send_at = None
        return
    if advice.last_sent_at is None:
        upcoming = advice.alarm_at
    else:
        upcoming = next_occurrence(advice.alarm_at, advice.repetition, advice.last_sent_at)
    if upcoming is None or _past_stop(advice, upcoming):
        advice.is_active = False
        upcoming = None
    advice.next_send_at = upcoming


# -- writes ---------------------------------------------------------------------------------


def target_kind(obj) -> str | None:
    kind = getattr(obj, "role_target", None)
    return kind if kind in ADVICE_TARGET_KINDS else None


def _check_roles(target, roles) -> None:
    kind = target_kind(target)
    if any(role.applies_to != kind for role in roles):
        raise ValidationError(
            {"to_roles": _("Rollerne skal være roller på denne slags objekt.")}
        )


def _clean_emails(addresses) -> list[str]:
    """The addresses trimmed, lower-cased and each once, in the order given."""
    if isinstance(addresses, str):
        addresses = addresses.replace(";", ",").replace("\n", ",").split(",")
    seen = []
    for address in addresses or ():
        address = str(address).strip().lower()
        if address and address not in seen:
            seen.append(address)
    return seen


def _enqueue_if_due(advice: Advice) -> None:
    """An advice due now (immediate, or an alarm time already past) is sent by a task
    queued once the transaction commits, not at the next beat."""
    if advice.is_active and advice.next_send_at and advice.next_send_at <= timezone.now():
        transaction.on_commit(_queue_sending)


def _queue_sending() -> None:
    """Queue the sending task after the commit. A broker that is down costs no error
    page: the advice is saved, and the beat task sends it within five minutes."""
    from .tasks import send_due_advice as task  # the tasks module imports this one

    try:
        task.delay()
    except Exception:  # noqa: BLE001 - any broker failure; the beat catches up
        logger.warning("could not queue the advice task; the beat will send it",
                       exc_info=True)


@transaction.atomic
def advice_create(
    *, actor, target, subject: str, body: str = "", name: str = "",
    repetition: str = R.IMMEDIATE, alarm_at: datetime.datetime | None = None,
    stop_on: datetime.date | None = None, to_roles=(), cc_roles=(), to_emails=(),
    cc_emails=(),
) -> Advice:
    """Set an advice on `target`. An immediate one is sent now (its alarm time is now);
    a repeating one first at `alarm_at`."""
    if target_kind(target) is None:
        raise ValidationError(_("Der kan ikke sættes advis på denne slags objekt."))
    if repetition == R.IMMEDIATE or alarm_at is None:
        alarm_at = timezone.now()
    advice = Advice(
        organisation_id=target.organisation_id,
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk,
        name=name or "", subject=subject or "", body=body or "", repetition=repetition,
        alarm_at=alarm_at, stop_on=stop_on,
        to_emails=_clean_emails(to_emails), cc_emails=_clean_emails(cc_emails),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    advice.target = target
    to_roles, cc_roles = list(to_roles), list(cc_roles)
    _check_roles(target, [*to_roles, *cc_roles])
    _schedule(advice)
    create_object(actor=actor, instance=advice, m2m={"to_roles": to_roles, "cc_roles": cc_roles})
    _enqueue_if_due(advice)
    return advice


@transaction.atomic
def advice_update(*, actor, advice: Advice, data: dict, to_roles=None, cc_roles=None) -> Advice:
    """Change an advice (the fields of EDITABLE_FIELDS; roles when given) and plan its
    next send again. Switching it on again resumes after its last send."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Felterne kan ikke ændres: %(fields)s") % {
            "fields": ", ".join(sorted(unknown))
        })
    advice.check_editable_by(actor)
    data = dict(data)
    for field in ("to_emails", "cc_emails"):
        if field in data:
            data[field] = _clean_emails(data[field])
    if data.get("repetition", advice.repetition) == R.IMMEDIATE and advice.last_sent_at is None:
        # Changed to (or kept at) "Straks" before it was ever sent: it goes now, as a
        # new immediate advice would (the form has no alarm time for it).
        data["alarm_at"] = timezone.now()
    m2m = {}
    if to_roles is not None:
        m2m["to_roles"] = list(to_roles)
    if cc_roles is not None:
        m2m["cc_roles"] = list(cc_roles)
    _check_roles(advice.target, [role for roles in m2m.values() for role in roles])
    # Planned on a copy: update_object compares the advice before and after for the
    # audit log.
    planned = copy.copy(advice)
    for name, value in data.items():
        setattr(planned, name, value)
    _schedule(planned)
    data.update(next_send_at=planned.next_send_at, is_active=planned.is_active)
    update_object(actor=actor, instance=advice, data=data, m2m=m2m or None)
    _enqueue_if_due(advice)
    return advice


@transaction.atomic
def advice_deactivate(*, actor, advice: Advice) -> Advice:
    """Switch an advice off: nothing more is sent (its log stays). Only the two columns
    are written, without validating the rest: an advice whose object has gone or moved
    to another organisation must still be possible to switch off."""
    advice.check_editable_by(actor)
    before = snapshot(advice)
    advice.is_active, advice.next_send_at = False, None
    advice.save(update_fields=["is_active", "next_send_at", "updated_at"])
    changes = diff(before, snapshot(advice))
    if changes:
        record_change(actor=actor, action=AuditAction.UPDATE, instance=advice, changes=changes)
    return advice


@transaction.atomic
def advice_delete(*, actor, advice: Advice) -> None:
    """Delete an advice that was never sent; one that was keeps its log and can only be
    switched off (like an alert rule that has fired)."""
    advice.check_editable_by(actor)
    if advice.last_sent_at is not None or advice.sent.exists():
        raise ValidationError(
            _("Advis'et er sendt og kan ikke slettes, fordi loggen så ville forsvinde. "
              "Slå det fra i stedet.")
        )
    delete_object(actor=actor, instance=advice)


# -- sending --------------------------------------------------------------------------------


def _held(advice: Advice, today: datetime.date) -> list[tuple]:
    """(role type id, e-mail, person id, user id, user's e-mail) of whoever holds one of
    the advice's roles on its object today and has not left."""
    role_ids = set(advice.to_roles.values_list("pk", flat=True)) | set(
        advice.cc_roles.values_list("pk", flat=True))
    if not role_ids:
        return []
    return list(
        RoleAssignment.objects.current(today)
        .filter(
            content_type_id=advice.content_type_id, object_id=advice.object_id,
            role_type_id__in=role_ids, organisation_id=advice.organisation_id,
        )
        .filter(still_working(today, "person__"))
        .order_by("person__name", "pk")
        .values_list("role_type_id", "person__email", "person_id", "person__user_id",
                     "person__user__email")
    )


def recipients(advice: Advice, today: datetime.date, *, held=None) -> dict[str, list[str]]:
    """Who gets `advice` today: "to" and "cc", each address once (an address in both
    only as "to"). Role holders are read now: whoever holds the role today, has not
    left and has an e-mail address (`held`: ``_held()``, when already read)."""
    if held is None:
        held = _held(advice, today)
    to_ids = set(advice.to_roles.values_list("pk", flat=True))
    to = _clean_emails([row[1] for row in held if row[0] in to_ids and row[1]]
                       + advice.to_emails)
    cc = _clean_emails([row[1] for row in held if row[0] not in to_ids and row[1]]
                       + advice.cc_emails)
    return {"to": to, "cc": [email for email in cc if email not in to]}


def _record_in_app(advice: Advice, log: AdviceSent, found: dict, held: list, target) -> int:
    """One in-app alert per kitos user who receives this send: the logins of the role
    holders, and the active members of the organisation with one of the addresses.
    Returns how many were written."""
    from django.contrib.auth import get_user_model
    from django.db.models.functions import Lower

    from .models import AlertDelivery

    users: dict[int, tuple[str, int | None]] = {}
    for _role, email, person_id, user_id, user_email in held:
        if user_id is not None and (email or user_email):
            users.setdefault(user_id, ((email or user_email).lower(), person_id))
    addresses = [*found["to"], *found["cc"]]
    if addresses:
        members = (
            get_user_model().objects
            .filter(is_active=True, memberships__organisation_id=advice.organisation_id)
            .annotate(address=Lower("email")).filter(address__in=addresses)
            .values_list("pk", "address")
        )
        for user_id, address in members:
            users.setdefault(user_id, (address, None))
    AlertDelivery.objects.bulk_create(
        [
            AlertDelivery(
                organisation_id=advice.organisation_id, advice_sent=log,
                content_type_id=advice.content_type_id, object_id=advice.object_id,
                object_repr=str(target)[:300], deadline=timezone.localdate(log.due_at),
                email=email, person_id=person_id, user_id=user_id,
            )
            for user_id, (email, person_id) in users.items()
        ],
        ignore_conflicts=True,
    )
    return len(users)


def _message(advice: Advice, found: dict) -> EmailMessage:
    target = advice.target
    url = ""
    if target is not None and has_route(type(target), "detail"):
        url = site_url(reverse(route_name(type(target), "detail"), args=[target.uuid]))
    with translation.override("da"):
        footer = _("Advis fra kitos om %(object)s (%(kind)s).") % {
            "object": target if target is not None else "-",
            "kind": advice.content_type.model_class()._meta.verbose_name,
        }
        body = f"{advice.body}\n\n-- \n{footer}\n{url}".lstrip("\n")
    return EmailMessage(
        subject=" ".join(advice.subject.split()), body=body, to=found["to"] or found["cc"],
        cc=found["cc"] if found["to"] else [], from_email=settings.DEFAULT_FROM_EMAIL,
    )


def _send_one(advice_id: int, now: datetime.datetime) -> bool:
    """Send one due advice, if it still is and no other worker has it. True if sent."""
    with transaction.atomic():
        advice = (
            Advice.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=advice_id, is_active=True, next_send_at__lte=now)
            .select_related("content_type")
            .first()
        )
        if advice is None:
            return False
        target = advice.target
        if target is None or target.organisation_id != advice.organisation_id:
            # The object was deleted or moved to another organisation: its advice
            # stops (and says why in its log) rather than mail about it from here.
            AdviceSent.objects.get_or_create(
                advice=advice, due_at=advice.next_send_at,
                defaults={"sent_at": now, "recipients": {"to": [], "cc": []}, "ok": False,
                          "error": _("Objektet findes ikke længere i organisationen; "
                                     "advis'et er slået fra.")},
            )
            advice.is_active, advice.next_send_at = False, None
            advice.save(update_fields=["is_active", "next_send_at", "updated_at"])
            return False
        due = advice.next_send_at
        held = _held(advice, timezone.localdate(now))
        found = recipients(advice, timezone.localdate(now), held=held)
        try:
            with transaction.atomic():  # the unique row: this due time, once
                log = AdviceSent.objects.create(
                    advice=advice, due_at=due, sent_at=now, recipients=found
                )
        except IntegrityError:
            log = None  # sent by an earlier run that did not move the schedule
        if log is not None:
            # In the user's alert list whether or not the mail goes through.
            _record_in_app(advice, log, found, held, target)
            if not found["to"] and not found["cc"]:
                log.ok, log.error = False, _("Ingen modtagere: ingen har rollerne, og "
                                             "der er ingen e-mailadresser.")
            else:
                try:
                    _message(advice, found).send()
                except Exception as error:  # noqa: BLE001 - logged on the advice's page
                    logger.exception("advice %s could not be sent", advice.pk)
                    log.ok, log.error = False, str(error)[:1000] or type(error).__name__
            if not log.ok:
                log.save(update_fields=["ok", "error"])
        # The next time after now: a pause sends once, not once per missed period.
        advice.last_sent_at = now
        upcoming = next_occurrence(advice.alarm_at, advice.repetition, now)
        if upcoming is None or _past_stop(advice, upcoming):
            advice.is_active, upcoming = False, None
        advice.next_send_at = upcoming
        advice.save(update_fields=["last_sent_at", "next_send_at", "is_active", "updated_at"])
        return log is not None


def send_due_advice(now: datetime.datetime | None = None) -> dict:
    """Send every active advice whose time has come (each due time once), and plan the
    next. Each advice in a transaction of its own: one failing does not hold the rest."""
    now = now or timezone.now()
    due = list(
        Advice.objects.filter(is_active=True, next_send_at__lte=now)
        .order_by("next_send_at", "pk").values_list("pk", flat=True)
    )
    sent = sum(1 for advice_id in due if _send_one(advice_id, now))
    return {"due": len(due), "sent": sent}


# -- the calendar ----------------------------------------------------------------------------

# At most this many send days per advice in a calendar (a daily advice half a year ahead).
CALENDAR_SENDS_MAX = 100


@dataclass
class AdviceSend(Due):
    """A day an advice will be sent to the person (an all-day event in their calendar)."""

    advice: Advice | None = None

    @property
    def name(self) -> str:
        return f"{self.advice.subject} – {super().name}"


def send_days(advice: Advice, *, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The local days from `start` to `end` on which the active `advice` will be sent,
    from its next send on and none after its stop date (several sends on one day, an
    hourly advice, are one day); at most CALENDAR_SENDS_MAX."""
    days: list[datetime.date] = []
    when = advice.next_send_at if advice.is_active else None
    while when is not None and len(days) < CALENDAR_SENDS_MAX:
        day = timezone.localdate(when)
        if day > end or _past_stop(advice, when):
            break
        if day >= start:
            days.append(day)
        # The first send after this day: one step per day, however often it is sent.
        last_moment = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time.max), timezone.get_current_timezone())
        when = next_occurrence(advice.alarm_at, advice.repetition, last_moment)
    return days


def person_advice_sends(person, *, today: datetime.date,
                        horizon: int = HORIZON_DAYS) -> list[AdviceSend]:
    """The days within `horizon` on which the active advice `person` receives will be
    sent: those naming a role the person holds on the advice's object today, or the
    person's (or their login's) address. A fixed number of queries (the advice, and
    their objects per kind)."""
    end = today + datetime.timedelta(days=horizon)
    through_to, through_cc = Advice.to_roles.through, Advice.cc_roles.through
    held = (
        RoleAssignment.objects.current(today)
        .filter(person_id=person.pk, content_type_id=OuterRef("content_type_id"),
                object_id=OuterRef("object_id"))
        .filter(Q(role_type_id__in=through_to.objects.filter(
            advice_id=OuterRef(OuterRef("pk"))).values("roletype_id"))
            | Q(role_type_id__in=through_cc.objects.filter(
                advice_id=OuterRef(OuterRef("pk"))).values("roletype_id")))
    )
    addresses = {address.lower() for address in (
        person.email, person.user.email if person.user_id else "") if address}
    # The quoted address in the lists' JSON text (every database; the addresses are
    # stored lower-case), confirmed element by element below.
    by_address = Q(pk__in=[])
    for address in addresses:
        by_address |= (Q(to_emails__icontains=f'"{address}"')
                       | Q(cc_emails__icontains=f'"{address}"'))
    advices = (
        Advice.objects.filter(organisation_id=person.organisation_id, is_active=True,
                              next_send_at__isnull=False)
        .filter(next_send_at__lt=timezone.make_aware(
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time())))
        .annotate(by_role=Exists(held))
        .filter(Q(by_role=True) | by_address)
        .select_related("content_type")
        .prefetch_related("target")
        .order_by("next_send_at", "pk")
    )
    sends = []
    for advice in advices:
        if not advice.by_role and not addresses & {*advice.to_emails, *advice.cc_emails}:
            continue
        target = advice.target
        if target is None or target.organisation_id != advice.organisation_id:
            continue  # the send switches it off (see _send_one)
        reason = Reason(_("Modtager af advis (rolle)") if advice.by_role
                        else _("Modtager af advis (e-mail)"))
        sends += [
            AdviceSend(ADVICE, target, day, today, [reason], key=f"{advice.uuid}-{day:%Y%m%d}",
                       advice=advice)
            for day in send_days(advice, start=today, end=end)
        ]
    sends.sort(key=lambda send: (send.date, send.name.lower()))
    return sends


def usable_role_types(organisation_id, kind: str):
    """The role types an advice on an object of `kind` can name (standard and own)."""
    return RoleType.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id=organisation_id), applies_to=kind
    ).order_by("sort_order", "name")
