"""Settings for the test suite. DATABASE_URL and REDIS_URL still come from the
environment so that CI runs the same suite against PostgreSQL and Redis."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "kitos-test-key"  # noqa: S105 - tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Hashing with PBKDF2 dominates a suite that logs in a lot; MD5 is fine for tests only.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "da"
# The suite decides per test whether a real worker is needed (tests marked `redis`);
# everything else runs tasks eagerly even when REDIS_URL is set.
CELERY_TASK_ALWAYS_EAGER = True
# Serve static files straight from the finders; there is no collectstatic here.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Client.login() authenticates without a request; the lockout lets it pass (kitos.login).
KITOS_LOGIN_ALLOW_REQUESTLESS = True
