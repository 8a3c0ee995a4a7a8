"""Attestation campaigns (#18): opening creates one attestation per live usage and
running contract asked of its owner, owners confirm or correct, reminders go through the
alert scan (and end with the answer), overdue ones are a gap, pages and API are scoped."""

from __future__ import annotations

import datetime
import time

import pytest
from celery.result import AsyncResult, EagerResult
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from rest_framework.test import APIClient

from alerts import services as alerts
from alerts.models import AlertDelivery
from alerts.tasks import scan_alerts
from gdpr.gaps import RULES_BY_KEY, all_rules, gap_counts
from landscape.attestation_services import (
    attestation_attest,
    campaign_close,
    campaign_create,
    campaign_next,
    campaign_open,
)
from landscape.models import Attestation
from roles.models import RoleType
from tests.factories import (
    ContractFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RoleAssignmentFactory,
    UsageFactory,
    UserFactory,
)
from tests.helpers import count_queries
from tests.kitos.test_celery import _wait_for, real_worker  # noqa: F401 - the fixture

D = datetime.date
TODAY = D(2026, 11, 21)


def role(code, applies_to):
    return RoleType.objects.get_or_create(
        code=code, organisation=None, defaults={"name": code, "applies_to": applies_to}
    )[0]


def owned_usage(org, email="ejer@demo.dk", user=None):
    usage = UsageFactory(organisation=org, lifecycle="operational")
    owner = PersonFactory(organisation=org, email=email, user=user)
    RoleAssignmentFactory(target=usage, person=owner,
                          role_type=role("systemejer", "system_usage"))
    return usage, owner


def campaign(org, actor, **extra):
    values = {"title": "Attestering 2026", "year": 2026, "opens_on": TODAY,
              "due_on": TODAY + datetime.timedelta(days=14), **extra}
    return campaign_create(actor=actor, organisation=org, **values)


def deliveries(attestation):
    return AlertDelivery.objects.filter(object_id=attestation.pk,
                                        content_type__model="attestation")


@pytest.mark.django_db
class TestServices:
    def test_open_creates_one_per_usage_and_contract_with_the_owner(self, org, editor):
        usage, owner = owned_usage(org)
        UsageFactory(organisation=org, lifecycle="retired")  # not asked
        contract = ContractFactory(organisation=org)
        run = campaign(org, editor)
        assert campaign_open(actor=editor, campaign=run, today=TODAY) == 2
        run.refresh_from_db()
        assert run.status == "open"
        rows = {(a.usage_id, a.contract_id): a.owner_id for a in Attestation.objects.all()}
        assert rows == {(usage.pk, None): owner.pk, (None, contract.pk): None}
        # Re-opening adds only what is missing.
        UsageFactory(organisation=org, lifecycle="operational")
        assert campaign_open(actor=editor, campaign=run, today=TODAY) == 1
        assert campaign_open(actor=editor, campaign=run, today=TODAY) == 0

    def test_owner_confirms_reader_stranger_cannot(self, org, editor, reader):
        user = UserFactory(username="owner")
        MembershipFactory(organisation=org, role="reader", user=user)
        usage, _owner = owned_usage(org, user=user)
        run = campaign(org, editor)
        campaign_open(actor=editor, campaign=run, today=TODAY)
        attestation = Attestation.objects.get()
        with pytest.raises(PermissionDenied):
            attestation_attest(actor=reader, attestation=attestation, status="confirmed")
        done = attestation_attest(actor=user, attestation=attestation, status="confirmed")
        assert done.status == "confirmed" and done.attested_by == user
        # A second confirmation is harmless.
        again = attestation_attest(actor=user, attestation=attestation, status="confirmed")
        assert again.attested_at == done.attested_at
        with pytest.raises(ValidationError):
            attestation_attest(actor=editor, attestation=attestation, status="corrected")
        corrected = attestation_attest(actor=editor, attestation=attestation,
                                       status="corrected", comment="Ny enhed")
        assert corrected.status == "corrected"

    def test_closed_campaign_takes_no_answers_and_next_is_a_year_later(self, org, editor):
        owned_usage(org)
        run = campaign(org, editor)
        campaign_open(actor=editor, campaign=run, today=TODAY)
        campaign_close(actor=editor, campaign=run)
        with pytest.raises(ValidationError):
            attestation_attest(actor=editor, attestation=Attestation.objects.get(),
                               status="confirmed")
        successor = campaign_next(actor=editor, campaign=run)
        assert (successor.title, successor.year, successor.status) == (
            "Attestering 2027", 2027, "draft")
        assert successor.due_on == D(2027, 12, 5)
        assert campaign_next(actor=editor, campaign=run) == successor

    def test_overdue_is_a_registered_gap_rule(self, org, editor):
        assert "attestation-overdue" in RULES_BY_KEY
        assert RULES_BY_KEY["attestation-overdue"] in all_rules()
        owned_usage(org)
        run = campaign(org, editor)
        campaign_open(actor=editor, campaign=run, today=TODAY)
        counts = gap_counts(user=editor, organisation=org,
                            today=TODAY + datetime.timedelta(days=15))
        assert counts["attestation-overdue"] == 1
        assert gap_counts(user=editor, organisation=org, today=TODAY)["attestation-overdue"] == 0


