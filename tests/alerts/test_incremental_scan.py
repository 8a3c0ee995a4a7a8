"""The incremental alert scan (alerts.services.scan): a day with nothing new costs a few
queries, and what it records is exactly what the full recomputation (``collect_due``
semantics, ``scan(full=True)``) would record — over days, missed days and changes."""

from __future__ import annotations

import datetime
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts import services as alerts
from alerts.choices import AlertKind
from alerts.models import AlertDelivery, AlertRule, AlertScanState, ContractSubscription
from contracts.choices import ContractStatus
from contracts.models import Contract, DeadlineDecision
from kitos.services import delete_object
from roles.models import Person, RoleAssignment
from tests.factories import (
    ContractFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UserFactory,
    standard_role,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 21)
days = datetime.timedelta


@pytest.fixture(autouse=True)
def exact_changes(monkeypatch):
    """Changes are seen from the moment the last scan started (no safety margin): the
    tests write and scan within seconds, and must tell what changed from what did not."""
    monkeypatch.setattr(alerts, "CHANGE_MARGIN", datetime.timedelta(0))


class _Rollback(Exception):
    pass


role = standard_role


def set_dates(contract, *, notice=None, end=None, retender=None, status=ContractStatus.ACTIVE):
    """Store a contract's deadlines the way refresh_deadlines does (updated_at moves)."""
    Contract.objects.filter(pk=contract.pk).update(
        status=status, notice_deadline=notice, next_end=end, retender_start=retender,
        updated_at=timezone.now(),
    )


def contract_with_owner(org, notice, email, unit=None):
    contract = ContractFactory(organisation=org, responsible_unit=unit)
    set_dates(contract, notice=notice, end=notice + days(90))
    person = PersonFactory(organisation=org, email=email)
    RoleAssignmentFactory(target=contract, person=person, role_type=role("kontraktejer"))
    return contract


def scan_queries(day):
    """Run a scan; its result and the statements it ran, as in production (where the
    scan is its own transaction: the test's savepoints are left out)."""
    with CaptureQueriesContext(connection) as context:
        result = alerts.scan(today=day)
    statements = [
        q["sql"] for q in context.captured_queries
        if not q["sql"].upper().startswith(
            ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
        )
    ]
    return result, statements


class TestQueryBudget:
    @pytest.fixture
    def world(self, org):
        MembershipFactory(organisation=org, role="admin", user=UserFactory(email="a@demo.dk"))
        unit = UnitFactory(organisation=org)
        leader = PersonFactory(organisation=org, email="leder@demo.dk")
        RoleAssignmentFactory(
            target=unit, person=leader, role_type=role("enhedsleder", "organisation_unit")
        )
        for index in range(30):
            contract = contract_with_owner(
                org, TODAY + days(5 + index * 7), f"ejer{index}@demo.dk", unit=unit
            )
            if index % 3 == 0:
                ContractSubscription.objects.create(
                    organisation=org, contract=contract,
                    person=PersonFactory(organisation=org, email=f"abonnent{index}@demo.dk"),
                )
        ownerless = ContractFactory(organisation=org)
        set_dates(ownerless, notice=TODAY + days(40), end=TODAY + days(130))
        first = alerts.scan(today=TODAY)
        assert first.recorded > 30
        return org

    def test_a_second_scan_on_an_unchanged_day_records_nothing_in_ten_queries(self, world):
        result, statements = scan_queries(TODAY)
        assert result.recorded == 0
        assert len(statements) <= 10, statements

    def test_a_next_day_scan_with_nothing_new_costs_ten_queries_at_most(self, world):
        # No threshold falls on the next day: notice deadlines are 5 + 7n days ahead, the
        # rules 180/90/30 and the escalation's 30 days before them.
        next_day = TODAY + days(1)
        result, statements = scan_queries(next_day)
        assert result.recorded == 0
        assert result.due == []  # nothing was even looked at
        assert len(statements) <= 10, statements

    def test_a_next_day_scan_with_new_thresholds_still_costs_ten_queries(self, world, org):
        # Day +2: the contract 33 days ahead... (5 + 7·4 = 33) crosses its 30-day rule
        # and its escalation on day +3; a few more on later days.
        for offset in range(1, 8):
            result, statements = scan_queries(TODAY + days(offset))
            assert len(statements) <= 10, statements
        assert AlertDelivery.objects.filter(rule__kind=AlertKind.ESCALATION).exists()

    def test_the_same_queries_whatever_the_number_of_contracts(self, world, org):
        before = len(scan_queries(TODAY + days(1))[1])
        for index in range(30):
            contract_with_owner(org, TODAY + days(300 + index), f"ny{index}@demo.dk")
        alerts.scan(today=TODAY + days(1))
        assert len(scan_queries(TODAY + days(1))[1]) == before


