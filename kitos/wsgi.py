"""WSGI entry point for gunicorn (`gunicorn kitos.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitos.settings.production")

application = get_wsgi_application()

# Requests get a statement timeout; the worker and manage.py do not (kitos/db.py).
from kitos.db import limit_request_statements  # noqa: E402 - needs the settings loaded

limit_request_statements()
