"""Benefit due dates (measurement points) and the reminders to the benefit's owner before
each one, through the alert machinery (alerts.sources → the scan, the deliveries, the
digest and the in-app notifications)."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

import pytest
from celery.result import AsyncResult, EagerResult
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from alerts import services as alerts
from alerts.models import AlertDelivery, AlertRule
from alerts.tasks import scan_alerts
from governance.benefit_due_services import due_date_create, due_date_delete, due_date_update
from governance.models import BenefitDueDate
from governance.services import benefit_delete
from kitos.models import AuditEntry
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, UserFactory
from tests.governance.cases import BenefitFactory, MeasurementFactory, ProjectFactory
from tests.kitos.test_celery import _wait_for, real_worker  # noqa: F401 - the fixture

D = datetime.date
TODAY = D(2026, 11, 21)


def days(n):
    return datetime.timedelta(days=n)


def benefit_with_owner(org, email="ejer@demo.dk", **extra):
    owner = PersonFactory(organisation=org, email=email)
    return BenefitFactory(project=ProjectFactory(organisation=org), owner=owner, **extra)


def point(benefit, date, **extra):
    return BenefitDueDate.objects.create(
        organisation=benefit.organisation, benefit=benefit, date=date, **extra
    )


def deliveries(benefit):
    return AlertDelivery.objects.filter(object_id=benefit.pk, content_type__model="benefit")


# -- services --------------------------------------------------------------------------


@pytest.mark.django_db
class TestServices:
    def test_create_update_delete_are_audited(self, org, editor):
        benefit = BenefitFactory(project=ProjectFactory(organisation=org))
        due = due_date_create(actor=editor, benefit=benefit, date=D(2027, 3, 1),
                              expected_value=Decimal("40000"), note="Første måling")
        assert due.organisation_id == org.pk
        due_date_update(actor=editor, due_date=due, data={"date": D(2027, 4, 1)})
        due.refresh_from_db()
        assert due.date == D(2027, 4, 1)
        due_date_delete(actor=editor, due_date=due)
        assert not BenefitDueDate.objects.exists()
        assert AuditEntry.objects.filter(object_id=due.pk).count() == 3

    def test_one_per_benefit_and_date_with_a_danish_message(self, org, editor):
        benefit = BenefitFactory(project=ProjectFactory(organisation=org))
        due_date_create(actor=editor, benefit=benefit, date=D(2027, 3, 1))
        with pytest.raises(ValidationError) as error:
            due_date_create(actor=editor, benefit=benefit, date=D(2027, 3, 1))
        assert "allerede en forfaldsdato" in str(error.value)
        assert BenefitDueDate.objects.count() == 1

    def test_cannot_move_to_another_benefit(self, org, editor):
        benefit = BenefitFactory(project=ProjectFactory(organisation=org))
        other = BenefitFactory(project=benefit.project)
        due = due_date_create(actor=editor, benefit=benefit, date=D(2027, 3, 1))
        with pytest.raises(ValidationError):
            due_date_update(actor=editor, due_date=due, data={"benefit": other})

    def test_reader_cannot_write(self, org, reader):
        benefit = BenefitFactory(project=ProjectFactory(organisation=org))
        with pytest.raises(PermissionDenied):
            due_date_create(actor=reader, benefit=benefit, date=D(2027, 3, 1))
        assert not BenefitDueDate.objects.exists()

    def test_other_organisations_editor_cannot_write(self, org, outsider):
        benefit = BenefitFactory(project=ProjectFactory(organisation=org))
        with pytest.raises(PermissionDenied):
            due_date_create(actor=outsider, benefit=benefit, date=D(2027, 3, 1))

    def test_benefit_delete_takes_its_due_dates_audited(self, org, editor):
        benefit = BenefitFactory(project=ProjectFactory(organisation=org))
        due = due_date_create(actor=editor, benefit=benefit, date=D(2027, 3, 1))
        benefit_delete(actor=editor, benefit=benefit)
        assert not BenefitDueDate.objects.exists()
        assert AuditEntry.objects.filter(object_id=due.pk, action="delete").exists()

    def test_met_when_measured_within_the_window_or_later(self, org):
        benefit = BenefitFactory(project=ProjectFactory(organisation=org))
        early, late = point(benefit, D(2027, 3, 1)), point(benefit, D(2027, 9, 1))
        # 30 days before the first point counts for it; not for the later one.
        MeasurementFactory(benefit=benefit, measured_on=D(2027, 1, 30))
        met = dict(BenefitDueDate.objects.with_met().values_list("pk", "is_met"))
        assert met == {early.pk: True, late.pk: False}


@pytest.mark.django_db
def test_admin_writes_through_the_services(client, org, superuser):
    benefit = BenefitFactory(project=ProjectFactory(organisation=org))
    client.force_login(superuser)
    assert client.get("/admin/governance/benefitduedate/").status_code == 200
    response = client.post("/admin/governance/benefitduedate/add/", {
        "benefit": benefit.pk, "date": "2027-03-01", "expected_value": "", "note": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    due = BenefitDueDate.objects.get()
    assert due.organisation == org
    assert AuditEntry.objects.filter(object_id=due.pk, action="create").exists()


# -- the scan --------------------------------------------------------------------------


@pytest.mark.django_db
class TestScan:
    def test_reminder_30_days_before_once_only(self, org):
        benefit = benefit_with_owner(org)
        point(benefit, TODAY + days(30))
        assert alerts.scan(today=TODAY).recorded == 1
        delivery = deliveries(benefit).get()
        assert delivery.email == "ejer@demo.dk"
        assert delivery.rule.kind == "benefit_due" and delivery.rule.days_before == 30
        assert delivery.deadline == TODAY + days(30) and not delivery.without_owner
        assert alerts.scan(today=TODAY).recorded == 0
        assert deliveries(benefit).count() == 1

    def test_seven_days_before_fires_on_its_day(self, org):
        benefit = benefit_with_owner(org)
        point(benefit, TODAY + days(30))
        alerts.scan(today=TODAY)
        assert alerts.scan(today=TODAY + days(10)).recorded == 0
        assert alerts.scan(today=TODAY + days(23)).recorded == 1
        assert sorted(deliveries(benefit).values_list("rule__days_before", flat=True)) == [7, 30]

    def test_each_due_date_and_the_final_one_get_their_own(self, org):
        benefit = benefit_with_owner(org, due_date=TODAY + days(20))
        point(benefit, TODAY + days(5))
        point(benefit, TODAY + days(20))  # the same day as the final due date: one deadline
        assert alerts.scan(today=TODAY).recorded == 2
        assert set(deliveries(benefit).values_list("deadline", flat=True)) == {
            TODAY + days(5), TODAY + days(20)
        }

    def test_moved_due_date_gets_its_own(self, org, editor):
        benefit = benefit_with_owner(org)
        due = point(benefit, TODAY + days(30))
        alerts.scan(today=TODAY)
        due_date_update(actor=editor, due_date=due, data={"date": TODAY + days(25)})
        assert alerts.scan(today=TODAY).recorded == 1
        assert deliveries(benefit).count() == 2

    def test_measured_due_date_gets_none(self, org):
        benefit = benefit_with_owner(org)
        point(benefit, TODAY + days(30))
        # Measured today, when the 30-day reminder would go: that counts for the date.
        MeasurementFactory(benefit=benefit, measured_on=TODAY)
        assert alerts.scan(today=TODAY).recorded == 0
        assert not deliveries(benefit).exists()

    def test_closed_or_stopped_project_gets_none(self, org):
        for phase in ("closed", "stopped"):
            benefit = benefit_with_owner(org, email=f"{phase}@demo.dk")
            benefit.project.phase = phase
            benefit.project.save()
            point(benefit, TODAY + days(30))
        assert alerts.scan(today=TODAY).recorded == 0

    def test_overdue_the_day_after_once(self, org):
        benefit = benefit_with_owner(org)
        point(benefit, TODAY - days(1))
        assert alerts.scan(today=TODAY).recorded == 1
        delivery = deliveries(benefit).get()
        assert delivery.rule.kind == "benefit_overdue"
        assert alerts.scan(today=TODAY).recorded == 0
        assert alerts.scan(today=TODAY + days(1)).recorded == 0
        # Measured late: nothing more, and the mail says it is overdue.
        assert "Gevinstmåling overskredet" in alerts._digest_items([delivery], TODAY)[0]["kind"]

    def test_overdue_after_the_reminders(self, org):
        benefit = benefit_with_owner(org)
        point(benefit, TODAY + days(7))
        assert alerts.scan(today=TODAY).recorded == 1  # catch-up: the 7-day one alone
        assert alerts.scan(today=TODAY + days(8)).recorded == 1
        assert list(deliveries(benefit).order_by("created_at", "pk").values_list(
            "rule__kind", flat=True)) == ["benefit_due", "benefit_overdue"]

    def test_long_overdue_stays_quiet(self, org):
        benefit = benefit_with_owner(org)
        point(benefit, TODAY - days(200))
        assert alerts.scan(today=TODAY).recorded == 0

    def test_falls_back_to_project_owner_then_admins(self, org, admin_user):
        admin_user.email = "admin@demo.dk"
        admin_user.save()
        project_owner = PersonFactory(organisation=org, email="projektejer@demo.dk")
        benefit = BenefitFactory(project=ProjectFactory(organisation=org, owner=project_owner))
        point(benefit, TODAY + days(30))
        orphan = BenefitFactory(project=ProjectFactory(organisation=org))
        point(orphan, TODAY + days(30))
        alerts.scan(today=TODAY)
        assert deliveries(benefit).get().email == "projektejer@demo.dk"
        admin_delivery = deliveries(orphan).get()
        assert admin_delivery.email == "admin@demo.dk" and admin_delivery.without_owner

    def test_owner_who_left_is_not_reminded(self, org):
        benefit = benefit_with_owner(org)
        benefit.owner.left_on = TODAY - days(1)
        benefit.owner.save()
        project_owner = PersonFactory(organisation=org, email="projektejer@demo.dk")
        benefit.project.owner = project_owner
        benefit.project.save()
        point(benefit, TODAY + days(30))
        alerts.scan(today=TODAY)
        assert deliveries(benefit).get().email == "projektejer@demo.dk"

    def test_other_organisation_isolated(self, org, other_org):
        ours = benefit_with_owner(org, email="vores@demo.dk")
        theirs = benefit_with_owner(other_org, email="deres@nabo.dk")
        point(ours, TODAY + days(30))
        point(theirs, TODAY + days(30))
        AlertRule.objects.filter(organisation=other_org).delete()
        alerts.ensure_default_rules()
        AlertRule.objects.filter(organisation=other_org, kind="benefit_due").update(
            is_active=False
        )
        alerts.scan(today=TODAY)
        assert deliveries(ours).get().organisation_id == org.pk
        assert not deliveries(theirs).exists()  # their rules are off: ours do not apply

    def test_digest_and_in_app_link_to_the_benefit(self, org):
        user = UserFactory(email="ejer@demo.dk")
        MembershipFactory(organisation=org, user=user, role="reader")
        benefit = benefit_with_owner(org)
        benefit.owner.user = user
        benefit.owner.save()
        point(benefit, TODAY + days(30))
        alerts.scan(today=TODAY)
        assert alerts.send_digest(email="ejer@demo.dk", today=TODAY) is not None
        body = mail.outbox[0].body
        assert f"/gevinster/{benefit.uuid}/" in body
        assert "Gevinstmåling forfalder" in body and "Mål gevinsten" in body
        assert AlertDelivery.objects.for_user(user).unread().count() == 1

    def test_collect_due_query_count_does_not_grow(self, org, django_assert_max_num_queries):
        alerts.ensure_default_rules()
        benefit = benefit_with_owner(org)
        point(benefit, TODAY + days(30))
        with django_assert_max_num_queries(30) as captured:
            alerts.collect_due(today=TODAY)
        baseline = len(captured.captured_queries)
        for n in range(5):
            extra = benefit_with_owner(org, email=f"ejer{n}@demo.dk")
            point(extra, TODAY + days(30))
            point(extra, TODAY + days(5))
        with django_assert_max_num_queries(baseline):
            assert len(alerts.collect_due(today=TODAY)) == 11


# -- a real worker ---------------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("real_worker")
def test_benefit_reminders_once_per_due_date_on_a_real_worker():
    """The beat task goes through Redis to a real Celery worker twice on the same day:
    exactly one delivery per due date and recipient, and one e-mail."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker thread needs a database it can share (PostgreSQL)")
    org = OrganisationFactory()
    benefit = benefit_with_owner(org, due_date=TODAY + days(7))
    point(benefit, TODAY + days(30))
    point(benefit, TODAY - days(1))  # overdue

    first = scan_alerts.delay(TODAY.isoformat())
    assert isinstance(first, AsyncResult) and not isinstance(first, EagerResult)
    assert first.get(timeout=30)["recorded"] == 3
    _wait_for(lambda: len(mail.outbox) == 1)
    second = scan_alerts.delay(TODAY.isoformat()).get(timeout=30)
    assert second["recorded"] == 0
    time.sleep(1)  # give a (wrongly) queued digest the chance to arrive
    assert len(mail.outbox) == 1
    rows = list(deliveries(benefit).values_list("deadline", "email"))
    assert sorted(rows) == [
        (TODAY - days(1), "ejer@demo.dk"), (TODAY + days(7), "ejer@demo.dk"),
        (TODAY + days(30), "ejer@demo.dk"),
    ]


