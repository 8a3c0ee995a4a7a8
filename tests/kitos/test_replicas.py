"""Beyond one machine: several web processes and workers against one database and broker,
and the API's lists read from a read replica.

The router is checked on its own; then two gunicorn processes and two Celery workers
(one on the imports queue, one on alerts and default) are started against the test
database and the test Redis, as production runs them (README "Several web and worker
replicas"). The "replica" there is the test database reached through a role that may
only read: a list served through it proves the rows came from the replica connection
and that nothing was written there.
"""

from __future__ import annotations

import datetime
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from contracts.models import Contract
from kitos.models import Membership
from kitos.replicas import ReadReplicaRouter, lists_from_replica
from portfolio.models import ItSystem
from tests.factories import ContractFactory, OrganisationFactory

ROOT = Path(__file__).resolve().parents[2]
REPLICA_ROLE = "kitos_replica_reader"


# -- the router ------------------------------------------------------------------------


@pytest.fixture
def with_replica(monkeypatch):
    # As if DATABASE_REPLICA_URL were set (the router only asks whether it is).
    monkeypatch.setattr("kitos.replicas.replica_configured", lambda: True)


def test_router_sends_list_reads_to_the_replica_and_identity_to_the_primary(with_replica):
    router = ReadReplicaRouter()
    assert router.db_for_read(ItSystem) is None  # outside a list request: the default
    with lists_from_replica():
        assert router.db_for_read(ItSystem) == "replica"
        assert router.db_for_read(Contract) == "replica"
        # A removed membership or a revoked token must stop working at once.
        assert router.db_for_read(Membership) == "default"
        assert router.db_for_read(get_user_model()) == "default"
        assert router.db_for_write(ItSystem) == "default"
    assert router.db_for_read(ItSystem) is None
    assert router.allow_migrate("default", "portfolio") is True
    assert router.allow_migrate("replica", "portfolio") is False


def test_router_without_a_replica_routes_nothing():
    assert "replica" not in django_settings.DATABASES
    with lists_from_replica():
        assert ReadReplicaRouter().db_for_read(ItSystem) is None


# -- two web processes, two workers ----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{url}: the process ended with {process.returncode}")
        try:
            if requests.get(url, timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in time")


def _read_only_role(cursor, database: str) -> None:
    """A PostgreSQL role that can read every table of the test database and write none."""
    cursor.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s) THEN "
        f"CREATE ROLE {REPLICA_ROLE} LOGIN; END IF; END $$",
        [REPLICA_ROLE],
    )
    cursor.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {REPLICA_ROLE}')
    cursor.execute(f"GRANT USAGE ON SCHEMA public TO {REPLICA_ROLE}")
    cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {REPLICA_ROLE}")


