"""The checks every list page (kitos/lists.py) must pass, run over every model's list by
tests/harness.py's ``ListViewTests`` (a ``ListCase`` per list), and helpers for the
apps' own list tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
from django.urls import NoReverseMatch, reverse

from kitos.models import ListPreference
from roles.models import RoleType
from tests.factories import RoleAssignmentFactory
from tests.helpers import count_queries


@dataclass(frozen=True)
class ListCase:
    """One list: its route name and how to make a row in an organisation whose text (and
    free-text search) contains `label`."""

    url_name: str
    make: Callable
    # Shared catalog lists show every organisation's shared entries; only local ones
    # are private.
    shared_catalog: bool = False
    # How the export names a row, when not by its label (e.g. a person by e-mail).
    exported_as: Callable | None = None

    def __str__(self) -> str:
        return self.url_name

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def hold_role(target, code: str, **extra):
    """A current holder of the standard role `code` on `target`."""
    role_type = RoleType.objects.get(organisation=None, code=code)
    return RoleAssignmentFactory(target=target, role_type=role_type, **extra)


def show_all_columns(user, case: ListCase, view_columns) -> None:
    ListPreference.objects.update_or_create(
        user=user, list_key=case.url_name,
        defaults={"columns": [column.key for column in view_columns]},
    )


def check_anonymous_redirected(client, case: ListCase) -> None:
    response = client.get(case.url)
    assert response.status_code == 302
    assert "/konto/log-ind/" in response.url


def check_other_organisation_hidden(client, user, org, other_org, case: ListCase) -> None:
    case.make(org, "Egen-række")
    case.make(other_org, "Fremmed-række")
    client.force_login(user)
    content = client.get(case.url).content.decode()
    assert "Egen-række" in content
    assert "Fremmed-række" not in content
    if case.shared_catalog:  # no organisation filter: the catalog is shared
        return
    response = client.get(case.url, {"organisation": str(other_org.uuid)})
    assert response.status_code == 200
    assert response.context["paginator"].count == 0
    assert "Fremmed-række" not in response.content.decode()


def check_create_button(client, reader, editor, org, case: ListCase) -> None:
    client.force_login(reader)
    assert client.get(case.url).context["create_url"] is None
    client.force_login(editor)
    try:
        create = reverse(case.url_name.removesuffix("_list") + "_create")
    except NoReverseMatch:  # created elsewhere (e.g. a role on its object's page)
        create = None
    editor_url = client.get(case.url).context["create_url"]
    if case.shared_catalog:  # catalog entries are maintained by admins
        assert editor_url is None
    else:
        assert editor_url == create


def check_query_count_constant(client, user, org, case: ListCase, view_columns) -> None:
    """All columns shown (role holders, counts, lists included): 5 rows and 50 rows
    take the same number of queries."""
    show_all_columns(user, case, view_columns)
    client.force_login(user)
    url = f"{case.url}?page_size=100"
    for i in range(5):
        case.make(org, f"Række {i}")
    client.get(url)  # the first request fills the process's caches (content types)
    few = count_queries(client, url)
    for i in range(5, 50):
        case.make(org, f"Række {i}")
    response = client.get(url)
    assert len(response.context["rows"]) >= 50
    assert count_queries(client, url) == few


def exported_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [
        [str(value) for value in row if value not in (None, "")]
        for row in sheet.iter_rows(values_only=True)
    ]
    return [row for row in rows[1:] if row]  # without the header row


def check_search_and_export(client, user, org, case: ListCase) -> None:
    made = {label: case.make(org, label) for label in ("Alfa-første", "Alfa-anden", "Beta-tredje")}
    name = {
        label: case.exported_as(obj) if case.exported_as else label for label, obj in made.items()
    }
    client.force_login(user)
    response = client.get(case.url, {"q": "Alfa"})
    assert response.context["paginator"].count == 2
    exported = exported_rows(client.get(case.url, {"q": "Alfa", "format": "xlsx"}))
    text = " ".join(" ".join(row) for row in exported)
    assert len(exported) == 2
    assert name["Alfa-første"] in text and name["Alfa-anden"] in text
    assert name["Beta-tredje"] not in text


def row_labels(response) -> str:
    """The rows' text (without the filter panel, whose options name other objects)."""
    return " ".join(str(cell.value) for row in response.context["rows"] for cell in row["cells"])
