"""Helpers shared by test modules (alert fixtures, query counting)."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts.models import AlertDelivery, AlertRule

DAY = datetime.timedelta(days=1)


def alert_rule(organisation, kind="notice_deadline", days_before=30):
    return AlertRule.objects.get_or_create(
        organisation=organisation, kind=kind, days_before=days_before
    )[0]


def deliver(obj, count=1, *, rule=None, user=None, deadline=None, prefix="modtager", **extra):
    """`count` alert deliveries about `obj` to distinct recipients."""
    rule = rule or alert_rule(obj.organisation)
    return AlertDelivery.objects.bulk_create(
        AlertDelivery(
            organisation=obj.organisation,
            rule=rule,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            object_repr=str(obj),
            deadline=deadline or timezone.localdate() + 30 * DAY,
            email=f"{prefix}-{i}@demo.dk",
            user=user,
            **extra,
        )
        for i in range(count)
    )


def warm_process_caches() -> None:
    """What a running portal process has read once already: the shared option lists'
    names for the lists' filters (kitos.options.standard_choices, kept for a minute)."""
    from kitos import options

    options.standard_choices()


def count_queries(client, url) -> int:
    warm_process_caches()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)
