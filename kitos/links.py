"""Links between pages. Every object's pages are found through its model's route
prefix (``object_url``), which every part of the portal uses — detail pages, lists, the
chain, gaps, search, roles. Dashboard numbers link to lists by route name with a query
string (``url_or_none``). A route that is not there gives no link instead of a server
error. This module imports no app, so domain modules may use it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse


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


# The route prefix of each model's pages: <prefix>_detail / _create / _update / _delete
# (and <prefix>_list, the lists' pages). Models are named by label so that this module
# imports no app.
ROUTE_PREFIXES = {
    "portfolio.SystemUsage": "usage",
    "portfolio.ItSystem": "system",
    "portfolio.Integration": "integration",
    "contracts.Contract": "contract",
    "portfolio.Supplier": "supplier",
    "contracts.CostLine": "costline",
    "roles.OrganisationUnit": "unit",
    "roles.Person": "person",
    "roles.RoleAssignment": "roleassignment",
    "gdpr.DataAsset": "dataasset",
    "gdpr.ProcessingActivity": "processingactivity",
    "gdpr.DataProcessingAgreement": "agreement",
}


def route_name(model, action: str) -> str | None:
    prefix = ROUTE_PREFIXES.get(model._meta.label)
    return f"{prefix}_{action}" if prefix else None


def object_url(obj, action: str = "detail") -> str | None:
    """The URL of an object's page (detail, update, delete), or None when it has none."""
    name = route_name(type(obj), action)
    if name is None or getattr(obj, "uuid", None) is None:
        return None
    try:
        return reverse(name, kwargs={"uuid": obj.uuid})
    except NoReverseMatch:
        return None


def model_url(model, action: str = "list") -> str | None:
    """The URL of a model's page without an object (its list, its create form)."""
    name = route_name(model, action)
    try:
        return reverse(name) if name else None
    except NoReverseMatch:
        return None
