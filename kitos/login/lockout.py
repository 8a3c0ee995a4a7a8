"""Lockout after repeated failed logins (django-axes): the backend that refuses first,
the 429 answer, and the audit entry when an account is locked."""

from __future__ import annotations

import logging

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import gettext as _

from kitos.api.problems import problem_response
from kitos.audit import record_change
from kitos.models import AuditAction

logger = logging.getLogger("kitos.login")


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, first of the backends: a locked username/address pair is
    refused before any backend looks at the password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None and settings.KITOS_LOGIN_ALLOW_REQUESTLESS:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def cool_off_minutes(request=None) -> int:
    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds() // 60) if cool_off else 0


def wants_json(request) -> bool:
    return request.path.startswith("/api/") or request.headers.get(
        "x-requested-with"
    ) == "XMLHttpRequest"


def too_many_attempts_response(request, *, message: str, minutes: int):
    """429 in the form the client reads: JSON for the API, else the Danish page."""
    if wants_json(request):
        response = problem_response(429, message, code="locked_out")
    else:
        response = render(
            request, "registration/locked_out.html",
            {"message": message, "minutes": minutes}, status=429,
        )
    if minutes:
        response["Retry-After"] = str(minutes * 60)
    return response


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the answer to a request axes flagged as locked out."""
    minutes = cool_off_minutes(request)
    message = _(
        "For mange mislykkede forsøg på at logge ind. Kontoen er spærret fra denne "
        "adresse i %(minutes)s minutter. Prøv igen senere, eller kontakt en "
        "administrator."
    ) % {"minutes": minutes}
    return too_many_attempts_response(request, message=message, minutes=minutes)


@receiver(user_locked_out, dispatch_uid="kitos_audit_lockout")
def audit_lockout(sender, request, username, ip_address, **kwargs):
    """Log every lockout; audit the moment an existing account becomes locked (axes
    signals again for each attempt made while locked, which only the log records)."""
    failures = getattr(request, "axes_failures_since_start", None)
    limit = get_failure_limit(request, getattr(request, "axes_credentials", None))
    logger.warning(
        "Login locked out: username=%r ip=%s path=%s failures=%s",
        username, ip_address, getattr(request, "path", ""), failures,
    )
    if failures != limit or not username:
        return
    user = get_user_model()._default_manager.filter(
        **{get_user_model().USERNAME_FIELD: username}
    ).first()
    if user is None:
        return
    record_change(
        actor=None,
        action=AuditAction.LOCKOUT,
        instance=user,
        changes={
            "ip_address": [None, ip_address],
            "failures": [None, failures],
            "cool_off_minutes": [None, cool_off_minutes(request)],
            "path": [None, getattr(request, "path", "")],
        },
    )
