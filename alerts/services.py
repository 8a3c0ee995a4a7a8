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

Incremental: the scan remembers the day it ran for, when it started and the rules it
used (``AlertScanState``). The next one looks only at contracts that can have something
new: a threshold crossed since that day, the contract or its holders, subscribers or
decisions changed since, a role or a person's last day starting or ending in between, and
every contract of an organisation whose rules, people, admins, units or unit leaders
changed (``_changed_since``). Anything else has the same reached thresholds and the same
recipients as at the last scan, which recorded them: nothing new. Agreements and the
registered sources are few and looked at in full every day. The first scan, a scan
with ``full=True`` and a scan for a day before the last one look at everything; a test
holds the incremental scan to the full recomputation over random days and changes.
Writes that move a contract's dates must move its ``updated_at`` (save(),
refresh_deadlines); a login's e-mail changed on the user alone is seen when the
organisation next changes, or by a full scan.

This module lives in ``kitos`` because it combines contracts and gdpr.
"""

from __future__ import annotations

import datetime
import logging
import operator
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import (
    BigIntegerField,
    CharField,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contracts.models import Contract, DeadlineDecision
from gdpr.models import DataProcessingAgreement
from kitos.links import has_route, route_name, site_url
from kitos.models import AuditAction, AuditEntry, Membership, Organisation
from kitos.services import create_object, delete_object
from roles.models import OrganisationUnit, Person, RoleAssignment, still_working

from .choices import DEFAULT_ALERT_RULES, OVERDUE_KINDS, AlertKind
from .models import (
    AlertDelivery,
    AlertDigest,
    AlertRule,
    AlertScanState,
    ContractSubscription,
)
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
CONTRACT_DATE_FIELDS = ("notice_deadline", "retender_start", "next_end")
# The next scan looks at changes written this long before this one started: a
# transaction open while it ran (an import) commits rows whose ``updated_at`` is older.
CHANGE_MARGIN = datetime.timedelta(hours=1)
# Up to this many ids are named in a look-up; more (a first scan, an organisation whose
# rules changed) and it takes a subquery or the whole type instead.
LITERAL_IDS = 500


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


def _in_reach(rules_by_kind, today, changed: list[Q] | None):
    """The contracts whose watched dates are within reach (only those `changed` lets
    through, when given) and every agreement within reach (few: looked at daily), in
    one query. Returns the candidates and the query of the contracts' ids."""
    contract_type = ContentType.objects.get_for_model(Contract)
    agreement_type = ContentType.objects.get_for_model(DataProcessingAgreement)
    windows = {
        kind: window
        for kind in [*CONTRACT_KINDS, AlertKind.OVERSIGHT_DUE]
        if (window := _window(rules_by_kind, kind, today)) is not None
    }
    parts = []
    contracts = Contract.objects.none()
    conditions = _contract_conditions(rules_by_kind, today)
    if conditions:
        any_date = Q(pk__in=[])
        for condition in conditions.values():
            any_date |= condition
        # Contracts in notice or ended have nothing left to decide; decided ones are
        # settled.
        contracts = Contract.objects.actionable().undecided().filter(any_date)
        # One branch per filter of what changed (each starts from its own index or
        # look-up); a contract two of them name comes twice and is taken once.
        parts += [
            branch.order_by()
            .annotate(tag=Value("c"), unit_path=F("responsible_unit__path"))
            .values_list("tag", "pk", "organisation_id", "name", *CONTRACT_DATE_FIELDS,
                         "unit_path")
            for branch in (
                [contracts] if changed is None
                else [contracts.filter(condition) for condition in changed]
            )
        ]
        if changed is not None:
            contracts = contracts.filter(reduce(operator.or_, changed))
    if AlertKind.OVERSIGHT_DUE in windows:
        parts.append(
            _agreements_in_reach(rules_by_kind, today).order_by()
            .annotate(
                tag=Value("a"), second=Value(None, output_field=DateField()),
                third=Value(None, output_field=DateField()),
                unit_path=Value("", output_field=CharField()),
            )
            .values_list("tag", "pk", "organisation_id", "name", "next_oversight_date",
                         "second", "third", "unit_path")
        )
    if not parts:
        return [], contracts.values("pk")
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    candidates = []
    seen = set()
    for tag, pk, organisation_id, name, *dates, path in query:
        if (tag, pk) in seen:
            continue
        seen.add((tag, pk))
        if tag == "a":
            candidates.append(_Candidate(
                organisation_id, agreement_type.pk, pk, name, AlertKind.OVERSIGHT_DUE,
                dates[0],
            ))
            continue
        by_field = dict(zip(CONTRACT_DATE_FIELDS, dates, strict=True))
        for kind, field in CONTRACT_KINDS.items():
            window, deadline = windows.get(kind), by_field[field]
            if window is None or deadline is None or not window[0] <= deadline <= window[1]:
                continue
            if kind == AlertKind.CONTRACT_END and by_field["notice_deadline"] is not None:
                continue
            candidates.append(_Candidate(
                organisation_id, contract_type.pk, pk, name, kind, deadline, path or ""
            ))
    return candidates, contracts.values("pk")