def checked_scan(day):
    """Scan `day` incrementally, after checking that it records exactly what a full
    recomputation would (that one is rolled back)."""
    recorded = {}
    for full in (True, False):
        try:
            with transaction.atomic():
                alerts.scan(today=day, full=full)
                recorded[full] = sorted(AlertDelivery.objects.values_list(
                    "object_id", "email", "rule_id", "deadline", "without_owner"))
                raise _Rollback
        except _Rollback:
            pass
    assert recorded[False] == recorded[True]
    return alerts.scan(today=day)


class TestChangesBetweenScans:
    @pytest.fixture(autouse=True)
    def no_escalations(self, org, other_org):
        """Without unit leaders escalations go to the admins, which would blur what
        each test counts."""
        alerts.ensure_default_rules()
        AlertRule.objects.filter(kind=AlertKind.ESCALATION).update(is_active=False)

    def test_catch_up_after_missed_days_records_each_once(self, org):
        contract = contract_with_owner(org, TODAY + days(100), "ejer@demo.dk")
        checked_scan(TODAY)
        # The scan did not run for 15 days: the 90-day threshold (day 10) is recorded
        # once on day 15; the following days record nothing.
        assert checked_scan(TODAY + days(15)).recorded == 1
        for offset in range(16, 60, 4):
            assert checked_scan(TODAY + days(offset)).recorded == 0
        assert checked_scan(TODAY + days(70)).recorded == 1  # 30 days before
        assert sorted(
            AlertDelivery.objects.filter(object_id=contract.pk)
            .values_list("rule__days_before", flat=True)
        ) == [30, 90, 180]

    def test_a_moved_deadline_new_holder_new_rule_and_changed_rule(self, org):
        contract = contract_with_owner(org, TODAY + days(100), "ejer@demo.dk")
        checked_scan(TODAY)
        # A moved deadline (refresh_deadlines or an edit): its own alerts at once.
        set_dates(contract, notice=TODAY + days(60), end=TODAY + days(150))
        assert checked_scan(TODAY).recorded == 1
        # A new role holder gets the alert already due.
        RoleAssignmentFactory(
            target=contract, person=PersonFactory(organisation=org, email="ny@demo.dk"),
            role_type=role("contract-manager"),
        )
        assert checked_scan(TODAY).recorded == 1
        # A new rule that is already reached.
        AlertRule.objects.create(organisation=org, kind=AlertKind.NOTICE_DEADLINE,
                                 days_before=61)
        assert checked_scan(TODAY).recorded == 2
        # A rule changed to a nearer threshold that is reached (the 180-day rule has
        # not fired for this deadline): more urgent, recorded. (A rule that has fired
        # for it counts as fired at its new number of days: the log names the rule.)
        rule = AlertRule.objects.get(organisation=org, kind=AlertKind.NOTICE_DEADLINE,
                                     days_before=180)
        rule.days_before = 60
        rule.save()
        assert checked_scan(TODAY).recorded == 2
        assert checked_scan(TODAY).recorded == 0

    def test_a_role_holder_removed_sends_the_alert_to_the_admins(self, org, admin_user):
        contract = contract_with_owner(org, TODAY + days(20), "ejer@demo.dk")
        checked_scan(TODAY)
        delete_object(actor=admin_user, instance=RoleAssignment.objects.get(object_id=contract.pk))
        result = checked_scan(TODAY + days(1))
        assert result.recorded == 1
        assert AlertDelivery.objects.filter(without_owner=True, email=admin_user.email).exists()

    def test_a_role_assignment_ending_by_date_sends_the_alert_to_the_admins(self, org,
                                                                            admin_user):
        contract = contract_with_owner(org, TODAY + days(20), "ejer@demo.dk")
        RoleAssignment.objects.filter(object_id=contract.pk).update(end_date=TODAY + days(2))
        checked_scan(TODAY)
        assert checked_scan(TODAY + days(2)).recorded == 0  # the last day it holds
        assert checked_scan(TODAY + days(5)).recorded == 1  # nobody holds it since

    def test_a_deleted_decision_rearms_the_contract(self, org, admin_user):
        contract = contract_with_owner(org, TODAY + days(20), "ejer@demo.dk")
        decision = DeadlineDecision.objects.create(
            organisation=org, contract=contract, deadline=TODAY + days(20), kind="renew",
            decided_at=timezone.now(),
        )
        assert checked_scan(TODAY).recorded == 0
        delete_object(actor=admin_user, instance=decision)
        assert checked_scan(TODAY + days(1)).recorded == 1

    def test_ended_and_deleted_contracts_get_nothing_more(self, org):
        ended = contract_with_owner(org, TODAY + days(100), "ejer@demo.dk")
        deleted = contract_with_owner(org, TODAY + days(100), "ejer2@demo.dk")
        assert checked_scan(TODAY).recorded == 2
        set_dates(ended, notice=None, end=TODAY - days(1), status=ContractStatus.EXPIRED)
        deleted.delete()
        assert checked_scan(TODAY + days(20)).recorded == 0

    def test_organisations_keep_their_own_rules(self, org, other_org):
        mine = contract_with_owner(org, TODAY + days(45), "ejer@demo.dk")
        theirs = contract_with_owner(other_org, TODAY + days(45), "ejer@andre.dk")
        checked_scan(TODAY)
        # Written around the services (no updated_at): the rules' signature still tells.
        AlertRule.objects.filter(organisation=other_org, kind=AlertKind.NOTICE_DEADLINE,
                                 days_before=30).update(days_before=40)
        assert checked_scan(TODAY + days(5)).recorded == 1  # theirs: 40 days before
        assert AlertDelivery.objects.filter(object_id=theirs.pk).count() == 2
        assert AlertDelivery.objects.filter(object_id=mine.pk).count() == 1

    def test_a_scan_for_an_earlier_day_does_not_move_the_state(self, org):
        contract_with_owner(org, TODAY + days(100), "ejer@demo.dk")
        alerts.scan(today=TODAY + days(10))
        alerts.scan(today=TODAY)
        assert AlertScanState.objects.get().last_day == TODAY + days(10)


