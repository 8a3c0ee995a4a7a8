"""The demo's manual advice (demo/advice_data.py): believable, nothing mailed while
seeding, and a re-run adds nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from alerts.models import Advice
from demo.advice_data import seed_advice

pytestmark = pytest.mark.django_db


def test_the_demo_has_advice_on_its_contracts(demo):
    advice = list(Advice.objects.filter(organisation=demo).prefetch_related("to_roles"))
    assert {a.repetition for a in advice} == {"quarterly", "yearly", "immediate"}
    budget = next(a for a in advice if a.subject == "Husk budgetopfølgning med leverandøren")
    assert [r.code for r in budget.to_roles.all()] == ["kontraktejer"]
    assert budget.is_active and budget.next_send_at > timezone.now()
    immediate = next(a for a in advice if a.repetition == "immediate")
    assert not immediate.is_active and immediate.sent.count() == 1
    assert mail.outbox == []

    class Seeder:
        organisation = demo
        today = timezone.localdate()
        plan = type("Plan", (), {"domain": "demo.dk"})

    before = Advice.objects.count()
    seed_advice(Seeder())
    assert Advice.objects.count() == before