def _ids(candidates, content_type_id, fallback):
    """The ids of the candidates of one type, named when few, else `fallback` (a
    subquery): a first scan has tens of thousands."""
    ids = sorted({c.object_id for c in candidates if c.content_type_id == content_type_id})
    return ids if len(ids) <= LITERAL_IDS else fallback


@dataclass
class _Recipients:
    contract_holders: dict
    agreement_holders: dict
    leaders: dict
    subscribers: dict
    admins: dict
    members: set


def _recipients(candidates, contract_ids_query, today) -> _Recipients:
    """Everyone the candidates' alerts can go to, in one query (UNION ALL): the holders
    of the responsible roles, the unit leaders (escalations), the subscribers, the
    organisations' admins (for objects nobody holds a role on) and the memberships
    (in-app notifications only for members). Each row is tagged with what it is."""
    contract_type = ContentType.objects.get_for_model(Contract)
    agreement_type = ContentType.objects.get_for_model(DataProcessingAgreement)
    unit_type = ContentType.objects.get_for_model(OrganisationUnit)
    contract_ids = _ids(candidates, contract_type.pk, contract_ids_query)
    agreement_ids = _ids(candidates, agreement_type.pk, [])
    columns = ("tag", "key", "person_id", "person__email", "person__user_id")

    def holders(tag, content_type, ids, codes):
        return (
            RoleAssignment.objects.current(today)
            .filter(content_type=content_type, object_id__in=ids, role_type__code__in=codes)
            .filter(still_working(today, "person__"))
            .exclude(person__email="")
            .order_by().annotate(tag=Value(tag), key=F("object_id")).values_list(*columns)
        )

    parts = [
        holders("c", contract_type, contract_ids, CONTRACT_ROLE_CODES),
        ContractSubscription.objects.filter(contract_id__in=contract_ids)
        .filter(still_working(today, "person__"))
        .exclude(person__email="")
        .order_by().annotate(tag=Value("s"), key=F("contract_id")).values_list(*columns),
        Membership.objects.filter(role="admin", user__is_active=True)
        .exclude(user__email="")
        .order_by()
        .annotate(
            tag=Value("x"), key=F("organisation_id"),
            # The admin's person in that organisation, when they have one.
            admin_person=Subquery(
                Person.objects.filter(
                    organisation_id=OuterRef("organisation_id"), user_id=OuterRef("user_id")
                ).order_by("pk").values("pk")[:1]
            ),
            admin_email=F("user__email"),
        )
        .values_list("tag", "key", "admin_person", "admin_email", "user_id"),
        Membership.objects.order_by()
        .annotate(
            tag=Value("m"), key=F("organisation_id"),
            no_person=Value(None, output_field=BigIntegerField()),
            no_email=Value("", output_field=CharField()),
        )
        .values_list("tag", "key", "no_person", "no_email", "user_id"),
    ]
    if agreement_ids:
        parts.append(holders("a", agreement_type, agreement_ids, AGREEMENT_ROLE_CODES))
    if any(c.kind == AlertKind.ESCALATION for c in candidates):
        parts.append(
            RoleAssignment.objects.current(today)
            .filter(content_type=unit_type, role_type__code=UNIT_LEADER_ROLE_CODE)
            .filter(still_working(today, "person__"))
            .exclude(person__email="")
            .order_by().annotate(tag=Value("l"), key=F("object_id")).values_list(*columns)
        )
    found = _Recipients(*(defaultdict(list) for _ in range(5)), members=set())
    by_tag = {
        "c": found.contract_holders, "a": found.agreement_holders, "l": found.leaders,
        "s": found.subscribers, "x": found.admins,
    }
    for tag, key, person_id, email, user_id in parts[0].union(*parts[1:], all=True):
        if tag == "m":
            found.members.add((user_id, key))
        else:
            by_tag[tag][key].append((person_id, email, user_id))
    return found


def escalation_recipients(unit_path: str, leaders) -> list[tuple]:
    """The leaders of the unit at the end of `unit_path` ("/12/57/"), or of the nearest
    unit above it that has any (walking up to the top); [] when none has."""
    for unit_id in reversed([int(part) for part in unit_path.strip("/").split("/") if part]):
        if leaders.get(unit_id):
            return leaders[unit_id]
    return []


