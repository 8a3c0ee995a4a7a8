"""seed_demo's principles and architecture reviews: ≥ 12 principles in the three areas,
one in a second version, ≥ 20 reviews of projects and system usages in both
organisations with every verdict, and a compliance matrix with figures."""

from __future__ import annotations

import pytest

from governance.models import ArchitectureReview, Principle
from governance.principle_matrix import compliance_matrix
from kitos.models import Organisation

pytestmark = pytest.mark.django_db


def test_demo_has_principles_and_reviews(demo):
    nabo = Organisation.objects.get(slug="nabo")
    principles = Principle.objects.filter(organisation=demo)
    assert principles.count() >= 12
    assert set(principles.values_list("area", flat=True)) == {"architecture", "data",
                                                              "contract"}
    second = principles.get(version=2)
    assert second.previous.title == second.title and not second.previous.active
    reviews = ArchitectureReview.objects.filter(
        organisation__in=[demo, nabo])
    assert reviews.count() >= 20
    assert set(reviews.values_list("verdict", flat=True)) == {
        "complies", "deviation_accepted", "not_compliant"}
    assert reviews.filter(project__isnull=False).exists()
    assert reviews.filter(usage__isnull=False).exists()
    assert ArchitectureReview.objects.filter(organisation=nabo).exists()
    assert not reviews.filter(verdict="deviation_accepted", reason="").exists()


def test_demo_matrix_has_figures(demo, superuser):
    matrix = compliance_matrix(superuser, Principle.objects.filter(organisation=demo))
    assert len(matrix.columns) > 2
    assert sum(cell.total for cell in matrix.totals) >= 20
