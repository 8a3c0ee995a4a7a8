"""Outgoing webhooks: a receiver on 127.0.0.1 in a thread gets signed events of changes
made through the UI, the API and an import; failures are retried, given up and the
subscription switched off; nothing of another organisation arrives."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from contracts.models import Contract
from kitos import safe_http
from kitos.api.tokens import api_token_create
from kitos.excel.engine import run_import_file
from tests.factories import ContractFactory
from webhooks import services
from webhooks.models import (
    DeliveryStatus,
    OpenGap,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)


class Receiver:
    """An HTTP server on 127.0.0.1 recording each POST; `status` is what it answers."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body})
                if self.path.startswith("/redirect"):
                    self.send_response(302)
                    self.send_header("Location", "/ok")
                else:
                    self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b'{"received": true}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def events(self) -> list[dict]:
        return [json.loads(request["body"]) for request in self.requests]

    def types(self) -> list[str]:
        return [event["type"] for event in self.events()]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def verify(request: dict, secret: str) -> bool:
    """What the README tells a receiver to do."""
    parts = dict(item.split("=", 1) for item in request["headers"]["X-Kitos-Signature"].split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + request["body"],
                        hashlib.sha256).hexdigest()
    fresh = abs(int(datetime.datetime.now().timestamp()) - int(parts["t"])) < 300
    return fresh and hmac.compare_digest(expected, parts["v1"]) and (
        parts["t"] == request["headers"]["X-Kitos-Timestamp"])


@pytest.fixture
def subscription(org, admin_user, receiver):
    return services.subscription_create(actor=admin_user, organisation=org, data={
        "name": "Modtager", "url": receiver.url + "/hook", "allow_internal": True,
    })


def _contract(org, actor, name="Kontrakt"):
    from contracts.services import contract_create

    return contract_create(actor=actor, organisation=org, name=name)


def _run(capture, action):
    with capture(execute=True):
        return action()


