"""The alert scan and the daily digest (kitos/alerts.py)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts import services as alerts
from alerts.models import AlertDelivery, AlertDigest, AlertRule, ContractSubscription
from alerts.tasks import scan_alerts
from contracts.models import Contract
from roles.models import Person, RoleAssignment
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    MembershipFactory,
    PersonFactory,
    RoleAssignmentFactory,
    UserFactory,
    standard_role,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 21)


role = standard_role


def notice_contract(org, notice_deadline, **extra):
    """A fixed-term contract with an unused option whose notice deadline is the given
    day (expiry is the month end 3 months later; notice 3 months)."""
    from kitos.dates import add_months

    expiry = add_months(notice_deadline, 3)
    contract = ContractFactory(
        organisation=org,
        start_date=D(2020, 1, 1),
        expiry_date=expiry,
        notice_months=3,
        extension_months=12,
        extensions_total=1,
        **extra,
    )
    contract.apply_deadlines(TODAY)
    Contract.objects.filter(pk=contract.pk).update(
        status=contract.status, next_end=contract.next_end,
        notice_deadline=contract.notice_deadline, retender_start=contract.retender_start,
    )
    return contract


def owner(contract, email="ejer@demo.dk", code="kontraktejer", **extra):
    person = PersonFactory(organisation=contract.organisation, email=email, **extra)
    RoleAssignmentFactory(target=contract, person=person, role_type=role(code))
    return person


def deliveries(contract=None):
    queryset = AlertDelivery.objects.all()
    if contract is not None:
        queryset = queryset.filter(object_id=contract.pk)
    return sorted(queryset.values_list("rule__kind", "rule__days_before", "email"))


class TestScan:
    def test_default_rules_are_created_once(self, org):
        alerts.scan(today=TODAY)
        alerts.scan(today=TODAY)
        assert sorted(
            AlertRule.objects.filter(organisation=org).values_list("kind", "days_before")
        ) == sorted(
            [("notice_deadline", 180), ("notice_deadline", 90), ("notice_deadline", 30),
             ("retender_start", 0), ("contract_end", 30), ("contract_end", 0),
             ("oversight_due", 30), ("oversight_due", 0), ("escalation", 30),
             ("benefit_due", 30), ("benefit_due", 7), ("benefit_overdue", 1),
             ("attestation_due", 14), ("attestation_overdue", 1)]
        )

    def test_fires_when_the_threshold_is_reached_and_only_once(self, org):
        # Notice deadline in 100 days: the 180-day rule is due, the 90-day one is not.
        contract = notice_contract(org, TODAY + datetime.timedelta(days=100))
        owner(contract)
        assert alerts.scan(today=TODAY).recorded == 1
        assert deliveries(contract) == [("notice_deadline", 180, "ejer@demo.dk")]
        assert alerts.scan(today=TODAY).recorded == 0  # a second scan (or beat) records nothing
        # Ten days later the 90-day threshold is reached.
        later = TODAY + datetime.timedelta(days=10)
        assert alerts.scan(today=later).recorded == 1

    def test_catch_up_after_downtime(self, org):
        """The scan did not run for months: the most urgent threshold already reached
        fires, once; the ones it overtook do not follow later."""
        contract = notice_contract(org, TODAY + datetime.timedelta(days=20))
        owner(contract)
        alerts.scan(today=TODAY)
        assert [d[1] for d in deliveries(contract)] == [30]
        for day in range(1, 20):
            alerts.scan(today=TODAY + datetime.timedelta(days=day))
        assert [d[1] for d in deliveries(contract)] == [30]
        # A later threshold still fires on its day (no lead time: the re-tender date is
        # the notice deadline, and its rule is "on the day").
        alerts.scan(today=TODAY + datetime.timedelta(days=20))
        assert deliveries(contract) == [
            ("notice_deadline", 30, "ejer@demo.dk"), ("retender_start", 0, "ejer@demo.dk")
        ]

    def test_no_alert_after_the_deadline(self, org):
        contract = notice_contract(org, TODAY - datetime.timedelta(days=1))
        owner(contract)
        alerts.scan(today=TODAY)
        assert deliveries(contract) == []

    @pytest.mark.parametrize("status", ["expired", "terminated", "in_notice"])
    def test_no_alerts_for_ended_contracts(self, org, status):
        contract = notice_contract(org, TODAY + datetime.timedelta(days=10))
        owner(contract)
        Contract.objects.filter(pk=contract.pk).update(status=status)
        alerts.scan(today=TODAY)
        assert deliveries(contract) == []

    def test_moved_deadline_re_arms(self, org, editor):
        from contracts.services import contract_update

        contract = notice_contract(org, TODAY + datetime.timedelta(days=20))
        owner(contract)
        alerts.scan(today=TODAY)
        first = len(deliveries(contract))
        contract.refresh_from_db()
        contract_update(
            actor=editor, contract=contract,
            data={"expiry_date": contract.expiry_date + datetime.timedelta(days=30)},
        )
        alerts.scan(today=TODAY)
        assert len(deliveries(contract)) > first
        assert AlertDelivery.objects.filter(object_id=contract.pk).values("deadline").distinct(
        ).count() == 2

    def test_contract_that_simply_expires(self, org):
        contract = ContractFactory(
            organisation=org, start_date=D(2020, 1, 1),
            expiry_date=TODAY + datetime.timedelta(days=25),
        )
        owner(contract)
        contract.save()
        alerts.scan(today=TODAY)
        assert deliveries(contract) == [("contract_end", 30, "ejer@demo.dk")]

    def test_retender_start_fires_on_the_day(self, org):
        contract = ContractFactory(
            organisation=org, start_date=D(2020, 1, 1), expiry_date=D(2027, 11, 21),
            lead_months=12,
        )
        contract.save()
        owner(contract)
        assert Contract.objects.get(pk=contract.pk).retender_start == D(2026, 11, 21)
        alerts.scan(today=D(2026, 11, 20))
        assert deliveries(contract) == []
        alerts.scan(today=TODAY)
        assert deliveries(contract) == [("retender_start", 0, "ejer@demo.dk")]


class TestRecipients:
    def test_role_holders_and_subscribers_once_each(self, org):
        contract = notice_contract(org, TODAY + datetime.timedelta(days=100))
        ejer = owner(contract, email="ejer@demo.dk")
        owner(contract, email="manager@demo.dk", code="contract-manager")
        owner(contract, email="budget@demo.dk", code="budgetansvarlig")  # not a recipient
        subscriber = PersonFactory(organisation=org, email="abonnent@demo.dk")
        ContractSubscription.objects.create(organisation=org, contract=contract, person=subscriber)
        ContractSubscription.objects.create(organisation=org, contract=contract, person=ejer)
        alerts.scan(today=TODAY)
        assert [d[2] for d in deliveries(contract)] == [
            "abonnent@demo.dk", "ejer@demo.dk", "manager@demo.dk"
        ]

    def test_ended_assignments_and_people_who_left_do_not_count(self, org):
        contract = notice_contract(org, TODAY + datetime.timedelta(days=100))
        gone = PersonFactory(organisation=org, email="gone@demo.dk", left_on=D(2026, 1, 1))
        RoleAssignmentFactory(target=contract, person=gone, role_type=role("kontraktejer"))
        old = PersonFactory(organisation=org, email="old@demo.dk")
        RoleAssignmentFactory(
            target=contract, person=old, role_type=role("kontraktejer"),
            end_date=D(2026, 6, 30),
        )
        admin = MembershipFactory(
            organisation=org, role="admin", user=UserFactory(email="admin@demo.dk")
        ).user
        alerts.scan(today=TODAY)
        delivery = AlertDelivery.objects.get(object_id=contract.pk)
        assert (delivery.email, delivery.user, delivery.without_owner) == (
            "admin@demo.dk", admin, True
        )

    def test_other_organisations_admins_are_not_told(self, org, other_org):
        contract = notice_contract(org, TODAY + datetime.timedelta(days=100))
        MembershipFactory(organisation=other_org, role="admin",
                          user=UserFactory(email="nabo@nabo.dk"))
        alerts.scan(today=TODAY)
        assert deliveries(contract) == []

    def test_in_app_notification_for_people_with_a_login(self, org, editor):
        contract = notice_contract(org, TODAY + datetime.timedelta(days=100))
        owner(contract, user=editor)
        alerts.scan(today=TODAY)
        assert AlertDelivery.objects.for_user(editor).unread().count() == 1


class TestAgreementOversight:
    def test_oversight_due_alerts_the_agreement_responsible(self, org):
        agreement = AgreementFactory(
            organisation=org, next_oversight_date=TODAY + datetime.timedelta(days=20)
        )
        person = PersonFactory(organisation=org, email="dpo@demo.dk")
        RoleAssignmentFactory(
            target=agreement, person=person,
            role_type=role("dba-ansvarlig", "data_processing_agreement"),
        )
        ended = AgreementFactory(
            organisation=org, next_oversight_date=TODAY + datetime.timedelta(days=20),
            concluded_on=D(2020, 1, 1), ended_on=D(2026, 1, 1),
        )
        alerts.scan(today=TODAY)
        assert sorted(
            AlertDelivery.objects.values_list("object_id", "rule__kind", "rule__days_before",
                                              "email")
        ) == [(agreement.pk, "oversight_due", 30, "dpo@demo.dk")]
        assert not AlertDelivery.objects.filter(object_id=ended.pk).exists()


def test_scan_query_count_does_not_grow_with_contracts(org):
    MembershipFactory(organisation=org, role="admin", user=UserFactory(email="a@demo.dk"))
    alerts.ensure_default_rules()

    def queries_for(count):
        AlertDelivery.objects.all().delete()
        RoleAssignment.objects.all().delete()
        Contract.objects.all().delete()
        Person.objects.all().delete()
        for index in range(count):
            contract = notice_contract(org, TODAY + datetime.timedelta(days=10 + index % 150))
            owner(contract, email=f"ejer{index}@demo.dk")
        with CaptureQueriesContext(connection) as context:
            result = alerts.scan(today=TODAY)
        assert result.recorded >= count
        statements = [q["sql"] for q in context.captured_queries]
        # SQLite caps the parameters per statement, so the deliveries' INSERT is split in
        # batches there; PostgreSQL takes them in one. Everything else is constant.
        if connection.vendor != "postgresql":
            statements = [s for s in statements if not s.startswith("INSERT")]
        return len(statements)

    queries_for(5)  # warm the content type cache
    assert queries_for(5) == queries_for(50)


class TestDigest:
    def test_one_mail_per_recipient_per_day_with_every_item(self, org):
        first = notice_contract(org, TODAY + datetime.timedelta(days=20), name="ESDH")
        second = notice_contract(org, TODAY + datetime.timedelta(days=60), name="Løn")
        owner(first)
        ContractSubscription.objects.create(
            organisation=org, contract=second, person=owner(second, email="ejer2@demo.dk")
        )
        RoleAssignmentFactory(
            target=second, person=first.role_assignments.get().person,
            role_type=role("contract-manager"),
        )
        result = alerts.scan(today=TODAY)
        for email in result.recipients:
            alerts.send_digest(email=email, today=TODAY)
        to_owner = [m for m in mail.outbox if m.to == ["ejer@demo.dk"]]
        assert len(to_owner) == 1
        message = to_owner[0]
        assert "2 frister" in message.subject
        assert "ESDH" in message.body and "Løn" in message.body
        assert message.body.count("ESDH (") == 1
        assert "om 20 dage" in message.body
        assert first.notice_deadline.strftime("%d-%m-%Y") in message.body
        assert f"/kontrakter/{first.uuid}/" in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html" and "ESDH" in html
        # Sending again the same day sends nothing.
        mail.outbox.clear()
        for email in result.recipients:
            assert alerts.send_digest(email=email, today=TODAY) is None
        assert mail.outbox == []

    def test_new_alerts_after_todays_mail_wait_for_tomorrow(self, org):
        contract = notice_contract(org, TODAY + datetime.timedelta(days=100))
        person = owner(contract)
        alerts.scan(today=TODAY)
        alerts.send_digest(email="ejer@demo.dk", today=TODAY)
        later = notice_contract(org, TODAY + datetime.timedelta(days=50), name="Senere")
        RoleAssignmentFactory(target=later, person=person, role_type=role("kontraktejer"))
        alerts.scan(today=TODAY)
        assert alerts.send_digest(email="ejer@demo.dk", today=TODAY) is None
        tomorrow = TODAY + datetime.timedelta(days=1)
        assert alerts.send_digest(email="ejer@demo.dk", today=tomorrow) is not None
        assert len(mail.outbox) == 2
        assert AlertDigest.objects.count() == 2

    def test_mail_says_when_nobody_owns_the_contract(self, org):
        notice_contract(org, TODAY + datetime.timedelta(days=100), name="Uden ejer")
        MembershipFactory(organisation=org, role="admin", user=UserFactory(email="a@demo.dk"))
        alerts.scan(today=TODAY)
        alerts.send_digest(email="a@demo.dk", today=TODAY)
        assert "Ingen har rollen som ansvarlig" in mail.outbox[0].body

    def test_failed_send_is_retried_later_not_lost(self, org, monkeypatch):
        contract = notice_contract(org, TODAY + datetime.timedelta(days=100))
        owner(contract)
        alerts.scan(today=TODAY)

        def broken(self, *args, **kwargs):
            raise ConnectionError("smtp down")

        monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
        with pytest.raises(ConnectionError):
            alerts.send_digest(email="ejer@demo.dk", today=TODAY)
        assert not AlertDigest.objects.exists()  # rolled back: the retry will send
        monkeypatch.undo()
        assert alerts.send_digest(email="ejer@demo.dk", today=TODAY) is not None


class TestCommandAndTask:
    def test_dry_run_sends_and_records_nothing(self, org):
        contract = notice_contract(org, TODAY + datetime.timedelta(days=20), name="Tør")
        owner(contract)
        out = StringIO()
        call_command("send_contract_alerts", "--dry-run", "--today", "2026-11-21", stdout=out)
        assert "ejer@demo.dk" in out.getvalue() and "Tør" in out.getvalue()
        assert mail.outbox == []
        assert not AlertDelivery.objects.exists()
        assert not AlertRule.objects.exists()  # not even the default rules

    def test_two_runs_send_once(self, org):
        contract = notice_contract(org, TODAY + datetime.timedelta(days=20))
        owner(contract)
        call_command("send_contract_alerts", "--today", "2026-11-21", stdout=StringIO())
        call_command("send_contract_alerts", "--today", "2026-11-21", stdout=StringIO())
        assert len(mail.outbox) == 1

    def test_beat_task_scans_and_sends(self, org, django_capture_on_commit_callbacks):
        contract = notice_contract(org, TODAY + datetime.timedelta(days=20))
        owner(contract)
        with django_capture_on_commit_callbacks(execute=True):
            summary = scan_alerts.delay("2026-11-21").get()
        assert summary == {"due": 1, "recorded": 1, "recipients": 1}
        assert len(mail.outbox) == 1
