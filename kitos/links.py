"""Links between pages that may not all exist in every installation stage: the
dashboard, the gap overview, my page and the search link numbers to lists and objects
to detail pages by route name. A route that is not there gives no link (the number is
still shown) instead of a server error."""

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


def first_url(names: tuple[str, ...], *args) -> str | None:
    """The URL of the first of `names` that exists (e.g. an edit page, else the detail)."""
    for name in names:
        url = url_or_none(name, *args)
        if url is not None:
            return url
    return None