@pytest.mark.django_db
class TestAcceptance:
    def test_ui_changes_arrive_signed(self, client, org, editor, subscription, receiver,
                                      django_capture_on_commit_callbacks):
        client.force_login(editor)
        response = _run(django_capture_on_commit_callbacks, lambda: client.post(
            reverse("contract_create"), {
                "name": "Webhook-kontrakt", "start_date": "2026-01-01",
                "expiry_date": "2027-12-31", "notice_months": "3", "extensions_total": "0",
                "extensions_used": "0", "lead_months": "0",
            }))
        assert response.status_code == 302
        contract = Contract.objects.get(name="Webhook-kontrakt")
        form = client.get(reverse("contract_update", args=[contract.uuid])).context["form"]
        data = {name: value for name, value in form.initial.items() if value is not None
                and not isinstance(value, list | tuple)}
        data.update(name="Omdøbt kontrakt", start_date="2026-01-01", expiry_date="2027-12-31")
        response = _run(django_capture_on_commit_callbacks, lambda: client.post(
            reverse("contract_update", args=[contract.uuid]), data))
        assert response.status_code == 302, response.context["form"].errors
        _run(django_capture_on_commit_callbacks, lambda: client.post(
            reverse("contract_delete", args=[contract.uuid])))
        assert not Contract.objects.filter(pk=contract.pk).exists()

        assert receiver.types() == ["contract.created", "contract.updated", "contract.deleted"]
        created, updated, deleted = receiver.events()
        for request in receiver.requests:
            assert verify(request, subscription.secret)
            assert request["headers"]["User-Agent"].startswith("kitos-webhooks")
            assert request["headers"]["X-Kitos-Event"] == json.loads(request["body"])["type"]
            assert request["headers"]["X-Kitos-Delivery"] == json.loads(request["body"])["id"]
        assert created["organisation"] == {"uuid": str(org.uuid), "name": org.name}
        assert created["object"]["kind"] == "contract"
        assert created["object"]["uuid"] == str(contract.uuid)
        assert created["source"] == "ui"
        assert created["data"]["id"] == str(contract.uuid)
        assert updated["changes"]["name"] == ["Webhook-kontrakt", "Omdøbt kontrakt"]
        assert updated["data"]["name"] == "Omdøbt kontrakt"
        # A deleted object: no representation left, but who it was and its last values.
        assert deleted["data"] is None
        assert deleted["object"]["uuid"] == str(contract.uuid)
        assert deleted["object"]["repr"]
        assert WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == 3

    def test_api_changes_arrive(self, org, editor, subscription, receiver,
                                django_capture_on_commit_callbacks):
        _token, key = api_token_create(actor=editor, name="sync", scope="read_write")
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        response = _run(django_capture_on_commit_callbacks, lambda: api.post(
            "/api/v1/contracts/", {"organisation": str(org.uuid), "name": "API-kontrakt"},
            format="json"))
        assert response.status_code == 201, response.content
        uuid = response.json()["id"]
        response = _run(django_capture_on_commit_callbacks, lambda: api.patch(
            f"/api/v1/contracts/{uuid}/", {"name": "API-kontrakt 2"}, format="json"))
        assert response.status_code == 200, response.content
        response = _run(django_capture_on_commit_callbacks, lambda: api.delete(
            f"/api/v1/contracts/{uuid}/"))
        assert response.status_code == 204
        assert receiver.types() == ["contract.created", "contract.updated", "contract.deleted"]
        assert {event["source"] for event in receiver.events()} == {"api"}
        assert receiver.events()[1]["data"]["name"] == "API-kontrakt 2"
        assert all(verify(request, subscription.secret) for request in receiver.requests)

    def test_an_import_arrives(self, client, org, editor, subscription, receiver,
                               django_capture_on_commit_callbacks):
        contract = ContractFactory(organisation=org, name="Importeret")
        WebhookDelivery.objects.all().delete()  # the factory's own entry is not the point
        client.force_login(editor)
        response = client.get(reverse("contract_list"), {"format": "xlsx"})
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet = book.worksheets[0]
        headers = [cell.value for cell in sheet[1]]
        sheet.cell(row=2, column=headers.index("Navn") + 1).value = "Importeret og ændret"
        # A new row: a contract the import creates.
        sheet.cell(row=3, column=headers.index("Navn") + 1).value = "Ny fra regneark"
        buffer = io.BytesIO()
        book.save(buffer)
        report = _run(django_capture_on_commit_callbacks, lambda: run_import_file(
            actor=editor, organisation=org, content=buffer.getvalue(),
            filename="kontrakter.xlsx", commit=True))
        assert report.ok, report.errors
        contract.refresh_from_db()
        assert contract.name == "Importeret og ændret"
        assert "contract.updated" in receiver.types()
        event = next(e for e in receiver.events() if e["type"] == "contract.updated")
        assert event["object"]["uuid"] == str(contract.uuid)
        assert event["source"] == "import"
        assert event["changes"]["name"] == ["Importeret", "Importeret og ændret"]
        created = next(e for e in receiver.events() if e["type"] == "contract.created")
        new = Contract.objects.get(organisation=org, name="Ny fra regneark")
        assert created["object"]["uuid"] == str(new.uuid) and created["source"] == "import"
        assert all(verify(request, subscription.secret) for request in receiver.requests)

    def test_another_organisations_change_never_arrives(
            self, org, other_org, outsider, subscription, receiver,
            django_capture_on_commit_callbacks):
        api = APIClient()
        api.force_authenticate(outsider)
        response = _run(django_capture_on_commit_callbacks, lambda: api.post(
            "/api/v1/contracts/", {"organisation": str(other_org.uuid), "name": "Naboens"},
            format="json"))
        assert response.status_code == 201
        assert receiver.requests == []
        assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
