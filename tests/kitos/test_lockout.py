"""Login lockout (django-axes) on the login page and HTTP Basic at /api/v1/tokens/, the
API's failure throttle, password reset limits, the client address, session settings."""

from __future__ import annotations

import base64
import datetime
import importlib
import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from kitos.api.tokens import api_token_create
from kitos.login.network import client_ip
from kitos.models import ApiToken, AuditAction, AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "test-password-123"
TOKENS = "/api/v1/tokens/"


@pytest.fixture
def user(db):
    return UserFactory(username="karin")


def _login(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def _basic(client, username, password, address="10.0.0.1"):
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
    return client.post(TOKENS, {"name": "BI"}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Basic {credentials}", REMOTE_ADDR=address)


def _cool_off_passes():
    """Time travel for the lockout: the recorded failures are older than the cool-off."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))


def test_limits_come_from_the_environment(settings):
    assert settings.AXES_FAILURE_LIMIT == 30
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_thirty_wrong_passwords_lock_the_login_for_the_cool_off(client, user):
    for _attempt in range(29):
        assert _login(client, "karin", "forkert").status_code == 200
    locked = _login(client, "karin", "forkert")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "For mange mislykkede forsøg" in page and "15 minutter" in page
    assert locked["Retry-After"] == "900"

    # Locked: even the right password is refused, and nobody is logged in.
    refused = _login(client, "karin", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session

    _cool_off_passes()
    assert _login(client, "karin", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_lock_holds_one_username_from_one_address(client, user):
    for _attempt in range(30):
        _login(client, "karin", "forkert")
    # Karin at her desk (another address) is not locked out by the attacker.
    assert _login(client, "karin", PASSWORD, address="10.0.0.2").status_code == 302


def test_a_successful_login_resets_the_count(client, user):
    for _attempt in range(29):
        _login(client, "karin", "forkert")
    assert _login(client, "karin", PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(29):
        assert _login(client, "karin", "forkert").status_code == 200


def test_the_lockout_is_audited_once_and_logged(client, user, caplog):
    caplog.set_level(logging.WARNING, logger="kitos.login")
    for _attempt in range(33):
        _login(client, "karin", "forkert")
    entries = AuditEntry.objects.filter(action=AuditAction.LOCKOUT)
    assert entries.count() == 1
    entry = entries.get()
    assert entry.content_type == ContentType.objects.get_for_model(get_user_model())
    assert entry.object_id == user.pk and entry.source == "ui"
    assert entry.changes["ip_address"] == [None, "10.0.0.1"]
    assert entry.changes["failures"] == [None, 30]
    assert any("locked out" in message and "karin" in message for message in caplog.messages)


def test_the_lockout_shows_in_the_admin_audit_log(client, user, superuser):
    for _attempt in range(30):
        _login(client, "karin", "forkert")
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("admin:kitos_auditentry_changelist"), {"action": "lockout"})
    assert page.status_code == 200
    assert "Log ind spærret" in page.content.decode() and "karin" in page.content.decode()


def test_unknown_usernames_lock_too_but_audit_nothing(client, db):
    for _attempt in range(30):
        response = _login(client, "findes-ikke", "forkert")
    assert response.status_code == 429
    assert not AuditEntry.objects.filter(action=AuditAction.LOCKOUT).exists()


def test_admin_login_is_the_portal_login(client):
    response = client.get("/admin/login/", {"next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/konto/log-ind/?next=%2Fadmin%2F"


def test_basic_auth_on_tokens_is_locked_out_like_the_login(client, user, settings):
    settings.KITOS_API_AUTH_FAILURE_RATE = "1000/h"  # the lockout alone, not the throttle
    for _attempt in range(29):
        assert _basic(client, "karin", "forkert").status_code == 401
    locked = _basic(client, "karin", "forkert")
    assert locked.status_code == 429
    assert "For mange mislykkede forsøg" in locked.json()["detail"]
    assert _basic(client, "karin", PASSWORD).status_code == 429  # no key minted
    assert not ApiToken.objects.filter(user=user).exists()

    _cool_off_passes()
    created = _basic(client, "karin", PASSWORD)
    assert created.status_code == 201 and created.json()["key"].startswith("kitos_")


def test_failed_api_authentications_are_throttled_per_address(client, user):
    _token, key = api_token_create(actor=user, name="BI")
    for _attempt in range(30):
        response = client.get(TOKENS, HTTP_AUTHORIZATION="Bearer kitos_gaet",
                              REMOTE_ADDR="10.0.0.9")
        assert response.status_code == 401
    throttled = client.get(TOKENS, HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR="10.0.0.9")
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    # Basic from that address is throttled too (whatever the username).
    assert _basic(client, "someone", "x", address="10.0.0.9").status_code == 429
    # Another address is not affected.
    assert client.get(TOKENS, HTTP_AUTHORIZATION=f"Bearer {key}",
                      REMOTE_ADDR="10.0.0.8").status_code == 200


def test_password_reset_is_limited_per_address_and_per_client(client, user, settings):
    for _attempt in range(5):
        assert client.post(reverse("password_reset"), {"email": user.email}).status_code == 302
    limited = client.post(reverse("password_reset"), {"email": user.email.upper()})
    assert limited.status_code == 429 and "For mange anmodninger" in limited.content.decode()
    assert len(mail.outbox) == 5
    # Unknown addresses are limited alike: the answer tells nothing about who exists.
    settings.KITOS_PASSWORD_RESET_IP_RATE = "7/h"
    assert client.post(reverse("password_reset"), {"email": "a@x.dk"}).status_code == 302
    assert client.post(reverse("password_reset"), {"email": "b@x.dk"}).status_code == 302
    assert client.post(reverse("password_reset"), {"email": "c@x.dk"}).status_code == 429


def test_forwarded_for_is_ignored_unless_proxies_are_trusted(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7"
    )
    assert client_ip(request) == "10.1.1.1"
    settings.KITOS_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "192.0.2.7"  # what our proxy saw, not what the client wrote
    settings.KITOS_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"


def test_session_lifetime_from_the_environment(monkeypatch):
    import kitos.settings.login as login_settings

    monkeypatch.setenv("KITOS_SESSION_IDLE_MINUTES", "30")
    monkeypatch.setenv("KITOS_SESSION_EXPIRE_AT_BROWSER_CLOSE", "1")
    reloaded = importlib.reload(login_settings)
    try:
        assert reloaded.SESSION_COOKIE_AGE == 1800
        assert reloaded.SESSION_SAVE_EVERY_REQUEST is True
        assert reloaded.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    finally:
        monkeypatch.delenv("KITOS_SESSION_IDLE_MINUTES")
        monkeypatch.delenv("KITOS_SESSION_EXPIRE_AT_BROWSER_CLOSE")
        importlib.reload(login_settings)
