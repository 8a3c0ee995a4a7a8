"""The Celery application. Workers: `celery -A kitos worker`; beat: `celery -A kitos beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitos.settings.local")

app = Celery("kitos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