class TestFailures:
    def test_failing_receiver_is_retried_given_up_and_switched_off(
            self, org, admin_user, subscription, receiver, settings,
            django_capture_on_commit_callbacks):
        settings.WEBHOOK_MAX_ATTEMPTS = 3
        settings.WEBHOOK_DISABLE_AFTER = 2
        settings.WEBHOOK_RETRY_BASE_SECONDS = 60
        admin_user.email = "admin@example.org"
        admin_user.save()
        receiver.status = 500
        _run(django_capture_on_commit_callbacks,
             lambda: [_contract(org, admin_user, f"K{n}") for n in range(2)])
        deliveries = list(WebhookDelivery.objects.order_by("pk"))
        assert len(deliveries) == 2
        assert all(d.attempts == 1 and d.status == DeliveryStatus.PENDING for d in deliveries)
        first = deliveries[0]
        first.refresh_from_db()
        delay = first.next_attempt_at - timezone.now()
        assert datetime.timedelta(seconds=40) < delay < datetime.timedelta(seconds=80)
        # Not due yet: the sweep sends nothing.
        assert services.deliver_due() == 0
        later = timezone.now() + datetime.timedelta(seconds=90)
        assert services.deliver_due(now=later) == 2
        first.refresh_from_db()
        # The second back-off doubles (120 s ± 20 %).
        gap = first.next_attempt_at - later
        assert datetime.timedelta(seconds=90) < gap < datetime.timedelta(seconds=150)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.deliver_due(now=later + datetime.timedelta(seconds=200)) == 2
        assert len(receiver.requests) == 6
        statuses = set(WebhookDelivery.objects.values_list("status", flat=True))
        assert statuses == {DeliveryStatus.GIVEN_UP}
        assert list(WebhookAttempt.objects.filter(delivery=first).values_list(
            "status_code", flat=True)) == [500, 500, 500]
        subscription.refresh_from_db()
        assert not subscription.is_active
        assert "opgivet" in subscription.disabled_reason
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["admin@example.org"]
        # Switched off: new changes make no deliveries.
        _run(django_capture_on_commit_callbacks, lambda: _contract(org, admin_user, "Ny"))
        assert WebhookDelivery.objects.count() == 2

    def test_disabling_stops_pending_deliveries(self, org, admin_user, subscription, receiver,
                                                settings, django_capture_on_commit_callbacks):
        settings.WEBHOOK_MAX_ATTEMPTS = 1
        settings.WEBHOOK_DISABLE_AFTER = 1
        receiver.status = 503
        _contract(org, admin_user, "A")  # not committed: stays pending
        pending = WebhookDelivery.objects.get()
        _run(django_capture_on_commit_callbacks, lambda: _contract(org, admin_user, "B"))
        pending.refresh_from_db()
        assert pending.status == DeliveryStatus.CANCELLED
        subscription.refresh_from_db()
        assert not subscription.is_active
        services.subscription_enable(actor=admin_user, subscription=subscription)
        subscription.refresh_from_db()
        assert subscription.is_active and subscription.consecutive_failures == 0

    def test_redirect_is_not_followed(self, org, admin_user, receiver,
                                      django_capture_on_commit_callbacks):
        subscription = services.subscription_create(actor=admin_user, organisation=org, data={
            "name": "Omdirigeret", "url": receiver.url + "/redirect", "allow_internal": True})
        delivery = _run(django_capture_on_commit_callbacks, lambda: services.send_test_event(
            actor=admin_user, subscription=subscription))
        assert [r["path"] for r in receiver.requests] == ["/redirect"]
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING and delivery.last_status_code == 302

    def test_internal_address_refused_without_the_tick(self, org, admin_user, receiver,
                                                       django_capture_on_commit_callbacks):
        subscription = services.subscription_create(actor=admin_user, organisation=org, data={
            "name": "Intern", "url": receiver.url + "/hook"})
        delivery = _run(django_capture_on_commit_callbacks, lambda: services.send_test_event(
            actor=admin_user, subscription=subscription))
        assert receiver.requests == []
        delivery.refresh_from_db()
        assert delivery.last_status_code is None and "refused" in delivery.last_error

    def test_post_refuses_other_schemes(self):
        result = safe_http.post("file:///etc/passwd", b"{}", headers={})
        assert result.refused and not result.ok


