"""kitos: the core every app stands on (tenancy, audit, services, base views, API base,
Excel framework; it imports no app), and the project's wiring (settings, URLs, Celery
app, WSGI), which names the apps only as strings or through the registries."""

# Import the Celery app when Django starts so that @shared_task uses it.
from .celery import app as celery_app

__all__ = ("celery_app",)