@pytest.mark.django_db
class TestReminders:
    def test_reminder_to_owner_once_and_none_after_attesting(self, org, editor):
        owned_usage(org)
        run = campaign(org, editor)
        campaign_open(actor=editor, campaign=run, today=TODAY)
        attestation = Attestation.objects.get()
        assert alerts.scan(today=TODAY).recorded == 1
        assert alerts.scan(today=TODAY).recorded == 0
        assert list(deliveries(attestation).values_list("email", flat=True)) == ["ejer@demo.dk"]
        attestation_attest(actor=editor, attestation=attestation, status="confirmed")
        overdue_day = run.due_on + datetime.timedelta(days=1)
        assert alerts.scan(today=overdue_day).recorded == 0


@pytest.mark.django_db
class TestPages:
    def test_pages_render_and_other_organisation_gets_404(self, client, org, editor,
                                                           outsider):
        owned_usage(org)
        run = campaign(org, editor)
        campaign_open(actor=editor, campaign=run, today=TODAY)
        attestation = Attestation.objects.get()
        client.force_login(editor)
        urls = [
            "/landskab/attestering/", f"/landskab/attestering/{run.uuid}/",
            f"/landskab/attestering/attesteringer/{attestation.uuid}/",
            "/landskab/attestering/mine/", "/landskab/attestering/attesteringer/",
            "/landskab/attestering/ny/",
        ]
        for url in urls:
            assert client.get(url).status_code == 200, url
        export = client.get(f"/landskab/attestering/{run.uuid}/?format=xlsx")
        assert export["Content-Type"].startswith("application/vnd.openxmlformats")
        response = client.post(f"/landskab/attestering/attesteringer/{attestation.uuid}/",
                               {"status": "confirmed", "comment": ""})
        assert response.status_code == 302
        attestation.refresh_from_db()
        assert attestation.status == "confirmed"
        client.force_login(outsider)
        for url in urls[1:3]:
            assert client.get(url).status_code == 404, url
        api = APIClient()
        api.force_authenticate(outsider)
        assert api.get(f"/api/v1/attestation-campaigns/{run.uuid}/").status_code == 404
        assert api.get(f"/api/v1/attestations/{attestation.uuid}/").status_code == 404
        assert api.post(f"/api/v1/attestations/{attestation.uuid}/attest/",
                        {"status": "confirmed"}, format="json").status_code == 404

    def test_owner_with_read_access_answers_on_my_page(self, client, org, editor, reader):
        owner_user = UserFactory(username="ejeren")
        MembershipFactory(organisation=org, role="reader", user=owner_user)
        owned_usage(org, user=owner_user)
        run = campaign(org, editor)
        campaign_open(actor=editor, campaign=run, today=TODAY)
        attestation = Attestation.objects.get()
        url = f"/landskab/attestering/attesteringer/{attestation.uuid}/"
        client.force_login(reader)
        assert client.post(url, {"status": "confirmed"}).status_code == 403
        client.force_login(owner_user)
        page = client.get("/landskab/attestering/mine/")
        assert str(attestation.subject) in page.content.decode()
        bad = client.post(url, {"status": "corrected", "comment": " "})
        assert bad.status_code == 400
        done = client.post(url, {"status": "confirmed", "next": "/landskab/attestering/mine/"})
        assert done.status_code == 302 and done.url == "/landskab/attestering/mine/"
        attestation.refresh_from_db()
        assert attestation.status == "confirmed" and attestation.attested_by == owner_user

    def test_owner_sees_it_among_their_deadlines(self, org, editor):
        from landscape.attestation_reminders import person_attestation_deadlines

        _usage, owner = owned_usage(org)
        run = campaign(org, editor)
        campaign_open(actor=editor, campaign=run, today=TODAY)
        due = person_attestation_deadlines(person=owner, today=TODAY,
                                           end=TODAY + datetime.timedelta(days=90))
        assert [(d.obj, d.date) for d in due] == [(Attestation.objects.get(), run.due_on)]
        assert due[0].label == "Attestering forfalder"

    def test_api_attest_and_open(self, org, editor):
        owned_usage(org)
        api = APIClient()
        api.force_authenticate(editor)
        created = api.post("/api/v1/attestation-campaigns/", {
            "organisation": str(org.uuid), "title": "Runde 2026", "year": 2026,
            "opens_on": "2026-11-21", "due_on": "2026-12-05"}, format="json")
        assert created.status_code == 201, created.content
        opened = api.post(f"/api/v1/attestation-campaigns/{created.data['id']}/open/")
        assert opened.status_code == 200 and opened.data["attestation_count"] == 1
        item = api.get("/api/v1/attestations/").data["results"][0]
        done = api.post(f"/api/v1/attestations/{item['id']}/attest/",
                        {"status": "corrected", "comment": "Rettet enhed"}, format="json")
        assert done.status_code == 200 and done.data["status"] == "corrected"
        bad = api.post(f"/api/v1/attestations/{item['id']}/attest/",
                       {"status": "corrected"}, format="json")
        assert bad.status_code == 400

    def test_query_counts_do_not_grow_with_rows(self, client, org, editor):
        run = campaign(org, editor)
        client.force_login(editor)
        me = PersonFactory(organisation=org, user=editor, email="me@demo.dk")
        owner_role = role("systemejer", "system_usage")

        def add_rows(prefix, n):
            for i in range(n):
                owned_usage(org, email=f"{prefix}{i}@demo.dk")
                mine = UsageFactory(organisation=org, lifecycle="operational")
                RoleAssignmentFactory(target=mine, person=me, role_type=owner_role)
            campaign_open(actor=editor, campaign=run, today=TODAY)

        add_rows("a", 3)
        urls = ["/landskab/attestering/attesteringer/", f"/landskab/attestering/{run.uuid}/",
                "/landskab/attestering/", "/landskab/attestering/mine/"]
        for url in urls:
            count_queries(client, url)
        few = [count_queries(client, url) for url in urls]
        add_rows("b", 12)
        many = [count_queries(client, url) for url in urls]
        assert few == many