@pytest.mark.django_db
class TestSignature:
    def test_signature_is_hmac_of_timestamp_and_body(self):
        body = b'{"a": 1}'
        expected = hmac.new(b"hemmelig", b"1700000000." + body, hashlib.sha256).hexdigest()
        assert services.signature("hemmelig", 1700000000, body) == expected

    def test_retries_resend_the_same_body(self, org, admin_user, subscription, receiver,
                                          django_capture_on_commit_callbacks):
        receiver.status = 500
        delivery = _run(django_capture_on_commit_callbacks, lambda: services.send_test_event(
            actor=admin_user, subscription=subscription))
        receiver.status = 200
        services.deliver_due(now=timezone.now() + datetime.timedelta(hours=1))
        first, second = receiver.requests
        assert first["body"] == second["body"]
        assert verify(second, subscription.secret)
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 2
        payload = json.loads(second["body"])
        assert payload["type"] == "ping" and payload["id"] == str(delivery.uuid)

    def test_secret_is_encrypted_and_never_audited(self, subscription):
        from django.db import connection

        from kitos.models import AuditEntry

        with connection.cursor() as cursor:
            cursor.execute("SELECT secret FROM webhooks_webhooksubscription WHERE id = %s",
                           [subscription.pk])
            stored = cursor.fetchone()[0]
        assert subscription.secret not in stored
        entry = AuditEntry.objects.get(object_id=subscription.pk,
                                       content_type__model="webhooksubscription")
        assert "secret" not in entry.changes


@pytest.mark.django_db
class TestPages:
    def test_create_shows_the_secret_once(self, client, org, admin_user):
        client.force_login(admin_user)
        response = client.post(reverse("webhook_create", args=[org.slug]), {
            "name": "Ny", "url": "https://example.org/hook", "all_events": "on"})
        assert response.status_code == 302
        subscription = WebhookSubscription.objects.get(name="Ny")
        page = client.get(response["Location"]).content.decode()
        assert subscription.secret in page
        assert subscription.secret not in client.get(response["Location"]).content.decode()

    def test_choosing_nothing_is_a_clear_error(self, client, org, admin_user):
        client.force_login(admin_user)
        response = client.post(reverse("webhook_create", args=[org.slug]), {
            "name": "Ingen", "url": "https://example.org/hook"})
        assert response.status_code == 200
        assert "Vælg mindst én hændelse" in response.content.decode()
        assert not WebhookSubscription.objects.exists()

    def test_chosen_events_only(self, org, admin_user, receiver,
                                django_capture_on_commit_callbacks):
        services.subscription_create(actor=admin_user, organisation=org, data={
            "name": "Kun sletning", "url": receiver.url, "allow_internal": True,
            "all_events": False, "event_types": ["contract.deleted"]})
        contract = _run(django_capture_on_commit_callbacks,
                        lambda: _contract(org, admin_user))
        assert receiver.requests == []
        from contracts.services import contract_delete
        _run(django_capture_on_commit_callbacks,
             lambda: contract_delete(actor=admin_user, contract=contract))
        assert receiver.types() == ["contract.deleted"]

    def test_buttons(self, client, org, admin_user, subscription, receiver,
                     django_capture_on_commit_callbacks):
        client.force_login(admin_user)
        args = [org.slug, subscription.uuid]
        _run(django_capture_on_commit_callbacks,
             lambda: client.post(reverse("webhook_test", args=args)))
        assert receiver.types() == ["ping"]
        old_secret = subscription.secret
        response = client.post(reverse("webhook_secret", args=args))
        subscription.refresh_from_db()
        assert subscription.secret != old_secret
        assert subscription.secret in client.get(response["Location"]).content.decode()
        delivery = WebhookDelivery.objects.get()
        delivery.status = DeliveryStatus.GIVEN_UP
        delivery.save()
        _run(django_capture_on_commit_callbacks, lambda: client.post(
            reverse("webhook_resend", args=[*args, delivery.uuid])))
        assert len(receiver.requests) == 2
        assert verify(receiver.requests[1], subscription.secret)
        page = client.get(reverse("webhook_delivery", args=[*args, delivery.uuid]))
        assert page.status_code == 200 and "ping" in page.content.decode()
        subscription.is_active = False
        subscription.save()
        client.post(reverse("webhook_enable", args=args))
        subscription.refresh_from_db()
        assert subscription.is_active
        response = client.post(reverse("webhook_delete", args=args))
        assert response.status_code == 302 and not WebhookSubscription.objects.exists()

    def test_only_admins(self, client, org, editor, outsider, subscription):
        args = [org.slug, subscription.uuid]
        client.force_login(editor)
        assert client.get(reverse("webhook_list", args=[org.slug])).status_code == 403
        assert client.get(reverse("webhook_detail", args=args)).status_code == 403
        assert client.post(reverse("webhook_test", args=args)).status_code == 403
        client.force_login(outsider)
        assert client.get(reverse("webhook_list", args=[org.slug])).status_code == 404
        assert client.get(reverse("webhook_detail", args=args)).status_code == 404
        assert client.post(reverse("webhook_delete", args=args)).status_code == 404
        assert WebhookSubscription.objects.filter(pk=subscription.pk).exists()

    def test_delivery_log_queries_do_not_grow(self, client, org, admin_user, subscription,
                                              django_assert_max_num_queries):
        client.force_login(admin_user)
        url = reverse("webhook_detail", args=[org.slug, subscription.uuid])

        def add(count):
            WebhookDelivery.objects.bulk_create([
                WebhookDelivery(subscription=subscription, event_type="ping",
                                occurred_at=timezone.now(), status=DeliveryStatus.SUCCEEDED,
                                attempts=1, last_status_code=200)
                for _ in range(count)])

        add(1)
        client.get(url)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        add(20)
        with django_assert_max_num_queries(len(one.captured_queries)):
            response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["deliveries"]) == 21


