"""The landscape's front page lists the analyses its parts register."""

from __future__ import annotations

import pytest
from django.urls import reverse

from landscape import sections

pytestmark = pytest.mark.django_db


def test_the_front_page_needs_a_login(client):
    response = client.get(reverse("landscape_home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_front_page_lists_every_registered_section_in_order(client, reader):
    client.force_login(reader)
    response = client.get(reverse("landscape_home"))
    assert response.status_code == 200
    html = response.content.decode()
    registered = sections.sections()
    positions = [html.index(section.url) for section in registered]
    assert positions == sorted(positions)
    assert 'href="/landskab/" aria-current="page"' in html or reverse("landscape_home") in html


def test_registering_a_section_twice_keeps_one_entry(monkeypatch):
    monkeypatch.setattr(sections, "_sections", {})
    for _ in range(2):
        sections.add_section(title="Kort", description="", url_name="landscape_home", order=1)
    assert [s.url_name for s in sections.sections()] == ["landscape_home"]
