"""Acceptance on a fresh demo: seeding ends with the alert scan, whose catch-up files at
most one alert per object × deadline × recipient."""

from __future__ import annotations

from collections import Counter

import pytest

from alerts import services as alerts
from alerts.models import AlertDelivery

pytestmark = pytest.mark.django_db


def test_first_scan_files_at_most_one_alert_per_object_deadline_recipient(demo):
    groups = Counter(
        AlertDelivery.objects.values_list("content_type_id", "object_id", "deadline", "email")
    )
    assert len(groups) > 20, "the demo should be lived in: alerts after seeding"
    assert max(groups.values()) == 1
    # The scan already ran today: running it again records nothing.
    today = AlertDelivery.objects.latest("created_at").created_at.date()
    assert alerts.scan(today=today).recorded == 0
