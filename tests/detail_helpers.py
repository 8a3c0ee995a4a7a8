"""Shared checks for the detail pages and the create / edit / delete forms
(kitos/detail.py): every entity is described once (a DetailSpec, a FormSpec) and the
test modules of the apps run the same checks over their entities."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from kitos.audit import build_entry, record_changes
from kitos.detail import object_url
from kitos.models import AuditEntry
from kitos.tenancy import SYSTEM
from tests.helpers import count_queries


@dataclass
class DetailSpec:
    name: str
    make: Callable  # organisation -> object
    add_rows: Callable  # (object, count) -> None: related rows shown on the tabs
    tabs: tuple[str, ...]


@dataclass
class FormSpec:
    name: str
    model: type
    make: Callable  # organisation -> an existing object
    create_url: Callable  # organisation -> URL of the create form
    valid: Callable  # organisation -> POST data that creates an object
    change: dict  # field -> new value posted on the edit form
    changed: Callable  # object (reloaded) -> bool: the change was saved
    cross_field: str | None  # a choice field (None: the form has none) ...
    cross_value: Callable | None  # other organisation -> id of an object there
    invalid: dict = field(default_factory=dict)  # data the form or the service refuses
    lookup: Callable | None = None  # organisation -> the created object


def add_history(obj, count: int) -> None:
    """`count` audit entries on `obj`, with a field and a related-object change."""
    record_changes(
        [
            build_entry(
                actor=SYSTEM,
                action="update",
                instance=obj,
                changes={"organisation": [obj.owning_organisation_id, None], "name": [i, i + 1]},
            )
            for i in range(count)
        ]
    )


def tab_url(obj, slug: str) -> str:
    return f"{object_url(obj)}?tab={slug}"


def assert_constant_queries(client, spec: DetailSpec, obj) -> None:
    """Every tab makes the same number of queries with 5 and with 50 related rows."""
    spec.add_rows(obj, 5)
    for slug in spec.tabs:  # warm caches (content types, sessions) before counting
        count_queries(client, tab_url(obj, slug))
    few = {slug: count_queries(client, tab_url(obj, slug)) for slug in spec.tabs}
    spec.add_rows(obj, 45)
    many = {slug: count_queries(client, tab_url(obj, slug)) for slug in spec.tabs}
    assert few == many, [(slug, few[slug], many[slug]) for slug in few if few[slug] != many[slug]]


def form_data(form) -> dict:
    """What a browser would post back for an unchanged form."""
    data = {}
    for bound in form:
        value = bound.value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(getattr(v, "pk", v)) for v in value]
        elif isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        else:
            data[bound.html_name] = str(getattr(value, "pk", value))
    return data


def audit_entries(obj, action: str):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, action=action
    )


def login_url() -> str:
    return reverse("login")


def _html(response) -> str:
    return response.content.decode()


class DetailChecks:
    """The checks every detail page passes; subclasses set ``spec`` (a DetailSpec) and
    ``editor_fixture`` (who may edit: editors, admins for the shared catalog)."""

    spec: DetailSpec
    editor_fixture = "editor"

    def test_anonymous_is_sent_to_login(self, client, org):
        response = client.get(object_url(self.spec.make(org)))
        assert response.status_code == 302 and response.url.startswith(login_url())

    def test_other_organisation_is_404(self, client, org, outsider):
        obj = self.spec.make(org)
        client.force_login(outsider)
        for slug in self.spec.tabs:
            assert client.get(tab_url(obj, slug)).status_code == 404

    def test_reader_sees_every_tab_and_no_edit_controls(self, client, org, reader):
        obj = self.spec.make(org)
        client.force_login(reader)
        for slug in self.spec.tabs:
            response = client.get(tab_url(obj, slug))
            assert response.status_code == 200, slug
            html = _html(response)
            assert 'aria-selected="true"' in html and f'id="tab-{slug}"' in html
            assert object_url(obj, "update") not in html
            assert object_url(obj, "delete") not in html
            # No assign / edit / end links for role assignments (the menu's list is fine).
            assert "/rolletildelinger/ny/" not in html
            assert "/rediger/" not in html and "/slet/" not in html

    def test_editor_sees_edit_controls(self, client, org, request):
        obj = self.spec.make(org)
        client.force_login(request.getfixturevalue(self.editor_fixture))
        html = _html(client.get(object_url(obj)))
        assert object_url(obj, "update") in html
        assert object_url(obj, "delete") in html

    def test_htmx_gets_the_tab_block_only(self, client, org, reader):
        obj = self.spec.make(org)
        client.force_login(reader)
        slug = self.spec.tabs[-1]
        response = client.get(
            tab_url(obj, slug), headers={"HX-Request": "true", "HX-Target": "detail-tabs"}
        )
        html = _html(response)
        assert response.status_code == 200
        assert "<html" not in html and 'role="tablist"' in html
        assert f'aria-labelledby="tab-{slug}"' in html
        assert "HX-Request" in response["Vary"]

    def test_unknown_tab_is_404(self, client, org, reader):
        client.force_login(reader)
        assert client.get(tab_url(self.spec.make(org), "findes-ikke")).status_code == 404

    def test_query_count_is_the_same_with_5_and_50_rows(self, client, org, reader):
        obj = self.spec.make(org)
        client.force_login(reader)
        assert_constant_queries(client, self.spec, obj)


class FormChecks:
    """The checks every create / edit / delete form passes; subclasses set ``spec``
    (a FormSpec) and ``editor_fixture``."""

    spec: FormSpec
    editor_fixture = "editor"

    def editor(self, request):
        return request.getfixturevalue(self.editor_fixture)

    def created(self, org):
        if self.spec.lookup:
            return self.spec.lookup(org)
        return self.spec.model.objects.get(name=self.spec.valid(org)["name"])

    def test_anonymous_is_sent_to_login(self, client, org):
        for url in (
            self.spec.create_url(org),
            object_url(self.spec.make(org), "update"),
            object_url(self.spec.make(org), "delete"),
        ):
            response = client.get(url)
            assert response.status_code == 302 and response.url.startswith(login_url())

    def test_editor_creates_through_the_form(self, client, org, request):
        client.force_login(self.editor(request))
        url = self.spec.create_url(org)
        page = client.get(url)
        assert page.status_code == 200
        assert 'type="date"' in _html(page) or "date" not in str(page.context["form"].fields)
        before = self.spec.model.objects.count()
        response = client.post(url, self.spec.valid(org))
        assert response.status_code == 302, response.context["form"].errors
        assert self.spec.model.objects.count() == before + 1
        obj = self.created(org)
        assert audit_entries(obj, "create").count() == 1
        assert audit_entries(obj, "create").get().source == "ui"
        followed = client.get(response.url)
        assert followed.status_code == 200
        assert "oprettet" in _html(followed)

    def test_editor_edits_through_the_form(self, client, org, request):
        obj = self.spec.make(org)
        client.force_login(self.editor(request))
        url = object_url(obj, "update")
        page = client.get(url)
        assert page.status_code == 200
        data = {**form_data(page.context["form"]), **self.spec.change}
        response = client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
        obj.refresh_from_db()
        assert self.spec.changed(obj)
        assert audit_entries(obj, "update").exists()

    def test_editor_deletes_after_confirming(self, client, org, request):
        obj = self.spec.make(org)
        client.force_login(self.editor(request))
        url = object_url(obj, "delete")
        page = client.get(url)
        assert page.status_code == 200 and "Ja, slet" in _html(page)
        response = client.post(url)
        assert response.status_code == 302
        assert not self.spec.model.objects.filter(pk=obj.pk).exists()
        assert audit_entries(obj, "delete").count() == 1

    def test_reader_is_refused(self, client, org, reader):
        obj = self.spec.make(org)
        client.force_login(reader)
        data = self.spec.valid(org)
        before = self.spec.model.objects.count()
        urls = (self.spec.create_url(org), object_url(obj, "update"), object_url(obj, "delete"))
        for url in urls:
            assert client.get(url).status_code == 403, url
            assert client.post(url, data).status_code == 403, url
        assert self.spec.model.objects.count() == before
        assert not audit_entries(obj, "update").exists()

    def test_other_organisation_is_404(self, client, org, outsider):
        obj = self.spec.make(org)
        client.force_login(outsider)
        for url in (object_url(obj, "update"), object_url(obj, "delete")):
            assert client.get(url).status_code == 404
            assert client.post(url, {}).status_code == 404
        assert self.spec.model.objects.filter(pk=obj.pk).exists()

    def test_choice_of_another_organisation_is_refused(self, client, org, other_org, request):
        if self.spec.cross_field is None:
            pytest.skip("the form has no choice of related objects")
        client.force_login(self.editor(request))
        data = {**self.spec.valid(org), self.spec.cross_field: self.spec.cross_value(other_org)}
        before = self.spec.model.objects.count()
        response = client.post(self.spec.create_url(org), data)
        assert response.status_code == 200
        assert response.context["form"].errors.get(self.spec.cross_field)
        assert self.spec.model.objects.count() == before

    def test_invalid_input_shows_errors_and_writes_nothing(self, client, org, request):
        client.force_login(self.editor(request))
        data = {**self.spec.valid(org), **self.spec.invalid}
        before = self.spec.model.objects.count()
        entries = AuditEntry.objects.count()
        response = client.post(self.spec.create_url(org), data)
        assert response.status_code == 200
        html = _html(response)
        assert 'class="error-summary"' in html and response.context["form"].errors
        assert self.spec.model.objects.count() == before
        assert AuditEntry.objects.count() == entries
