"""Catch-up (one alert per object × deadline × recipient), decisions that stop the alerts
of a deadline, and escalation to the leader of the responsible unit (alerts.services)."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.core import mail

from alerts import services as alerts
from alerts.models import AlertDelivery, AlertRule
from contracts.choices import DecisionKind
from contracts.services import deadline_decision_record
from tests.alerts.test_alerts import TODAY, deliveries, notice_contract, owner, role
from tests.factories import PersonFactory, RoleAssignmentFactory, UnitFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def simulate(first: datetime.date, days: int) -> dict[datetime.date, int]:
    """Run the daily scan `days` days from `first`: day -> alerts recorded that day."""
    return {
        first + DAY * n: alerts.scan(today=first + DAY * n).recorded for n in range(days)
    }


def leader_of(unit, email):
    person = PersonFactory(organisation=unit.organisation, email=email)
    RoleAssignmentFactory(
        target=unit, person=person, role_type=role("enhedsleder", "organisation_unit")
    )
    return person


def notice_only(org):
    """Only the notice deadline rules (and escalation when wanted): the re-tender rule
    would fire on the same date in these contracts without lead time."""
    alerts.ensure_default_rules()
    AlertRule.objects.filter(organisation=org).exclude(
        kind__in=["notice_deadline", "escalation"]
    ).update(is_active=False)


class TestCatchUp:
    def test_deadline_in_29_days_files_only_the_30_day_alert(self, org):
        contract = notice_contract(org, TODAY + 29 * DAY)
        owner(contract)
        alerts.scan(today=TODAY)
        assert deliveries(contract) == [("notice_deadline", 30, "ejer@demo.dk")]

    def test_deadline_in_100_days_files_180_now_and_90_and_30_on_their_days(self, org):
        notice_only(org)
        AlertRule.objects.filter(kind="escalation").update(is_active=False)
        deadline = TODAY + 100 * DAY
        contract = notice_contract(org, deadline)
        owner(contract)
        recorded = simulate(TODAY, 101)
        assert {day: n for day, n in recorded.items() if n} == {
            TODAY: 1,  # the most urgent threshold reached on the first scan: 180
            deadline - 90 * DAY: 1,
            deadline - 30 * DAY: 1,
        }
        assert deliveries(contract) == [
            ("notice_deadline", 30, "ejer@demo.dk"),
            ("notice_deadline", 90, "ejer@demo.dk"),
            ("notice_deadline", 180, "ejer@demo.dk"),
        ]

    def test_contract_entered_late_catches_up_with_one_alert(self, org):
        notice_only(org)
        early = notice_contract(org, TODAY + 200 * DAY, name="Tidligt")
        owner(early)
        simulate(TODAY, 120)  # the daily scan runs along
        # Entered on day 120 with its deadline 40 days ahead: 180 and 90 have passed.
        late = notice_contract(org, TODAY + 160 * DAY, name="Sent")
        owner(late, email="sen@demo.dk")
        alerts.scan(today=TODAY + 120 * DAY)
        assert deliveries(late) == [("notice_deadline", 90, "sen@demo.dk")]
        simulate(TODAY + 121 * DAY, 40)
        assert [d[1] for d in deliveries(late)] == [30, 90]

    def test_a_second_scan_the_same_day_records_nothing(self, org):
        contract = notice_contract(org, TODAY + 29 * DAY)
        owner(contract)
        assert alerts.scan(today=TODAY).recorded == 1
        assert alerts.scan(today=TODAY).recorded == 0

    def test_each_recipient_is_caught_up_on_their_own(self, org):
        """A subscriber added after the 90-day alert gets the 90-day one, not a repeat of
        the 180-day one, and the owner gets nothing new."""
        from alerts.models import ContractSubscription

        notice_only(org)
        contract = notice_contract(org, TODAY + 100 * DAY)
        owner(contract)
        simulate(TODAY, 11)
        late_reader = PersonFactory(organisation=org, email="ny@demo.dk")
        ContractSubscription.objects.create(
            organisation=org, contract=contract, person=late_reader
        )
        assert alerts.scan(today=TODAY + 11 * DAY).recorded == 1
        assert ("notice_deadline", 90, "ny@demo.dk") in deliveries(contract)


class TestDecisionStopsAlerts:
    def test_decided_deadline_gets_no_more_alerts(self, org, editor):
        notice_only(org)
        contract = notice_contract(org, TODAY + 100 * DAY)
        owner(contract)
        alerts.scan(today=TODAY)
        assert len(deliveries(contract)) == 1
        deadline_decision_record(
            actor=editor, contract=contract, kind=DecisionKind.RENEW, note="Fortsætter"
        )
        simulate(TODAY + DAY, 100)
        assert len(deliveries(contract)) == 1

    def test_a_moved_deadline_needs_a_new_decision(self, org, editor):
        from contracts.services import contract_update

        notice_only(org)
        contract = notice_contract(org, TODAY + 20 * DAY)
        owner(contract)
        deadline_decision_record(actor=editor, contract=contract, kind=DecisionKind.OPTION)
        alerts.scan(today=TODAY)
        assert deliveries(contract) == []
        contract.refresh_from_db()
        contract_update(
            actor=editor, contract=contract,
            data={"expiry_date": contract.expiry_date + datetime.timedelta(days=40)},
        )
        alerts.scan(today=TODAY)
        assert len(deliveries(contract)) == 1


class TestEscalation:
    def test_reaches_the_leader_of_the_unit_once_not_daily(self, org):
        notice_only(org)
        top = UnitFactory(organisation=org, name="Forvaltning")
        unit = UnitFactory(organisation=org, name="Afdeling", parent=top)
        leader_of(unit, "leder@demo.dk")
        leader_of(top, "direktor@demo.dk")  # the unit has its own leader: not told
        deadline = TODAY + 45 * DAY
        contract = notice_contract(org, deadline, responsible_unit=unit)
        owner(contract)
        simulate(TODAY, 46)
        escalations = AlertDelivery.objects.filter(rule__kind="escalation")
        assert list(escalations.values_list("email", "deadline")) == [
            ("leder@demo.dk", deadline)
        ]
        told = Counter(email for _kind, _days, email in deliveries(contract))
        assert told == {"ejer@demo.dk": 2, "leder@demo.dk": 1}

    def test_walks_up_to_the_nearest_unit_with_a_leader(self, org):
        notice_only(org)
        top = UnitFactory(organisation=org, name="Forvaltning")
        middle = UnitFactory(organisation=org, name="Center", parent=top)
        team = UnitFactory(organisation=org, name="Team", parent=middle)
        leader_of(top, "direktor@demo.dk")
        contract = notice_contract(org, TODAY + 10 * DAY, responsible_unit=team)
        owner(contract)
        alerts.scan(today=TODAY)
        assert ("escalation", 30, "direktor@demo.dk") in deliveries(contract)

    def test_decision_before_the_escalation_day_prevents_it(self, org, editor):
        notice_only(org)
        unit = UnitFactory(organisation=org)
        leader_of(unit, "leder@demo.dk")
        contract = notice_contract(org, TODAY + 45 * DAY, responsible_unit=unit)
        owner(contract)
        simulate(TODAY, 10)
        deadline_decision_record(actor=editor, contract=contract, kind=DecisionKind.RETENDER)
        simulate(TODAY + 10 * DAY, 36)
        assert not AlertDelivery.objects.filter(rule__kind="escalation").exists()

    def test_leader_who_also_owns_the_contract_gets_one_alert_that_day(self, org):
        notice_only(org)
        unit = UnitFactory(organisation=org)
        contract = notice_contract(org, TODAY + 20 * DAY, responsible_unit=unit)
        person = leader_of(unit, "leder@demo.dk")
        RoleAssignmentFactory(target=contract, person=person, role_type=role("kontraktejer"))
        simulate(TODAY, 21)
        assert deliveries(contract) == [("escalation", 30, "leder@demo.dk")]

    def test_mail_and_notification_list_mark_the_escalation(self, org, client, editor):
        notice_only(org)
        unit = UnitFactory(organisation=org)
        person = leader_of(unit, "leder@demo.dk")
        person.user = editor
        person.save()
        notice_contract(org, TODAY + 20 * DAY, responsible_unit=unit, name="ESDH")
        result = alerts.scan(today=TODAY)
        for email in result.recipients:
            alerts.send_digest(email=email, today=TODAY)
        message = next(m for m in mail.outbox if m.to == ["leder@demo.dk"])
        assert "ESKALERING: ESDH" in message.body
        assert "Eskalering" in message.subject
        client.force_login(editor)
        page = client.get("/varsler/").content.decode()
        assert "Eskaleret til dig som leder" in page

    def test_without_any_leader_the_admins_are_told(self, org, admin_user):
        notice_only(org)
        admin_user.email = "admin@demo.dk"
        admin_user.save()
        contract = notice_contract(org, TODAY + 20 * DAY)
        owner(contract)
        alerts.scan(today=TODAY)
        escalation = AlertDelivery.objects.get(rule__kind="escalation")
        assert (escalation.email, escalation.without_owner) == ("admin@demo.dk", True)


def test_escalation_rule_is_editable_in_the_rules_page(org, admin_user, client):
    client.force_login(admin_user)
    client.get(f"/organisationer/{org.slug}/varslingsregler/")
    rule = AlertRule.objects.get(organisation=org, kind="escalation")
    assert rule.days_before == 30
    response = client.post(
        f"/organisationer/{org.slug}/varslingsregler/",
        {"kind": "escalation", "days_before": 14},
    )
    assert response.status_code == 302
    assert AlertRule.objects.filter(organisation=org, kind="escalation").count() == 2
