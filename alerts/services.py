"""Deadline alerts: the daily scan and the e-mail digest.

The scan is set-based: a fixed number of queries finds every contract and data
processing agreement whose watched date is within reach of an active rule, resolves the
recipients, and records one ``AlertDelivery`` per rule × object × deadline × recipient.
The unique constraint on that key makes the scan safe to run twice (two beats, a retried
task, a manual run): the second run records nothing new. A moved deadline is a new key, so
it re-arms by itself.

Catch-up (the first scan, a contract entered late, a scan that did not run for days):
a recipient gets one alert per object × deadline on a day, for the most urgent threshold
already reached (the smallest `days_before` whose day has come), and only when nothing
as urgent was filed for that object × deadline × recipient before. A deadline 29 days
ahead with rules 180/90/30 files the 30-day alert alone; one 100 days ahead files the
180-day one, and the 90-day one fires on its own day. Day by day this is the same as
firing each rule on its day.

A contract whose current deadline has a decision (``contracts.DeadlineDecision``) gets
no more alerts. One without a decision `N` days before its deadline (the escalation
rule) is escalated to the holders of the leader role on its responsible unit, or on the
nearest unit above that has one: once per deadline, like every alert.

Recipients are resolved at scan time: the holders of the responsible roles (contracts:
Kontraktejer and Kontraktansvarlig; agreements: the agreement's responsible) plus people
who subscribed; when nobody holds a role the organisation's admins get the alert, marked
``without_owner`` so the mail also says the object has no owner.

Apps above alerts add deadlines of their own through the registry in ``alerts.sources``
(governance: a benefit's measurement points). Their alerts go through the same rules,
deliveries and digest. Kinds in ``OVERDUE_KINDS`` fire *after* their date: the rule's
days count after it, an overdue alert is more urgent than any alert before the date, and
one not filed within OVERDUE_REACH_DAYS of its day (the scan did not run) is not filed.

This module lives in ``kitos`` because it combines contracts and gdpr.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contracts.models import Contract
from gdpr.models import DataProcessingAgreement
from kitos.links import has_route, route_name, site_url
from kitos.models import Membership, Organisation
from kitos.services import create_object, delete_object
from roles.models import OrganisationUnit, Person, RoleAssignment, still_working

from .choices import DEFAULT_ALERT_RULES, OVERDUE_KINDS, AlertKind
from .models import AlertDelivery, AlertDigest, AlertRule, ContractSubscription
from .sources import deadline_sources, source_decision

logger = logging.getLogger(__name__)

CONTRACT_ROLE_CODES = ("kontraktejer", "contract-manager")
AGREEMENT_ROLE_CODES = ("dba-ansvarlig",)
# The standard role type (roles/reference.py) of a unit's leader: who escalations reach.
UNIT_LEADER_ROLE_CODE = "enhedsleder"

# Which date each kind of rule watches, on which objects.
CONTRACT_KINDS = {
    AlertKind.NOTICE_DEADLINE: "notice_deadline",
    AlertKind.RETENDER_START: "retender_start",
    AlertKind.CONTRACT_END: "next_end",
    AlertKind.ESCALATION: "notice_deadline",
}
# When two alerts of the same urgency (days before) reach one person about the same date
# on the same day, the one that says more is filed: an escalation before a reminder.
KIND_PRECEDENCE = {AlertKind.ESCALATION: 0}
# An overdue threshold whose day passed longer ago than this is not filed any more: a
# catch-up after a long pause, or a date entered long after it passed, stays quiet.
OVERDUE_REACH_DAYS = 30


def urgency(kind: str, days_before: int) -> tuple[int, int]:
    """How urgent an alert of `kind` `days_before` its date is; smaller is more urgent
    (KIND_PRECEDENCE breaks ties). An overdue alert is more urgent than any before the
    date, and the later overdue threshold more than the earlier."""
    if kind in OVERDUE_KINDS:
        return (-1 - days_before, KIND_PRECEDENCE.get(kind, 1))
    return (days_before, KIND_PRECEDENCE.get(kind, 1))


def _reaches(rule, deadline: datetime.date, today: datetime.date) -> bool:
    """Whether `rule`'s threshold for `deadline` has come and is not past its use."""
    if rule.kind in OVERDUE_KINDS:
        start = deadline + datetime.timedelta(days=rule.days_before)
        return start <= today <= start + datetime.timedelta(days=OVERDUE_REACH_DAYS)
    return deadline - datetime.timedelta(days=rule.days_before) <= today <= deadline


