"""Settings for a developer's machine: `make run`. Debug on, mail to the console."""

import os

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)  # noqa: F405
SECRET_KEY = SECRET_KEY or "kitos-local-development-key-not-for-production"  # noqa: F405
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Serve static files straight from the finders; there is no collectstatic here.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
