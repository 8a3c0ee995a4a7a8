"""Project-level views: the home page and the health check."""

from __future__ import annotations

import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found
from django.views.generic import TemplateView

from roles.models import Organisation

from .tasks import ping

WORKER_PING_TIMEOUT = 5
logger = logging.getLogger(__name__)


class HomeView(LoginRequiredMixin, TemplateView):
    """The user's organisations, each with its headline numbers."""

    template_name = "kitos/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisations"] = Organisation.objects.visible_to(
            self.request.user
        ).with_counts()
        return context


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness for the orchestrator: 200 when the database answers.
    With ``?worker=1`` a Celery worker must also answer a ping within a few seconds
    (used by the worker's own health check in docker compose)."""
    report, status = {"status": "ok"}, 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        report["database"] = "ok"
    except Exception:  # noqa: BLE001 - any DB failure means "not ready"
        # The details (host, database) go to the log, not to anonymous callers.
        logger.exception("health check: database unavailable")
        report.update(status="error", database="unavailable")
        status = 503
    if request.GET.get("worker") == "1":
        try:
            answer = ping.apply_async(expires=10).get(timeout=WORKER_PING_TIMEOUT)
            report["worker"] = "ok" if answer == "pong" else "unexpected answer"
        except Exception:  # noqa: BLE001 - broker down, no worker, timeout
            logger.exception("health check: no worker answered")
            report.update(status="error", worker="unavailable")
            status = 503
    return JsonResponse(report, status=status)


def handler404(request, exception):
    """API clients get JSON, people get the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(_("Ikke fundet."))}, status=404)
    return page_not_found(request, exception)