@pytest.mark.django_db
def test_no_subscription_costs_no_query(org, editor, django_assert_num_queries):
    """The audit listener asks the cache, not the database, when nobody subscribes."""
    contract = ContractFactory(organisation=org)
    from kitos.audit import record_change

    services.active_organisation_ids()  # the cache as it is between writes
    with django_assert_num_queries(1):  # the entry's own INSERT
        record_change(actor=editor, action="update", instance=contract, changes={})


@pytest.mark.django_db
def test_gap_scan_opens_and_closes(org, admin_user, receiver,
                                   django_capture_on_commit_callbacks):
    from gdpr.gaps import all_rules

    contract = ContractFactory(organisation=org)
    subscription = services.subscription_create(actor=admin_user, organisation=org, data={
        "name": "Mangler", "url": receiver.url, "allow_internal": True,
        "all_events": False, "event_types": ["gap.opened", "gap.closed"]})
    rules = [rule for rule in all_rules() if rule.model is Contract]
    assert rules, "a contract gap rule is needed for this test"
    # The first scan sets the baseline silently.
    assert services.scan_gaps() == 0
    subscription.refresh_from_db()
    assert subscription.gaps_seen_at is not None
    baseline = OpenGap.objects.filter(object_id=contract.pk).count()
    assert baseline >= 1  # a new contract without owner has a gap
    # A new contract with the same gap: opened; removing the contract: closed.
    second = _run(django_capture_on_commit_callbacks, lambda: ContractFactory(organisation=org))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.scan_gaps() >= 1
    assert "gap.opened" in receiver.types()
    opened = next(e for e in receiver.events() if e["type"] == "gap.opened")
    assert opened["object"]["id"] == second.pk and opened["extra"]["rule"]
    Contract.objects.filter(pk=second.pk).delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.scan_gaps() >= 1
    assert "gap.closed" in receiver.types()