# -- the property: incremental == full, over random days and changes -------------------


def _simulate(seed: int, *, full: bool, org) -> tuple[list, list]:
    """Build a world of random contracts in two organisations (one with rules of its
    own), then scan on random days with random changes in between. Returns what each
    scan recorded and the whole log, by natural keys (ids differ between runs)."""
    rng = random.Random(seed)
    start = D(2026, 3, 2)
    orgs = [org, OrganisationFactory(slug="anden")]
    admins = {}
    for each in orgs:
        admins[each.pk] = UserFactory(email=f"admin@{each.slug}.dk")
        MembershipFactory(organisation=each, role="admin", user=admins[each.pk])
    AlertRule.objects.bulk_create(
        AlertRule(organisation=orgs[1], kind=kind, days_before=n)
        for kind, n in [(AlertKind.NOTICE_DEADLINE, 120), (AlertKind.NOTICE_DEADLINE, 45),
                        (AlertKind.NOTICE_DEADLINE, 10), (AlertKind.CONTRACT_END, 20),
                        (AlertKind.RETENDER_START, 5), (AlertKind.ESCALATION, 15)]
    )
    units = {org.pk: UnitFactory(organisation=org) for org in orgs}
    for org in orgs:
        RoleAssignmentFactory(
            target=units[org.pk], role_type=role("enhedsleder", "organisation_unit"),
            person=PersonFactory(organisation=org, email=f"leder@{org.slug}.dk"),
        )
    people = {
        org.pk: [PersonFactory(organisation=org, email=f"p{n}@{org.slug}.dk")
                 for n in range(6)]
        for org in orgs
    }
    contracts = []

    def random_dates():
        notice = start + days(rng.randint(-10, 260))
        kind = rng.random()
        if kind < 0.6:
            return {"notice": notice, "end": notice + days(90)}
        if kind < 0.8:
            return {"notice": notice, "end": notice + days(90),
                    "retender": notice - days(rng.randint(0, 40))}
        return {"end": notice}  # simply expires: the contract_end rules

    def new_contract():
        org = rng.choice(orgs)
        contract = ContractFactory(
            organisation=org, name=f"C{len(contracts)}",
            responsible_unit=units[org.pk] if rng.random() < 0.7 else None,
        )
        set_dates(contract, **random_dates())
        if rng.random() < 0.75:
            RoleAssignmentFactory(target=contract, person=rng.choice(people[org.pk]),
                                  role_type=role("kontraktejer"))
        contracts.append(contract)

    for _ in range(40):
        new_contract()

    def change(day):
        contract = rng.choice(contracts)
        org = contract.organisation
        what = rng.randrange(11)
        if what == 0:
            set_dates(contract, **random_dates())
        elif what == 1:
            RoleAssignmentFactory(target=contract, person=rng.choice(people[org.pk]),
                                  role_type=role("contract-manager"))
        elif what == 2:
            held = RoleAssignment.objects.filter(object_id=contract.pk,
                                                 content_type__model="contract").first()
            if held:
                delete_object(actor=admins[org.pk], instance=held)
        elif what == 3:
            RoleAssignment.objects.filter(
                object_id=contract.pk, content_type__model="contract"
            ).update(end_date=day + days(rng.randint(0, 6)))  # ends in the coming days
        elif what == 4:
            person = rng.choice(people[org.pk])
            ContractSubscription.objects.get_or_create(
                organisation=org, contract=contract, person=person
            )
        elif what == 5:
            rule = rng.choice(list(AlertRule.objects.filter(
                organisation=org, kind=AlertKind.NOTICE_DEADLINE).order_by("days_before")))
            rule.days_before = max(0, rule.days_before + rng.choice([-20, -7, 7, 20]))
            if not AlertRule.objects.filter(organisation=org, kind=rule.kind,
                                            days_before=rule.days_before).exists():
                rule.save()
        elif what == 6:
            current = Contract.objects.get(pk=contract.pk)
            deadline = current.notice_deadline or current.next_end
            if deadline and not DeadlineDecision.objects.filter(contract=current,
                                                                deadline=deadline).exists():
                DeadlineDecision.objects.create(
                    organisation=org, contract=current, deadline=deadline, kind="renew",
                    decided_at=timezone.now(),
                )
        elif what == 7:
            decision = DeadlineDecision.objects.filter(contract=contract).first()
            if decision:
                delete_object(actor=admins[org.pk], instance=decision)
        elif what == 8:
            person = rng.choice(people[org.pk])
            Person.objects.filter(pk=person.pk).update(
                left_on=day + days(rng.randint(0, 5)), updated_at=timezone.now()
            )
        elif what == 9:
            new_contract()
        else:
            set_dates(contract, notice=None, end=day - days(1),
                      status=ContractStatus.EXPIRED)

    recorded = []
    day = start
    for _step in range(22):
        if recorded:
            for _ in range(rng.randint(0, 3)):
                change(day)
        recorded.append(alerts.scan(today=day, full=full).recorded)
        day += days(rng.choice([0, 1, 1, 1, 2, 3, 6, 9, 14]))
    log = sorted(
        (contract_names.get(d.object_id, "?"), d.email, d.rule.kind, d.rule.days_before,
         d.deadline, d.without_owner)
        for contract_names in [dict(Contract.objects.values_list("pk", "name"))]
        for d in AlertDelivery.objects.select_related("rule")
    )
    return recorded, log


@pytest.mark.parametrize("seed", [7, 2026])
def test_incremental_scan_records_exactly_what_the_full_recomputation_records(seed, org):
    runs = {}
    for full in (True, False):
        try:
            with transaction.atomic():
                runs[full] = _simulate(seed, full=full, org=org)
                raise _Rollback
        except _Rollback:
            pass
    full_recorded, full_log = runs[True]
    incremental_recorded, incremental_log = runs[False]
    assert sum(full_recorded) > 20  # the simulation does record things
    assert incremental_recorded == full_recorded
    assert incremental_log == full_log


def test_the_command_can_look_at_everything(org):
    contract_with_owner(org, TODAY + days(20), "ejer@demo.dk")
    call_command("send_contract_alerts", "--today", TODAY.isoformat(), stdout=StringIO())
    call_command("send_contract_alerts", "--today", TODAY.isoformat(), "--full",
                 stdout=StringIO())
    assert AlertDelivery.objects.count() == 1  # the full scan agrees: nothing more
