"""An API key's expiry lies ahead (issue #14, 8): keys "expiring" in the past or in the
year 9999 were accepted."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from kitos.api.tokens import MAX_TOKEN_LIFETIME, api_token_create
from kitos.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("delta", [datetime.timedelta(minutes=-1), datetime.timedelta(0)])
def test_service_refuses_an_expiry_not_ahead(editor, delta):
    with pytest.raises(ValidationError) as error:
        api_token_create(actor=editor, name="BI", expires_at=timezone.now() + delta)
    assert "fremtiden" in str(error.value.message_dict["expires_at"])
    assert not ApiToken.objects.exists()


def test_service_refuses_an_expiry_too_far_out(editor):
    with pytest.raises(ValidationError):
        api_token_create(actor=editor, name="BI",
                         expires_at=timezone.now() + MAX_TOKEN_LIFETIME + datetime.timedelta(1))


def test_service_accepts_a_year_or_none(editor):
    api_token_create(actor=editor, name="A", expires_at=timezone.now() + datetime.timedelta(365))
    api_token_create(actor=editor, name="B", expires_at=None)
    assert ApiToken.objects.count() == 2


@pytest.mark.parametrize("expires_at", ["2020-01-01T00:00:00Z", "9999-12-31T00:00:00Z"])
def test_api_answers_400_on_expires_at(editor, expires_at):
    client = APIClient()
    client.force_authenticate(editor)
    response = client.post("/api/v1/tokens/", {"name": "cli", "expires_at": expires_at},
                           format="json")
    assert response.status_code == 400, response.content
    assert "expires_at" in response.json()["errors"]
    assert not ApiToken.objects.exists()