# The DueAlert fields an AlertDelivery row stores (kind and days_before live on the rule).
DELIVERY_FIELDS = (
    "organisation_id", "rule_id", "content_type_id", "object_id", "object_repr",
    "deadline", "email", "person_id", "user_id", "without_owner",
)


@dataclass(frozen=True)
class DueAlert:
    """An alert the scan found due: what, about which object, to whom."""

    organisation_id: int
    rule_id: int
    kind: str
    days_before: int
    content_type_id: int
    object_id: int
    object_repr: str
    deadline: datetime.date
    email: str
    person_id: int | None
    user_id: int | None
    without_owner: bool

    @property
    def key(self):
        return (self.rule_id, self.content_type_id, self.object_id, self.deadline, self.email)

    @property
    def group(self):
        """Object × deadline × recipient: what gets at most one alert a day."""
        return (self.content_type_id, self.object_id, self.deadline, self.email)

    @property
    def urgency(self):
        """Smaller is more urgent (see urgency())."""
        return urgency(self.kind, self.days_before)


@dataclass(frozen=True)
class _Candidate:
    organisation_id: int
    content_type_id: int
    object_id: int
    object_repr: str
    kind: str
    deadline: datetime.date
    # The responsible unit's path, for escalations ("/12/57/").
    unit_path: str = ""
    # Resolved by a deadline source (alerts.sources); None: resolved here by role.
    recipients: tuple | None = None


def _default_rules_for_organisations_without_rules() -> list[AlertRule]:
    missing = Organisation.objects.filter(
        ~Exists(AlertRule.objects.filter(organisation=OuterRef("pk")))
    ).values_list("pk", flat=True)
    return [
        AlertRule(organisation_id=org_id, kind=kind, days_before=days)
        for org_id in missing
        for kind, days in DEFAULT_ALERT_RULES
    ]


def ensure_default_rules() -> int:
    """Give every organisation without rules the default ones. Two queries."""
    rules = _default_rules_for_organisations_without_rules()
    AlertRule.objects.bulk_create(rules, ignore_conflicts=True)
    return len({rule.organisation_id for rule in rules})


def _window(rules_by_kind, kind, today):
    days = [rule.days_before for rule in rules_by_kind.get(kind, ())]
    if not days:
        return None
    if kind in OVERDUE_KINDS:
        return (
            today - datetime.timedelta(days=max(days) + OVERDUE_REACH_DAYS),
            today - datetime.timedelta(days=min(days)),
        )
    return (today, today + datetime.timedelta(days=max(days)))


def _source_candidates(rules_by_kind, today) -> list[_Candidate]:
    """The deadlines of the registered sources (alerts.sources) within reach."""
    candidates = []
    for source in deadline_sources():
        windows = {
            kind: window
            for kind in source.kinds
            if (window := _window(rules_by_kind, kind, today)) is not None
        }
        if not windows:
            continue
        candidates += [
            _Candidate(
                found.organisation_id, found.content_type_id, found.object_id,
                found.object_repr, found.kind, found.deadline,
                recipients=tuple(found.recipients),
            )
            for found in source.collect(windows=windows, today=today)
            if found.kind in windows
        ]
    return candidates


def _contract_conditions(rules_by_kind, today) -> dict[str, Q]:
    """Per watched contract date: the filter of contracts whose date is within reach of
    the longest rule of that kind."""
    conditions = {}
    for kind, field in CONTRACT_KINDS.items():
        window = _window(rules_by_kind, kind, today)
        if window is None:
            continue
        condition = Q(**{f"{field}__range": window})
        if kind == AlertKind.CONTRACT_END:
            # Only contracts that simply expire: the others are warned by their notice
            # deadline (renewing and open-ended contracts always have one).
            condition &= Q(notice_deadline__isnull=True)
        conditions[kind] = condition
    return conditions


