"""Spreadsheet export and import of principles (see kitos/excel/spec.py): a row per
version, matched by title and version (a row without a version is version 1). New
versions are made in kitos (principle_new_version), which links them; an import
maintains the texts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from kitos.excel.spec import BOOL, CHOICE, DATE, INT, REF, Column, EntitySpec

from . import choices
from .models import Principle


class PrincipleSpec(EntitySpec):
    key = "principles"
    label = gettext_lazy("Principper")
    model = Principle
    sheet_names = ("Principles", "Arkitekturprincipper")
    reference_label = gettext_lazy("Princippet")
    key_columns = ("title", "version")
    duplicate_label = gettext_lazy("titlen og versionen")
    columns = (
        Column("title", "Titel", ("Princip", "Title", "Principle"), required=True),
        Column("version", "Version", ("Version",), kind=INT),
        Column("code", "Nummer", ("Nr.", "Code")),
        Column("area", "Område", ("Area",), kind=CHOICE, choices=choices.PrincipleArea,
               required_on_create=True),
        Column("text", "Princip (tekst)", ("Tekst", "Text"), required_on_create=True),
        Column("rationale", "Begrundelse", ("Rationale",)),
        Column("implications", "Konsekvenser", ("Implikationer", "Implications")),
        Column("valid_from", "Gælder fra", ("Valid from",), kind=DATE),
        Column("active", "Aktiv", ("Active",), kind=BOOL),
        Column("owner", "Ejer", ("Principejer", "Owner"), kind=REF, ref="persons"),
    )

    def adjust(self, values, context):
        if values.get("version") in (None, ""):
            values["version"] = 1
        return []

    def reference_texts(self, obj, lookup):
        return [obj.title]

    def existing(self, organisation):
        return Principle.objects.filter(organisation=organisation).select_related("owner")


PRINCIPLES = PrincipleSpec()
