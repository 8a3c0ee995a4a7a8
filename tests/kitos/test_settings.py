"""Settings read the environment; production passes Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "REDIS_URL", "DATABASE_URL"))
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="kitos.settings.production",
        DJANGO_SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        DJANGO_ALLOWED_HOSTS="kitos.example.dk",
        DATABASE_URL=os.environ.get("DATABASE_URL") or "postgres://kitos@db:5432/kitos",
        KITOS_BASE_URL="https://kitos.example.dk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 silenced" in result.stdout or "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "KITOS_BASE_URL"])
def test_production_refuses_to_start_without_secrets(missing):
    env = {
        "DJANGO_SETTINGS_MODULE": "kitos.settings.production",
        "DJANGO_SECRET_KEY": "y" * 60,
        "DATABASE_URL": "postgres://kitos@db:5432/kitos",
        "KITOS_BASE_URL": "https://kitos.example.dk",
    }
    env.pop(missing)
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_base_settings_read_the_environment(monkeypatch):
    import importlib

    from kitos.settings import base

    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@dbhost:6543/kitosdb")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/2")
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "a.example.dk, b.example.dk")
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.dk")
    monkeypatch.setenv("EMAIL_PORT", "587")
    try:
        reloaded = importlib.reload(base)
        assert reloaded.DATABASES["default"]["HOST"] == "dbhost"
        assert reloaded.DATABASES["default"]["PORT"] == 6543
        assert reloaded.CELERY_BROKER_URL == "redis://cache:6379/2"
        assert reloaded.CELERY_TASK_ALWAYS_EAGER is False
        assert reloaded.ALLOWED_HOSTS == ["a.example.dk", "b.example.dk"]
        assert (reloaded.EMAIL_HOST, reloaded.EMAIL_PORT) == ("smtp.example.dk", 587)
        assert reloaded.LANGUAGE_CODE == "da"
        assert reloaded.TIME_ZONE == "Europe/Copenhagen"
    finally:
        monkeypatch.undo()
        importlib.reload(base)


def test_without_redis_tasks_run_eagerly(monkeypatch):
    import importlib

    from kitos.settings import base

    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    try:
        reloaded = importlib.reload(base)
        assert reloaded.CELERY_TASK_ALWAYS_EAGER is True
        assert reloaded.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        assert str(reloaded.DATABASES["default"]["NAME"]).endswith("db.sqlite3")
    finally:
        monkeypatch.undo()
        importlib.reload(base)
