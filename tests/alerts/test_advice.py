"""Manual advice ("advis", issue #20): the schedule, sending exactly once, recipients
resolved at send time, validation, the pages and the beat task on a real worker."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from celery.result import AsyncResult, EagerResult
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from alerts.advice import (
    advice_create,
    advice_deactivate,
    advice_delete,
    advice_update,
    next_occurrence,
    occurrence,
    recipients,
    send_due_advice,
)
from alerts.models import Advice, AdviceSent
from alerts.tasks import send_due_advice as task
from kitos.models import AuditEntry
from kitos.tenancy import SYSTEM
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    OrganisationFactory,
    PersonFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    UsageFactory,
    standard_role,
)
from tests.helpers import count_queries
from tests.kitos.test_celery import _wait_for, real_worker  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=CPH)


def owner_of(contract, email="ejer@demo.dk", **extra):
    person = PersonFactory(organisation=contract.organisation, email=email, **extra)
    RoleAssignmentFactory(target=contract, person=person, role_type=standard_role("kontraktejer"))
    return person


def quarterly(contract, alarm_at, **extra):
    return advice_create(
        actor=SYSTEM, target=contract, subject="Husk budgetopfølgning",
        repetition=extra.pop("repetition", "quarterly"), alarm_at=alarm_at,
        to_roles=[standard_role("kontraktejer")], **extra,
    )


# -- the schedule ---------------------------------------------------------------------------


class TestSchedule:
    def test_monthly_from_a_month_end_clamps_without_drifting(self):
        start = at(2027, 1, 31, 9)
        days = [occurrence(start, "monthly", k).date() for k in range(5)]
        assert days == [datetime.date(2027, 1, 31), datetime.date(2027, 2, 28),
                        datetime.date(2027, 3, 31), datetime.date(2027, 4, 30),
                        datetime.date(2027, 5, 31)]

    def test_leap_year(self):
        assert occurrence(at(2027, 2, 28, 9), "yearly", 1).date() == datetime.date(2028, 2, 28)
        assert occurrence(at(2028, 2, 29, 9), "yearly", 1).date() == datetime.date(2029, 2, 28)
        assert occurrence(at(2028, 2, 29, 9), "yearly", 4).date() == datetime.date(2032, 2, 29)
        assert occurrence(at(2027, 11, 29, 9), "quarterly", 1).date() == datetime.date(2028, 2, 29)

    def test_quarterly_and_half_yearly(self):
        start = at(2027, 1, 15, 9)
        assert [occurrence(start, "quarterly", k).date().month for k in range(5)] == [
            1, 4, 7, 10, 1]
        assert occurrence(start, "half_yearly", 1).date() == datetime.date(2027, 7, 15)

    def test_wall_clock_kept_across_summer_time(self):
        # Daily at 09:00 Copenhagen time, before and after the switch to summer time.
        start = at(2027, 3, 27, 9)
        later = timezone.localtime(occurrence(start, "daily", 2), CPH)
        assert (later.day, later.hour) == (29, 9)
        assert occurrence(start, "hourly", 24) - start == datetime.timedelta(hours=24)

    def test_next_occurrence_is_strictly_after(self):
        start = at(2027, 1, 1, 9)
        assert next_occurrence(start, "weekly", at(2026, 12, 1)) == start
        assert next_occurrence(start, "weekly", start) == at(2027, 1, 8, 9)
        assert next_occurrence(start, "monthly", at(2030, 6, 1, 9)) == at(2030, 7, 1, 9)
        assert next_occurrence(start, "immediate", start) is None

    def test_stop_date_ends_the_series(self, org):
        contract = ContractFactory(organisation=org)
        owner_of(contract)
        advice = quarterly(contract, at(2027, 1, 15, 9), stop_on=datetime.date(2027, 7, 14))
        assert send_due_advice(at(2027, 1, 15, 9, 5))["sent"] == 1
        advice.refresh_from_db()
        assert advice.is_active and advice.next_send_at == at(2027, 4, 15, 9)
        assert send_due_advice(at(2027, 4, 15, 9, 5))["sent"] == 1
        advice.refresh_from_db()
        # 15 July is after the stop date: nothing more.
        assert not advice.is_active and advice.next_send_at is None
        assert send_due_advice(at(2027, 7, 15, 9, 5))["sent"] == 0
        assert advice.sent.count() == 2


# -- sending --------------------------------------------------------------------------------


class TestSending:
    def test_sent_exactly_once_per_due_time(self, org):
        contract = ContractFactory(organisation=org, name="Økonomisystem")
        owner_of(contract)
        advice = quarterly(contract, at(2027, 1, 15, 9), body="Se budgettet igennem.")
        now = at(2027, 1, 15, 9, 1)
        assert send_due_advice(now) == {"due": 1, "sent": 1}
        assert send_due_advice(now) == {"due": 0, "sent": 0}
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.subject == "Husk budgetopfølgning"
        assert message.to == ["ejer@demo.dk"]
        assert "Se budgettet igennem." in message.body and "Økonomisystem" in message.body
        sent = AdviceSent.objects.get(advice=advice)
        assert sent.ok and sent.recipients == {"to": ["ejer@demo.dk"], "cc": []}

    def test_a_due_time_already_logged_is_not_sent_again(self, org):
        """The unique (advice, due time) row: a run whose schedule move was lost (or a
        second worker racing past the lock) sends nothing."""
        contract = ContractFactory(organisation=org)
        owner_of(contract)
        advice = quarterly(contract, at(2027, 1, 15, 9))
        AdviceSent.objects.create(advice=advice, due_at=advice.next_send_at,
                                  sent_at=at(2027, 1, 15, 9, 1))
        assert send_due_advice(at(2027, 1, 15, 9, 2))["sent"] == 0
        assert mail.outbox == []
        advice.refresh_from_db()
        assert advice.next_send_at == at(2027, 4, 15, 9)

    def test_catch_up_after_downtime_sends_once(self, org):
        contract = ContractFactory(organisation=org)
        owner_of(contract)
        advice = quarterly(contract, at(2027, 1, 15, 9), repetition="daily")
        # Ten days without a beat: one mail, and the next is tomorrow's.
        assert send_due_advice(at(2027, 1, 25, 12))["sent"] == 1
        advice.refresh_from_db()
        assert advice.next_send_at == at(2027, 1, 26, 9)
        assert len(mail.outbox) == 1

    def test_recipients_are_resolved_at_send_time(self, org):
        contract = ContractFactory(organisation=org)
        old = owner_of(contract, email="gammel@demo.dk")
        advice = quarterly(contract, at(2027, 1, 15, 9), cc_emails="revisor@demo.dk, EJER2@demo.dk")
        # The owner changes after the advice was set: the new one gets it.
        old.left_on = datetime.date(2026, 12, 31)
        old.save()
        owner_of(contract, email="ny@demo.dk")
        send_due_advice(at(2027, 1, 15, 9, 1))
        assert mail.outbox[0].to == ["ny@demo.dk"]
        assert mail.outbox[0].cc == ["revisor@demo.dk", "ejer2@demo.dk"]
        assert recipients(advice, datetime.date(2027, 1, 15)) == {
            "to": ["ny@demo.dk"], "cc": ["revisor@demo.dk", "ejer2@demo.dk"]}

    def test_no_recipients_is_logged_as_an_error(self, org):
        contract = ContractFactory(organisation=org)
        advice = quarterly(contract, at(2027, 1, 15, 9))
        send_due_advice(at(2027, 1, 15, 9, 1))
        sent = advice.sent.get()
        assert not sent.ok and "Ingen modtagere" in sent.error
        assert mail.outbox == []

    def test_immediate_is_sent_on_commit_and_then_done(
        self, org, django_capture_on_commit_callbacks
    ):
        contract = ContractFactory(organisation=org)
        owner_of(contract)
        with django_capture_on_commit_callbacks(execute=True):
            advice = advice_create(actor=SYSTEM, target=contract, subject="Ny pris fra 1. maj",
                                   to_roles=[standard_role("kontraktejer")])
        advice.refresh_from_db()
        assert len(mail.outbox) == 1
        assert not advice.is_active and advice.next_send_at is None
        assert advice.last_sent_at is not None
        # Sent: it can no longer be deleted, only switched off.
        with pytest.raises(ValidationError):
            advice_delete(actor=SYSTEM, advice=advice)


# -- writes and validation ------------------------------------------------------------------


class TestWrites:
    def test_create_update_deactivate_delete_are_audited(self, org, editor):
        contract = ContractFactory(organisation=org)
        advice = quarterly(contract, at(2030, 1, 15, 9))
        advice = Advice.objects.get(pk=advice.pk)
        advice_update(actor=editor, advice=advice, data={"subject": "Nyt emne",
                                                          "stop_on": datetime.date(2031, 1, 1)})
        advice_deactivate(actor=editor, advice=advice)
        advice.refresh_from_db()
        assert not advice.is_active and advice.next_send_at is None
        # Switched on again: it resumes at its alarm time (never sent).
        advice_update(actor=editor, advice=advice, data={"is_active": True})
        advice.refresh_from_db()
        assert advice.next_send_at == at(2030, 1, 15, 9)
        advice_delete(actor=editor, advice=advice)
        actions = list(AuditEntry.objects.filter(
            object_id=advice.pk, content_type=ContentType.objects.get_for_model(Advice),
        ).order_by("pk")
                       .values_list("action", flat=True))
        assert actions == ["create", "update", "update", "update", "delete"]

    def test_stop_date_before_alarm_is_refused(self, org):
        contract = ContractFactory(organisation=org)
        with pytest.raises(ValidationError) as error:
            quarterly(contract, at(2027, 1, 15, 9), stop_on=datetime.date(2027, 1, 14))
        assert "stop_on" in error.value.message_dict
        assert not Advice.objects.exists()

    def test_bad_and_too_many_emails_are_refused(self, org):
        contract = ContractFactory(organisation=org)
        with pytest.raises(ValidationError) as error:
            quarterly(contract, at(2027, 1, 15, 9), to_emails=["ikke-en-adresse"])
        assert "to_emails" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            quarterly(contract, at(2027, 1, 15, 9),
                      cc_emails=[f"p{i}@demo.dk" for i in range(21)])
        assert "cc_emails" in error.value.message_dict

    def test_role_of_another_kind_of_object_is_refused(self, org):
        contract = ContractFactory(organisation=org)
        with pytest.raises(ValidationError):
            advice_create(actor=SYSTEM, target=contract, subject="x",
                          to_roles=[standard_role("systemejer", "system_usage")])

    def test_target_of_another_organisation_is_refused(self, org, other_org, editor):
        theirs = ContractFactory(organisation=other_org)
        with pytest.raises(PermissionDenied):
            advice_create(actor=editor, target=theirs, subject="x")
        advice = Advice(organisation=org, subject="x", alarm_at=at(2027, 1, 1),
                        content_type=ContentType.objects.get_for_model(theirs),
                        object_id=theirs.pk)
        with pytest.raises(ValidationError) as error:
            advice.clean()
        assert "object_id" in error.value.message_dict

    def test_reader_cannot_write(self, org, reader):
        contract = ContractFactory(organisation=org)
        with pytest.raises(PermissionDenied):
            advice_create(actor=reader, target=contract, subject="x")
        advice = quarterly(contract, at(2030, 1, 15, 9))
        with pytest.raises(PermissionDenied):
            advice_deactivate(actor=reader, advice=advice)


# -- the pages ------------------------------------------------------------------------------


class TestPages:
    def test_editor_creates_on_the_usage_page(self, client, org, editor):
        usage = UsageFactory(organisation=org)
        client.force_login(editor)
        tab = reverse("systemusage_detail", args=[usage.uuid]) + "?tab=advis"
        page = client.get(tab)
        assert page.status_code == 200 and "Opret advis" in page.content.decode()
        url = reverse("advice_create", args=["system_usage", usage.uuid])
        response = client.post(url, {
            "subject": "Gennemgå brugerrettigheder", "repetition": "half_yearly",
            "alarm_at": "2030-03-01T09:00", "stop_on": "2032-12-31",
            "to_roles": [standard_role("systemejer", "system_usage").pk],
            "to_emails": "it@demo.dk\nsikkerhed@demo.dk",
        })
        advice = Advice.objects.get()
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == reverse("advice_detail", args=[advice.uuid])
        assert advice.to_emails == ["it@demo.dk", "sikkerhed@demo.dk"]
        assert advice.next_send_at == at(2030, 3, 1, 9) and advice.created_by == editor
        assert "Gennemgå brugerrettigheder" in client.get(tab).content.decode()
        detail = client.get(response["Location"]).content.decode()
        assert "Halvårligt" in detail and "Advis'et er ikke sendt endnu." in detail

    def test_bad_input_is_a_clear_error(self, client, org, editor):
        contract = ContractFactory(organisation=org)
        client.force_login(editor)
        url = reverse("advice_create", args=["contract", contract.uuid])
        response = client.post(url, {
            "subject": "x", "repetition": "monthly", "alarm_at": "2030-03-01T09:00",
            "stop_on": "2030-01-01", "to_emails": "ikke en adresse",
        })
        assert response.status_code == 400
        text = response.content.decode()
        assert "Stopdatoen må ikke ligge før første afsendelse." in text
        assert "ikke en adresse" in text
        assert not Advice.objects.exists()
        response = client.post(url, {"subject": "x", "repetition": "monthly"})
        assert response.status_code == 400 and not Advice.objects.exists()

    def test_edit_and_deactivate_as_editor(self, client, org, editor):
        contract = ContractFactory(organisation=org)
        advice = quarterly(contract, at(2030, 1, 15, 9))
        client.force_login(editor)
        response = client.post(reverse("advice_update", args=[advice.uuid]), {
            "subject": "Ændret", "repetition": "yearly", "alarm_at": "2030-01-15T09:00",
            "is_active": "on",
        })
        assert response.status_code == 302
        advice.refresh_from_db()
        assert advice.subject == "Ændret" and advice.repetition == "yearly"
        assert list(advice.to_roles.all()) == []
        client.post(reverse("advice_deactivate", args=[advice.uuid]))
        advice.refresh_from_db()
        assert not advice.is_active

    def test_reader_sees_but_cannot_change(self, client, org, reader):
        contract = ContractFactory(organisation=org)
        advice = quarterly(contract, at(2030, 1, 15, 9))
        client.force_login(reader)
        tab = client.get(reverse("contract_detail", args=[contract.uuid]) + "?tab=advis")
        assert "Husk budgetopfølgning" in tab.content.decode()
        assert "Opret advis" not in tab.content.decode()
        assert client.get(reverse("advice_detail", args=[advice.uuid])).status_code == 200
        for url in (reverse("advice_create", args=["contract", contract.uuid]),
                    reverse("advice_update", args=[advice.uuid]),
                    reverse("advice_deactivate", args=[advice.uuid])):
            assert client.post(url, {"subject": "x", "repetition": "immediate"}).status_code == 403
        advice.refresh_from_db()
        assert advice.is_active and advice.subject == "Husk budgetopfølgning"

    def test_another_organisation_gets_404(self, client, org, outsider):
        contract = ContractFactory(organisation=org)
        advice = quarterly(contract, at(2030, 1, 15, 9))
        client.force_login(outsider)
        assert client.get(reverse("advice_detail", args=[advice.uuid])).status_code == 404
        for url in (reverse("advice_create", args=["contract", contract.uuid]),
                    reverse("advice_update", args=[advice.uuid])):
            assert client.get(url).status_code == 404
            assert client.post(url, {"subject": "x"}).status_code == 404
        assert client.post(reverse("advice_deactivate", args=[advice.uuid])).status_code == 404
        bad_kind = reverse("advice_create", args=["supplier", contract.uuid])
        assert client.get(bad_kind).status_code == 404

    def test_pages_are_within_budget_and_flat(self, client, org, editor):
        contract = ContractFactory(organisation=org)
        owner_of(contract)
        advice = quarterly(contract, at(2027, 1, 15, 9), to_emails=["a@demo.dk"])
        client.force_login(editor)
        urls = [
            reverse("contract_detail", args=[contract.uuid]) + "?tab=advis",
            reverse("advice_detail", args=[advice.uuid]),
            reverse("advice_update", args=[advice.uuid]),
            reverse("advice_create", args=["contract", contract.uuid]),
        ]
        for url in urls:
            client.get(url)  # warm-up
        small = [count_queries(client, url) for url in urls]
        for i in range(15):
            quarterly(contract, at(2027, 1, 15 + i, 9), cc_emails=[f"c{i}@demo.dk"])
        for day in range(1, 8):
            send_due_advice(at(2027, 2, day, 9))
            send_due_advice(at(2027, 4, 15 + day, 9))
        assert advice.sent.count() > 1
        large = [count_queries(client, url) for url in urls]
        assert max(small) <= 12, small
        assert small == large

    def test_agreement_has_the_tab_too(self, client, org, editor):
        agreement = AgreementFactory(organisation=org)
        client.force_login(editor)
        page = client.get(reverse("dataprocessingagreement_detail", args=[agreement.uuid])
                          + "?tab=advis")
        assert page.status_code == 200 and "Opret advis" in page.content.decode()


def test_processing_activity_takes_advice_too(client, org, editor):
    activity = ProcessingActivityFactory(organisation=org)
    client.force_login(editor)
    page = client.get(reverse("processingactivity_detail", args=[activity.uuid]) + "?tab=advis")
    assert page.status_code == 200 and "Opret advis" in page.content.decode()
    response = client.post(reverse("advice_create", args=["processing_activity", activity.uuid]),
                           {"subject": "Revider fortegnelsen", "repetition": "yearly",
                            "alarm_at": "2030-05-01T09:00", "to_emails": "dpo@demo.dk"})
    assert response.status_code == 302
    assert Advice.objects.get().target == activity


# -- the beat task on a real worker -----------------------------------------------------


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("real_worker")
def test_repeating_advice_fires_and_stops_on_a_real_worker():
    if connection.vendor != "postgresql":
        pytest.skip("the worker thread needs a database it can share (PostgreSQL)")
    from alerts.models import AlertDelivery
    from tests.factories import UserFactory

    org = OrganisationFactory()
    contract = ContractFactory(organisation=org)
    owner_of(contract, user=UserFactory(username="ejer-login"))
    advice = quarterly(contract, at(2027, 1, 1, 9), repetition="hourly",
                       stop_on=datetime.date(2027, 1, 1))
    beats = [at(2027, 1, 1, hour, 2) for hour in (9, 9, 10, 22, 23)]
    results = [task.delay(beat.isoformat()) for beat in beats[:1]]
    assert isinstance(results[0], AsyncResult) and not isinstance(results[0], EagerResult)
    summaries = [results[0].get(timeout=30)]
    summaries += [task.delay(beat.isoformat()).get(timeout=30) for beat in beats[1:]]
    # 09:00 once (the second beat finds nothing), 10:00, 22:00 (catch-up: once), 23:00;
    # the next hour is 2 January: after the stop date, so it stops.
    assert [s["sent"] for s in summaries] == [1, 0, 1, 1, 1]
    _wait_for(lambda: len(mail.outbox) == 4)
    advice.refresh_from_db()
    assert not advice.is_active and advice.next_send_at is None
    assert task.delay(at(2027, 1, 2, 9, 2).isoformat()).get(timeout=30)["sent"] == 0
    assert advice.sent.count() == 4
    # One in-app alert per send for the owner's login, none twice.
    assert AlertDelivery.objects.filter(advice_sent__advice=advice).count() == 4


def test_the_beat_sends_due_advice_every_five_minutes_on_the_alerts_queue(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-due-advice"]
    assert entry["task"] == task.name == "alerts.send_due_advice"
    assert entry["schedule"] == 300.0
    assert settings.CELERY_TASK_ROUTES[task.name] == {"queue": "alerts"}


# -- when the object goes (review of issue #20) -------------------------------------------------


def test_deleting_the_object_takes_its_advice_with_it(org):
    contract = ContractFactory(organisation=org)
    advice = quarterly(contract, at(2027, 1, 1, 9), to_emails=["a@demo.dk"])
    contract.delete()
    assert not Advice.objects.filter(pk=advice.pk).exists()


def test_an_object_moved_to_another_organisation_stops_its_advice(org, other_org, client,
                                                                  editor):
    contract = ContractFactory(organisation=org)
    advice = quarterly(contract, at(2027, 1, 1, 9), to_emails=["a@demo.dk"])
    type(contract).objects.filter(pk=contract.pk).update(organisation=other_org)
    mail.outbox.clear()
    send_due_advice(now=at(2027, 1, 1, 9, 5))
    advice.refresh_from_db()
    assert mail.outbox == []
    assert (advice.is_active, advice.next_send_at) == (False, None)
    assert "findes ikke længere" in advice.sent.get().error
    # Switching it off (again) is no error page.
    client.force_login(editor)
    response = client.post(reverse("advice_deactivate", args=[advice.uuid]))
    assert response.status_code in (302, 403)


def test_changed_to_immediate_before_it_was_sent_it_goes_now(org):
    contract = ContractFactory(organisation=org)
    advice = quarterly(contract, timezone.now() + datetime.timedelta(days=30),
                       to_emails=["a@demo.dk"])
    before = timezone.now()
    advice_update(actor=SYSTEM, advice=advice, data={"repetition": "immediate"})
    advice.refresh_from_db()
    assert advice.next_send_at is not None and advice.next_send_at <= timezone.now()
    assert advice.next_send_at >= before


def test_a_broker_that_is_down_costs_no_error_page(org, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(task, "delay", down)
    contract = ContractFactory(organisation=org)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        advice = advice_create(actor=SYSTEM, target=contract, subject="Straks",
                               to_emails=["a@demo.dk"])
    assert Advice.objects.filter(pk=advice.pk).exists()


def test_an_unsent_advice_can_be_deleted_from_its_page(client, org, editor, reader):
    contract = ContractFactory(organisation=org)
    unsent = quarterly(contract, at(2030, 1, 1, 9), to_emails=["a@demo.dk"])
    client.force_login(reader)
    assert client.post(reverse("advice_delete", args=[unsent.uuid])).status_code == 403
    client.force_login(editor)
    response = client.post(reverse("advice_delete", args=[unsent.uuid]))
    assert response.status_code == 302
    assert not Advice.objects.filter(pk=unsent.pk).exists()
    sent = quarterly(contract, at(2027, 1, 1, 9), to_emails=["a@demo.dk"])
    send_due_advice(now=at(2027, 1, 1, 9, 5))
    response = client.post(reverse("advice_delete", args=[sent.uuid]), follow=True)
    assert "kan ikke slettes" in response.content.decode()
    assert Advice.objects.filter(pk=sent.pk).exists()


# -- through the alert machinery: in-app entries --------------------------------------------


def test_each_send_is_an_in_app_alert_for_every_recipient_user_exactly_once(
        client, org, other_org, editor, reader):
    from alerts.models import AlertDelivery
    from tests.factories import MembershipFactory, UserFactory

    contract = ContractFactory(organisation=org)
    # A role holder with a login (its person's address differs from the login's), a
    # member reached by a free address (in other case), a free address of no user, and a
    # user of another organisation with a free address: no entry for them.
    owner_of(contract, email="ejer@demo.dk", user=editor)
    stranger = UserFactory(username="stranger", email="fremmed@demo.dk")
    MembershipFactory(organisation=other_org, user=stranger, role="editor")
    advice = quarterly(contract, at(2027, 1, 15, 9), repetition="daily",
                       cc_emails=[reader.email.upper(), "ekstern@demo.dk",
                                  "fremmed@demo.dk"])
    assert send_due_advice(at(2027, 1, 15, 9, 1))["sent"] == 1
    assert send_due_advice(at(2027, 1, 15, 9, 2))["sent"] == 0  # same due time: nothing
    entries = AlertDelivery.objects.filter(advice_sent__advice=advice)
    assert sorted(entries.values_list("user__username", "email")) == [
        ("editor", "ejer@demo.dk"), ("reader", reader.email)]
    assert {entry.deadline for entry in entries} == {datetime.date(2027, 1, 15)}
    assert all(entry.rule_id is None for entry in entries)
    # The next day's send is an entry of its own; the digest and the scan do not see them.
    send_due_advice(at(2027, 1, 16, 9, 1))
    assert entries.filter(user=editor).count() == 2
    assert not AlertDelivery.objects.of_rules().exists()
    # In the user's list with the subject and a link to the object, and unread.
    client.force_login(editor)
    page = client.get(reverse("notification_list"))
    assert page.status_code == 200
    assert page.context["unread_alert_count"] == 2
    content = page.content.decode()
    assert "Advis: Husk budgetopfølgning" in content
    assert reverse("contract_detail", args=[contract.uuid]) in content
    # The contract's alert log (deadline alerts) does not list them.
    overview = client.get(reverse("contract_detail", args=[contract.uuid]))
    assert "Advis: Husk" not in overview.content.decode()
