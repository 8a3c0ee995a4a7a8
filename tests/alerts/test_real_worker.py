"""A decision stops the remaining alerts of its deadline, with the beat task going through
Redis to a real Celery worker (CI provides both; skipped without REDIS_URL)."""

from __future__ import annotations

import datetime

import pytest
from celery.result import AsyncResult, EagerResult
from django.core import mail
from django.db import connection

from alerts.models import AlertDelivery
from alerts.tasks import scan_alerts
from contracts.choices import DecisionKind
from contracts.services import deadline_decision_record
from tests.alerts.test_alerts import notice_contract, owner
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.kitos.test_celery import _wait_for, real_worker  # noqa: F401 - the fixture

pytestmark = pytest.mark.redis

D0 = datetime.date(2026, 11, 21)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("real_worker")
def test_decision_stops_the_remaining_alerts_on_a_real_worker():
    if connection.vendor != "postgresql":
        pytest.skip("the worker thread needs a database it can share (PostgreSQL)")
    org = OrganisationFactory()
    editor = MembershipFactory(organisation=org, role="editor", user=UserFactory()).user
    deadline = D0 + datetime.timedelta(days=100)
    contract = notice_contract(org, deadline)
    owner(contract)

    first = scan_alerts.delay(D0.isoformat())
    assert isinstance(first, AsyncResult) and not isinstance(first, EagerResult)
    assert first.get(timeout=30)["recorded"] == 1  # catch-up: the 180-day alert alone
    _wait_for(lambda: len(mail.outbox) == 1)

    deadline_decision_record(actor=editor, contract=contract, kind=DecisionKind.RENEW)
    # The 90- and 30-day thresholds, the escalation day and the deadline itself pass.
    for days_before in (90, 45, 30, 29, 1, 0):
        day = deadline - datetime.timedelta(days=days_before)
        summary = scan_alerts.delay(day.isoformat()).get(timeout=30)
        assert summary["recorded"] == 0, (day, summary)
    assert AlertDelivery.objects.filter(object_id=contract.pk).count() == 1
    assert len(mail.outbox) == 1