# -- the API ---------------------------------------------------------------------------


def api_url(obj=None):
    return "/api/v1/benefit-due-dates/" + (f"{obj.uuid}/" if obj is not None else "")


@pytest.mark.django_db
class TestApi:
    @pytest.fixture
    def api(self):
        from rest_framework.test import APIClient

        return APIClient()

    def test_crud_through_the_services(self, api, org, editor):
        benefit = BenefitFactory(project=ProjectFactory(organisation=org))
        api.force_login(editor)
        response = api.post(api_url(), {
            "benefit": str(benefit.uuid), "date": "2027-03-01", "expected_value": "40000",
            "note": "Første måling",
        }, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["is_met"] is False and body["expected_value"] == "40000.00"
        due = BenefitDueDate.objects.get()
        assert due.organisation == org
        assert AuditEntry.objects.filter(object_id=due.pk, action="create").exists()
        MeasurementFactory(benefit=benefit, measured_on=D(2027, 2, 20))
        response = api.patch(api_url(due), {"note": "Flyttet"}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["is_met"] is True
        assert api.get(api_url(), {"met": "true"}).json()["results"][0]["id"] == str(due.uuid)
        assert api.get(api_url(), {"met": "false"}).json()["results"] == []
        assert api.delete(api_url(due)).status_code == 204
        deletions = api.get("/api/v1/deletions/", {"type": "governance.benefitduedate"}).json()
        assert [row["id"] for row in deletions["results"]] == [str(due.uuid)]

    def test_twice_on_a_date_is_400(self, api, org, editor):
        benefit = BenefitFactory(project=ProjectFactory(organisation=org))
        point(benefit, D(2027, 3, 1))
        api.force_login(editor)
        response = api.post(api_url(), {"benefit": str(benefit.uuid), "date": "2027-03-01"},
                            format="json")
        assert response.status_code == 400
        assert "allerede en forfaldsdato" in response.content.decode()

    def test_other_organisation_404_and_refused(self, api, org, other_org, editor):
        theirs = point(BenefitFactory(project=ProjectFactory(organisation=other_org)),
                       D(2027, 3, 1))
        api.force_login(editor)
        assert api.get(api_url(theirs)).status_code == 404
        assert api.get(api_url()).json()["results"] == []
        response = api.post(api_url(), {"benefit": str(theirs.benefit.uuid),
                                        "date": "2027-04-01"}, format="json")
        assert response.status_code == 400
        assert BenefitDueDate.objects.count() == 1

    def test_reader_403(self, api, org, reader):
        benefit = BenefitFactory(project=ProjectFactory(organisation=org))
        due = point(benefit, D(2027, 3, 1))
        api.force_login(reader)
        assert api.get(api_url(due)).status_code == 200
        assert api.post(api_url(), {"benefit": str(benefit.uuid), "date": "2027-04-01"},
                        format="json").status_code == 403
        assert api.delete(api_url(due)).status_code == 403

    def test_query_count_does_not_grow(self, api, org, editor):
        from tests.helpers import count_queries

        benefit = BenefitFactory(project=ProjectFactory(organisation=org))
        point(benefit, D(2027, 1, 1))
        api.force_login(editor)
        few = count_queries(api, api_url())
        for month in range(2, 8):
            point(BenefitFactory(project=ProjectFactory(organisation=org)), D(2027, month, 1))
        assert count_queries(api, api_url()) == few


# -- the benefit page ------------------------------------------------------------------


@pytest.mark.django_db
class TestPage:
    def test_tab_lists_due_dates_with_status_and_the_final_one(self, client, org, editor):
        benefit = BenefitFactory(project=ProjectFactory(organisation=org),
                                 due_date=D(2030, 12, 31))
        point(benefit, D(2020, 3, 1), note="Første")
        client.force_login(editor)
        response = client.get(f"/gevinster/{benefit.uuid}/?tab=maalinger")
        assert response.status_code == 200
        page = response.content.decode()
        assert "Forfaldsdatoer" in page and "Overskredet" in page and "Første" in page
        assert "Gevinstens endelige forfaldsdato" in page and "Ny forfaldsdato" in page

    def test_create_edit_delete_through_the_forms(self, client, org, editor):
        benefit = BenefitFactory(project=ProjectFactory(organisation=org))
        client.force_login(editor)
        response = client.post(f"/gevinster/{benefit.uuid}/forfaldsdatoer/ny/",
                               {"date": "2027-03-01", "expected_value": "10", "note": ""})
        assert response.status_code == 302, response.content
        assert response["Location"].endswith("?tab=maalinger")
        due = BenefitDueDate.objects.get()
        response = client.post(f"/gevinstforfaldsdatoer/{due.uuid}/rediger/",
                               {"date": "2027-04-01", "expected_value": "", "note": "x"})
        assert response.status_code == 302
        due.refresh_from_db()
        assert due.date == D(2027, 4, 1) and due.expected_value is None
        # A second one on the same date: the form says why, nothing is written.
        response = client.post(f"/gevinster/{benefit.uuid}/forfaldsdatoer/ny/",
                               {"date": "2027-04-01"})
        assert response.status_code == 200 and "allerede en forfaldsdato" in (
            response.content.decode())
        assert client.post(f"/gevinstforfaldsdatoer/{due.uuid}/slet/").status_code == 302
        assert not BenefitDueDate.objects.exists()

    def test_reader_sees_no_edit_and_cannot_write(self, client, org, reader):
        benefit = BenefitFactory(project=ProjectFactory(organisation=org))
        due = point(benefit, D(2027, 3, 1))
        client.force_login(reader)
        page = client.get(f"/gevinster/{benefit.uuid}/?tab=maalinger").content.decode()
        assert "Ny forfaldsdato" not in page and "gevinstforfaldsdatoer/" not in page
        assert client.get(f"/gevinster/{benefit.uuid}/forfaldsdatoer/ny/").status_code == 403
        assert client.post(f"/gevinstforfaldsdatoer/{due.uuid}/slet/").status_code in (403, 404)
        assert BenefitDueDate.objects.exists()

    def test_other_organisation_404(self, client, org, outsider):
        benefit = BenefitFactory(project=ProjectFactory(organisation=org))
        due = point(benefit, D(2027, 3, 1))
        client.force_login(outsider)
        assert client.get(f"/gevinster/{benefit.uuid}/forfaldsdatoer/ny/").status_code == 404
        assert client.get(f"/gevinstforfaldsdatoer/{due.uuid}/rediger/").status_code == 404
        assert client.post(f"/gevinstforfaldsdatoer/{due.uuid}/slet/").status_code == 404
        assert BenefitDueDate.objects.exists()


# -- the owner's deadlines (Min side and the calendar feed) ----------------------------


@pytest.mark.django_db
def test_owner_sees_unmeasured_due_dates_on_min_side_and_in_the_calendar(client, org):
    from django.urls import reverse

    from alerts.my_deadlines import person_deadlines

    today = datetime.date.today()
    user = UserFactory()
    MembershipFactory(organisation=org, user=user, role="reader")
    benefit = benefit_with_owner(org, due_date=today + days(60))
    benefit.owner.user = user
    benefit.owner.save()
    point(benefit, today + days(10))
    measured = point(benefit, today + days(20))
    MeasurementFactory(benefit=benefit, measured_on=today)  # counts for +10 and +20
    point(benefit, today + days(120))
    MeasurementFactory(benefit=BenefitFactory(project=ProjectFactory(organisation=org)))
    dates = [due.date for due in person_deadlines(benefit.owner, today=today)]
    assert dates == [today + days(60), today + days(120)]
    assert measured.date not in dates
    due = person_deadlines(benefit.owner, today=today)[0]
    assert due.label == "Gevinstmåling forfalder" and due.path == f"/gevinster/{benefit.uuid}/"
    client.force_login(user)
    page = client.get("/min-side/").content.decode()
    assert benefit.title in page and "Gevinstmåling forfalder" in page
    feed = client.get(reverse("person_calendar", args=[benefit.owner.calendar_token]))
    body = feed.content.decode()
    assert f"{benefit.uuid}-benefit-due-{(today + days(60)).isoformat()}@kitos" in body


@pytest.mark.django_db
def test_benefit_page_shows_the_reminders_sent(client, org, editor):
    benefit = benefit_with_owner(org)
    point(benefit, TODAY + days(30))
    alerts.scan(today=TODAY)
    client.force_login(editor)
    page = client.get(f"/gevinster/{benefit.uuid}/?tab=maalinger").content.decode()
    assert "Varslingslog" in page and "ejer@demo.dk" in page
    assert "Gevinstmåling forfalder: 30 dage før" in page


@pytest.mark.django_db
def test_migration_gives_organisations_with_rules_the_benefit_rules(org, other_org):
    """alerts 0004's data step: an organisation with rules gets the benefit defaults
    once; one without rules is left to the next scan (which creates every default)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("alerts.migrations.0004_benefit_kinds")
    AlertRule.objects.create(organisation=org, kind="notice_deadline", days_before=90)
    migration.add_benefit_rules(apps, None)
    migration.add_benefit_rules(apps, None)
    assert sorted(AlertRule.objects.filter(organisation=org).values_list(
        "kind", "days_before")) == [("benefit_due", 7), ("benefit_due", 30),
                                    ("benefit_overdue", 1), ("notice_deadline", 90)]
    assert not AlertRule.objects.filter(organisation=other_org).exists()
    migration.remove_benefit_rules(apps, None)
    assert AlertRule.objects.filter(organisation=org).count() == 1
