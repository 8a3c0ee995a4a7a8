"""One way to write a date per place (kitos/formats): running text, tables, inputs, API."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

DAY = datetime.date(2026, 12, 2)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (DAY, "2. dec. 2026"),
        (datetime.date(2026, 5, 2), "2. maj 2026"),
        (datetime.date(2026, 9, 14), "14. sept. 2026"),
        (datetime.date(2026, 1, 31), "31. jan. 2026"),
    ],
)
def test_danish_text_dates(day, text):
    with translation.override("da"):
        assert date_format(day) == text
        assert Template("{{ day|date }}").render(Context({"day": day})) == text


def test_danish_table_dates_and_the_shared_templates():
    with translation.override("da"):
        assert date_format(DAY, "SHORT_DATE_FORMAT") == "02-12-2026"
        cell = Template('{% include "kitos/_list_cell.html" %}').render(
            Context({"cell": type("Cell", (), {"value": DAY, "kind": "date"})()})
        )
        assert cell.strip() == "02-12-2026"
        shown = Template('{% include "kitos/_date.html" %}').render(
            Context({"date": DAY, "today": DAY})
        )
        assert ">2. dec. 2026</time>" in shown and 'datetime="2026-12-02"' in shown


def test_english_dates():
    with translation.override("en"):
        assert date_format(DAY) == "2 Dec 2026"
        assert date_format(DAY, "SHORT_DATE_FORMAT") == "02-12-2026"


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize(
    "typed", ["02-12-2026", "2-12-2026", "02.12.2026", "2.12.2026", "02/12/2026", "2026-12-02",
              "02-12-26"],
)
def test_date_inputs_accept_what_people_type(language, typed):
    class Form(forms.Form):
        day = forms.DateField()

    with translation.override(language):
        form = Form({"day": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == DAY


@pytest.mark.django_db
def test_the_api_writes_iso_dates(client, org, editor):
    from tests.factories import ContractFactory

    contract = ContractFactory(organisation=org, start_date=DAY)
    client.force_login(editor)
    response = client.get(f"/api/v1/contracts/{contract.uuid}/", HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 200
    assert response.json()["start_date"] == "2026-12-02"
