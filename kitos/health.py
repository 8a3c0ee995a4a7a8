"""The health endpoints and the heartbeat behind them.

``/healthz`` is liveness: the process answers HTTP. It touches nothing else (no database,
no Redis), so an outage of a dependency never makes the orchestrator restart a healthy web
container in a loop, and it cannot hang.

``/readyz`` is readiness, for the operator and monitoring, not the public: it needs
``Authorization: Bearer <KITOS_READYZ_TOKEN>``. It checks the database, the broker, that a
worker answers a ping and that the beat heartbeat is fresh, all at once and within
``READYZ_TIMEOUT`` seconds together, so a Redis that is down gives 503 in about that time
instead of hanging the request.

Both are answered by :class:`HealthEndpointsMiddleware` before anything reads the Host
header: the orchestrator calls ``http://127.0.0.1:8000/healthz`` inside the container,
which ``DJANGO_ALLOWED_HOSTS`` would refuse with 400. The answers do not depend on the
host, so nothing a forged Host header could poison is built from it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# All checks run in parallel; whatever has not answered by then counts as "timeout".
READYZ_TIMEOUT = 2.5
# Each network call is bounded on its own as well, below the overall timeout.
CONNECT_TIMEOUT = 1.0
WORKER_PING_TIMEOUT = 1.0
HEARTBEAT_KEY = "kitos:heartbeat"


def heartbeat_max_age() -> int:
    """A heartbeat older than three beats means beat or every worker has stopped."""
    return 3 * settings.KITOS_HEARTBEAT_SECONDS


def redis_client():
    """A client for REDIS_URL whose calls fail within a second when Redis is away."""
    import redis

    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=CONNECT_TIMEOUT,
        socket_timeout=CONNECT_TIMEOUT,
        retry_on_timeout=False,
    )


def record_heartbeat(now: float | None = None) -> None:
    """Store the time the heartbeat task ran (a worker running what beat scheduled)."""
    if not settings.REDIS_URL:
        return  # tasks run eagerly: there is no beat or worker to watch
    redis_client().set(
        HEARTBEAT_KEY, repr(time.time() if now is None else now), ex=heartbeat_max_age() * 10
    )


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"status": "ok"}
    finally:
        # The check runs in its own thread: leave no connection behind in it.
        connection.close()


def check_broker() -> dict:
    if not settings.REDIS_URL:
        return {"status": "ok", "mode": "eager"}
    redis_client().ping()
    return {"status": "ok"}


def check_workers() -> dict:
    if not settings.REDIS_URL:
        return {"status": "ok", "mode": "eager"}
    from celery import current_app

    # Celery retries a broadcast for as long as the broker is away; a quick look first
    # keeps this thread from outliving the request when Redis is down.
    redis_client().ping()
    with current_app.connection_for_write(settings.CELERY_BROKER_URL) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=CONNECT_TIMEOUT)
        replies = current_app.control.ping(timeout=WORKER_PING_TIMEOUT, connection=broker)
    if not replies:
        return {"status": "error", "detail": "no worker answered"}
    return {"status": "ok", "count": len(replies)}


def check_heartbeat(now: float | None = None) -> dict:
    if not settings.REDIS_URL:
        return {"status": "ok", "mode": "eager"}
    stored = redis_client().get(HEARTBEAT_KEY)
    if stored is None:
        return {"status": "error", "detail": "no heartbeat yet"}
    age = round((time.time() if now is None else now) - float(stored))
    if age > heartbeat_max_age():
        return {"status": "error", "detail": "stale", "age_seconds": age}
    return {"status": "ok", "age_seconds": age}


READINESS_CHECKS: dict[str, Callable[[], dict]] = {
    "database": check_database,
    "broker": check_broker,
    "workers": check_workers,
    "heartbeat": check_heartbeat,
}


def _guarded(name: str, check: Callable[[], dict]) -> dict:
    try:
        return check()
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        # The details (hosts, addresses) go to the log, never into the answer.
        logger.warning("readiness check %s failed: %r", name, error)
        return {"status": "error", "detail": "unavailable"}


def readiness(timeout: float = READYZ_TIMEOUT) -> tuple[dict, bool]:
    """Every check's result, run side by side and given ``timeout`` seconds in all."""
    executor = ThreadPoolExecutor(max_workers=len(READINESS_CHECKS))
    futures = {
        name: executor.submit(_guarded, name, check) for name, check in READINESS_CHECKS.items()
    }
    wait(futures.values(), timeout=timeout)
    # A check stuck in a connect is left to finish on its own; the answer does not wait.
    executor.shutdown(wait=False, cancel_futures=True)
    results = {
        name: future.result() if future.done() else {"status": "error", "detail": "timeout"}
        for name, future in futures.items()
    }
    return results, all(result["status"] == "ok" for result in results.values())


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. No dependency is touched."""
    return JsonResponse({"status": "ok"})


def readyz_token_matches(request: HttpRequest) -> bool:
    expected = settings.KITOS_READYZ_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(expected) and scheme.lower() == "bearer" and constant_time_compare(
        given.strip(), expected
    )


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness for the operator: database, broker, worker and beat heartbeat."""
    if not readyz_token_matches(request):
        # The same answer whether the token is wrong or the endpoint is not configured.
        return JsonResponse(
            {"detail": "Authorization: Bearer <KITOS_READYZ_TOKEN> required"}, status=403
        )
    checks, ready = readiness()
    return JsonResponse(
        {"status": "ok" if ready else "error", "checks": checks}, status=200 if ready else 503
    )


HEALTH_ENDPOINTS = {"/healthz": healthz, "/readyz": readyz}


class HealthEndpointsMiddleware:
    """Answers the health endpoints before the Host header is validated (see above) and
    before sessions, locale or CSRF run, so liveness needs nothing but the process."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        endpoint = HEALTH_ENDPOINTS.get(request.path_info)
        if endpoint is not None:
            return endpoint(request)
        return self.get_response(request)
