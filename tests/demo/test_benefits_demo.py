"""seed_demo's benefits: at least 60 over the demo projects, measured over time, some
realised, some behind and some overdue without a measurement."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from governance.models import Benefit, BenefitMeasurement
from kitos.models import Organisation

pytestmark = pytest.mark.django_db


def test_demo_has_benefits_realised_behind_and_overdue(demo):
    nabo = Organisation.objects.get(slug="nabo")
    benefits = Benefit.objects.filter(organisation__in=[demo, nabo]).with_realisation()
    assert benefits.count() >= 60
    assert Benefit.objects.filter(organisation=nabo).exists()
    assert BenefitMeasurement.objects.filter(organisation=demo).count() >= 100
    shares = [b.realised_share for b in benefits if b.realised_share is not None]
    assert any(share >= 1 for share in shares)
    assert any(share < 0.5 for share in shares)
    assert benefits.overdue_without_measurement(datetime.date.today()).exists()
    assert all(b.organisation_id == b.project.organisation_id for b in benefits)
    assert Benefit.objects.filter(organisation=demo, goals__isnull=False).exists()
    # A second run creates nothing new.
    before = (Benefit.objects.count(), BenefitMeasurement.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Benefit.objects.count(), BenefitMeasurement.objects.count()) == before
