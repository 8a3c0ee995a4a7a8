"""The list read path without model instances (kitos.api.fast) gives, for every
resource of the API router, the same bytes as the model path: plain pages, filtered,
ordered, `changed_since` and the sync cursor; its query count does not grow with the
rows. The orjson renderer writes what DRF's JSONRenderer writes."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from kitos.api.fast import FastListMixin, plan_for
from kitos.api.renderers import FastJSONRenderer
from kitos.api_urls import router

# The resources the national-scale lists are about (issue #19): they must not fall back.
MUST_BE_FAST = {"contracts", "usages"}


def _list_resources():
    return [
        (prefix, viewset) for prefix, viewset, _basename in router.registry
        if hasattr(viewset, "list")
    ]


RESOURCES = _list_resources()
IDS = [prefix for prefix, _viewset in RESOURCES]


def _both(client, settings, url):
    """The response of the fast path and of the model path."""
    settings.KITOS_API_FAST_LIST = True
    fast = client.get(url)
    settings.KITOS_API_FAST_LIST = False
    model = client.get(url)
    settings.KITOS_API_FAST_LIST = True
    return fast, model


def _assert_same(client, settings, url, status=200):
    fast, model = _both(client, settings, url)
    assert model.status_code in (status, 404), (url, model.content[:300])
    assert (fast.status_code, fast.content) == (model.status_code, model.content), url
    return json.loads(fast.content)


def _filter_queries(viewset, rows) -> list[str]:
    """A query per filter of the resource's FilterSet that takes a value of the first
    row as it is (text, choice, boolean, reference): the filter then matches rows."""
    filterset = getattr(viewset, "filterset_class", None)
    if filterset is None or not rows:
        return []
    first = rows[0]
    queries = []
    for name in filterset.base_filters:
        value = first.get(name)
        if isinstance(value, bool):
            queries.append(f"{name}={str(value).lower()}")
        elif isinstance(value, str) and value and len(value) < 60 and "&" not in value:
            queries.append(f"{name}={value}")
    return queries


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "viewset"), RESOURCES, ids=IDS)
def test_fast_and_model_lists_are_the_same(client, settings, prefix, viewset):
    base = f"/api/v1/{prefix}/"
    page = _assert_same(client, settings, base + "?page_size=250")
    assert prefix not in MUST_BE_FAST or page["results"]
    rows = page["results"] if isinstance(page, dict) else page
    for query in ["page_size=3&page=2", "ordering=-updated_at", "ordering=created_at",
                  "changed_since=2000-01-01T00:00:00Z", "cursor=&page_size=5",
                  *_filter_queries(viewset, rows)]:
        body = _assert_same(client, settings, f"{base}?{query}")
        if query.startswith("cursor") and isinstance(body, dict) and body.get("next"):
            _assert_same(client, settings, body["next"].replace("http://testserver", ""))


@pytest.mark.django_db
def test_the_big_lists_take_the_fast_path(client):
    fast = set()
    for prefix, viewset in RESOURCES:
        if not issubclass(viewset, FastListMixin):
            continue
        view = viewset(request=None, format_kwarg=None, action="list")
        serializer_class = viewset.serializer_class
        queryset = _list_queryset(view, client)
        if plan_for(serializer_class(), queryset) is not None:
            fast.add(prefix)
    assert MUST_BE_FAST <= fast, fast


def _list_queryset(view, client):
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    request = APIRequestFactory().get("/")
    request.user = get_user_model().objects.get(username="admin")
    view.request = Request(request)
    view.request.user = request.user
    return view.get_queryset()


FAST_RESOURCES = [
    (prefix, viewset) for prefix, viewset in RESOURCES if issubclass(viewset, FastListMixin)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "viewset"), FAST_RESOURCES,
                         ids=[prefix for prefix, _viewset in FAST_RESOURCES])
def test_list_queries_do_not_grow_with_the_rows(client, prefix, viewset):
    """One page query, the count and one per to-many field, however many rows. (Role
    assignments, on the model path, read their generic targets once per target type.)"""
    if prefix == "role-assignments":
        pytest.skip("generic targets: one query per target type, not per row")
    counts = []
    for size in (1, 250):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/{prefix}/?page_size={size}")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], (prefix, counts)


# -- the renderer ------------------------------------------------------------------------


@pytest.mark.parametrize("data", [
    {"a": 1, "b": [1, 2.5, None, True], "c": "æøå – \u2028 \u2029 \x00\x1f\"\\/"},
    ReturnDict({"id": uuid.UUID(int=7), "n": decimal.Decimal("12.50")}, serializer=None),
    ReturnList([{"when": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)}],
               serializer=None),
    {"day": datetime.date(2026, 1, 2), "time": datetime.time(8, 30),
     "span": datetime.timedelta(hours=1), "lazy": gettext_lazy("Navn")},
    {"aware": datetime.datetime(
        2026, 6, 1, 12, 0, 0, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    ), "set": {3}, "tuple": (1, "x"), 1: "int key"},
    [],
    "text",
])
def test_renderer_writes_what_drf_writes(data):
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_renderer_leaves_indented_output_to_drf():
    data = {"a": [1, 2]}
    context = {"indent": 4}
    assert FastJSONRenderer().render(data, None, context) == JSONRenderer().render(
        data, None, context
    )
    assert FastJSONRenderer().render(None) == b""


@pytest.mark.django_db
def test_the_browsable_api_shows_a_fast_list(client):
    response = client.get("/api/v1/contracts/?page_size=2", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    first = client.get("/api/v1/contracts/?page_size=2").json()["results"][0]
    assert first["id"] in response.content.decode()
