"""Project-level views: the home page and the health check."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from roles.models import Organisation


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
    """Liveness and readiness for the orchestrator: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any DB failure means "not ready"
        return JsonResponse({"status": "error", "database": str(error)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
