"""Search cannot be turned into a denial of service (issue #14, 7): bounded words, and a
statement timeout for the queries of pages and API calls."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection, transaction
from django.test import RequestFactory
from rest_framework.test import APIClient

from kitos.db import limit_request_statements
from kitos.filtersets import SEARCH_MAX_TERMS, search_terms
from kitos.middleware import QueryTimeoutMiddleware, is_query_timeout
from overview.search import normalise

pytestmark = pytest.mark.django_db


def test_search_terms_are_distinct_and_bounded():
    assert search_terms("ESDH esdh  Acadre ") == ["ESDH", "Acadre"]
    words = " ".join(f"ord{n}" for n in range(3000))
    assert len(search_terms(words)) == SEARCH_MAX_TERMS
    assert normalise(words) == " ".join(search_terms(words))


def test_api_refuses_3000_words_with_400(editor):
    client = APIClient()
    client.force_authenticate(editor)
    words = " ".join(f"ord{n}" for n in range(3000))
    response = client.get("/api/v1/contracts/", {"q": words})
    assert response.status_code == 400
    assert "højst" in str(response.json())


def test_api_search_with_a_few_words_works(org, editor):
    client = APIClient()
    client.force_authenticate(editor)
    assert client.get("/api/v1/contracts/", {"q": "a b c"}).status_code == 200


def test_portal_list_with_3000_words_answers_without_running_them(client, editor):
    client.force_login(editor)
    words = " ".join(f"ord{n}" for n in range(3000))
    response = client.get("/kontrakter/", {"q": words})
    assert response.status_code in (200, 400)
    assert response.status_code != 500


def test_global_search_with_3000_words(client, editor):
    client.force_login(editor)
    words = " ".join(f"ord{n}" for n in range(3000))
    response = client.get("/soeg/", {"q": words})
    assert response.status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL")
def test_request_connections_get_a_statement_timeout():
    from django.db.backends.signals import connection_created

    try:
        limit_request_statements(timeout_ms=150)
        # What a new connection of a web process gets (the test's own connection stays
        # open: pytest-django's transaction lives on it and rolls the SET back).
        connection_created.send(sender=type(connection), connection=connection)
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "150ms"
        with pytest.raises(OperationalError) as error, transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(2)")
        assert is_query_timeout(error.value)
    finally:
        connection_created.disconnect(dispatch_uid="kitos-request-timeout")
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


def test_a_cancelled_query_answers_503_not_500():
    class Canceled(Exception):
        pgcode = "57014"

    error = OperationalError("canceling statement due to statement timeout")
    error.__cause__ = Canceled()
    middleware = QueryTimeoutMiddleware(lambda request: None)
    api = middleware.process_exception(RequestFactory().get("/api/v1/contracts/"), error)
    assert api.status_code == 503 and "for lang tid" in api.content.decode()
    page = middleware.process_exception(RequestFactory().get("/kontrakter/"), error)
    assert page.status_code == 503
    other = OperationalError("connection refused")
    assert middleware.process_exception(RequestFactory().get("/"), other) is None
