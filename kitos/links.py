"""Links between pages. Every object's pages are found by the route-name convention
(``route_name``: ``<model_name>_<action>``), which every part of the portal uses —
detail pages, lists, the chain, gaps, search, roles. Dashboard numbers link to lists by
route name with a query string (``url_or_none``). A route that is not there gives no
link instead of a server error. This module imports no app, so domain modules may use it."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, get_resolver, reverse

# Where `make run` serves: the address of links in mails sent on a developer's machine,
# where neither KITOS_BASE_URL nor a request says better. Production requires the setting.
LOCAL_BASE_URL = "http://127.0.0.1:8000"


def url_or_none(name: str, *args, query: dict | None = None) -> str | None:
    """The URL of route `name` (with positional `args`) plus a query string built from
    `query` (lists become repeated parameters, None values are left out)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    if query:
        pairs = []
        for key, value in query.items():
            values = value if isinstance(value, list | tuple) else [value]
            pairs.extend((key, str(v)) for v in values if v is not None and v != "")
        if pairs:
            url = f"{url}?{urlencode(pairs)}"
    return url


def route_name(model, action: str) -> str:
    """The route of `model`'s page for `action` (list, detail, create, update, delete),
    by convention ``<model_name>_<action>`` (NetBox's ``get_viewname`` without app
    namespaces: model names are unique across the apps, tests/test_architecture.py)."""
    return f"{model._meta.model_name}_{action}"


def has_route(model, action: str) -> bool:
    """Whether `model` has a page for `action` (not every model has pages)."""
    return route_name(model, action) in get_resolver().reverse_dict


def object_url(obj, action: str = "detail") -> str | None:
    """The URL of an object's page (detail, update, delete), or None when it has none."""
    if getattr(obj, "uuid", None) is None:
        return None
    try:
        return reverse(route_name(type(obj), action), kwargs={"uuid": obj.uuid})
    except NoReverseMatch:
        return None


def model_url(model, action: str = "list") -> str | None:
    """The URL of a model's page without an object (its list, its create form)."""
    try:
        return reverse(route_name(model, action))
    except NoReverseMatch:
        return None


def site_url(path: str, *, request=None) -> str:
    """An absolute link to a portal path, for reading outside the page (mails, calendar
    feeds): KITOS_BASE_URL when it is set; otherwise the address the user opened kitos at
    (`request`); with neither, the local development address."""
    if settings.KITOS_BASE_URL:
        return settings.KITOS_BASE_URL.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return LOCAL_BASE_URL + path


def parse_uuids(values) -> tuple[list[str], int]:
    """The well-formed public ids among `values` (from a link or a form; deduplicated,
    as strings) and how many were not ids."""
    valid, bad = [], 0
    for value in values:
        try:
            valid.append(str(uuid.UUID(value)))
        except (ValueError, AttributeError):
            bad += 1
    return list(dict.fromkeys(valid)), bad
