"""Password change and reset by e-mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_change_password(client, editor):
    client.force_login(editor)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": "test-password-123", "new_password1": "Kommune-IT-2027!",
         "new_password2": "Kommune-IT-2027!"},
    )
    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.check_password("Kommune-IT-2027!")


def test_change_password_needs_login(client):
    assert client.get(reverse("password_change")).status_code == 302


def test_reset_by_email_in_danish(client, editor):
    client.get(reverse("login"))
    assert "Glemt adgangskode?" in client.get(reverse("login")).content.decode()
    response = client.post(reverse("password_reset"), {"email": editor.email})
    assert response.status_code == 302
    message = mail.outbox[0]
    assert message.to == [editor.email] and "ny adgangskode" in message.subject
    link = re.search(r"http://testserver(/konto/ny-adgangskode/\S+)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(form.redirect_chain[-1][0], {
        "new_password1": "Kommune-IT-2027!", "new_password2": "Kommune-IT-2027!",
    })
    assert done.status_code == 302
    editor.refresh_from_db()
    assert editor.check_password("Kommune-IT-2027!")


def test_reset_for_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "ukendt@example.dk"})
    assert response.status_code == 302
    assert mail.outbox == []