def _agreements_in_reach(rules_by_kind, today):
    window = _window(rules_by_kind, AlertKind.OVERSIGHT_DUE, today)
    if window is None:
        return DataProcessingAgreement.objects.none()
    return DataProcessingAgreement.objects.in_force(today).filter(
        next_oversight_date__range=window
    )


def _candidates(rules_by_kind, today):
    """The objects whose watched date is in reach (one query per kind), and the
    querysets of their ids for the recipient look-ups (used as subqueries)."""
    contract_type = ContentType.objects.get_for_model(Contract)
    agreement_type = ContentType.objects.get_for_model(DataProcessingAgreement)
    conditions = _contract_conditions(rules_by_kind, today)
    # Contracts in notice or ended have nothing left to decide; decided ones are settled.
    live = Contract.objects.actionable().undecided()
    candidates = []
    for kind, condition in conditions.items():
        field = CONTRACT_KINDS[kind]
        rows = live.filter(condition).values_list(
            "pk", "organisation_id", "name", field, "responsible_unit__path"
        )
        candidates += [
            _Candidate(organisation_id, contract_type.pk, pk, name, kind, deadline, path or "")
            for pk, organisation_id, name, deadline, path in rows
        ]
    any_contract = Q(pk__in=[])
    for condition in conditions.values():
        any_contract |= condition
    contract_ids = live.filter(any_contract).values("pk")
    agreements = _agreements_in_reach(rules_by_kind, today)
    candidates += [
        _Candidate(
            organisation_id, agreement_type.pk, pk, name, AlertKind.OVERSIGHT_DUE, deadline
        )
        for pk, organisation_id, name, deadline in agreements.values_list(
            "pk", "organisation_id", "name", "next_oversight_date"
        )
    ]
    return candidates, contract_ids, agreements.values("pk")


def _role_holders(content_type_id, object_ids_query, role_codes, today):
    """(object id) -> [(person id, email, user id)] for current holders of the roles."""
    holders = defaultdict(list)
    rows = (
        RoleAssignment.objects.current(today)
        .filter(
            content_type_id=content_type_id,
            object_id__in=object_ids_query,
            role_type__code__in=role_codes,
        )
        .filter(still_working(today, "person__"))
        .exclude(person__email="")
        .values_list("object_id", "person_id", "person__email", "person__user_id")
    )
    for object_id, person_id, email, user_id in rows:
        holders[object_id].append((person_id, email, user_id))
    return holders


def _unit_leaders(today):
    """unit id -> [(person id, email, user id)] of the current holders of the leader
    role on units. One query; bounded by the number of units, not of contracts."""
    unit_type = ContentType.objects.get_for_model(OrganisationUnit)
    leaders = defaultdict(list)
    rows = (
        RoleAssignment.objects.current(today)
        .filter(content_type=unit_type, role_type__code=UNIT_LEADER_ROLE_CODE)
        .filter(still_working(today, "person__"))
        .exclude(person__email="")
        .values_list("object_id", "person_id", "person__email", "person__user_id")
    )
    for unit_id, person_id, email, user_id in rows:
        leaders[unit_id].append((person_id, email, user_id))
    return leaders


def escalation_recipients(unit_path: str, leaders) -> list[tuple]:
    """The leaders of the unit at the end of `unit_path` ("/12/57/"), or of the nearest
    unit above it that has any (walking up to the top); [] when none has."""
    for unit_id in reversed([int(part) for part in unit_path.strip("/").split("/") if part]):
        if leaders.get(unit_id):
            return leaders[unit_id]
    return []


def _subscribers(contract_ids_query, today):
    subscribers = defaultdict(list)
    rows = (
        ContractSubscription.objects.filter(contract_id__in=contract_ids_query)
        .filter(still_working(today, "person__"))
        .exclude(person__email="")
        .values_list("contract_id", "person_id", "person__email", "person__user_id")
    )
    for contract_id, person_id, email, user_id in rows:
        subscribers[contract_id].append((person_id, email, user_id))
    return subscribers


