"""docker-compose.yml and the Dockerfile cannot run here (no Docker engine), so the suite
keeps them honest: the services exist and start in the right order, they share one image
holding every app, every setting the code reads reaches the containers, and the compose
environment loads the production settings and passes the health check. .ci/image-check
goes further in CI: it builds the image's file tree and starts it."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "kitos" / "settings"

# Read by the settings but deliberately not passed by docker-compose.yml, with the reason.
NOT_PASSED = {
    "DJANGO_DEBUG": "production never runs with debug on",
    "DJANGO_STATIC_ROOT": "the image's collected files: set in the Dockerfile",
    "DJANGO_MEDIA_ROOT": "kitos stores no uploaded files on disk (workbooks go to the database)",
    "EMAIL_BACKEND": "production sends SMTP; the console and memory backends are for dev/test",
}


def load_image_tree():
    spec = importlib.util.spec_from_file_location("image_tree", ROOT / ".ci" / "image_tree.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


image_tree = load_image_tree()


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def environment_reads(path: Path) -> set[str]:
    """Names the module reads from the environment: os.environ.get/[...], os.getenv and the
    env_bool/env_list/env_int helpers, each with a literal name."""
    readers = {"get", "getenv", "env_bool", "env_list", "env_int", "env_str", "setdefault"}
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            on_environ = isinstance(func, ast.Attribute) and (
                ast.unparse(func.value) in {"os.environ", "environ", "os"}
            )
            if (name in readers and (on_environ or isinstance(func, ast.Name))
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                names.add(node.args[0].value)
        elif (isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ"
              and isinstance(node.slice, ast.Constant)):
            names.add(node.slice.value)
    names.discard("DJANGO_SETTINGS_MODULE")  # chosen by the container, read by Django
    return names


def settings_environment() -> dict[str, str]:
    """Every variable any kitos/settings/*.py reads -> the file reading it."""
    found = {}
    for path in sorted(SETTINGS.glob("*.py")):
        if path.name in {"local.py", "test.py"}:
            continue  # never used in a container
        for name in environment_reads(path):
            found.setdefault(name, path.name)
    return found


def test_compose_has_its_services_with_healthchecks():
    services = compose()["services"]
    assert set(services) == {
        "migrate", "web", "worker", "worker-imports", "beat", "postgres", "redis",
    }
    for name, service in services.items():
        if name != "migrate":  # one-shot: it exits when done
            assert "healthcheck" in service, name


def test_app_services_share_one_image_and_the_settings_environment():
    services = compose()["services"]
    app = [services[name] for name in ("migrate", "web", "worker", "worker-imports", "beat")]
    assert len({s["image"] for s in app}) == 1
    for service in app:
        env = service["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "kitos.settings.production"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://redis:6379")


def test_every_setting_the_code_reads_reaches_the_containers():
    """Each variable read by kitos/settings/*.py (also the ones added later, e.g. in
    login.py and sso.py) is passed to web, worker and beat or listed in NOT_PASSED."""
    passed = set(compose()["x-kitos-env"])
    missing = [
        f"kitos/settings/{source} reads {name} from the environment but docker-compose.yml "
        f"does not pass it: add `{name}: ${{{name}:-<the default in the code>}}` under "
        f"x-kitos-env (and a row in README Configuration), or list it in NOT_PASSED in "
        f"tests/kitos/test_deployment.py with the reason"
        for name, source in sorted(settings_environment().items())
        if name not in passed and name not in NOT_PASSED
    ]
    assert not missing, "\n".join(missing)
    stale = set(NOT_PASSED) - set(settings_environment())
    assert not stale, f"NOT_PASSED names variables no setting reads any more: {stale}"


def test_every_setting_the_readme_documents_reaches_the_containers():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = {
        name for row in re.findall(r"^\|([^|]*)\|", section, re.M)
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row)
    }
    assert {"DATABASE_URL", "EMAIL_USE_SSL"} <= documented
    passed = set(compose()["x-kitos-env"])
    missing = sorted(documented - passed - set(NOT_PASSED))
    assert not missing, f"README documents these but compose does not pass them: {missing}"


def test_every_app_service_shares_the_one_environment():
    services = compose()["services"]
    environment = compose()["x-kitos-env"]
    for name in ("migrate", "web", "worker", "worker-imports", "beat"):
        assert services[name]["environment"] == environment, name


def test_migrations_run_once_before_web_worker_and_beat():
    services = compose()["services"]
    migrate = services["migrate"]
    assert migrate["restart"] == "no"
    assert "migrate --noinput" in image_tree.command("migrate")
    assert "load_reference_data" in image_tree.command("migrate")
    for name in ("web", "worker", "worker-imports", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends["postgres"] == {"condition": "service_healthy"}, name
        assert "migrate" not in image_tree.command(name), name


def test_commands_point_at_real_entry_points():
    services = compose()["services"]
    # A list, not a folded string: every option reaches gunicorn.
    assert services["web"]["command"] == [
        "gunicorn", "kitos.wsgi:application", "--bind", "0.0.0.0:8000",
        "--workers", "3", "--timeout", "60", "--access-logfile", "-",
    ]
    assert image_tree.command("worker").startswith("celery -A kitos worker")
    assert image_tree.command("worker-imports").startswith("celery -A kitos worker")


def test_every_queue_the_routes_name_has_a_worker():
    """A task routed to a queue no compose worker consumes would wait forever."""
    from django.conf import settings

    consumed = set()
    for name in ("worker", "worker-imports"):
        command = compose()["services"][name]["command"]
        consumed |= set(command[command.index("-Q") + 1].split(","))
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} <= consumed
    assert set(settings.KITOS_CELERY_QUEUES) <= consumed
    assert image_tree.command("beat").startswith("celery -A kitos beat")
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "python:3.11" in dockerfile
    assert "kitos.settings.production" in dockerfile
    assert (ROOT / "kitos" / "wsgi.py").exists() and (ROOT / "kitos" / "celery.py").exists()


def test_web_healthcheck_calls_healthz():
    assert "http://127.0.0.1:8000/healthz" in image_tree.healthcheck("web")
    assert "inspect ping" in image_tree.healthcheck("worker")


def test_volumes_keep_the_data():
    data = compose()
    assert "postgres-data:/var/lib/postgresql/data" in data["services"]["postgres"]["volumes"]
    assert set(data["volumes"]) == {"postgres-data", "redis-data"}


def test_the_image_copies_the_tree_and_holds_every_project_app():
    """The Dockerfile copies the whole folder and .dockerignore decides what stays out,
    so an app added to INSTALLED_APPS is in the image without anyone remembering it."""
    from django.apps import apps

    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^COPY \. \.$", dockerfile, re.M)
    assert not re.search(r"^COPY (?!\. |pyproject)", dockerfile, re.M), "copy the tree"
    files = set(image_tree.image_files())
    project_apps = [
        config.name for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT.resolve()
    ]
    assert {"kitos", "alerts", "imports", "overview", "demo"} <= set(project_apps)
    for name in project_apps:
        assert f"{name}/__init__.py" in files, name
        assert f"{name}/apps.py" in files or f"{name}/models.py" in files, name
    for needed in ("manage.py", "pyproject.toml", "README.md", "templates/base.html",
                   "static/css/kitos.css", "static/vendor/swagger-ui/swagger-ui.css.map"):
        assert needed in files, needed
    assert any(name.startswith("locale/") for name in files)


def test_the_image_leaves_out_secrets_local_data_and_tools():
    rules = image_tree.ignore_rules()
    for path in (".env", ".env.production", ".git/config", ".venv/bin/python", "db.sqlite3",
                 "media/x.xlsx", "staticfiles/x.css", "kitos/__pycache__/x.pyc",
                 "roles/sub/__pycache__/y.pyc", "tests/conftest.py", "kitos.egg-info/PKG-INFO"):
        assert image_tree.is_ignored(path, rules), path
    for path in (".env.example", "kitos/settings/base.py", "sso/__init__.py",
                 "static/vendor/htmx/htmx.min.js", "locale/en/LC_MESSAGES/django.po"):
        assert not image_tree.is_ignored(path, rules), path


def test_every_project_app_is_in_the_installed_package():
    """`pip install .` (the image installs the project non-editable) packages the apps
    pyproject names; a new app must be named there too."""
    import tomllib

    from django.apps import apps

    include = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"]["find"]["include"]
    for config in apps.get_app_configs():
        if Path(config.path).resolve().parent == ROOT.resolve():
            assert f"{config.name}*" in include, f"add {config.name}* to pyproject packages"


def test_vendored_static_files_hold_everything_they_reference(tmp_path, settings):
    """collectstatic with the production storage rewrites references between static files
    (url(), sourceMappingURL) and fails when one is missing: swagger-ui.css once named a
    swagger-ui.css.map that was not vendored, and the image did not build."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    assert "vendor/swagger-ui/swagger-ui.css" in manifest["paths"]


def test_heartbeat_is_on_the_beat_schedule(settings):
    """/readyz calls beat dead without it (kitos.tasks.heartbeat)."""
    assert "kitos-heartbeat" in settings.CELERY_BEAT_SCHEDULE, (
        "base.py: add **HEADER_BEAT_SCHEDULE to CELERY_BEAT_SCHEDULE "
        "(kitos/settings/headers.py defines it)"
    )
    assert settings.CELERY_BEAT_SCHEDULE["kitos-heartbeat"]["task"] == "kitos.heartbeat"


DOTENV = {
    # What .env.example asks the operator to fill in (the required ones).
    "DJANGO_SECRET_KEY": "compose-test-" + "k" * 50,
    "DJANGO_ALLOWED_HOSTS": "kitos.example.dk",
    "POSTGRES_PASSWORD": "pw",
    "KITOS_BASE_URL": "https://kitos.example.dk",
    "KITOS_READYZ_TOKEN": "compose-readyz-token",
}

PROBE = """
import django, json
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
live = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
ready = client.get("/readyz", HTTP_HOST="127.0.0.1:8000")
page = client.get("/konto/log-ind/", HTTP_HOST="127.0.0.1:8000")
print(json.dumps({
    "healthz": [live.status_code, live.content.decode()],
    "readyz": ready.status_code,
    "other_page": page.status_code,
    "email_use_ssl": settings.EMAIL_USE_SSL,
    "email_timeout": settings.EMAIL_TIMEOUT,
    "form_action": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"],
    "readyz_token": settings.KITOS_READYZ_TOKEN,
}))
"""


@pytest.mark.parametrize("extra", [{}, {"EMAIL_USE_SSL": "true", "EMAIL_USE_TLS": "false"}])
def test_compose_environment_loads_production_and_passes_the_healthcheck(extra):
    """The web service's environment exactly as compose builds it from a minimal .env:
    the production settings load, and /healthz answers the healthcheck's plain
    http://127.0.0.1:8000 request while other pages still refuse that host."""
    env = image_tree.service_environment("web", {**DOTENV, **extra})
    env = {**{k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}, **env}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["healthz"] == [200, '{"status": "ok"}']
    assert probe["readyz"] == 403  # no token sent
    assert probe["other_page"] == 400  # host validation still guards the portal
    assert probe["email_use_ssl"] is bool(extra)
    assert probe["email_timeout"] == 20
    assert probe["form_action"] == ["'self'"]
    assert probe["readyz_token"] == "compose-readyz-token"


def test_the_image_has_xmlsec1_for_saml():
    """pysaml2 shells out to xmlsec1; without it a configured SAML login fails at the
    first response, not at start-up."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "djangosaml2" in (ROOT / "pyproject.toml").read_text()
    assert re.search(r"apt-get install[^\n]*xmlsec1", dockerfile)
