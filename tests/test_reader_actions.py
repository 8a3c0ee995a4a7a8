"""Readers see no action they cannot take: a reader opens every page of the portal, and
no link on it ends in 403 and no form on it posts to something a reader may not do.
Nothing the portal offers a reader leads to /admin/ either."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import Resolver404, resolve

from tests.factories import PersonFactory
from tests.test_portal_crawl import POST_ONLY, build_world, portal_routes, urls_for

pytestmark = pytest.mark.django_db

class Actions(HTMLParser):
    """The links and the POST forms of a page."""

    def __init__(self):
        super().__init__()
        self.links: set[str] = set()
        self.posts: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.add(attrs["href"])
        for attribute in ("hx-get", "hx-post"):
            if attrs.get(attribute):
                (self.posts if attribute == "hx-post" else self.links).add(attrs[attribute])
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.posts.add(attrs.get("action") or "")


def portal_path(href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(("/static/", "/api/", "/media/")):
        return None
    return href


# Query parameters whose value picks another part of a page (a tab, an export format).
CHOOSING_PARAMETERS = ("tab", "format")


def link_kind(href: str) -> tuple:
    """Links to one path with the same query parameters are one kind: whether a reader
    may follow them is the view's decision (the path, a tab, an export) and not the
    values of filters, sorting or paging. Following one link of each kind keeps the
    crawl short."""
    parts = urlsplit(href)
    query = parse_qs(parts.query, keep_blank_values=True)
    return parts.path, frozenset(
        (name, tuple(values) if name in CHOOSING_PARAMETERS else ())
        for name, values in query.items()
    )


def test_a_reader_is_offered_only_what_a_reader_can_do(client, org, reader, editor):
    world = build_world(org, editor)
    PersonFactory(organisation=org, user=reader)
    client.force_login(reader)
    pages, offered_links, offered_posts = [], {}, {}
    for name, params in portal_routes():
        if name in POST_ONLY:
            continue
        for url in urls_for(world, name, params):
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            pages.append(url)
            parser = Actions()
            parser.feed(response.content.decode())
            for href in filter(None, map(portal_path, parser.links)):
                offered_links.setdefault(link_kind(href), (href, url))
            for action in parser.posts:
                offered_posts.setdefault(urlsplit(action).path or url, url)
    assert len(pages) > 40
    problems = []
    for href, page in sorted(offered_links.values()):
        if urlsplit(href).path.startswith("/admin/"):
            problems.append(("link to admin", href, "on", page))
            continue
        status = client.get(href).status_code
        if status == 403:
            problems.append(("403", href, "on", page))
    for action, page in sorted(offered_posts.items()):
        try:
            name = resolve(action).url_name
        except Resolver404:
            problems.append(("form to nowhere", action, "on", page))
            continue
        if name == "logout":
            continue
        # An empty submit is enough: a form a reader may not use answers 403 before it
        # looks at the data.
        status = client.post(action, {}).status_code
        if status == 403:
            problems.append(("form a reader cannot use", name, action, "on", page))
    assert problems == [], "\n".join(map(str, problems))
