"""Request hygiene shared by every page and the API."""

from __future__ import annotations

from django.db import OperationalError
from django.http import HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from kitos.api.problems import problem_response

NUL = "\x00"


class RejectNulCharactersMiddleware:
    """Refuses a request whose query string or urlencoded form holds a NUL character.

    PostgreSQL cannot compare or store NUL in text, so such a value would reach the
    database as an error (a 500) from any search box or filter. Django's form fields
    already refuse NUL, but free-text parameters read straight from ``request.GET`` do
    not, so the check is made once here. Multipart bodies are left alone: reading them
    here would parse uploads before a view can choose its upload handlers (the import
    limits the upload size that way), and their fields go through forms.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            message = _("Forespørgslen indeholder et ugyldigt tegn (NUL).")
            if request.path.startswith("/api/"):
                # API clients get the error shape the schema documents (Problem).
                return problem_response(400, message, code="invalid_character")
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if NUL in request.path:
            return True
        if any(NUL in key or any(NUL in value for value in values)
               for key, values in request.GET.lists()):
            return True
        if request.method == "POST" and request.content_type == (
            "application/x-www-form-urlencoded"
        ):
            return any(NUL in key or any(NUL in value for value in values)
                       for key, values in request.POST.lists())
        return False


class QueryTimeoutMiddleware:
    """A query cancelled by the request statement timeout (``kitos.db``) answers 503
    with a message the user can act on, instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_query_timeout(exception):
            return None
        message = _(
            "Forespørgslen tog for lang tid og blev afbrudt. Gør søgningen eller "
            "filtreringen mere præcis, og prøv igen."
        )
        if request.path.startswith("/api/"):
            response = problem_response(503, message, code="query_timeout")
        else:
            response = TemplateResponse(
                request, "503.html", {"message": message}, status=503
            )
        response["Retry-After"] = "30"
        return response


def is_query_timeout(exception: BaseException) -> bool:
    """PostgreSQL's "canceling statement due to statement timeout" (SQLSTATE 57014)."""
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    return getattr(cause, "pgcode", None) == "57014"
