"""Two-factor login with django-otp: an authenticator app (TOTP) and one-time backup
codes, the pending login between password and code, and who must enrol."""

from __future__ import annotations

import base64
import time

import segno
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core.cache import cache
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kitos.choices import MembershipRole

BACKUP_CODE_COUNT = 10
PENDING_SESSION_KEY = "kitos_2fa_pending"
# Sessions of a local password login (single sign-on backends are others).
LOCAL_BACKENDS = {"django.contrib.auth.backends.ModelBackend"}


# Whether a user has an authenticator is asked on every request of a session not
# verified with a code (TwoFactorMiddleware) - that is nearly every page of every user
# without two-factor login. The answer is kept in the shared cache (Redis in production,
# so every web process sees the same) and dropped whenever a device is saved or deleted
# (and again when that transaction commits, so a reader between the write and the commit
# cannot keep the old answer). The hour is only a safety net.
DEVICE_CACHE_SECONDS = 60 * 60


def _device_cache_key(user_id) -> str:
    return f"kitos:2fa-device:{user_id}"


def has_device(user) -> bool:
    """A confirmed authenticator (the backup codes come with it)."""
    if not user.is_authenticated:
        return False
    key = _device_cache_key(user.pk)
    try:
        cached = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must not lock anyone out: ask the database
        cached = None
    if cached is not None:
        return cached
    found = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    try:
        cache.set(key, found, DEVICE_CACHE_SECONDS)
    except Exception:  # noqa: BLE001, S110 - the answer is right; only not remembered
        pass
    return found


def remember_device_state(sender, user, **kwargs) -> None:
    """Receiver of user_logged_in (kitos.apps): the answer is in the cache before the
    first page after the login."""
    has_device(user)


def forget_device_state(sender, instance, **kwargs) -> None:
    """Receiver for TOTPDevice saves and deletes (kitos.apps): the next request asks the
    database again."""
    key = _device_cache_key(instance.user_id)

    def forget():
        try:
            cache.delete(key)
        except Exception:  # noqa: BLE001, S110 - the hour's expiry still applies
            pass

    forget()
    transaction.on_commit(forget)


def must_enrol(user, session) -> bool:
    """KITOS_REQUIRE_2FA_FOR_ADMINS: superusers and organisation administrators who
    logged in with a local password (single sign-on brings the IdP's own second factor)."""
    if not settings.KITOS_REQUIRE_2FA_FOR_ADMINS or not user.is_authenticated:
        return False
    if session.get(BACKEND_SESSION_KEY) not in LOCAL_BACKENDS:
        return False
    return user.is_superuser or user.memberships.filter(role=MembershipRole.ADMIN).exists()


def password_alone_suffices(user) -> bool:
    """Whether a password without a code may authenticate ``user`` (HTTP Basic on the
    token endpoint): not for a user with an authenticator, nor for an administrator who
    must have one. Otherwise the password alone could mint an API key and skip the
    second factor the login page asks for."""
    if has_device(user):
        return False
    if settings.KITOS_REQUIRE_2FA_FOR_ADMINS and (
        user.is_superuser or user.memberships.filter(role=MembershipRole.ADMIN).exists()
    ):
        return False
    return True


def pending_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (a fresh secret when there is none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG (no image request, no external service)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR")


@transaction.atomic
def confirm_device(*, user, device: TOTPDevice) -> list[str]:
    """Confirm the authenticator, drop any older ones, and issue fresh backup codes."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_backup_codes(user=user)


@transaction.atomic
def new_backup_codes(*, user) -> list[str]:
    """Replace the user's backup codes; the new ones are shown once."""
    static, _created = StaticDevice.objects.get_or_create(
        user=user, name="Backup", defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


@transaction.atomic
def remove_devices(*, user) -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()


def verify(user, code: str):
    """The device that accepts the code (authenticator first, then a backup code)."""
    code = "".join((code or "").split())
    if not code:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if device.verify_token(code):
                return device
    return None


def remember_pending(session, *, user, backend: str) -> None:
    """After the password: who is logging in, until the code is given (or it expires)."""
    session[PENDING_SESSION_KEY] = {"user": user.pk, "backend": backend, "at": time.time()}


def pending_login(session) -> dict | None:
    pending = session.get(PENDING_SESSION_KEY)
    if not pending or time.time() - pending["at"] > settings.KITOS_2FA_PENDING_SECONDS:
        session.pop(PENDING_SESSION_KEY, None)
        return None
    return pending


NEW_CODES_SESSION_KEY = "kitos_2fa_new_codes"


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
