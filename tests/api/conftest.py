"""The API tests on the seeded demo, which has an object of every kind."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient


@pytest.fixture(scope="module")
def client(demo, django_db_blocker):
    """An API client signed in as the demo's administrator, shared by a module's tests
    (the API is stateless per request, so sharing it changes nothing between them)."""
    with django_db_blocker.unblock():
        admin = get_user_model().objects.get(username="admin")
    api = APIClient()
    api.force_authenticate(admin)
    return api
