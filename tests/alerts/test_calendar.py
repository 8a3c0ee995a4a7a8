"""The personal iCal feed of deadlines (alerts.views.PersonCalendarView): the same
deadlines as Min side (alerts.my_deadlines)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from alerts.models import ContractSubscription
from contracts.models import Contract
from kitos.models import AuditEntry
from roles.models import RoleType
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleTypeFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def feed_url(person):
    return reverse("person_calendar", args=[person.calendar_token])


def role(applies_to="contract", code="kontraktejer"):
    return RoleType.objects.get(organisation=None, applies_to=applies_to, code=code)


def with_deadlines(contract, status="active", **dates):
    """Set the stored deadlines directly: the feed shows what is stored."""
    today = timezone.localdate()
    values = {
        "notice_deadline": today + 40 * DAY,
        "retender_start": today + 10 * DAY,
        "next_end": today + 130 * DAY,
        **dates,
    }
    Contract.objects.filter(pk=contract.pk).update(status=status, **values)
    contract.refresh_from_db()
    return contract


def events(response) -> dict[str, object]:
    """UID -> event of a feed response."""
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def person(org):
    return PersonFactory(organisation=org, name="Karen Kontraktejer")


@pytest.fixture
def owned(person):
    contract = ContractFactory(organisation=person.organisation, name="Lønsystem, drift; 2024")
    RoleAssignmentFactory(target=contract, person=person, role_type=role())
    return with_deadlines(contract)


class TestAccess:
    def test_unknown_token_is_404(self, client, db):
        assert client.get(reverse("person_calendar", args=["ukendt"])).status_code == 404

    def test_person_who_has_left_is_404(self, client, person):
        person.left_on = datetime.date(2025, 6, 30)
        person.save()
        assert client.get(feed_url(person)).status_code == 404

    def test_no_login_needed(self, client, owned, person):
        response = client.get(feed_url(person))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert "private" in response["Cache-Control"]

    def test_tokens_are_long_and_distinct(self, person, org):
        other = PersonFactory(organisation=org)
        assert len(person.calendar_token) >= 40
        assert person.calendar_token != other.calendar_token


class TestEvents:
    def test_contract_deadlines_as_all_day_events(self, client, owned, person, settings):
        settings.KITOS_BASE_URL = "https://kitos.example.dk/"
        response = client.get(feed_url(person))
        found = events(response)
        assert set(found) == {
            f"{owned.uuid}-notice-deadline@kitos",
            f"{owned.uuid}-retender-start@kitos",
        }
        notice = found[f"{owned.uuid}-notice-deadline@kitos"]
        assert str(notice["SUMMARY"]) == "Sidste frist for opsigelse: Lønsystem, drift; 2024"
        assert notice.decoded("DTSTART") == owned.notice_deadline
        assert notice.decoded("DTEND") == owned.notice_deadline + DAY
        assert "DTSTAMP" in notice
        url = f"https://kitos.example.dk{reverse('contract_detail', args=[owned.uuid])}"
        assert url in str(notice["DESCRIPTION"])
        body = response.content.decode()
        assert f"DTSTART;VALUE=DATE:{owned.notice_deadline:%Y%m%d}" in body
        # RFC 5545 escaping of commas and semicolons in text.
        assert "Lønsystem\\, drift\\; 2024" in body
        assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))

    def test_uids_are_stable(self, client, owned, person):
        assert set(events(client.get(feed_url(person)))) == set(
            events(client.get(feed_url(person)))
        )

    def test_missing_dates_give_no_event(self, client, person):
        contract = ContractFactory(organisation=person.organisation)
        RoleAssignmentFactory(target=contract, person=person, role_type=role())
        with_deadlines(contract, notice_deadline=None, retender_start=None)
        assert events(client.get(feed_url(person))) == {}

    def test_any_role_on_the_contract_counts(self, client, person):
        contract = ContractFactory(organisation=person.organisation)
        budget = RoleTypeFactory(applies_to="contract", code="budget", name="Budgetansvarlig")
        RoleAssignmentFactory(target=contract, person=person, role_type=budget)
        with_deadlines(contract)
        assert len(events(client.get(feed_url(person)))) == 2

    def test_subscribed_contracts_count(self, client, person):
        contract = with_deadlines(ContractFactory(organisation=person.organisation))
        ContractSubscription.objects.create(
            organisation=person.organisation, contract=contract, person=person
        )
        assert f"{contract.uuid}-notice-deadline@kitos" in events(client.get(feed_url(person)))

    @pytest.mark.parametrize(
        ("status", "shown"),
        [("active", True), ("future", True), ("in_notice", True), ("expired", False),
         ("terminated", False)],
    )
    def test_only_live_contracts(self, client, person, owned, status, shown):
        with_deadlines(owned, status=status)
        assert bool(events(client.get(feed_url(person)))) is shown

    def test_ended_role_and_other_peoples_contracts_are_left_out(self, client, person):
        today = timezone.localdate()
        ended = with_deadlines(ContractFactory(organisation=person.organisation))
        RoleAssignmentFactory(
            target=ended, person=person, role_type=role(),
            start_date=today - 300 * DAY, end_date=today - DAY,
        )
        someone_elses = with_deadlines(ContractFactory(organisation=person.organisation))
        RoleAssignmentFactory(target=someone_elses, role_type=role())
        assert events(client.get(feed_url(person))) == {}

    def test_agreement_oversight(self, client, person):
        today = timezone.localdate()
        agreement = AgreementFactory(
            organisation=person.organisation, name="DBA Hosting",
            next_oversight_date=today + 15 * DAY,
        )
        RoleAssignmentFactory(
            target=agreement, person=person,
            role_type=role("data_processing_agreement", "dba-ansvarlig"),
        )
        ended = AgreementFactory(
            organisation=person.organisation, next_oversight_date=today + 15 * DAY,
            concluded_on=today - 400 * DAY, ended_on=today - DAY,
        )
        RoleAssignmentFactory(
            target=ended, person=person,
            role_type=role("data_processing_agreement", "dba-ansvarlig"),
        )
        found = events(client.get(feed_url(person)))
        assert set(found) == {f"{agreement.uuid}-oversight@kitos"}
        event = found[f"{agreement.uuid}-oversight@kitos"]
        assert str(event["SUMMARY"]) == "Næste tilsyn med databehandler: DBA Hosting"
        assert event.decoded("DTSTART") == today + 15 * DAY
        url = reverse("dataprocessingagreement_detail", args=[agreement.uuid])
        assert url in str(event["DESCRIPTION"])


def test_query_count_does_not_grow_with_contracts(client, person):
    agreement_role = role("data_processing_agreement", "dba-ansvarlig")

    def add(count):
        for _ in range(count):
            contract = with_deadlines(ContractFactory(organisation=person.organisation))
            RoleAssignmentFactory(target=contract, person=person, role_type=role())
            # Two sends ahead (in two days and in nine).
            _weekly_advice(contract, to_roles=[role()],
                           stop_on=timezone.localdate() + 10 * DAY)
            subscribed = with_deadlines(ContractFactory(organisation=person.organisation))
            ContractSubscription.objects.create(
                organisation=person.organisation, contract=subscribed, person=person
            )
            agreement = AgreementFactory(
                organisation=person.organisation,
                next_oversight_date=timezone.localdate() + 30 * DAY,
            )
            RoleAssignmentFactory(target=agreement, person=person, role_type=agreement_role)

    add(5)
    client.get(feed_url(person))  # the content types of the advice's objects, cached
    few = count_queries(client, feed_url(person))
    add(45)
    assert count_queries(client, feed_url(person)) == few
    assert len(events(client.get(feed_url(person)))) == 50 * 2 * 2 + 50 + 50 * 2


def test_rotating_the_calendar_address_kills_the_old_one(client, org, editor):
    person = PersonFactory(organisation=org, user=editor)
    old = person.calendar_token
    client.force_login(editor)
    response = client.post(reverse("calendar_token_rotate", args=[person.uuid]))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.calendar_token != old
    assert client.get(reverse("person_calendar", args=[old])).status_code == 404
    assert client.get(reverse("person_calendar", args=[person.calendar_token])).status_code == 200
    entry = AuditEntry.objects.get(object_id=person.pk)
    assert old not in str(entry.changes) and person.calendar_token not in str(entry.changes)


def test_nobody_rotates_someone_elses_calendar(client, org, editor, outsider):
    person = PersonFactory(organisation=org, user=editor)
    client.force_login(outsider)
    assert client.post(reverse("calendar_token_rotate", args=[person.uuid])).status_code == 404
    assert client.get(reverse("calendar_token_rotate", args=[person.uuid])).status_code == 405


# -- the advice the person receives ---------------------------------------------------------


def _weekly_advice(contract, **extra):
    from alerts.advice import advice_create
    from kitos.tenancy import SYSTEM

    start = timezone.localtime() + 2 * DAY
    return advice_create(actor=SYSTEM, target=contract, subject="Tjek forbruget",
                         repetition="weekly", alarm_at=start, **extra)


def test_next_sends_of_advice_are_dated_events_until_the_stop_date(client, owned, person):
    today = timezone.localdate()
    advice = _weekly_advice(owned, to_roles=[role()], stop_on=today + 30 * DAY)
    feed = events(client.get(feed_url(person)))
    sends = {uid: event for uid, event in feed.items() if f"-advice-{advice.uuid}-" in uid}
    days = sorted(event["DTSTART"].dt for event in sends.values())
    assert days == [today + (2 + 7 * k) * DAY for k in range(5)]  # day 30 is the last
    assert all(day <= advice.stop_on for day in days)
    first = sends[f"{owned.uuid}-advice-{advice.uuid}-{days[0]:%Y%m%d}@kitos"]
    assert "Tjek forbruget" in str(first["SUMMARY"])
    # Stable: the same UIDs on the next fetch; switched off, no more events.
    assert set(sends) <= set(events(client.get(feed_url(person))))
    from alerts.advice import advice_deactivate
    from kitos.tenancy import SYSTEM

    advice_deactivate(actor=SYSTEM, advice=advice)
    assert not [uid for uid in events(client.get(feed_url(person))) if "-advice-" in uid]


def test_advice_to_the_persons_address_counts_and_others_do_not(client, org, person):
    contract = ContractFactory(organisation=org)
    ours = _weekly_advice(contract, cc_emails=[person.email.upper()],
                          stop_on=timezone.localdate() + 10 * DAY)
    _weekly_advice(contract, cc_emails=["en.anden@demo.dk"])
    # A role the person does not hold on this contract.
    _weekly_advice(contract, to_roles=[role()])
    uids = [uid for uid in events(client.get(feed_url(person))) if "-advice-" in uid]
    assert len(uids) == 2 and all(str(ours.uuid) in uid for uid in uids)
