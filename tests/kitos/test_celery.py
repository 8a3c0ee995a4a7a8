"""A real round trip through Redis and a Celery worker (CI provides both)."""

from __future__ import annotations

import os

import pytest
from celery.contrib.testing.worker import start_worker
from celery.fixups.django import DjangoWorkerFixup
from celery.result import AsyncResult, EagerResult

from kitos.celery import app
from kitos.tasks import ping

REDIS_URL = os.environ.get("REDIS_URL", "")

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
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
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
