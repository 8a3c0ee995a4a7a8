"""Login pages: the password step (lockout-aware), the code step, password reset with
rate limits, and the user's own two-factor pages."""

from __future__ import annotations

import hashlib

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import View
from django_otp import login as otp_login

from . import two_factor
from .forms import CodeForm
from .lockout import lockout_response, too_many_attempts_response
from .network import client_ip
from .throttles import PasswordResetAddressThrottle, PasswordResetClientThrottle

NEXT = "next"


def _safe_next(request) -> str:
    target = request.POST.get(NEXT) or request.GET.get(NEXT) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("start")


def _with_next(url_name: str, target: str) -> str:
    return f"{reverse(url_name)}?{urlencode({NEXT: target})}"


class LoginView(auth_views.LoginView):
    """Django's login page; a user with an authenticator is not logged in yet after the
    password, only remembered in the session until the code is given."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.has_device(user):
            return super().form_valid(form)
        two_factor.remember_pending(self.request.session, user=user, backend=user.backend)
        return HttpResponseRedirect(_with_next("login_code", self.get_success_url()))


def admin_login(request):
    """The admin has no login of its own: everybody logs in on the one page with the
    lockout and the code step (Django's admin login would skip the code)."""
    if request.user.is_authenticated and not request.user.is_staff:
        raise PermissionDenied
    target = request.GET.get(NEXT) or reverse("admin:index")
    return HttpResponseRedirect(_with_next("login", target))


class LoginCodeView(View):
    """The second step: the code from the authenticator app or a backup code. Wrong codes
    count towards the same lockout as wrong passwords. Also asked of a session whose
    user has set up an authenticator since it logged in (TwoFactorMiddleware)."""

    template_name = "registration/login_code.html"

    def _user(self, request):
        if request.user.is_authenticated:
            return request.user, None
        pending = two_factor.pending_login(request.session)
        if pending is None:
            return None, None
        user = get_user_model()._default_manager.filter(pk=pending["user"], is_active=True).first()
        return user, pending

    def _render(self, request, form, status=200):
        return render(request, self.template_name,
                      {"form": form, "next": _safe_next(request)}, status=status)

    def get(self, request):
        user, _pending = self._user(request)
        if user is None:
            return redirect("login")
        if request.user.is_authenticated and (
            request.user.is_verified() or not two_factor.has_device(user)
        ):
            return HttpResponseRedirect(_safe_next(request))
        return self._render(request, CodeForm())

    def post(self, request):
        user, pending = self._user(request)
        if user is None:
            messages.info(request, _("Log ind igen: der gik for lang tid, før koden kom."))
            return redirect("login")
        credentials = {"username": user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return lockout_response(request, credentials=credentials)
        form = CodeForm(request.POST)
        device = form.is_valid() and two_factor.verify(user, form.cleaned_data["otp_token"])
        if not device:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            form.add_error("otp_token", _("Koden passer ikke. Prøv igen med en ny kode."))
            return self._render(request, form, status=400)
        if pending is not None:
            request.session.pop(two_factor.PENDING_SESSION_KEY, None)
            auth_login(request, user, backend=pending["backend"])
        otp_login(request, device)
        return HttpResponseRedirect(_safe_next(request))


class PasswordResetView(auth_views.PasswordResetView):
    """Reset e-mails are rate limited per address asked for and per client, alike for
    known and unknown addresses (the answer never tells which)."""

    def form_valid(self, form):
        address = form.cleaned_data["email"].strip().lower()
        by_address = PasswordResetAddressThrottle()
        by_client = PasswordResetClientThrottle()
        address_key = hashlib.sha256(address.encode()).hexdigest()
        client_key = client_ip(self.request)
        blocked = [throttle for throttle, key in ((by_address, address_key),
                                                  (by_client, client_key))
                   if throttle.blocked(key)]
        if blocked:
            wait = max(throttle.wait_seconds() for throttle in blocked)
            minutes = max(1, -(-wait // 60))
            return too_many_attempts_response(
                self.request, minutes=minutes,
                message=_("For mange anmodninger om ny adgangskode. Prøv igen om "
                          "%(minutes)s minutter.") % {"minutes": minutes},
            )
        by_address.record(address_key)
        by_client.record(client_key)
        return super().form_valid(form)


class TwoFactorView(LoginRequiredMixin, View):
    """The user's two-factor page: status, set up, new backup codes, remove."""

    template_name = "registration/two_factor.html"

    def get(self, request):
        return render(request, self.template_name, {
            "has_device": two_factor.has_device(request.user),
            "required": two_factor.must_enrol(request.user, request.session),
            "backup_codes_left": two_factor.backup_codes_left(request.user),
        })


class TwoFactorSetupView(LoginRequiredMixin, View):
    """Scan the QR code (or type the secret), confirm with a code, then see the backup
    codes once."""

    template_name = "registration/two_factor_setup.html"

    def _render(self, request, form, status=200):
        device = two_factor.pending_device(request.user)
        return render(request, self.template_name, {
            "form": form,
            "qr_svg": two_factor.qr_svg(device),
            "secret": two_factor.secret_base32(device),
            "replacing": two_factor.has_device(request.user),
        }, status=status)

    def get(self, request):
        return self._render(request, CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        device = two_factor.pending_device(request.user)
        if not (form.is_valid() and device.verify_token(
            "".join(form.cleaned_data["otp_token"].split())
        )):
            form.add_error("otp_token", _("Koden passer ikke. Tjek uret på telefonen, og "
                                          "prøv med den næste kode."))
            return self._render(request, form, status=400)
        codes = two_factor.confirm_device(user=request.user, device=device)
        otp_login(request, device)
        request.session[two_factor.NEW_CODES_SESSION_KEY] = codes
        messages.success(request, _("To-faktor-login er slået til."))
        return redirect("two_factor_backup_codes")


class TwoFactorBackupCodesView(LoginRequiredMixin, View):
    """New backup codes are shown once, right after they are made."""

    template_name = "registration/two_factor_backup_codes.html"

    def get(self, request):
        codes = request.session.pop(two_factor.NEW_CODES_SESSION_KEY, None)
        if not codes:
            return redirect("two_factor")
        return render(request, self.template_name, {"codes": codes})

    def post(self, request):
        if not two_factor.has_device(request.user):
            return redirect("two_factor")
        request.session[two_factor.NEW_CODES_SESSION_KEY] = two_factor.new_backup_codes(
            user=request.user
        )
        return redirect("two_factor_backup_codes")


class TwoFactorDisableView(LoginRequiredMixin, View):
    """Remove the authenticator and backup codes (asks for a current code)."""

    def post(self, request):
        if two_factor.must_enrol(request.user, request.session):
            messages.error(request, _("Administratorer skal bruge to-faktor-login; det kan "
                                      "ikke slås fra."))
            return redirect("two_factor")
        form = CodeForm(request.POST)
        if not (form.is_valid() and two_factor.verify(request.user,
                                                      form.cleaned_data["otp_token"])):
            credentials = {"username": request.user.get_username()}
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            messages.error(request, _("Koden passer ikke. To-faktor-login er stadig slået til."))
            return redirect("two_factor")
        two_factor.remove_devices(user=request.user)
        messages.success(request, _("To-faktor-login er slået fra."))
        return redirect("two_factor")
