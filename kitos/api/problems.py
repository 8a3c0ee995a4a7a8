"""Every API error in one shape: problem details (RFC 9457), the schema's ``Problem``.

    {"type": "about:blank", "title": "Bad Request", "status": 400, "code": "invalid",
     "detail": "Et eller flere felter er ikke gyldige.",
     "errors": {"name": ["Dette felt er påkrævet."], "coverage.0.usage": ["…"]}}

``title`` is the HTTP status phrase (English, stable), ``detail`` the message for people
(in the request's language), ``code`` a stable machine-readable reason (DRF's error codes:
``invalid``, ``parse_error``, ``not_authenticated``, ``permission_denied``, ``not_found``,
``throttled``, ``precondition_failed``, …). ``errors`` only on validation errors: field
name to messages, nested fields as dotted paths, rules about several fields under
``non_field_errors``. The content type is ``application/problem+json``.

DRF's errors come through ``exception_handler`` (REST_FRAMEWORK EXCEPTION_HANDLER); the
middleware, the 404 handler and the lockout answer /api/ requests with
``problem_response``, so that one function builds every body.
"""

from __future__ import annotations

from http import HTTPStatus

from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.settings import api_settings

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_body(status: int, detail, *, code: str, errors: dict | None = None) -> dict:
    """The body of an error response (the schema's ``Problem``)."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "code": code,
        "detail": str(detail),
    }
    if errors is not None:
        body["errors"] = errors
    return body


def problem_response(status: int, detail, *, code: str, errors: dict | None = None,
                     headers: dict | None = None) -> JsonResponse:
    """A Django response with a problem body, for answers outside DRF's views."""
    return JsonResponse(
        problem_body(status, detail, code=code, errors=errors),
        status=status, content_type=PROBLEM_CONTENT_TYPE, headers=headers,
    )


def field_errors(detail) -> dict[str, list[str]]:
    """DRF's validation detail (dicts, lists, nested serializers) as a flat mapping of
    field path to messages: ``{"coverage.0.usage": ["…"]}``."""
    flat: dict[str, list[str]] = {}

    def walk(value, path: str) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, f"{path}.{key}" if path else str(key))
        elif isinstance(value, (list, tuple)):
            if all(not isinstance(item, (dict, list, tuple)) for item in value):
                if value:
                    flat.setdefault(path or api_settings.NON_FIELD_ERRORS_KEY, []).extend(
                        str(item) for item in value
                    )
                return
            for index, item in enumerate(value):
                if isinstance(item, (dict, list, tuple)):
                    walk(item, f"{path}.{index}" if path else str(index))
                else:
                    walk([item], path)
        else:
            flat.setdefault(path or api_settings.NON_FIELD_ERRORS_KEY, []).append(str(value))

    walk(detail, "")
    return flat


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    while isinstance(codes, (list, tuple)) and codes:
        codes = codes[0]
    if isinstance(codes, str) and not isinstance(exc, exceptions.ValidationError):
        return codes
    return exc.default_code


def exception_handler(exc, context):
    """DRF's handler (status, WWW-Authenticate, Retry-After), with a problem body."""
    # Imported here: rest_framework.views loads the authentication classes, which import
    # kitos.login, which imports this module for problem_response.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = field_errors(exc.detail)
        if set(errors) == {api_settings.NON_FIELD_ERRORS_KEY}:
            detail = " ".join(errors[api_settings.NON_FIELD_ERRORS_KEY])
        else:
            detail = _("Et eller flere felter er ikke gyldige.")
        code = "invalid"
    else:
        errors = None
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        if isinstance(exc, exceptions.APIException):
            code = _code_of(exc)
        elif response.status_code == 404:  # Django's Http404, converted by DRF's handler
            # Its message names the model in English ("No Contract matches …").
            code, detail = "not_found", exceptions.NotFound.default_detail
        else:  # Django's PermissionDenied
            code = "permission_denied"
        if not detail:
            detail = HTTPStatus(response.status_code).phrase
    response.data = problem_body(response.status_code, detail, code=code, errors=errors)
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    # The browsable API keeps its HTML page; JSON (and a failed negotiation, which falls
    # back to JSON) is labelled as problem details.
    if renderer is None or getattr(renderer, "format", "json") == "json":
        response.content_type = PROBLEM_CONTENT_TYPE
    return response