@pytest.mark.django_db
def test_deadline_decided(org, admin_user, editor, receiver, django_capture_on_commit_callbacks):
    from contracts.services import contract_create, deadline_decision_record

    contract = contract_create(
        actor=editor, organisation=org, name="Med frist", start_date=datetime.date(2024, 1, 1),
        expiry_date=timezone.localdate() + datetime.timedelta(days=400), notice_months=3)
    services.subscription_create(actor=admin_user, organisation=org, data={
        "name": "Frister", "url": receiver.url, "allow_internal": True,
        "all_events": False, "event_types": ["deadline.decided"]})
    _run(django_capture_on_commit_callbacks, lambda: deadline_decision_record(
        actor=editor, contract=contract, kind="renew", note="Fortsætter"))
    assert receiver.types() == ["deadline.decided"]
    event = receiver.events()[0]
    assert event["object"]["kind"] == "deadlinedecision"
    assert event["data"]["kind"] == "renew"


@pytest.mark.django_db
def test_an_attempt_is_made_once(org, admin_user, subscription, receiver):
    """Two workers (or a task and the sweep) with the same delivery: one sends."""
    delivery = services.send_test_event(actor=admin_user, subscription=subscription)
    now = timezone.now()
    assert services.deliver(delivery.pk, now=now) == DeliveryStatus.SUCCEEDED
    assert services.deliver(delivery.pk, now=now) is None
    assert services.deliver_due(now=now + datetime.timedelta(hours=1)) == 0
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_only_http_urls(client, org, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("webhook_create", args=[org.slug]), {
        "name": "FTP", "url": "ftp://example.org/hook", "all_events": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"url": ["Indtast en gyldig URL."]}
    assert not WebhookSubscription.objects.exists()


def test_beat_sends_due_deliveries_and_scans_gaps(settings):
    from kitos.celery import app

    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks["webhooks.deliver_due"] == 60.0
    assert tasks["webhooks.scan_gaps"] == 900.0
    app.loader.import_default_modules()  # what a worker does: autodiscovery of <app>.tasks
    for name in ("webhooks.deliver", "webhooks.deliver_due", "webhooks.scan_gaps"):
        assert name in app.tasks
    assert settings.CELERY_TASK_ROUTES["webhooks.*"] == {"queue": "default"}


@pytest.mark.django_db
def test_a_sync_that_deletes_sends_signed_deleted_events(
        org, settings, subscription, receiver, django_capture_on_commit_callbacks):
    """The other kind of import, the OS2KITOS sync, creates and deletes through the same
    audited services: its changes arrive too, channel "sync"."""
    from integrations.kitos_api.sync import run
    from integrations.models import Connector
    from tests.factories import ItSystemFactory
    from tests.integrations.kitos_api.fake_kitos import EMAIL, PASSWORD, FakeKitos
    from tests.integrations.kitos_api.test_kitos_sync import FIRST_SYNC, KITOS_ORG

    settings.KITOS_SYNC_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    ItSystemFactory(name="Aula")
    kitos = FakeKitos().start()
    try:
        connector = Connector.objects.create(
            organisation=org, kind="kitos", base_url=kitos.base_url, username=EMAIL,
            secret=PASSWORD, remote_organisation=KITOS_ORG)
        _run(django_capture_on_commit_callbacks, lambda: run(connector=connector,
                                                              mode="apply"))
        assert "systemusage.created" in receiver.types()
        Connector.objects.filter(pk=connector.pk).update(synced_until=FIRST_SYNC)
        connector.refresh_from_db()
        kitos.page_set = "set2"
        receiver.requests.clear()
        _run(django_capture_on_commit_callbacks, lambda: run(connector=connector,
                                                              mode="apply"))
    finally:
        kitos.stop()
    deleted = [e for e in receiver.events() if e["type"] == "systemusage.deleted"]
    assert [e["object"]["repr"] for e in deleted] == ["SBSYS"]
    assert {e["source"] for e in receiver.events()} == {"sync"}
    assert all(verify(request, subscription.secret) for request in receiver.requests)
