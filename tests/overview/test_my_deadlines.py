"""Min side from what I hold, and the calendar feed with exactly the same deadlines
(alerts.my_deadlines): the systems I own lead to their contracts and agreements, a
chef's unit to everything under it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from alerts.my_deadlines import person_deadlines
from contracts.models import Contract
from roles.models import Person, RoleType
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    CoverageFactory,
    PersonFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UsageFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
URL = "/min-side/"


def role(code, applies_to):
    return RoleType.objects.get(organisation=None, code=code, applies_to=applies_to)


def notice_in(days):
    """Terms whose notice deadline falls `days` from today."""
    today = timezone.localdate()
    return {"start_date": today - 400 * DAY, "expiry_date": today + (days + 92) * DAY,
            "notice_months": 3, "extension_months": 12, "extensions_total": 1}


def feed_uids(client, person) -> set[str]:
    response = client.get(reverse("person_calendar", args=[person.calendar_token]))
    assert response.status_code == 200
    return {str(event["UID"]) for event in Calendar.from_ical(response.content).walk("VEVENT")}


def page_of(client, user):
    client.force_login(user)
    return client.get(URL).context["page"]


@pytest.fixture
def owner(org, editor):
    return PersonFactory(organisation=org, user=editor, name="Sofie Systemejer")


def own(person, usage):
    RoleAssignmentFactory(target=usage, person=person,
                          role_type=role("systemejer", "system_usage"))


def test_contracts_covering_my_systems_are_mine(client, org, editor, owner):
    acrobat = UsageFactory(organisation=org, local_name="Adobe Acrobat Pro")
    own(owner, acrobat)
    covering = ContractFactory(organisation=org, name="Adobe-licenser", **notice_in(29))
    CoverageFactory(contract=covering, usage=acrobat)
    later = ContractFactory(organisation=org, name="Uden for horisonten", **notice_in(200))
    CoverageFactory(contract=later, usage=acrobat)
    others = ContractFactory(organisation=org, name="Andres system", **notice_in(29))
    CoverageFactory(contract=others)

    page = page_of(client, editor)
    notices = [due for due in page.deadlines if due.kind == "notice"]
    assert [due.obj for due in notices] == [covering]
    assert 0 < notices[0].days_left <= 40
    assert [str(reason) for reason in notices[0].reasons] == ["Systemejer: Adobe Acrobat Pro"]
    html = client.get(URL).content.decode()
    assert "Adobe-licenser" in html and "Systemejer: Adobe Acrobat Pro" in html
    assert "Ingen frister" not in html
    assert "Andres system" not in html and "Uden for horisonten" not in html
    # The calendar lists exactly the same deadlines.
    assert feed_uids(client, owner) == {due.uid for due in page.deadlines}


def test_agreements_of_my_systems_give_their_oversight(client, org, editor, owner):
    usage = UsageFactory(organisation=org)
    own(owner, usage)
    agreement = AgreementFactory(organisation=org, name="DBA Hosting",
                                 next_oversight_date=timezone.localdate() - 3 * DAY)
    agreement.usages.add(usage)
    AgreementFactory(organisation=org, next_oversight_date=timezone.localdate() + DAY)
    page = page_of(client, editor)
    assert [(due.kind, due.obj, due.is_overdue) for due in page.deadlines] == [
        ("oversight", agreement, True)
    ]
    assert feed_uids(client, owner) == {f"{agreement.uuid}-oversight@kitos"}


def test_a_chef_gets_the_units_numbers_and_deadlines(client, org, editor):
    born = UnitFactory(organisation=org, name="Børn og Unge")
    school = UnitFactory(organisation=org, parent=born, name="Skoler")
    teknik = UnitFactory(organisation=org, name="Teknik og Miljø")
    chef = PersonFactory(organisation=org, user=editor, unit=born)
    RoleAssignmentFactory(target=born, person=chef,
                          role_type=role("enhedsleder", "organisation_unit"))
    inside = ContractFactory(organisation=org, name="Skoleintra", responsible_unit=school,
                             **notice_in(45))
    ContractFactory(organisation=org, name="Byggesag", responsible_unit=teknik,
                    **notice_in(45))
    UsageFactory(organisation=org, responsible_unit=school)

    page = page_of(client, editor)
    assert {due.obj for due in page.deadlines} == {inside}
    assert [str(r) for r in page.deadlines[0].reasons] == ["Leder: Børn og Unge"]
    [led] = page.led
    assert led.unit == born
    tiles = {tile.label: tile.value for tile in led.tiles}
    assert tiles["Systemer"] == 1
    assert tiles["Løbende kontrakter"] == 1
    assert led.deadline_rows[0].windows[1].count == 1  # notice within 90 days
    html = client.get(URL).content.decode()
    assert "Du er leder af Børn og Unge" in html
    assert f"?within={born.uuid}" in html


def test_my_page_shows_the_calendar_address_of_the_opened_host(client, org, editor, owner,
                                                             settings):
    settings.KITOS_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["kitos.kommune.dk"]
    client.force_login(editor)
    html = client.get(URL, HTTP_HOST="kitos.kommune.dk").content.decode()
    assert f"http://kitos.kommune.dk/kalender/{owner.calendar_token}.ics" in html
    settings.KITOS_BASE_URL = "https://kitos.example.dk/"
    html = client.get(URL, HTTP_HOST="kitos.kommune.dk").content.decode()
    assert f"https://kitos.example.dk/kalender/{owner.calendar_token}.ics" in html


def test_another_organisations_user_sees_none_of_it(client, org, outsider, owner):
    usage = UsageFactory(organisation=org)
    own(owner, usage)
    CoverageFactory(contract=ContractFactory(organisation=org, name="Hemmelig",
                                             **notice_in(20)), usage=usage)
    PersonFactory(organisation=outsider.memberships.get().organisation, user=outsider)
    client.force_login(outsider)
    response = client.get(URL)
    assert response.context["page"].deadlines == []
    assert "Hemmelig" not in response.content.decode()


def _hold(person, unit, count):
    """`count` of each way a deadline becomes the person's."""
    for _ in range(count):
        usage = UsageFactory(organisation=person.organisation, responsible_unit=unit)
        own(person, usage)
        CoverageFactory(contract=ContractFactory(organisation=person.organisation,
                                                 responsible_unit=unit, **notice_in(30)),
                        usage=usage)
        agreement = AgreementFactory(organisation=person.organisation,
                                     next_oversight_date=timezone.localdate() + 10 * DAY)
        agreement.usages.add(usage)
        contract = ContractFactory(organisation=person.organisation, **notice_in(60))
        RoleAssignmentFactory(target=contract, person=person,
                              role_type=role("kontraktejer", "contract"))


