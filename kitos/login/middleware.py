"""Every session of a user with an authenticator is verified with a code, and (when
KITOS_REQUIRE_2FA_FOR_ADMINS is set) an administrator sets one up before anything else."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kitos.api.problems import problem_response

from . import two_factor


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware (which tells whether the session is verified)."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def open_paths(self) -> tuple[str, ...]:
        """What an unverified user may still reach: logging out, the login and code
        steps, the language switch and static files."""
        return (reverse("logout"), reverse("login"), reverse("set_language"), settings.STATIC_URL)

    @cached_property
    def enrolment_paths(self) -> tuple[str, ...]:
        """And, while an administrator has no authenticator yet, the two-factor pages."""
        return (*self.open_paths, reverse("two_factor"))

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(self.open_paths)
        ):
            if two_factor.has_device(user):
                return self._refuse(request, "login_code", "two_factor_required", _(
                    "Giv koden fra din godkendelses-app først."
                ))
            if two_factor.must_enrol(user, request.session) and not request.path.startswith(
                self.enrolment_paths
            ):
                return self._refuse(request, "two_factor_setup", "two_factor_setup_required", _(
                    "Administratorer skal slå to-faktor-login til først."
                ))
        return self.get_response(request)

    @staticmethod
    def _refuse(request, url_name: str, code: str, message: str):
        if request.path.startswith("/api/"):
            return problem_response(403, message, code=code)
        target = request.get_full_path() if request.method == "GET" else reverse("start")
        return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode({'next': target})}")
