"""Fixtures of the kitos app's tests."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction

from kitos.models import Organisation


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo organisation (seed_demo). Seeding takes a while: once per test module,
    rolled back at the end of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        yield Organisation.objects.get(slug="demo")
        transaction.set_rollback(True)