@dataclass(frozen=True)
class _Rule:
    """An active rule as the scan uses it (model instances cost a UUID each, and the
    scan reads every organisation's rules)."""

    pk: int | None
    organisation_id: int
    kind: str
    days_before: int


@dataclass
class _Rules:
    """The active rules, indexed, and a signature per organisation (what the scan
    remembers to notice a changed rule)."""

    by_org_kind: dict
    by_kind: dict
    signatures: dict

    @classmethod
    def of(cls, rules):
        by_org_kind, by_kind, signed = defaultdict(list), defaultdict(list), defaultdict(list)
        for rule in rules:
            by_org_kind[(rule.organisation_id, rule.kind)].append(rule)
            by_kind[rule.kind].append(rule)
            signed[rule.organisation_id].append(f"{rule.pk}:{rule.kind}:{rule.days_before}")
        signatures = {str(org): " ".join(sorted(parts)) for org, parts in signed.items()}
        return cls(by_org_kind, by_kind, signatures)

    def changed_organisations(self, remembered: dict) -> list[int]:
        """Organisations whose active rules are not the ones the last scan used (a new
        rule, a changed number of days, one switched on; a rule taken away makes
        nothing new due)."""
        return sorted(
            int(org) for org, signature in self.signatures.items()
            if remembered.get(org) != signature
        )


def _active_rules(*, create_defaults: bool, assume_defaults: bool = False) -> _Rules:
    """The active rules, and the organisations without any rule (one query). Those get
    the defaults: created (and read back) or, for a dry run, assumed."""
    missing_rules = Organisation.objects.filter(
        ~Exists(AlertRule.objects.filter(organisation=OuterRef("pk")))
    ).order_by().annotate(
        no_rule=Value(None, output_field=BigIntegerField()),
        no_kind=Value("", output_field=CharField()),
        no_days=Value(0, output_field=IntegerField()),
    )
    rows = list(
        AlertRule.objects.filter(is_active=True).order_by()
        .values_list("organisation_id", "pk", "kind", "days_before")
        .union(missing_rules.values_list("pk", "no_rule", "no_kind", "no_days"), all=True)
    )
    rules = [_Rule(pk, org, kind, days) for org, pk, kind, days in rows if pk is not None]
    missing = sorted({org for org, pk, _kind, _days in rows if pk is None})
    defaults = [
        AlertRule(organisation_id=org_id, kind=kind, days_before=days)
        for org_id in missing
        for kind, days in DEFAULT_ALERT_RULES
    ]
    if defaults and create_defaults:
        AlertRule.objects.bulk_create(defaults, ignore_conflicts=True)
        defaults = AlertRule.objects.filter(organisation_id__in=missing, is_active=True)
    if create_defaults or assume_defaults:
        rules += [
            _Rule(rule.pk, rule.organisation_id, rule.kind, rule.days_before)
            for rule in defaults
        ]
    return _Rules.of(rules)


def _due(rules: _Rules, today, changed: list[Q] | None = None) -> list[DueAlert]:
    """The alerts due on `today` about the objects within reach (only the contracts
    `changed` lets through, when given; agreements and the sources' deadlines always)."""
    candidates, contract_ids_query = _in_reach(rules.by_kind, today, changed)
    candidates += _source_candidates(rules.by_kind, today)
    if not candidates:
        return []
    contract_type = ContentType.objects.get_for_model(Contract)
    found = _recipients(candidates, contract_ids_query, today)

    due: dict[tuple, DueAlert] = {}
    for candidate in candidates:
        # The most urgent threshold already reached; the others either fired on their
        # day or were overtaken by it (catch-up: see the module's docstring).
        reached = [
            rule
            for rule in rules.by_org_kind.get((candidate.organisation_id, candidate.kind), [])
            if _reaches(rule, candidate.deadline, today)
        ]
        if not reached:
            continue
        rule = min(reached, key=lambda rule: urgency(rule.kind, rule.days_before))
        is_contract = candidate.content_type_id == contract_type.pk
        if candidate.recipients is not None:
            holders = list(candidate.recipients)
        elif candidate.kind == AlertKind.ESCALATION:
            holders = escalation_recipients(candidate.unit_path, found.leaders)
        else:
            holders = (
                found.contract_holders if is_contract else found.agreement_holders
            ).get(candidate.object_id, [])
        recipients = [(*holder, False) for holder in holders]
        if not holders:
            recipients = [
                (*admin, True) for admin in found.admins.get(candidate.organisation_id, [])
            ]
        if is_contract and candidate.kind != AlertKind.ESCALATION and (
            candidate.recipients is None
        ):
            recipients += [
                (*s, False) for s in found.subscribers.get(candidate.object_id, [])
            ]
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
                if (user_id, candidate.organisation_id) in found.members
                else None,
                without_owner=without_owner,
            )
            # One alert per object × deadline × recipient: a subscriber who also holds a
            # role, or a leader who also owns the contract, gets the most urgent one.
            known = due.get(alert.group)
            if known is None or alert.urgency < known.urgency:
                due[alert.group] = alert
    return sorted(due.values(), key=lambda a: (a.email, a.deadline, a.object_repr))


