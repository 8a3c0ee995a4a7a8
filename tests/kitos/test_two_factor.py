"""Two-factor login (django-otp): enrolment from the account pages, the code step after
the password, backup codes, wrong codes counting towards the lockout, and administrators
made to enrol when KITOS_REQUIRE_2FA_FOR_ADMINS is set."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kitos.login import two_factor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "test-password-123"
LOCAL = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(autouse=True)
def _no_device_backoff(settings):
    """django-otp also slows a device down after a wrong code; these tests try the
    right code straight after a wrong one."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def enrolled(db):
    user = UserFactory(username="bodil")
    device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)
    codes = two_factor.new_backup_codes(user=user)
    return user, device, codes


def _password(client, username="bodil", next_url="/"):
    return client.post(reverse("login"),
                       {"username": username, "password": PASSWORD, "next": next_url})


def test_enrol_shows_qr_and_secret_then_backup_codes_once(client, editor):
    client.force_login(editor, backend=LOCAL)
    assert "To-faktor-login" in client.get(reverse("two_factor")).content.decode()
    page = client.get(reverse("two_factor_setup"))
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert two_factor.secret_base32(device) in html

    assert client.post(reverse("two_factor_setup"), {"otp_token": "000000"}).status_code == 400
    done = client.post(reverse("two_factor_setup"), {"otp_token": _code(device)})
    assert done["Location"] == reverse("two_factor_backup_codes")
    device.refresh_from_db()
    assert device.confirmed
    codes_page = client.get(reverse("two_factor_backup_codes"))
    assert len(codes_page.context["codes"]) == two_factor.BACKUP_CODE_COUNT
    assert codes_page.context["codes"][0] in codes_page.content.decode()
    # Shown once.
    assert client.get(reverse("two_factor_backup_codes"))["Location"] == reverse("two_factor")
    # The enrolling session counts as verified: no code asked for now.
    assert client.get(reverse("api_token_list")).status_code == 200


def test_login_asks_for_the_code_after_the_password(client, enrolled):
    user, device, _codes = enrolled
    response = _password(client, next_url="/konto/api-noegler/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login_code"))
    # Not logged in yet: the password alone opens nothing.
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("api_token_list")).status_code == 302

    wrong = client.post(reverse("login_code"),
                        {"otp_token": "123456", "next": "/konto/api-noegler/"})
    assert wrong.status_code == 400 and "Koden passer ikke" in wrong.content.decode()
    right = client.post(reverse("login_code"),
                        {"otp_token": _code(device), "next": "/konto/api-noegler/"})
    assert right["Location"] == "/konto/api-noegler/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("api_token_list")).status_code == 200


def test_a_backup_code_works_once(client, enrolled):
    _user, _device, codes = enrolled
    _password(client)
    assert client.post(reverse("login_code"), {"otp_token": codes[0]}).status_code == 302
    client.logout()
    _password(client)
    assert client.post(reverse("login_code"), {"otp_token": codes[0]}).status_code == 400


def test_users_without_a_device_log_in_with_the_password_alone(client, editor):
    response = _password(client, username="editor")
    assert response["Location"] == "/"
    assert "_auth_user_id" in client.session


def test_wrong_codes_count_towards_the_lockout(client, enrolled):
    _user, device, _codes = enrolled
    _password(client)
    for _attempt in range(29):
        assert client.post(reverse("login_code"), {"otp_token": "111111"}).status_code == 400
    assert client.post(reverse("login_code"), {"otp_token": "111111"}).status_code == 429
    # Locked: neither the right code nor the password gets in.
    assert client.post(reverse("login_code"), {"otp_token": _code(device)}).status_code == 429
    assert _password(client).status_code == 429


def test_a_session_without_the_code_is_sent_to_the_code_step(client, enrolled):
    """A session that did not give a code (one from before enrolment) is asked for it,
    on the portal, the admin and the session-authenticated API alike."""
    user, device, _codes = enrolled
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user, backend=LOCAL)
    for url in ("/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login_code")), url
    assert client.get("/api/v1/tokens/").status_code == 403
    client.post(reverse("login_code"), {"otp_token": _code(device)})
    assert client.get("/admin/").status_code == 200


def test_admins_must_enrol_when_required(client, admin_user, reader, superuser, settings):
    settings.KITOS_REQUIRE_2FA_FOR_ADMINS = True
    for user in (admin_user, superuser):
        client.force_login(user, backend=LOCAL)
        response = client.get("/")
        assert response.status_code == 302, user
        assert response["Location"].startswith(reverse("two_factor_setup"))
        # Enrolment, logout and static files stay open.
        assert client.get(reverse("two_factor_setup")).status_code == 200
        assert client.get(reverse("api_token_list")).status_code == 302
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        client.post(reverse("two_factor_setup"), {"otp_token": _code(device)})
        assert client.get(reverse("api_token_list")).status_code == 200
        client.logout()
    # Readers are not made to enrol.
    client.force_login(reader, backend=LOCAL)
    assert client.get(reverse("api_token_list")).status_code == 200


def test_admins_are_not_made_to_enrol_by_default(client, admin_user):
    client.force_login(admin_user, backend=LOCAL)
    assert client.get(reverse("api_token_list")).status_code == 200


def test_disabling_asks_for_a_code(client, enrolled):
    user, device, _codes = enrolled
    _password(client)
    client.post(reverse("login_code"), {"otp_token": _code(device)})
    client.post(reverse("two_factor_disable"), {"otp_token": "000000"})
    assert two_factor.has_device(user)
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    client.post(reverse("two_factor_disable"), {"otp_token": _code(device)})
    assert not two_factor.has_device(user)


def _basic_token_request(username: str):
    import base64

    from rest_framework.test import APIClient

    client = APIClient()
    credentials = base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {credentials}")
    return client.post("/api/v1/tokens/", {"name": "cli", "scope": "read_write"}, format="json")


def test_the_password_alone_cannot_mint_an_api_key_for_an_enrolled_user(enrolled):
    """HTTP Basic on /api/v1/tokens/ would otherwise skip the second factor."""
    from kitos.models import ApiToken

    response = _basic_token_request("bodil")
    assert response.status_code == 403
    assert "to-faktor" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_nor_for_an_admin_who_must_enrol(admin_user, settings):
    from kitos.models import ApiToken

    admin_user.set_password(PASSWORD)
    admin_user.save()
    settings.KITOS_REQUIRE_2FA_FOR_ADMINS = True
    assert _basic_token_request(admin_user.username).status_code == 403
    settings.KITOS_REQUIRE_2FA_FOR_ADMINS = False
    assert _basic_token_request(admin_user.username).status_code == 201
    assert ApiToken.objects.count() == 1


def test_a_session_from_before_enrolment_is_sent_to_the_code_step_once_enrolled(
    client, editor
):
    """Whether a user has an authenticator is cached (no query on every page of every
    user without two-factor login), and enrolling in another session - or the admin
    adding a device - is seen on this session's very next page."""
    client.force_login(editor, backend=LOCAL)
    assert client.get("/konto/adgangskode/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/konto/adgangskode/").status_code == 200
    assert not [q for q in queries.captured_queries if "otp_totp" in q["sql"]]

    device = TOTPDevice.objects.create(user=editor, name="Authenticator", confirmed=False)
    # An unconfirmed device asks for nothing yet.
    assert client.get("/konto/adgangskode/").status_code == 200
    device.confirmed = True
    device.save()
    response = client.get("/konto/adgangskode/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login_code"))
    device.delete()
    assert client.get("/konto/adgangskode/").status_code == 200