def _admins():
    """organisation id -> [(person id or None, email, user id)] of its admins."""
    persons = {
        (organisation_id, user_id): person_id
        for person_id, organisation_id, user_id in Person.objects.filter(
            user__isnull=False
        ).values_list("pk", "organisation_id", "user_id")
    }
    admins = defaultdict(list)
    rows = (
        Membership.objects.filter(role="admin", user__is_active=True)
        .exclude(user__email="")
        .values_list("organisation_id", "user_id", "user__email")
    )
    for organisation_id, user_id, email in rows:
        admins[organisation_id].append((persons.get((organisation_id, user_id)), email, user_id))
    return admins


def collect_due(*, today: datetime.date, assume_defaults: bool = False) -> list[DueAlert]:
    """Every alert due on `today`, whether or not it was delivered before. A constant
    number of queries, whatever the number of contracts. With `assume_defaults`,
    organisations without rules are treated as having the default ones (a dry run
    writes nothing, not even those rules)."""
    rules_by_org_kind = defaultdict(list)
    rules_by_kind = defaultdict(list)
    rules = list(AlertRule.objects.filter(is_active=True))
    if assume_defaults:
        rules += _default_rules_for_organisations_without_rules()
    for rule in rules:
        rules_by_org_kind[(rule.organisation_id, rule.kind)].append(rule)
        rules_by_kind[rule.kind].append(rule)

    candidates, contract_ids, agreement_ids = _candidates(rules_by_kind, today)
    candidates += _source_candidates(rules_by_kind, today)
    if not candidates:
        return []
    contract_type = ContentType.objects.get_for_model(Contract)
    agreement_type = ContentType.objects.get_for_model(DataProcessingAgreement)
    contract_holders = _role_holders(contract_type.pk, contract_ids, CONTRACT_ROLE_CODES, today)
    leaders = _unit_leaders(today) if rules_by_kind.get(AlertKind.ESCALATION) else {}
    subscribers = _subscribers(contract_ids, today)
    agreement_holders = _role_holders(
        agreement_type.pk, agreement_ids, AGREEMENT_ROLE_CODES, today
    )
    admins = _admins()
    members = set(Membership.objects.values_list("user_id", "organisation_id"))

    due: dict[tuple, DueAlert] = {}
    for candidate in candidates:
        # The most urgent threshold already reached; the others either fired on their
        # day or were overtaken by it (catch-up: see the module's docstring).
        reached = [
            rule
            for rule in rules_by_org_kind.get((candidate.organisation_id, candidate.kind), [])
            if _reaches(rule, candidate.deadline, today)
        ]
        if not reached:
            continue
        rule = min(reached, key=lambda rule: urgency(rule.kind, rule.days_before))
        is_contract = candidate.content_type_id == contract_type.pk
        if candidate.recipients is not None:
            holders = list(candidate.recipients)
        elif candidate.kind == AlertKind.ESCALATION:
            holders = escalation_recipients(candidate.unit_path, leaders)
        else:
            holders = (contract_holders if is_contract else agreement_holders).get(
                candidate.object_id, []
            )
        recipients = [(*holder, False) for holder in holders]
        if not holders:
            recipients = [(*admin, True) for admin in admins.get(candidate.organisation_id, [])]
        if is_contract and candidate.kind != AlertKind.ESCALATION and (
            candidate.recipients is None
        ):
            recipients += [(*s, False) for s in subscribers.get(candidate.object_id, [])]
        for person_id, email, user_id, without_owner in recipients:
            alert = DueAlert(
                organisation_id=candidate.organisation_id,
                rule_id=rule.pk,
                kind=rule.kind,
                days_before=rule.days_before,
                content_type_id=candidate.content_type_id,
                object_id=candidate.object_id,
                object_repr=candidate.object_repr[:300],
                deadline=candidate.deadline,
                email=email.strip().lower(),
                person_id=person_id,
                # In-app only for logins that are still members; the e-mail goes to
                # the person regardless (people without a login get alerts too).
                user_id=user_id
                if (user_id, candidate.organisation_id) in members
                else None,
                without_owner=without_owner,
            )
            # One alert per object × deadline × recipient: a subscriber who also holds a
            # role, or a leader who also owns the contract, gets the most urgent one.
            known = due.get(alert.group)
            if known is None or alert.urgency < known.urgency:
                due[alert.group] = alert
    return sorted(due.values(), key=lambda a: (a.email, a.deadline, a.object_repr))