# -- a real worker ---------------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("real_worker")
def test_attestation_campaign_end_to_end_on_a_real_worker():
    """Open a campaign, run the alert scan through Redis on a real Celery worker: the
    owner is reminded once (recorded and mailed once); after attesting, no reminder."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker thread needs a database it can share (PostgreSQL)")
    org = OrganisationFactory()
    editor = UserFactory(username="kampagne-redaktor")
    MembershipFactory(organisation=org, role="editor", user=editor)
    owned_usage(org)
    run = campaign(org, editor)
    campaign_open(actor=editor, campaign=run, today=TODAY)
    attestation = Attestation.objects.get()

    first = scan_alerts.delay(TODAY.isoformat())
    assert isinstance(first, AsyncResult) and not isinstance(first, EagerResult)
    assert first.get(timeout=30)["recorded"] == 1
    _wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == ["ejer@demo.dk"]
    assert scan_alerts.delay(TODAY.isoformat()).get(timeout=30)["recorded"] == 0
    assert deliveries(attestation).count() == 1

    attestation_attest(actor=editor, attestation=attestation, status="confirmed")
    overdue_day = run.due_on + datetime.timedelta(days=1)
    assert scan_alerts.delay(overdue_day.isoformat()).get(timeout=30)["recorded"] == 0
    time.sleep(1)  # give a (wrongly) queued digest the chance to arrive
    assert len(mail.outbox) == 1
    assert deliveries(attestation).count() == 1


@pytest.mark.django_db
class TestDashboardAndGaps:
    def test_dashboard_shows_completeness_per_forvaltning_with_links(self, client, org,
                                                                      editor):
        from django.urls import reverse

        from tests.factories import UnitFactory

        root = UnitFactory(organisation=org, parent=None, name="Kommunen")
        social = UnitFactory(organisation=org, parent=root, name="Social")
        teknik = UnitFactory(organisation=org, parent=root, name="Teknik")
        for unit in (social, social, teknik):
            usage, _owner = owned_usage(org, email=f"{unit.pk}-{usage_count()}@demo.dk")
            usage.responsible_unit = unit
            usage.save()
        run = campaign(org, editor)
        campaign_open(actor=editor, campaign=run, today=TODAY)
        first = Attestation.objects.filter(unit=social).first()
        attestation_attest(actor=editor, attestation=first, status="confirmed")
        client.force_login(editor)
        page = client.get(reverse("dashboard", args=[org.slug]))
        table = page.context["dashboard"].attestation
        rows = {row.label: (row.total, row.answered, row.percent) for row in table.rows}
        assert rows == {"Social": (2, 1, 50), "Teknik": (1, 0, 0)}
        # Each number's link lists exactly the attestations it counts.
        for row in table.rows:
            listed = client.get(row.url).context["paginator"].count
            assert listed == row.total, row.url
            pending = client.get(row.pending_url).context["paginator"].count
            assert pending == row.pending, row.pending_url
        assert "Attestering" in page.content.decode()

    def test_gap_rule_page_lists_overdue_attestations(self, client, org, editor):
        from django.urls import reverse

        owned_usage(org)
        run = campaign(org, editor, opens_on=D(2020, 1, 1), due_on=D(2020, 2, 1),
                       title="Attestering 2020", year=2020)
        campaign_open(actor=editor, campaign=run, today=TODAY)
        client.force_login(editor)
        page = client.get(reverse("gap_rule", args=[org.slug, "attestation-overdue"]))
        assert page.status_code == 200
        attestation = Attestation.objects.get()
        assert f"/landskab/attestering/attesteringer/{attestation.uuid}/" in (
            page.content.decode())


_counter = iter(range(10_000))


def usage_count() -> int:
    return next(_counter)


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_write_one_answer():
    """Two requests confirming the same attestation at the same moment (PostgreSQL row
    lock): both succeed, one answer and one audit entry are written."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    import threading

    from kitos.models import AuditEntry

    org = OrganisationFactory()
    editor = UserFactory(username="samtidig-redaktor")
    MembershipFactory(organisation=org, role="editor", user=editor)
    owned_usage(org)
    run = campaign(org, editor)
    campaign_open(actor=editor, campaign=run, today=TODAY)
    attestation = Attestation.objects.get()
    barrier, errors = threading.Barrier(2), []

    def confirm():
        try:
            barrier.wait()
            attestation_attest(actor=editor, attestation=Attestation.objects.get(
                pk=attestation.pk), status="confirmed")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=confirm) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Attestation.objects.get().status == "confirmed"
    assert AuditEntry.objects.filter(object_id=attestation.pk, action="update",
                                     content_type__model="attestation").count() == 1
