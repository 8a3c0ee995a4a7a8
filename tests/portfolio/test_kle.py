"""KLE taxonomy and KL's standard activities from KL's list."""

from __future__ import annotations

import pytest

from portfolio.kle import load_kle, parse_kle_label, read_kl_list
from portfolio.models import KleNumber


@pytest.mark.parametrize(
    "label, expected",
    [
        ("15. Arbejdsmarked", ("15", "Arbejdsmarked")),
        ("15. 00. Organisering af indsatsen", ("15.00", "Organisering af indsatsen")),
        ("15.00.05. Regionale råd, m.m.", ("15.00.05", "Regionale råd, m.m.")),
        ("", None),
    ],
)
def test_parse_kle_label(label, expected):
    assert parse_kle_label(label) == expected


def test_read_kl_list_has_activities_with_kle_numbers():
    nodes, activities = read_kl_list()
    assert len(activities) >= 90
    first = activities[0]
    assert first.number == "01"
    assert "15.00.05" in first.kle_numbers
    assert nodes["15"] == "Arbejdsmarked og beskæftigelsesindsats"


@pytest.mark.django_db
def test_load_kle_builds_the_tree_once():
    created = load_kle()
    assert created > 1000
    topic = KleNumber.objects.get(number="15.00.05")
    assert topic.parent.number == "15.00"
    assert topic.parent.parent.number == "15"
    assert topic.level == 3
    assert load_kle() == 0