@dataclass
class ScanResult:
    due: list[DueAlert]
    recorded: int
    recipients: list[str]


@transaction.atomic
def scan(*, today: datetime.date, dry_run: bool = False) -> ScanResult:
    """Find what is due and record the deliveries (exactly once). Returns the e-mail
    addresses that have undelivered alerts, for the digest step."""
    if not dry_run:
        ensure_default_rules()
    due = collect_due(today=today, assume_defaults=dry_run)
    if dry_run:
        return ScanResult(due=due, recorded=0, recipients=sorted({a.email for a in due}))
    # What each object × deadline × recipient was already told (deadlines from the
    # earliest due one on — today, or an overdue date — older ones cannot be due): an
    # alert is new only when it is more urgent than that, so a second run writes nothing
    # and a threshold overtaken by catch-up never fires late. ignore_conflicts below
    # still settles a race between two scans.
    since = min([today, *(a.deadline for a in due)])
    told: dict[tuple, tuple] = {}
    for *group, days_before, kind in AlertDelivery.objects.filter(
        deadline__gte=since
    ).values_list(
        "content_type_id", "object_id", "deadline", "email", "rule__days_before", "rule__kind"
    ):
        level = urgency(kind, days_before)
        group = tuple(group)
        if group not in told or level < told[group]:
            told[group] = level
    new = [a for a in due if a.group not in told or a.urgency < told[a.group]]
    # Counted among deadlines from `since` on (every new row is one): bounded by what is
    # upcoming, not by the whole history of the log.
    upcoming = AlertDelivery.objects.filter(deadline__gte=since)
    before = upcoming.count()
    AlertDelivery.objects.bulk_create(
        [AlertDelivery(**{name: getattr(a, name) for name in DELIVERY_FIELDS}) for a in new],
        ignore_conflicts=True,  # recorded meanwhile by another scan: the constraint says no
        batch_size=2000,
    )
    recorded = upcoming.count() - before
    recipients = sorted(
        set(
            AlertDelivery.objects.filter(digest__isnull=True).values_list("email", flat=True)
        )
    )
    return ScanResult(due=due, recorded=recorded, recipients=recipients)


# -- the digest e-mail ---------------------------------------------------------------

DECISIONS = {
    AlertKind.NOTICE_DEADLINE: (
        "Beslut om kontrakten skal opsiges, eller om en option skal udnyttes eller "
        "afvises. Gøres intet, fortsætter kontrakten."
    ),
    AlertKind.RETENDER_START: (
        "Start genudbuddet nu, hvis kontrakten skal erstattes, før den kan ophøre."
    ),
    AlertKind.CONTRACT_END: (
        "Kontrakten udløber. Sørg for at systemet er erstattet, eller at en ny aftale er på "
        "plads."
    ),
    AlertKind.OVERSIGHT_DUE: (
        "Gennemfør og registrér tilsynet med databehandleren (fx indhent revisorerklæring)."
    ),
    AlertKind.ESCALATION: (
        "Der er ikke registreret en beslutning om fristen. Sørg for at kontraktens ejer "
        "beslutter og registrerer beslutningen på kontraktens side i kitos."
    ),
}


def absolute_url(name: str, *args) -> str:
    """A link for outside the browser session (calendar, e-mail)."""
    return site_url(reverse(name, args=args))


def detail_paths(deliveries, *, scope=None) -> dict[tuple, str]:
    """(model, object id) -> path of the detail page of each delivery's object, in one
    query per kind of object (two at most). `scope(model)` narrows what may be linked
    (e.g. to what a user can still see); objects left out, or gone, get no path."""
    ids_by_model = defaultdict(set)
    for delivery in deliveries:
        ids_by_model[delivery.content_type.model_class()].add(delivery.object_id)
    paths = {}
    for model, ids in ids_by_model.items():
        if not has_route(model, "detail"):
            continue
        name = route_name(model, "detail")
        queryset = scope(model) if scope else model.objects.all()
        for pk, uuid in queryset.filter(pk__in=ids).values_list("pk", "uuid"):
            paths[(model, pk)] = reverse(name, args=[uuid])
    return paths


