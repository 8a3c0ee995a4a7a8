"""Settings for the test suite. DATABASE_URL and REDIS_URL still come from the
environment so that CI runs the same suite against PostgreSQL and Redis."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "kitos-test-key"  # noqa: S105 - tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Hashing with PBKDF2 dominates a suite that logs in a lot; MD5 is fine for tests only.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "da"


def _redis_url_of_this_process(url: str) -> str:
    """Each pytest-xdist worker (make test -n) takes a Redis database of its own: 15, 14,
    ... counting down from the one REDIS_URL names. Two workers sharing a queue would run
    each other's tasks against the wrong test database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(database - int(worker[2:])) % 16}"))


REDIS_URL = _redis_url_of_this_process(REDIS_URL)  # noqa: F405 - from .base
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Each test starts with empty rate limits: a cache shared through Redis would carry one
# test's API calls into the next (tests of the shared cache start their own processes).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The suite decides per test whether a real worker is needed (tests marked `redis`);
# everything else runs tasks eagerly even when REDIS_URL is set.
CELERY_TASK_ALWAYS_EAGER = True
# Serve static files straight from the finders; there is no collectstatic here.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Client.login() authenticates without a request; the lockout lets it pass (kitos.login).
KITOS_LOGIN_ALLOW_REQUESTLESS = True
