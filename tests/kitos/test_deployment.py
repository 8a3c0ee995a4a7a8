"""docker-compose.yml cannot run here (no Docker engine), so the suite keeps it honest:
the services exist, they share one image, and they pass the settings the code reads."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_five_services_with_healthchecks():
    services = compose()["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, name


def test_app_services_share_one_image_and_the_settings_environment():
    services = compose()["services"]
    app = [services[name] for name in ("web", "worker", "beat")]
    assert len({s["image"] for s in app}) == 1
    for service in app:
        env = service["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "kitos.settings.production"
        for variable in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL",
                         "REDIS_URL", "EMAIL_HOST"):
            assert variable in env, variable
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://redis:6379")


def test_commands_point_at_real_entry_points():
    services = compose()["services"]
    assert "gunicorn kitos.wsgi:application" in services["web"]["command"]
    assert "migrate" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A kitos worker")
    assert services["beat"]["command"].startswith("celery -A kitos beat")
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "python:3.11" in dockerfile
    assert "kitos.settings.production" in dockerfile
    assert (ROOT / "kitos" / "wsgi.py").exists() and (ROOT / "kitos" / "celery.py").exists()
    # Everything the running app reads from disk is in the image.
    for folder in ("kitos", "roles", "portfolio", "contracts", "gdpr", "templates", "static",
                   "locale"):
        assert f"COPY {folder} ./{folder}" in dockerfile, folder


def test_volumes_keep_the_data():
    data = compose()
    assert "postgres-data:/var/lib/postgresql/data" in data["services"]["postgres"]["volumes"]
    assert set(data["volumes"]) == {"postgres-data", "redis-data"}


def test_the_image_holds_every_project_app():
    """An app added to INSTALLED_APPS is copied into the image too (the feature apps of
    the layers were once missing from it)."""
    from django.apps import apps

    dockerfile = (ROOT / "Dockerfile").read_text()
    project_apps = [
        config.name for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT.resolve()
    ]
    assert {"kitos", "alerts", "imports", "overview", "demo"} <= set(project_apps)
    for name in project_apps:
        assert f"COPY {name} ./{name}" in dockerfile, name