@pytest.fixture
def cluster(transactional_db):
    """Two web processes and two workers sharing the test database and the test Redis."""
    from django.db import connection

    redis_url = django_settings.REDIS_URL
    if connection.vendor != "postgresql" or not redis_url:
        if os.environ.get("KITOS_REQUIRE_REDIS") == "1":
            pytest.fail("KITOS_REQUIRE_REDIS=1 but PostgreSQL or REDIS_URL is missing")
        pytest.skip("needs PostgreSQL and Redis (CI provides both)")
    database = connection.settings_dict["NAME"]
    host = connection.settings_dict["HOST"] or "127.0.0.1"
    port = connection.settings_dict["PORT"] or "5432"
    user = connection.settings_dict["USER"] or "postgres"
    with connection.cursor() as cursor:
        _read_only_role(cursor, database)

    # Start from empty rate-limit counters: user ids repeat between runs of the suite.
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter("kitos:*"):
        client.delete(key)

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kitos.settings.local",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECRET_KEY": "kitos-replica-test-key",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"postgres://{user}@{host}:{port}/{database}",
        "DATABASE_REPLICA_URL": (
            f"postgres://{REPLICA_ROLE}@{host}:{port}/{database}"
            "?application_name=kitos-replica"
        ),
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": redis_url,
        # Small enough to reach in a test, shared by both web processes through Redis.
        "KITOS_API_RATE": "12/hour",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    bin_dir = Path(sys.executable).parent
    gunicorn = shutil.which("gunicorn", path=str(bin_dir)) or "gunicorn"
    celery = shutil.which("celery", path=str(bin_dir)) or "celery"
    processes, webs = [], []
    try:
        for _ in range(2):
            web_port = _free_port()
            processes.append(subprocess.Popen(
                [gunicorn, "kitos.wsgi:application", "--bind", f"127.0.0.1:{web_port}",
                 "--workers", "1", "--timeout", "60", "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            ))
            webs.append(f"http://127.0.0.1:{web_port}")
        for name, queues in (("alerts", "default,alerts"), ("imports", "imports")):
            processes.append(subprocess.Popen(
                [celery, "-A", "kitos", "worker", "-Q", queues, "-n", f"{name}@%h",
                 "--pool", "solo", "--loglevel", "WARNING", "--without-gossip",
                 "--without-mingle"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            ))
        for web, process in zip(webs, processes, strict=False):
            _wait_until_up(f"{web}/healthz", process)
        yield {"webs": webs, "database": database, "redis_url": redis_url}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _log_in(web: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{web}/konto/log-ind/", timeout=20)
    response = session.post(
        f"{web}/konto/log-ind/",
        data={
            "username": username, "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{web}/konto/log-ind/"}, timeout=20, allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def _replica_connections(database: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = %s AND datname = %s",
            [REPLICA_ROLE, database],
        )
        return cursor.fetchone()[0]


@pytest.mark.redis
def test_two_web_processes_and_two_workers_share_one_database_and_broker(cluster):
    web_a, web_b = cluster["webs"]
    organisation = OrganisationFactory(name="Replika Kommune")
    contracts = [ContractFactory(organisation=organisation) for _ in range(3)]
    user = get_user_model().objects.create(
        username="replika",
        # The web processes run the production hashers (PBKDF2), not the suite's MD5.
        password=PBKDF2PasswordHasher().encode("replika-kode-2026", "replikasalt1"),
    )
    Membership.objects.create(user=user, organisation=organisation, role="editor")

    # A login on one web process is a login on the other: sessions live in the database.
    session = _log_in(web_a, "replika", "replika-kode-2026")
    page = session.get(f"{web_b}/kontrakter/", timeout=30, allow_redirects=False)
    assert page.status_code == 200
    assert contracts[0].name in page.text

    # The page was read from the primary; the API's list is read from the replica.
    assert _replica_connections(cluster["database"]) == 0
    listed = session.get(f"{web_b}/api/v1/contracts/", timeout=30)
    assert listed.status_code == 200, listed.text[:500]
    assert {row["id"] for row in listed.json()["results"]} == {
        str(contract.uuid) for contract in contracts
    }
    assert _replica_connections(cluster["database"]) >= 1
    # Object reads (whose ETag goes back as If-Match) stay on the primary, and so do
    # writes: the replica's role could not have written this one.
    one = session.get(f"{web_a}/api/v1/contracts/{contracts[0].uuid}/", timeout=30)
    assert one.status_code == 200 and one.headers["ETag"]
    renamed = session.patch(
        f"{web_a}/api/v1/contracts/{contracts[0].uuid}/", json={"name": "Omdøbt kontrakt"},
        headers={"If-Match": one.headers["ETag"], "X-CSRFToken": session.cookies["csrftoken"],
                 "Referer": f"{web_a}/"},
        timeout=30,
    )
    assert renamed.status_code == 200, renamed.text[:500]
    contracts[0].refresh_from_db()
    assert contracts[0].name == "Omdøbt kontrakt"

    # The API's rate limit is one count across both processes (the cache is in Redis).
    statuses = []
    for call in range(16):
        web = (web_a, web_b)[call % 2]
        statuses.append(session.get(f"{web}/api/v1/suppliers/", timeout=30).status_code)
    assert 429 in statuses
    assert statuses.index(429) < 12  # 12/hour in all, 4 of them used above

    # Tasks go to the queue their route names, and each worker takes only its own.
    from celery.result import AsyncResult

    from alerts.tasks import scan_alerts
    from imports.tasks import reap_stale_runs
    from kitos.celery import app

    previous = {key: app.conf[key] for key in ("broker_url", "result_backend",
                                                "task_always_eager")}
    app.conf.update(broker_url=cluster["redis_url"], result_backend=cluster["redis_url"],
                    task_always_eager=False)
    try:
        scanned = scan_alerts.delay(datetime.date.today().isoformat())
        reaped = reap_stale_runs.delay()
        assert isinstance(scanned, AsyncResult)
        assert "recorded" in scanned.get(timeout=60)
        reaped.get(timeout=60)
        stats = app.control.inspect(timeout=5).stats() or {}
    finally:
        app.conf.update(**previous)
    totals = {name.split("@")[0]: info.get("total", {}) for name, info in stats.items()}
    assert totals["alerts"].get("kitos.scan_alerts") == 1
    assert "imports.reap_stale_runs" not in totals["alerts"]
    assert totals["imports"].get("imports.reap_stale_runs") == 1
    assert "kitos.scan_alerts" not in totals["imports"]
