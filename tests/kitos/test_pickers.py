"""Searchable pickers (kitos/pickers.py): the JSON endpoint answers with the user's own
objects only, bounded in query length, page and result count; and the forms that use
pickers are marked for them and still submit without JavaScript."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kitos import pickers
from tests.factories import PersonFactory, UnitFactory


def _results(response) -> list[str]:
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/vaelg/personer/")
    assert response.status_code == 302
    assert "/konto/log-ind/" in response["Location"]


def test_an_unknown_kind_is_404(client, editor):
    client.force_login(editor)
    assert client.get("/vaelg/ukendt/").status_code == 404


def test_only_the_users_organisations_objects(client, editor, org, other_org):
    PersonFactory(organisation=org, name="Anne Andersen")
    PersonFactory(organisation=other_org, name="Anne Nabo")
    client.force_login(editor)
    assert _results(client.get("/vaelg/personer/", {"q": "anne"})) == ["Anne Andersen"]
    # Another organisation's object is never labelled either (e.g. from a hand-made URL).
    other = UnitFactory(organisation=other_org, name="Nabo-enhed")
    assert pickers.picked("enheder", editor, [str(other.uuid), "not-an-id"]) == []


def test_every_word_must_match_and_danish_letters_fold(client, editor, org):
    UnitFactory(organisation=org, name="Børn og Unge")
    UnitFactory(organisation=org, name="Unge i job")
    client.force_login(editor)
    assert _results(client.get("/vaelg/enheder/", {"q": "BØRN unge"})) == ["Børn og Unge"]
    assert len(_results(client.get("/vaelg/enheder/", {"q": "unge"}))) == 2


def test_pages_are_bounded(client, editor, org):
    for number in range(pickers.PAGE_SIZE + 3):
        PersonFactory(organisation=org, name=f"Person {number:02}")
    client.force_login(editor)
    first = client.get("/vaelg/personer/").json()
    assert len(first["results"]) == pickers.PAGE_SIZE and first["more"] is True
    second = client.get("/vaelg/personer/", {"page": "2"}).json()
    assert len(second["results"]) == 3 and second["more"] is False
    # Nonsense and huge pages are read as the nearest page there is, never an error.
    assert client.get("/vaelg/personer/", {"page": "x"}).json() == first
    assert client.get("/vaelg/personer/", {"page": "99999999"}).json()["results"] == []


def test_a_long_query_is_cut_and_costs_one_query(client, editor, org):
    PersonFactory(organisation=org, name="Anne")
    client.force_login(editor)
    client.get("/vaelg/personer/")  # the session and user are loaded once
    words = " ".join(f"w{n}" for n in range(3000))
    with CaptureQueriesContext(connection) as context:
        response = client.get("/vaelg/personer/", {"q": words})
    assert response.status_code == 200 and response.json()["results"] == []
    searches = [q["sql"] for q in context.captured_queries if "roles_person" in q["sql"]]
    assert len(searches) == 1
    assert searches[0].count("LIKE") <= 8 * 3 * 4  # words × fields × case variants


@pytest.mark.parametrize("url", ["/personer/ny/", "/kontrakter/ny/"])
def test_object_forms_mark_their_choices_as_pickers(client, editor, url):
    client.force_login(editor)
    content = client.get(url).content.decode()
    assert "data-picker" in content


def test_the_plain_multiple_select_keeps_its_help_for_use_without_javascript(editor, org):
    from contracts.forms import ContractForm
    from tests.factories import UsageFactory

    usage = UsageFactory(organisation=org)
    form = ContractForm(user=editor, organisation=org)
    usages = form["usages"]
    assert usages.field.widget.attrs["data-picker"] == ""
    # The picker hides exactly this help text: the id names the <p> the template renders.
    assert usages.field.widget.attrs["data-picker-help"] == "id_usages_helptext"
    assert "Ctrl" in str(usages.help_text)
    # Submitted as without JavaScript: the values are the options' own.
    assert f'<option value="{usage.pk}">' in str(usages)
