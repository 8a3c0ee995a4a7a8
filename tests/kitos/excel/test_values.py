"""Cell value parsers: every accepted format, and a Danish error for everything else."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import models
from django.utils import translation

from kitos.excel.values import (
    CellError,
    normalise_header,
    parse_bool,
    parse_choice,
    parse_cvr,
    parse_date,
    parse_decimal,
    parse_email,
    parse_int,
    parse_text,
    parse_url,
    refuse_excel_error,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Navn", "navn"),
        ("  Kontrakt-\nnavn  ", "kontrakt- navn"),
        ("Leverandør (påkrævet)", "leverandør"),
        ("Leverandør (Påkrævet) *", "leverandør"),
        ("Supplier (required)", "supplier"),
        ("Bemærkning (valgfri):", "bemærkning"),
        ("Note (optional)", "note"),
        ("*Slutdato*", "slutdato"),
        ("Æ\u00a0Ø   Å:", "æ ø å"),
        ("Udløbsdato\t(påkrævet)", "udløbsdato"),
        (None, ""),
        (2027, "2027"),
    ],
)
def test_normalise_header(raw, expected):
    assert normalise_header(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("  tekst  ", "tekst"),
        (12345.0, "12345"),
        (12345, "12345"),
        (12.5, "12.5"),
        (True, "Ja"),
        (datetime.date(2027, 12, 31), "31-12-2027"),
        ("=SUM(A1)", "=SUM(A1)"),
    ],
)
def test_parse_text(raw, expected):
    assert parse_text(raw) == expected


def test_parse_text_max_length():
    assert parse_text("abc", max_length=3) == "abc"
    with pytest.raises(CellError, match="højst være 3 tegn"):
        parse_text("abcd", max_length=3)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        (datetime.date(2027, 12, 31), datetime.date(2027, 12, 31)),
        (datetime.datetime(2027, 12, 31, 10, 30), datetime.date(2027, 12, 31)),
        (46752, datetime.date(2027, 12, 31)),
        (46752.75, datetime.date(2027, 12, 31)),
        ("46752", datetime.date(2027, 12, 31)),
        (20271231, datetime.date(2027, 12, 31)),
        ("31-12-2027", datetime.date(2027, 12, 31)),
        ("31.12.2027", datetime.date(2027, 12, 31)),
        ("31/12/2027", datetime.date(2027, 12, 31)),
        (" 1-2-2027 ", datetime.date(2027, 2, 1)),
        ("2027-12-31", datetime.date(2027, 12, 31)),
        ("2027/12/31", datetime.date(2027, 12, 31)),
        ("2027-12-31T10:30:00", datetime.date(2027, 12, 31)),
        ("2027-12-31T10:30:00+01:00", datetime.date(2027, 12, 31)),
        ("2027-12-31 10:30", datetime.date(2027, 12, 31)),
        ("31-12-2027 kl. 10.30", datetime.date(2027, 12, 31)),
        ("31-12-27", datetime.date(2027, 12, 31)),
        ("31-12-29", datetime.date(2029, 12, 31)),
        ("31-12-95", datetime.date(1995, 12, 31)),
        ("31. dec. 2027", datetime.date(2027, 12, 31)),
        ("31. december 2027", datetime.date(2027, 12, 31)),
        ("31 December 2027", datetime.date(2027, 12, 31)),
        ("1. maj 2027", datetime.date(2027, 5, 1)),
        ("1. okt. 2027", datetime.date(2027, 10, 1)),
        ("1-Oct-2027", datetime.date(2027, 10, 1)),
        ("15. marts 2026", datetime.date(2026, 3, 15)),
    ],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["31-02-2027", "32-01-2027", "2027-13-01", "i morgen", "31. foo 2027", 12345, 9_999_999,
     True, "12/31/2027", float("nan"), "31-12-2027-1"],
)
def test_parse_date_rejects(raw):
    with pytest.raises(CellError, match="Forventede en dato som 31-12-2027") as error:
        parse_date(raw)
    assert "fandt »" in str(error.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        (1234, Decimal("1234")),
        (1234.5, Decimal("1234.5")),
        (0.1, Decimal("0.1")),
        (Decimal("7.25"), Decimal("7.25")),
        ("1.234.567,50", Decimal("1234567.50")),
        ("1234567,5", Decimal("1234567.5")),
        ("1,234,567.50", Decimal("1234567.50")),
        ("1234567.50", Decimal("1234567.50")),
        ("kr. 1.234,00", Decimal("1234.00")),
        ("kr 1.234,00", Decimal("1234.00")),
        ("1.234 kr.", Decimal("1234")),
        ("1.234,- kr.", Decimal("1234")),
        ("1.234,-", Decimal("1234")),
        ("DKK 1,234", Decimal("1234")),
        ("1.234 DKK", Decimal("1234")),
        ("1 234 567,50", Decimal("1234567.50")),
        ("1\u00a0234\u00a0567,50", Decimal("1234567.50")),
        ("1.234", Decimal("1234")),
        ("12.345.678", Decimal("12345678")),
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("0,125", Decimal("0.125")),
        (",5", Decimal("0.5")),
        ("1234,567", Decimal("1234.567")),
        ("-1.234,50", Decimal("-1234.50")),
        ("\u22121.234,50", Decimal("-1234.50")),
        ("kr. -1.234,50", Decimal("-1234.50")),
        ("(1.234,50)", Decimal("-1234.50")),
        ("+12", Decimal("12")),
        ("1,5E+06", Decimal("1500000")),
    ],
)
def test_parse_decimal(raw, expected):
    assert parse_decimal(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["abc", "1.2.3", "1,23,4", "12 kroner og 50 øre", "1.234,56,7", "--5", "1..2", True,
     float("inf"), "kr.", "1.23.456,00", "5%"],
)
def test_parse_decimal_rejects(raw):
    with pytest.raises(CellError, match="Forventede et tal som 1.234,50"):
        parse_decimal(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, None), (12, 12), (12.0, 12), ("1.234", 1234), ("12", 12), ("-3", -3)],
)
def test_parse_int(raw, expected):
    assert parse_int(raw) == expected


@pytest.mark.parametrize("raw", ["12,5", 12.5, "tolv"])
def test_parse_int_rejects(raw):
    with pytest.raises(CellError, match="helt tal"):
        parse_int(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None), ("", None), (True, True), (False, False), (1, True), (0, False),
        ("Ja", True), ("JA", True), (" j ", True), ("yes", True), ("Y", True),
        ("true", True), ("TRUE", True), ("Sand", True), ("1", True), ("x", True), ("X", True),
        ("Nej", False), ("n", False), ("No", False), ("false", False), ("Falsk", False),
        ("0", False),
    ],
)
def test_parse_bool(raw, expected):
    assert parse_bool(raw) is expected


@pytest.mark.parametrize("raw", ["måske", 2, "jaja"])
def test_parse_bool_rejects(raw):
    with pytest.raises(CellError, match="Forventede Ja eller Nej"):
        parse_bool(raw)


class Colour(models.TextChoices):
    # English source strings would be translated; these labels are Danish in both.
    RED = "red", "Rød"
    LIGHT_BLUE = "light_blue", "Lys blå"


def test_parse_choice_by_code_and_label():
    assert parse_choice("red", Colour) == "red"
    assert parse_choice(" RØD ", Colour) == "red"
    assert parse_choice("lys   BLÅ", Colour) == "light_blue"
    assert parse_choice("LIGHT_BLUE", Colour) == "light_blue"
    assert parse_choice(None, Colour) == ""
    assert parse_choice("Rød", [("r", "Rød"), ("g", "Grøn")]) == "r"


def test_parse_choice_error_lists_labels():
    with pytest.raises(CellError) as error:
        parse_choice("lilla", Colour)
    assert str(error.value) == "»lilla« er ikke en af de tilladte værdier: Rød, Lys blå."


def test_parse_choice_accepts_english_label():
    """Real choices have Danish source labels and English translations in the catalogue."""
    from portfolio.choices import Lifecycle

    with translation.override("en"):
        english = str(Lifecycle.OPERATIONAL.label)
    danish = str(Lifecycle.OPERATIONAL.label)
    assert parse_choice(danish, Lifecycle) == Lifecycle.OPERATIONAL
    assert parse_choice(english.upper(), Lifecycle) == Lifecycle.OPERATIONAL


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12345678", "12345678"), (12345678, "12345678"), (12345678.0, "12345678"),
        ("DK12345678", "12345678"), ("DK 12 34 56 78", "12345678"), ("dk-12345678", "12345678"),
        ("1234 5678", "12345678"), (None, ""),
    ],
)
def test_parse_cvr(raw, expected):
    assert parse_cvr(raw) == expected


@pytest.mark.parametrize("raw", ["1234567", "123456789", "DK1234567A", "abc"])
def test_parse_cvr_rejects(raw):
    with pytest.raises(CellError, match="CVR-nummer med 8 cifre"):
        parse_cvr(raw)


def test_parse_email():
    assert parse_email(" anne@kommune.dk ") == "anne@kommune.dk"
    assert parse_email("mailto:anne@kommune.dk") == "anne@kommune.dk"
    assert parse_email(None) == ""
    with pytest.raises(CellError, match="e-mailadresse"):
        parse_email("anne(at)kommune.dk")


def test_parse_url():
    assert parse_url("https://www.kommune.dk/it") == "https://www.kommune.dk/it"
    assert parse_url("www.kommune.dk") == "https://www.kommune.dk"
    assert parse_url("") == ""
    with pytest.raises(CellError, match="webadresse"):
        parse_url("ikke en adresse")


@pytest.mark.parametrize(
    "parse",
    [refuse_excel_error, parse_date, parse_decimal, parse_int, parse_bool, parse_email, parse_cvr,
     parse_url, lambda value: parse_choice(value, Colour)],
)
@pytest.mark.parametrize("error", ["#N/A", "#DIV/0!", " #ref! "])
def test_formula_errors_are_named(parse, error):
    with pytest.raises(CellError, match="formelfejl"):
        parse(error)


def test_parse_text_leaves_formula_errors_to_the_caller():
    assert parse_text("#N/A") == "#N/A"
