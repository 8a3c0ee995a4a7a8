"""Browsing KLE (gdpr/kle_views.py): the national tree, and the activities and
systems of the user's own organisation linked to each node."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portfolio.kle import load_kle
from portfolio.models import KleNumber
from tests.factories import ItSystemFactory, ProcessingActivityFactory, UsageFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def kle(db):
    load_kle()
    return {k.number: k for k in KleNumber.objects.filter(number__startswith="15.00")}


def linked(org, kle, n, *, number="15.00.05"):
    activity = ProcessingActivityFactory(organisation=org, name=f"Beskæftigelse {n}")
    activity.kle_numbers.add(kle[number])
    system = ItSystemFactory(name=f"Jobsystem {n}")
    system.kle_numbers.add(kle[number])
    return activity, UsageFactory(organisation=org, system=system)


def detail(number):
    return reverse("kle_detail", args=[number])


class TestAccess:
    def test_anonymous_is_sent_to_login(self, client, kle):
        for url in (reverse("kle_list"), detail("15")):
            response = client.get(url)
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))

    def test_unknown_or_malformed_numbers_are_404(self, client, kle, reader):
        client.force_login(reader)
        for number in ("99.99.99", "15.0", "abc", "15.00.05.01"):
            assert client.get(detail(number)).status_code == 404

    def test_pages_are_read_only(self, client, kle, editor):
        client.force_login(editor)
        assert client.post(reverse("kle_list")).status_code == 405
        assert client.post(detail("15")).status_code == 405


class TestContent:
    def test_the_tree_shows_main_groups_and_groups_with_counts(self, client, kle, org, reader):
        linked(org, kle, 1)
        client.force_login(reader)
        html = client.get(reverse("kle_list")).content.decode()
        assert "Arbejdsmarked og beskæftigelsesindsats" in html
        assert "Uddannelse" in html  # main group 54, misspelt in KL's file
        assert detail("15.00") in html
        assert "1 behandlingsaktivitet" in html and "1 system" in html

    def test_a_topic_lists_the_organisations_activities_and_systems(
        self, client, kle, org, other_org, reader
    ):
        linked(org, kle, 1)
        foreign, _ = linked(other_org, kle, 2)
        client.force_login(reader)
        html = client.get(detail("15.00.05")).content.decode()
        assert "Beskæftigelse 1" in html and "Jobsystem 1" in html
        assert "Beskæftigelse 2" not in html
        # The group shows its subtree; the main group too.
        for number in ("15.00", "15"):
            assert "Beskæftigelse 1" in client.get(detail(number)).content.decode()
        # The shared catalog lists every visible system with the number.
        assert "Jobsystem 2" in html

    def test_the_outsider_sees_only_their_own(self, client, kle, org, outsider):
        linked(org, kle, 1)
        client.force_login(outsider)
        html = client.get(detail("15.00.05")).content.decode()
        assert "Beskæftigelse 1" not in html
        assert "1 behandlingsaktivitet" not in client.get(reverse("kle_list")).content.decode()

    def test_search_by_number_and_by_text(self, client, kle, reader):
        client.force_login(reader)
        html = client.get(reverse("kle_list"), {"q": "15.00.0"}).content.decode()
        assert "15.00.05" in html and "16.00.00" not in html
        html = client.get(reverse("kle_list"), {"q": "jobcenter"}).content.decode()
        assert "Jobcenterets opbygning" in html
        assert client.get(reverse("kle_list"), {"q": "x" * 500}).status_code == 200


class TestQueries:
    def test_query_count_does_not_grow_with_linked_objects(self, client, kle, org, reader):
        client.force_login(reader)
        for n in range(5):
            linked(org, kle, n)
        urls = (reverse("kle_list"), detail("15"), detail("15.00.05"),
                reverse("kle_list") + "?q=15.00")
        small = [count_queries(client, url) for url in urls]
        for n in range(5, 50):
            linked(org, kle, n, number="15.00.10")
        assert [count_queries(client, url) for url in urls] == small