def collect_due(*, today: datetime.date, assume_defaults: bool = False) -> list[DueAlert]:
    """Every alert due on `today`, whether or not it was delivered before: the full
    recomputation (the dry run's list, and what the incremental scan must agree with).
    A constant number of queries, whatever the number of contracts. With
    `assume_defaults`, organisations without rules are treated as having the default
    ones (a dry run writes nothing, not even those rules)."""
    return _due(_active_rules(create_defaults=False, assume_defaults=assume_defaults), today)


def _changed_since(rules: _Rules, last_day, today, since, organisations) -> list[Q]:
    """The contracts that can have an alert due on `today` which the scan of `last_day`
    did not record: a threshold crossed since (the day of every rule's days before
    falls in `last_day` < day ≤ `today`); the contract, its role holders, subscribers
    or decisions changed since `since` (new or moved deadlines: refresh_deadlines
    bumps ``updated_at`` too); a role assignment or a person's last day starting or
    ending in between; and every contract of `organisations` (changed rules) and of
    organisations whose people, admins, units or unit leaders changed, or where a role
    assignment or decision was deleted (the audit log says so). Anything else cannot
    make a new alert due (see the module's docstring).

    Three filters, each a branch of the candidates' query: the dates and
    ``updated_at`` (indexed ranges), the contracts named by changed rows of other
    tables, and the organisations named by them (each a union of small look-ups, so
    the database starts from what changed instead of testing every contract within
    reach)."""
    types = ContentType.objects.get_for_models(  # one query at most, then cached
        Contract, OrganisationUnit, RoleAssignment, DeadlineDecision
    )
    contract_type, unit_type = types[Contract], types[OrganisationUnit]
    own = Q(updated_at__gt=since)
    if organisations:
        own |= Q(organisation_id__in=organisations)
    for kind, field in CONTRACT_KINDS.items():
        for days in sorted({rule.days_before for rule in rules.by_kind.get(kind, ())}):
            offset = datetime.timedelta(days=days)
            own |= Q(**{f"{field}__gt": last_day + offset, f"{field}__lte": today + offset})
    # Changed ones through the updated_at index, and the ones starting or ending by date.
    assignments = (
        RoleAssignment.objects.filter(updated_at__gt=since),
        RoleAssignment.objects.filter(
            Q(start_date__gt=last_day, start_date__lte=today)
            | Q(end_date__gte=last_day, end_date__lt=today)
        ),
    )
    contracts = [
        *(
            changed.filter(content_type=contract_type).order_by().values("object_id")
            for changed in assignments
        ),
        ContractSubscription.objects.filter(updated_at__gt=since).order_by()
        .values("contract_id"),
        DeadlineDecision.objects.filter(updated_at__gt=since).order_by()
        .values("contract_id"),
    ]
    organisations_changed = [
        *(
            changed.filter(content_type=unit_type).order_by().values("organisation_id")
            for changed in assignments
        ),
        Person.objects.filter(
            Q(updated_at__gt=since) | Q(left_on__gte=last_day, left_on__lt=today)
        ).order_by().values("organisation_id"),
        Membership.objects.filter(updated_at__gt=since).order_by().values("organisation_id"),
        OrganisationUnit.objects.filter(updated_at__gt=since).order_by()
        .values("organisation_id"),
        AuditEntry.objects.filter(
            timestamp__gt=since, action=AuditAction.DELETE, organisation__isnull=False,
            content_type__in=[types[RoleAssignment], types[DeadlineDecision]],
        ).order_by().values("organisation_id"),
    ]
    return [
        own,
        Q(pk__in=contracts[0].union(*contracts[1:], all=True)),
        Q(organisation_id__in=organisations_changed[0].union(
            *organisations_changed[1:], all=True)),
    ]


@dataclass
class ScanResult:
    due: list[DueAlert]
    recorded: int
    recipients: list[str]


