"""NUL characters in a request are refused with 400 before any view runs (PostgreSQL
cannot compare text with NUL, so a search box would otherwise give a server error)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/kle/?q=a%00b", "/soeg/?q=%00", "/kontrakter/?q=x%00", "/kontrakter/?%00=1"]
)
def test_nul_in_the_query_string_is_a_bad_request(client, editor, url):
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_nul_in_a_urlencoded_form_is_a_bad_request(client, editor):
    client.force_login(editor)
    response = client.post(
        "/organisation/skift/",
        "organisation=demo%00",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400


def test_ordinary_requests_pass(client, editor):
    client.force_login(editor)
    assert client.get("/kle/?q=skole").status_code == 200
    assert client.get("/soeg/?q=skole").status_code == 200


def test_api_clients_get_json(client, editor):
    client.force_login(editor)
    response = client.get("/api/v1/contracts/?q=a%00")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and body["code"] == "invalid_character"
    assert "NUL" in body["detail"]
