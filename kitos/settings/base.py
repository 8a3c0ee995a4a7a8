"""Base settings: everything is read from the environment.

``local``, ``test`` and ``production`` import from here and only override.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_list  # noqa: F401 - production and the areas use them

# Each security area keeps its settings in its own module; the lists below take its
# apps, middleware and backends in the order Django needs them.
from .headers import *  # noqa: F403 - Content-Security-Policy, health endpoints
from .login import *  # noqa: F403 - lockout (django-axes), two-factor, sessions
from .sso import *  # noqa: F403 - municipal single sign-on (OIDC, SAML 2.0)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # intcomma: counts that reach the thousands on a large municipality's pages.
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    # The layers, bottom to top (README: Architecture; import-linter checks them):
    # the core (tenancy, audit, base views, API base, Excel framework), the domain apps,
    # then the feature apps that look across them.
    *HEADER_APPS,  # noqa: F405
    *LOGIN_APPS,  # noqa: F405
    "kitos",
    "roles",
    "portfolio",
    "contracts",
    "gdpr",
    "alerts",
    "imports",
    "references",
    "governance",
    "integrations",
    "webhooks",
    "landscape",
    "overview",
    "demo",
    # The sso feature app (top layer) and, when SAML is configured, djangosaml2.
    *SSO_APPS,  # noqa: F405
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    *HEADER_MIDDLEWARE,  # noqa: F405
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    *SSO_SESSION_MIDDLEWARE,  # noqa: F405
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kitos.middleware.RejectNulCharactersMiddleware",
    "kitos.middleware.QueryTimeoutMiddleware",
    # The API's list reads go to the read replica when one is configured (kitos.replicas).
    "kitos.replicas.ReadReplicaMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    *LOGIN_AUTH_MIDDLEWARE,  # noqa: F405
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kitos.audit.AuditContextMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    *LOGIN_LAST_MIDDLEWARE,  # noqa: F405
]

# The lockout backend first (it refuses before a password is checked), then single
# sign-on when configured, then local accounts (the break-glass login).
AUTHENTICATION_BACKENDS = [
    *LOGIN_FIRST_BACKENDS,  # noqa: F405
    *SSO_BACKENDS,  # noqa: F405
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "kitos.urls"
WSGI_APPLICATION = "kitos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "alerts.context_processors.unread_alerts",
                "kitos.context_processors.organisations",
                "overview.context_processors.home_forvaltning",
            ],
        },
    },
]

# DATABASE_URL: postgres://user:pass@host:5432/name in production and CI; a SQLite file
# in the project folder when unset so that `make run` needs nothing installed.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# DATABASE_REPLICA_URL: a streaming replica of the primary (PostgreSQL). The API's list
# endpoints read from it, everything else from the primary (kitos.replicas, README
# "Several web and worker replicas"). Unset: one database does everything.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # The test run reads the replica's rows from the test database itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["kitos.replicas.ReadReplicaRouter"]

# The web tier keeps no state of its own, so any number of web processes can serve any
# request: sessions live in the database, and the cache (API rate limits, the API-login
# failure counts, the OpenID discovery document) in Redis when REDIS_URL is set. Without
# Redis (a laptop, `make run`) one process's memory does.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Longest a query of a page or API call may run (PostgreSQL, web processes only; 0 = no
# limit). The worker and manage.py are not limited: imports and scans run long.
KITOS_REQUEST_STATEMENT_TIMEOUT_MS = int(
    os.environ.get("KITOS_REQUEST_STATEMENT_TIMEOUT_MS", "30000")
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
# One date format per place (text, tables, inputs) for each language: kitos/formats.
FORMAT_MODULE_PATH = ["kitos.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

# E-mail: alerts go out by SMTP in production; locally they are printed to the console.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("EMAIL_FROM", "kitos <kitos@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with REDIS_URL unset every task runs eagerly inside the caller, so a laptop
# without Redis still sends alerts and runs imports (slower, but nothing is lost).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # KITOS_CACHE_URL: a Redis of its own for the cache (else the broker's).
            "LOCATION": os.environ.get("KITOS_CACHE_URL") or REDIS_URL,
            "KEY_PREFIX": "kitos",
            "TIMEOUT": 300,
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_RESULT_EXPIRES = 60 * 60 * 24
# A hung or unreachable Redis must never hang a web request: bounded connect/socket
# timeouts and a short publish retry policy make .delay() fail fast instead.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 5,
    "socket_connect_timeout": 3,
    "visibility_timeout": 60 * 60,
}
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# Queues, so that a large import never waits in front of the morning's alerts: imports
# run on workers of their own (`-Q imports`), the deadline refresh, alert scan and mails
# on `alerts`, everything else on `default`. docker-compose.yml runs one worker for
# imports and one for alerts and default; `make worker` consumes all three.
CELERY_TASK_DEFAULT_QUEUE = "default"
KITOS_CELERY_QUEUES = ("default", "alerts", "imports")
# The weekly check of external references' links (references app, kitos.safe_http):
# at most this many requests at once, each step waiting this many seconds. Internal
# addresses are never requested unless their network is listed (comma-separated CIDR,
# e.g. an intranet's "10.20.0.0/16"; the suite's test server needs "127.0.0.0/8").
LINK_CHECK_CONCURRENCY = int(os.environ.get("LINK_CHECK_CONCURRENCY", "8"))
LINK_CHECK_TIMEOUT = float(os.environ.get("LINK_CHECK_TIMEOUT", "10"))
LINK_CHECK_ALLOWED_NETWORKS = env_list("LINK_CHECK_ALLOWED_NETWORKS")

# Outgoing webhooks (webhooks app): seconds per POST, attempts per delivery, the first
# retry's delay (doubling each time, with jitter), and after how many given-up
# deliveries in a row a subscription is switched off.
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "10"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "6"))
WEBHOOK_RETRY_BASE_SECONDS = float(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "60"))
WEBHOOK_DISABLE_AFTER = int(os.environ.get("WEBHOOK_DISABLE_AFTER", "5"))
# The OS2KITOS API v2 connector (integrations.kitos_api): seconds per request, and the
# internal networks it may reach (comma-separated CIDR, as LINK_CHECK_ALLOWED_NETWORKS;
# public addresses are always allowed, the suite's fake KITOS needs "127.0.0.0/8").
KITOS_SYNC_TIMEOUT = float(os.environ.get("KITOS_SYNC_TIMEOUT", "30"))
KITOS_SYNC_ALLOWED_NETWORKS = env_list("KITOS_SYNC_ALLOWED_NETWORKS")

# Fernet keys for the secrets kitos keeps encrypted (kitos.crypto), newest first; unset:
# derived from DJANGO_SECRET_KEY.
KITOS_ENCRYPTION_KEYS = env_list("KITOS_ENCRYPTION_KEYS")

# The folder on the server where FK Organisation exports are dropped for the scheduled
# re-sync (integrations.fk_org); a connector's address names a file in it. Empty: no
# file is read from the server, runs need an uploaded export.
FK_ORG_EXPORT_DIR = os.environ.get("FK_ORG_EXPORT_DIR", "")

CELERY_TASK_ROUTES = {
    "kitos.run_import": {"queue": "imports"},
    "imports.*": {"queue": "imports"},
    "contracts.refresh_deadlines": {"queue": "alerts"},
    "kitos.scan_alerts": {"queue": "alerts"},
    "kitos.send_alert_digest": {"queue": "alerts"},
    "alerts.send_due_advice": {"queue": "alerts"},
    "references.check_links": {"queue": "alerts"},
    # Connector runs read whole outside systems: beside the imports, not the web's tasks.
    "integrations.*": {"queue": "imports"},
    "roles.send_responsibility_notice": {"queue": "alerts"},
    "webhooks.*": {"queue": "default"},
}
CELERY_BEAT_SCHEDULE = {
    # Deadlines move with the calendar: refresh them first, then alert on them.
    "refresh-contract-deadlines": {
        "task": "contracts.refresh_deadlines",
        "schedule": crontab(hour=5, minute=30),
    },
    "scan-alerts": {
        "task": "kitos.scan_alerts",
        "schedule": crontab(hour=6, minute=0),
    },
    # Manual advice (alerts.advice): sent within five minutes of its time.
    "send-due-advice": {
        "task": "alerts.send_due_advice",
        "schedule": 300.0,
    },
    # External references (references app): every link checked once a week, at night.
    "check-reference-links": {
        "task": "references.check_links",
        "schedule": crontab(day_of_week="sun", hour=3, minute=0),
    },
    # Connectors (integrations app) on a schedule: hourly ones each hour, nightly ones
    # between 01:00 and 05:00; checked every 15 minutes.
    "run-scheduled-connectors": {
        "task": "integrations.run_scheduled",
        "schedule": 900.0,
    },
    # Import runs whose worker was killed are failed (and can be retried) within minutes.
    "reap-stale-imports": {
        "task": "imports.reap_stale_runs",
        "schedule": 120.0,
    },
    # Outgoing webhooks (webhooks app): retries and sends left behind by a lost task,
    # and the gap scan that tells of gaps opened and closed.
    "deliver-due-webhooks": {
        "task": "webhooks.deliver_due",
        "schedule": 60.0,
    },
    "scan-webhook-gaps": {
        "task": "webhooks.scan_gaps",
        "schedule": 900.0,
    },
    **HEADER_BEAT_SCHEDULE,  # noqa: F405 - the worker/beat heartbeat /readyz reads
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kitos.api.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["kitos.api.permissions.TokenScopePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "kitos.api.pagination.HybridPagination",
    # JSON bodies only, bounded in depth (a 1,000-deep body hit the recursion limit:
    # 500). Offering form and multipart too put three media types on every request body
    # in the schema, and generated clients then sent multipart ("None" for null). No
    # API endpoint takes files; the browsable API posts raw JSON.
    "DEFAULT_PARSER_CLASSES": ["kitos.api.parsers.BoundedJSONParser"],
    # DRF's JSON, byte for byte, written by orjson (kitos.api.renderers); the browsable
    # API stays for people.
    "DEFAULT_RENDERER_CLASSES": [
        "kitos.api.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Every error is a problem details object (RFC 9457), the schema's `Problem`.
    "EXCEPTION_HANDLER": "kitos.api.problems.exception_handler",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("KITOS_API_RATE", "20000/hour"),
        # The deletions feed and the schema are the expensive endpoints.
        "sync": os.environ.get("KITOS_API_SYNC_RATE", "2000/hour"),
        "schema": "300/hour",
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "kitos API",
    "DESCRIPTION": (
        "Kommunernes it-overblik: systems, contracts, data and roles of Danish "
        "municipalities. Authenticate with `Authorization: Bearer <key>` (create keys "
        "under *API-nøgler* in kitos). Every object is referenced by its UUID `id`; lists "
        "filter with `changed_since` and page with `page`/`page_size` (max 250) or, for "
        "sync clients, `cursor`. Deleted objects appear in `/api/v1/deletions/`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from static/vendor (npm swagger-ui-dist): no CDN.
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/static/vendor/swagger-ui/favicon-32x32.png",
    # One name per shared choice set (several fields use the same TextChoices).
    "ENUM_NAME_OVERRIDES": {
        "RoleTargetEnum": "roles.choices.RoleTarget",
        "OversightMethodEnum": "gdpr.choices.OversightMethod",
        "DataClassificationEnum": "portfolio.choices.DataClassification",
        "TrafficLightEnum": "governance.choices.TrafficLight",
        "CompetencyLevelEnum": "roles.choices.CompetencyLevel",
        "KleCoverageEnum": "landscape.consolidation.Coverage",
        # Ja / Nej / Ved ikke: one enum for the usage record's many such questions.
        "YesNoUnknownEnum": "portfolio.choices.YesNoUnknown",
    },
    # The schema is generated in English whatever the request's language: component
    # and enum names (enum names hash the choices' labels) and descriptions must not
    # change with Accept-Language, or generated clients change with them.
    "DEFAULT_GENERATOR_CLASS": "kitos.api.schema.EnglishSchemaGenerator",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kitos.api.schema.strip_partial_update_defaults",
        "kitos.api.schema.add_error_responses",
        "kitos.api.schema.add_examples",
    ],
    # The schema and its docs are public (no data in them): a developer can generate a
    # client before having a key.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Public base URL for links that leave the browser (e-mails, the calendar address). Set
# it in production; unset, pages show the address the user opened kitos at
# (alerts.my_deadlines.site_url) and only local settings fall back to the dev server.
KITOS_BASE_URL = os.environ.get("KITOS_BASE_URL", "")

# Excel import: hostile-file limits checked before any parsing (kitos/excel/safety.py).
KITOS_IMPORT_MAX_BYTES = int(os.environ.get("KITOS_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
KITOS_IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("KITOS_IMPORT_MAX_UNPACKED_BYTES", 500 * 1024 * 1024)
)
KITOS_IMPORT_MAX_SHARED_STRINGS_BYTES = int(
    os.environ.get("KITOS_IMPORT_MAX_SHARED_STRINGS_BYTES", 200 * 1024 * 1024)
)
KITOS_IMPORT_MAX_ROWS = int(os.environ.get("KITOS_IMPORT_MAX_ROWS", 200_000))
# A running import stamps a heartbeat this often; one silent for the stale limit had its
# worker die (kill -9, out of memory) and is failed so that it can be run again.
KITOS_IMPORT_HEARTBEAT_SECONDS = int(os.environ.get("KITOS_IMPORT_HEARTBEAT_SECONDS", 15))
KITOS_IMPORT_STALE_SECONDS = int(os.environ.get("KITOS_IMPORT_STALE_SECONDS", 300))
# A1 to a sheet's last used cell; the reader allocates that rectangle (~32 bytes a cell).
KITOS_IMPORT_MAX_CELLS = int(os.environ.get("KITOS_IMPORT_MAX_CELLS", 10_000_000))