def test_query_count_does_not_grow_with_what_i_hold(client, editor, owner):
    unit = UnitFactory(organisation=owner.organisation)
    RoleAssignmentFactory(target=unit, person=owner,
                          role_type=role("enhedsleder", "organisation_unit"))
    client.force_login(editor)
    feed = reverse("person_calendar", args=[owner.calendar_token])
    _hold(owner, unit, 5)
    count_queries(client, URL)  # warm the content type cache
    few, few_feed = count_queries(client, URL), count_queries(client, feed)
    _hold(owner, unit, 45)
    assert count_queries(client, URL) == few
    assert count_queries(client, feed) == few_feed
    # Without a lead time a contract's re-tender starts on its notice deadline: two each.
    assert len(person_deadlines(owner, today=timezone.localdate())) == 50 * 5


def owned_usages(person, today):
    from portfolio.models import SystemUsage
    from roles.models import RoleAssignment

    ids = (
        RoleAssignment.objects.current(today)
        .filter(person=person, content_type__model="systemusage")
        .values_list("object_id", flat=True)
    )
    return SystemUsage.objects.filter(pk__in=list(ids))


def test_demo_system_owner_sees_every_notice_deadline_of_their_systems(client, demo):
    """Acceptance on the seeded demo: systemejer's Min side and calendar list every
    notice deadline in the next 180 days of the contracts covering a system they own."""
    today = timezone.localdate()
    person = Person.objects.get(organisation=demo, user__username="systemejer")
    owned = owned_usages(person, today)
    expected = set(
        Contract.objects.filter(
            organisation=demo, usages__in=owned, status__in=["future", "active", "in_notice"],
            notice_deadline__range=(today, today + 180 * DAY),
        ).values_list("pk", flat=True)
    )
    assert expected, "the demo should give systemejer notice deadlines"
    client.force_login(person.user)
    page = client.get(URL).context["page"]
    shown = {due.obj.pk for due in page.deadlines if due.kind == "notice"}
    assert expected <= shown
    assert feed_uids(client, person) == {due.uid for due in page.deadlines}


def test_demo_chef_sees_the_forvaltning(client, demo):
    chef = Person.objects.get(organisation=demo, user__username="chef")
    client.force_login(chef.user)
    page = client.get(URL).context["page"]
    assert [led.unit.name for led in page.led] == ["Børn og Unge"]
    assert any(tile.value for tile in page.led[0].tiles)
    response = client.get(reverse("dashboard", args=[demo.slug]))
    assert response.context["unit"].name == "Børn og Unge"


def test_a_decided_deadline_shows_its_decision_on_min_side_the_calendar_and_oversigt(
    client, org, editor, owner
):
    from contracts.services import deadline_decision_record

    usage = UsageFactory(organisation=org, local_name="Netprøver.dk")
    own(owner, usage)
    decided = ContractFactory(organisation=org, name="Besluttet kontrakt", **notice_in(20))
    open_one = ContractFactory(organisation=org, name="Åben kontrakt", **notice_in(25))
    for contract in (decided, open_one):
        CoverageFactory(contract=contract, usage=usage)
    deadline_decision_record(actor=editor, contract=decided, kind="retender", note="")

    page = page_of(client, editor)
    by_contract = {due.obj.name: due for due in page.deadlines if due.kind == "notice"}
    assert by_contract["Besluttet kontrakt"].decision == "Genudbyd"
    assert by_contract["Åben kontrakt"].decision is None
    html = client.get(URL).content.decode()
    assert "Genudbyd" in html and "Ikke truffet" in html

    response = client.get(reverse("person_calendar", args=[owner.calendar_token]))
    summaries = [str(event["SUMMARY"])
                 for event in Calendar.from_ical(response.content).walk("VEVENT")]
    assert any("Besluttet kontrakt" in s and "Genudbyd" in s for s in summaries)
    assert not any("Åben kontrakt" in s and "besluttet" in s for s in summaries)

    dashboard = client.get(reverse("dashboard", args=[org.slug]) + "?within=")
    events = {(e.contract.name, e.kind): e for marker in dashboard.context["dashboard"].markers
              for e in marker.events}
    assert events[("Besluttet kontrakt", "notice")].decision == "Genudbyd"
    assert events[("Åben kontrakt", "notice")].decision is None
    assert "Besluttet: Genudbyd" in dashboard.content.decode()
