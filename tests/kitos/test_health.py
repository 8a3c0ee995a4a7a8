"""The health endpoints (kitos/health.py): /healthz is public liveness that touches
nothing; /readyz is the operator's readiness check behind a token, bounded in time."""

from __future__ import annotations

import socket
import time

import pytest

from kitos import health
from kitos.tasks import heartbeat
from tests.kitos.test_celery import real_worker  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

TOKEN = "readyz-test-token"


def bearer(token: str = TOKEN) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


class FakeRedis:
    """Just the calls kitos.health makes, kept in a dict."""

    def __init__(self):
        self.values = {}

    def ping(self):
        return True

    def set(self, key, value, ex=None):
        self.values[key] = str(value).encode()

    def get(self, key):
        return self.values.get(key)


@pytest.fixture
def fake_redis(settings, monkeypatch):
    settings.REDIS_URL = "redis://fake:6379/0"
    fake = FakeRedis()
    monkeypatch.setattr(health, "redis_client", lambda: fake)
    return fake


@pytest.fixture
def blackhole():
    """A port that accepts connections and never answers: a hung Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()


def test_healthz_is_liveness_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_the_orchestrator_whatever_the_allowed_hosts(client, settings):
    """Compose calls http://127.0.0.1:8000/healthz inside the container; production's
    DJANGO_ALLOWED_HOSTS names only the public host. Other pages still refuse that host."""
    settings.ALLOWED_HOSTS = ["kitos.example.dk"]
    assert client.get("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 200
    assert client.get("/konto/log-ind/", HTTP_HOST="127.0.0.1:8000").status_code == 400


def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize("headers", [{}, bearer("wrong"), {"HTTP_AUTHORIZATION": TOKEN}])
def test_readyz_needs_the_token(client, settings, headers):
    settings.KITOS_READYZ_TOKEN = TOKEN
    response = client.get("/readyz", **headers)
    assert response.status_code == 403
    assert "checks" not in response.json()


def test_readyz_answers_no_one_when_no_token_is_configured(client, settings):
    settings.KITOS_READYZ_TOKEN = ""
    assert client.get("/readyz", **bearer("")).status_code == 403


def test_readyz_without_a_broker_reports_eager_tasks(client, settings):
    settings.KITOS_READYZ_TOKEN = TOKEN
    settings.REDIS_URL = ""
    response = client.get("/readyz", **bearer())
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["broker"] == {"status": "ok", "mode": "eager"}


def test_heartbeat_task_makes_readiness_fresh_then_stale(fake_redis, settings, monkeypatch):
    settings.KITOS_HEARTBEAT_SECONDS = 60
    assert health.check_heartbeat()["detail"] == "no heartbeat yet"
    heartbeat.delay()  # eager in the test settings: the task body itself runs
    assert health.check_heartbeat()["status"] == "ok"
    later = time.time() + 3 * 60 + 5
    stale = health.check_heartbeat(now=later)
    assert stale["status"] == "error" and stale["detail"] == "stale"
    assert stale["age_seconds"] >= 180


def test_readyz_reports_a_stale_heartbeat_as_not_ready(client, settings, fake_redis, monkeypatch):
    settings.KITOS_READYZ_TOKEN = TOKEN
    monkeypatch.setattr(health, "check_workers", lambda: {"status": "ok", "count": 1})
    monkeypatch.setitem(health.READINESS_CHECKS, "workers", health.check_workers)
    health.record_heartbeat(now=time.time() - 3600)
    response = client.get("/readyz", **bearer())
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["heartbeat"]["detail"] == "stale"
    assert checks["database"]["status"] == checks["broker"]["status"] == "ok"


def test_readyz_with_redis_hung_answers_503_within_three_seconds(client, settings, blackhole):
    """Issue 14 point 8: with Redis down the old check took 19 s."""
    settings.KITOS_READYZ_TOKEN = TOKEN
    settings.REDIS_URL = settings.CELERY_BROKER_URL = blackhole
    started = time.monotonic()
    response = client.get("/readyz", **bearer())
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert elapsed < 3.0, elapsed
    checks = response.json()["checks"]
    assert checks["database"]["status"] == "ok"
    for name in ("broker", "workers", "heartbeat"):
        assert checks[name]["status"] == "error", name
    # No address or exception text reaches the caller.
    assert "127.0.0.1" not in response.content.decode()


def test_readyz_with_redis_refusing_answers_503_quickly(client, settings):
    settings.KITOS_READYZ_TOKEN = TOKEN
    settings.REDIS_URL = settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    started = time.monotonic()
    assert client.get("/readyz", **bearer()).status_code == 503
    assert time.monotonic() - started < 3.0


@pytest.mark.redis
def test_readyz_with_a_real_worker_and_heartbeat(client, settings, real_worker):  # noqa: F811
    """Through the real broker: a worker answers the ping and runs the heartbeat task."""
    settings.KITOS_READYZ_TOKEN = TOKEN
    settings.REDIS_URL = settings.CELERY_BROKER_URL = real_worker.conf.broker_url
    heartbeat.delay()  # no result is kept: wait for its mark instead
    deadline = time.monotonic() + 20
    while health.check_heartbeat()["status"] != "ok" and time.monotonic() < deadline:
        time.sleep(0.2)
    response = client.get("/readyz", **bearer())
    assert response.json()["checks"]["workers"]["status"] == "ok", response.json()
    assert response.json()["checks"]["heartbeat"]["status"] == "ok", response.json()
    assert response.status_code == 200, response.json()
