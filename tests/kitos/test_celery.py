"""A real round trip through Redis and a Celery worker (CI provides both)."""

from __future__ import annotations

import datetime
import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.fixups.django import DjangoWorkerFixup
from celery.result import AsyncResult, EagerResult
from django.conf import settings as django_settings
from django.core import mail

from alerts.models import AlertDelivery
from alerts.tasks import scan_alerts
from kitos.celery import app
from kitos.tasks import ping
from roles.models import RoleType
from tests.factories import (
    ContractFactory,
    OrganisationFactory,
    PersonFactory,
    RoleAssignmentFactory,
)

# The test settings give each pytest-xdist worker a Redis database of its own.
REDIS_URL = django_settings.REDIS_URL

pytestmark = pytest.mark.redis


@pytest.fixture
def real_worker(settings, monkeypatch):
    if not REDIS_URL:
        if os.environ.get("KITOS_REQUIRE_REDIS") == "1":
            pytest.fail("KITOS_REQUIRE_REDIS=1 but REDIS_URL is not set")
        pytest.skip("REDIS_URL not set: no broker to test against")
    # Celery's Django fixup closes database connections around each task, which is right
    # for a worker process but here would close the test's own (transactional) connection.
    monkeypatch.setattr(DjangoWorkerFixup, "close_database", lambda self, **kwargs: None)
    app.conf.update(
        broker_url=REDIS_URL,
        result_backend=REDIS_URL,
        task_always_eager=False,
    )
    try:
        # Every queue the routes use (imports, alerts, default): one worker does all here.
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING",
                          queues=list(django_settings.KITOS_CELERY_QUEUES)):
            yield app
    finally:
        app.conf.update(task_always_eager=True)


def test_task_runs_on_a_real_worker(real_worker):
    result = ping.delay()
    # Not an EagerResult: the task went through the broker to the worker thread.
    assert isinstance(result, AsyncResult) and not isinstance(result, EagerResult)
    assert result.get(timeout=20) == "pong"
    assert result.successful()
    assert real_worker.connection().as_uri().startswith("redis://")


@pytest.mark.django_db(transaction=True)
def test_alert_scan_through_the_broker_records_once_and_mails_once(real_worker):
    """The beat task goes through Redis to a worker, which records the deliveries and
    queues the digest; running it again records and sends nothing."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the worker thread needs a database it can share (PostgreSQL)")
    org = OrganisationFactory()
    contract = ContractFactory(
        organisation=org, start_date=datetime.date(2020, 1, 1),
        expiry_date=datetime.date(2027, 2, 28), notice_months=3, extension_months=12,
        extensions_total=1,
    )
    person = PersonFactory(organisation=org, email="ejer@demo.dk")
    RoleAssignmentFactory(
        target=contract, person=person,
        role_type=RoleType.objects.get(organisation=None, applies_to="contract",
                                       code="kontraktejer"),
    )
    first = scan_alerts.delay("2026-11-21")
    assert isinstance(first, AsyncResult) and not isinstance(first, EagerResult)
    # Catch-up: of the 180/90/30-day rules only the most urgent reached one is filed.
    assert first.get(timeout=30)["recorded"] == 1
    _wait_for(lambda: len(mail.outbox) == 1)
    assert AlertDelivery.objects.filter(object_id=contract.pk, digest__isnull=False).count() == 1
    second = scan_alerts.delay("2026-11-21").get(timeout=30)
    assert second["recorded"] == 0
    time.sleep(1)  # give a (wrongly) queued digest the chance to arrive
    assert len(mail.outbox) == 1


def _wait_for(condition, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")
