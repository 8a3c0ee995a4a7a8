"""Helpers for the detail pages and the create / edit / delete forms (kitos/detail.py),
used by the shared tests in tests/harness.py and by the apps' own detail and form tests."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from kitos.audit import build_entry, record_changes
from kitos.detail import object_url
from kitos.models import AuditEntry
from kitos.tenancy import SYSTEM
from tests.helpers import count_queries


def add_history(obj, count: int) -> None:
    """`count` audit entries on `obj`, with a field and a related-object change."""
    record_changes(
        [
            build_entry(
                actor=SYSTEM,
                action="update",
                instance=obj,
                changes={"organisation": [obj.owning_organisation_id, None], "name": [i, i + 1]},
            )
            for i in range(count)
        ]
    )


def tab_url(obj, slug: str) -> str:
    return f"{object_url(obj)}?tab={slug}"


def assert_constant_queries(client, spec, obj) -> None:
    """Every tab makes the same number of queries with 5 and with 50 related rows
    (`spec` has `tabs` and `add_rows`, e.g. a tests.harness.ModelCase)."""
    spec.add_rows(obj, 5)
    for slug in spec.tabs:  # warm caches (content types, sessions) before counting
        count_queries(client, tab_url(obj, slug))
    few = {slug: count_queries(client, tab_url(obj, slug)) for slug in spec.tabs}
    spec.add_rows(obj, 45)
    many = {slug: count_queries(client, tab_url(obj, slug)) for slug in spec.tabs}
    assert few == many, [(slug, few[slug], many[slug]) for slug in few if few[slug] != many[slug]]


def form_data(form) -> dict:
    """What a browser would post back for an unchanged form."""
    data = {}
    for bound in form:
        value = bound.value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(getattr(v, "pk", v)) for v in value]
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        else:
            data[bound.html_name] = str(getattr(value, "pk", value))
    return data


def audit_entries(obj, action: str):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, action=action
    )


def login_url() -> str:
    return reverse("login")
