"""KLE coverage (landscape/consolidation.py): which tasks have no system in use, one or
several; each number agrees with the list it links to; scoped to the organisation;
constant queries."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio.filtersets import SystemUsageFilterSet
from portfolio.models import SystemUsage
from tests.factories import ItSystemFactory, ProcessingActivityFactory, UsageFactory
from tests.governance.request_cases import kle
from tests.landscape.test_consolidation import _filter_count

pytestmark = pytest.mark.django_db

URL = "/landskab/kle-daekning/"


def serve(org, name, *numbers, lifecycle="operational"):
    system = ItSystemFactory(name=name)
    system.kle_numbers.add(*[kle(number) for number in numbers])
    return UsageFactory(organisation=org, system=system, lifecycle=lifecycle)


@pytest.fixture
def world(org, other_org):
    for number in ("27.12.04", "27.12.05", "27.24.00", "00.05.10"):
        kle(number)
    serve(org, "Omsorg", "27.12")  # a group covers its topics
    serve(org, "Hjemmepleje", "27.12.04")
    serve(org, "Gammel", "27.24.00", lifecycle="retired")  # not in use
    serve(other_org, "Naboens", "27.24.00")
    activity = ProcessingActivityFactory(organisation=org)
    activity.kle_numbers.add(kle("27.12.04"), kle("00.05.10"))
    ProcessingActivityFactory(organisation=other_org).kle_numbers.add(kle("27.24.00"))


def test_the_tasks_of_the_processing_activities_by_default(client, world, editor):
    client.force_login(editor)
    coverage = client.get(URL).context["coverage"]
    assert coverage.main_group is None
    assert [(t.kle.number, t.status, t.usage_count) for t in coverage.tasks] == [
        ("00.05.10", "none", 0), ("27.12.04", "several", 2)]


def test_a_main_group_shows_its_topics(client, world, editor):
    client.force_login(editor)
    coverage = client.get(URL, {"main_group": "27"}).context["coverage"]
    assert [(t.kle.number, t.status) for t in coverage.tasks] == [
        ("27.12.04", "several"), ("27.12.05", "one"), ("27.24.00", "none")]
    assert [(b.status, b.count) for b in coverage.buckets] == [
        ("none", 1), ("one", 1), ("several", 1)]
    assert client.get(URL, {"main_group": "99"}).status_code == 404
    assert client.get(URL, {"main_group": "27.12"}).status_code == 404


def test_every_number_agrees_with_the_list_it_links_to(client, world, editor):
    client.force_login(editor)
    coverage = client.get(URL, {"main_group": "27"}).context["coverage"]
    for task in coverage.tasks:
        assert _filter_count(task.usage_url, SystemUsageFilterSet, SystemUsage,
                             editor) == task.usage_count
        assert client.get(task.kle_url).status_code == 200
    for bar in coverage.chart:
        shown = client.get(bar.url).context["coverage"].shown
        assert len(shown) == bar.value
        assert {task.status for task in shown} <= {bar_status(coverage, bar)}
    task = coverage.tasks[0]
    response = client.get(task.usage_url)
    assert response.context["paginator"].count == task.usage_count == 2


def bar_status(coverage, bar):
    return coverage.buckets[bar.index].status


def test_another_organisations_usages_never_count(client, world, outsider, editor):
    client.force_login(outsider)
    coverage = client.get(URL, {"main_group": "27"}).context["coverage"]
    assert {t.kle.number: t.usage_count for t in coverage.tasks}["27.24.00"] == 1
    assert "Omsorg" not in client.get(URL, {"main_group": "27"}).content.decode()
    # The default tasks are the user's own organisation's.
    assert [t.kle.number for t in client.get(URL).context["coverage"].tasks] == ["27.24.00"]


def test_excel_export(client, world, editor):
    client.force_login(editor)
    response = client.get(URL, {"main_group": "27", "status": "several", "format": "xlsx"})
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(
        values_only=True))
    assert rows[1][:4] == ("27.12.04", "Emne 27.12.04", "Flere systemer", 2)
    assert len(rows) == 2


def test_query_count_is_constant_in_the_rows(client, org, editor):
    kle("27.12.05")

    def add(count):
        for _ in range(count):
            serve(org, f"System {SystemUsage.objects.count()}", "27.12.04", "27.12.05")

    add(2)
    client.force_login(editor)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"main_group": "27"})
    add(15)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"main_group": "27"})
    assert response.context["coverage"].tasks[0].usage_count == 17
    assert len(many) == len(few)