def _digest_items(deliveries, today):
    """One line per object and deadline (several rules may have fired at once)."""
    paths = detail_paths(deliveries)
    items = {}
    for delivery in deliveries:
        key = (delivery.content_type_id, delivery.object_id, delivery.deadline)
        item = items.get(key)
        is_escalation = delivery.rule.kind == AlertKind.ESCALATION
        if item is not None and is_escalation:
            item["is_escalation"] = True
        level = urgency(delivery.rule.kind, delivery.rule.days_before)
        if item is None or level < item["urgency"]:
            items[key] = {
                "title": delivery.object_repr,
                "organisation": delivery.organisation.name,
                "kind": delivery.rule.get_kind_display(),
                "deadline": delivery.deadline,
                "days_left": (delivery.deadline - today).days,
                "days_overdue": max(0, (today - delivery.deadline).days),
                "decision": DECISIONS.get(delivery.rule.kind)
                or source_decision(delivery.rule.kind) or "",
                "url": site_url(
                    paths.get((delivery.content_type.model_class(), delivery.object_id), "/")
                ),
                "without_owner": delivery.without_owner,
                "days_before": delivery.rule.days_before,
                "urgency": level,
                # Escalated to this recipient as leader: the mail says so, whichever
                # line of the object it shows.
                "is_escalation": is_escalation or bool(item and item["is_escalation"]),
            }
    return sorted(items.values(), key=lambda item: (item["deadline"], item["title"]))


def send_digest(*, email: str, today: datetime.date) -> AlertDigest | None:
    """Send `email` today's digest of undelivered alerts: at most one e-mail per address
    per day (unique digest row), and never the same alert twice. Safe to retry: the
    row is locked while sending and only marked sent after the mail went out."""
    with transaction.atomic():
        pending = list(
            AlertDelivery.objects.filter(email=email, digest__isnull=True)
            .select_related("rule", "organisation", "content_type")
            .order_by("deadline")
        )
        if not pending:
            return None
        digest, _created = AlertDigest.objects.select_for_update().get_or_create(
            email=email, sent_on=today
        )
        if digest.sent_at is not None:
            return None  # today's mail has gone; the rest waits for tomorrow's digest
        items = _digest_items(pending, today)
        context = {
            "items": items, "today": today, "count": len(items),
            "escalations": sum(1 for item in items if item["is_escalation"]),
        }
        with translation.override("da"):
            subject = render_to_string("contracts/email/alert_digest_subject.txt", context)
            text = render_to_string("contracts/email/alert_digest.txt", context)
            html = render_to_string("contracts/email/alert_digest.html", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()), body=text, to=[email],
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
        message.attach_alternative(html, "text/html")
        message.send()
        digest.sent_at = timezone.now()
        digest.item_count = len(items)
        digest.save(update_fields=["sent_at", "item_count"])
        AlertDelivery.objects.filter(pk__in=[d.pk for d in pending]).update(digest=digest)
    logger.info("alert digest sent to %s with %d items", email, len(items))
    return digest


@transaction.atomic
def contract_subscribe(
    *, actor, contract: Contract, person: Person
) -> ContractSubscription:
    """Let `person` receive the alerts of `contract` without holding a role on it.
    Subscribing twice changes nothing (and records nothing)."""
    subscription = ContractSubscription.objects.filter(
        contract=contract, person=person
    ).first() or ContractSubscription(
        organisation_id=contract.organisation_id, contract=contract, person=person
    )
    # Its edit policy lets people subscribe themselves with read access.
    subscription.check_editable_by(actor)
    if person.has_left(timezone.localdate()):
        raise ValidationError({"person": _("Personen er fratrådt.")})
    if subscription.pk:
        return subscription
    return create_object(actor=actor, instance=subscription)


@transaction.atomic
def contract_unsubscribe(*, actor, contract: Contract, person: Person) -> bool:
    """Stop `person`'s subscription to `contract`; False when there was none."""
    subscription = (
        ContractSubscription.objects.select_for_update()
        .filter(contract=contract, person=person)
        .first()
    )
    candidate = subscription or ContractSubscription(
        organisation_id=contract.organisation_id, contract=contract, person=person
    )
    candidate.check_editable_by(actor)
    if subscription is None:
        return False
    delete_object(actor=actor, instance=subscription)
    return True
