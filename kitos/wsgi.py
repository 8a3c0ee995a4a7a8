"""WSGI entry point for gunicorn (`gunicorn kitos.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitos.settings.production")

application = get_wsgi_application()