def _told_and_waiting(due: list[DueAlert], since: datetime.date, full: bool):
    """What each object × deadline × recipient of `due` was told before (its most
    urgent level), and the addresses with alerts not yet in a digest: one query."""
    waiting = (
        AlertDelivery.objects.of_rules().filter(digest__isnull=True).order_by()
        .annotate(
            waiting=Value(True), no_type=Value(0, output_field=IntegerField()),
            no_object=Value(0, output_field=BigIntegerField()),
            no_deadline=Value(None, output_field=DateField()),
            no_days=Value(0, output_field=IntegerField()),
            no_kind=Value("", output_field=CharField()),
        )
        .values_list("no_type", "no_object", "no_deadline", "email", "no_days", "no_kind",
                     "waiting")
    )
    query = waiting
    if due:
        # Only the objects looked at (named when few): the log of everything else is
        # not read.
        about = Q()
        if not full:
            ids = defaultdict(set)
            for alert in due:
                ids[alert.content_type_id].add(alert.object_id)
            about = Q(pk__in=[])
            for content_type_id, object_ids in ids.items():
                about |= Q(content_type_id=content_type_id) & (
                    Q(object_id__in=sorted(object_ids))
                    if len(object_ids) <= LITERAL_IDS else Q()
                )
        told = (
            AlertDelivery.objects.of_rules().filter(about, deadline__gte=since).order_by()
            .annotate(waiting=Value(False))
            .values_list("content_type_id", "object_id", "deadline", "email",
                         "rule__days_before", "rule__kind", "waiting")
        )
        query = told.union(waiting, all=True)
    levels: dict[tuple, tuple] = {}
    addresses = set()
    for *group, days_before, kind, is_waiting in query:
        if is_waiting:
            addresses.add(group[3])
            continue
        level = urgency(kind, days_before)
        group = tuple(group)
        if group not in levels or level < levels[group]:
            levels[group] = level
    return levels, addresses


@transaction.atomic
def scan(*, today: datetime.date, dry_run: bool = False, full: bool = False) -> ScanResult:
    """Find what is due and record the deliveries (exactly once). Returns the e-mail
    addresses that have undelivered alerts, for the digest step.

    Incremental: the scan remembers the day it ran for, when, and the rules it used
    (``AlertScanState``), and looks only at contracts that can have something new
    (``_changed_since``): a day with nothing new costs a few indexed queries. The first
    scan, ``full=True``, and a scan for a day before the last one look at everything.
    `due` is what the scan looked at and found due (all of it on a full scan)."""
    if dry_run:
        due = collect_due(today=today, assume_defaults=True)
        return ScanResult(due=due, recorded=0, recipients=sorted({a.email for a in due}))
    started = timezone.now()
    state = AlertScanState.objects.select_for_update().filter(pk=1).first()
    if state is None:
        # The first scan ever: the row to lock (two first scans: one creates it).
        AlertScanState.objects.bulk_create([AlertScanState(pk=1)], ignore_conflicts=True)
        state = AlertScanState.objects.select_for_update().get(pk=1)
    rules = _active_rules(create_defaults=True)
    incremental = (
        not full and state.last_day is not None and state.changes_since is not None
        and state.last_day <= today
    )
    changed = None
    if incremental:
        changed = _changed_since(
            rules, state.last_day, today, state.changes_since,
            rules.changed_organisations(state.rule_signatures),
        )
    due = _due(rules, today, changed)
    # What each object × deadline × recipient was already told (deadlines from the
    # earliest due one on — today, or an overdue date — older ones cannot be due): an
    # alert is new only when it is more urgent than that, so a second run writes nothing
    # and a threshold overtaken by catch-up never fires late.
    since = min([today, *(a.deadline for a in due)])
    told, waiting = _told_and_waiting(due, since, full=not incremental)
    new = [a for a in due if a.group not in told or a.urgency < told[a.group]]
    # The state row is locked: no other scan records meanwhile, so what is new is what
    # gets written (ignore_conflicts still keeps the log exactly-once if one did).
    AlertDelivery.objects.bulk_create(
        [AlertDelivery(**{name: getattr(a, name) for name in DELIVERY_FIELDS}) for a in new],
        ignore_conflicts=True,
        batch_size=2000,
    )
    if state.last_day is None or today >= state.last_day:
        # A scan for an earlier day (a rerun) changes nothing the next scan counts on.
        AlertScanState.objects.filter(pk=1).update(
            last_day=today, changes_since=started - CHANGE_MARGIN,
            rule_signatures=rules.signatures,
        )
    return ScanResult(
        due=due, recorded=len(new), recipients=sorted(waiting | {a.email for a in new})
    )


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
            AlertDelivery.objects.of_rules().filter(email=email, digest__isnull=True)
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
