"""One declaration per model, and the tests every model's pages must pass: the list, the
detail page, the create / edit / delete forms, tenancy and query counts (the idea of
NetBox's ``ViewTestCases``, pytest-style).

How to add a model
------------------
1. Declare it once, as a ``ModelCase`` in ``tests/<app>/cases.py``::

       WIDGET = ModelCase(
           model=Widget,  # its pages are widget_list, widget_create, ... (route names)
           make=lambda org: WidgetFactory(organisation=org),  # a new plain object of `org`
           # The list: a row of `org` whose text contains `label`, with the related rows
           # its columns show (holders, counts), and the list's columns.
           make_row=make_widget_row,
           columns=tables.WIDGET_COLUMNS,
           # The detail page: its tabs, and (object, count) -> related rows on the tabs.
           tabs=("overblik", "historik"),
           add_rows=add_widget_rows,
           # The forms: organisation -> POST data that creates one (named "name", or give
           # `lookup`), a change for the edit form and how to see it saved, a choice field
           # and an object of another organisation for it (or None), data it refuses.
           form_data=lambda org: {"name": "Ny widget"},
           change={"description": "Ny"},
           changed=lambda widget: widget.description == "Ny",
           cross_field="unit",
           cross_value=lambda other_org: UnitFactory(organisation=other_org).pk,
           invalid={"name": ""},
       )

   Shared catalog entries (``shared_catalog=True``) are maintained by organisation
   admins: the write tests log in ``admin_user`` instead of ``editor``.

2. Inherit the tests, one class per kind of page, in the app's test modules::

       class TestWidgetList(ListViewTests):      # tests/<app>/test_lists.py
           case = WIDGET

       class TestWidgetDetail(DetailViewTests):  # tests/<app>/test_detail_views.py
           case = WIDGET

       class TestWidgetForms(FormViewTests):     # tests/<app>/test_form_views.py
           case = WIDGET

   The three mixins' test names differ (``test_list_*``, ``test_detail_*``,
   ``test_form_*``), so one class may also inherit all three. A model without a detail
   page or forms inherits only what applies; a class whose case lacks a field its
   mixins need fails at import, naming the field. Tests particular to one model (its
   own filters, columns, rules) stay plain tests next to these classes.

The checks themselves live in tests/lists_support.py (lists) and tests/detail_helpers.py
(detail pages, forms); query counts are tests/helpers.py's ``count_queries``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass, field

import pytest
from django import forms
from django.urls import NoReverseMatch, reverse

from kitos.detail import object_url
from kitos.models import AuditEntry
from tests import lists_support as support
from tests.detail_helpers import (
    assert_constant_queries,
    audit_entries,
    form_data,
    login_url,
    tab_url,
)
from tests.lists_support import ListCase


@dataclass(frozen=True)
class ModelCase:
    """Everything the shared tests need to know about one model (see the module doc)."""

    # The URL name prefix (<route>_list, <route>_create): the model's name, by the
    # route-name convention (kitos.links.route_name).
    _: KW_ONLY
    model: type | None = None
    make: Callable | None = None  # organisation -> a plain object of it
    # Entries every organisation sees, maintained by organisation admins.
    shared_catalog: bool = False
    # The list
    make_row: Callable | None = None  # (organisation, label) -> object, related rows
    columns: Sequence = ()
    exported_as: Callable | None = None  # object -> its text in the export (default label)
    # The detail page
    tabs: tuple[str, ...] = ()
    add_rows: Callable | None = None  # (object, count) -> related rows shown on the tabs
    # The forms
    form_data: Callable | None = None  # organisation -> POST data that creates an object
    change: dict = field(default_factory=dict)  # field -> new value on the edit form
    changed: Callable | None = None  # object (reloaded) -> bool: the change was saved
    cross_field: str | None = None  # a choice of related objects (None: the form has none)
    cross_value: Callable | None = None  # other organisation -> value naming one of its own
    invalid: dict = field(default_factory=dict)  # data the form or the service refuses
    lookup: Callable | None = None  # organisation -> the created object (default: by name)

    @property
    def route(self) -> str:
        return self.model._meta.model_name

    def __str__(self) -> str:
        return self.route

    @property
    def list_url_name(self) -> str:
        return f"{self.route}_list"

    @property
    def list_url(self) -> str:
        return reverse(self.list_url_name)

    @property
    def list_case(self) -> ListCase:
        return ListCase(
            self.list_url_name,
            self.make_row,
            shared_catalog=self.shared_catalog,
            exported_as=self.exported_as,
        )

    @property
    def create_url(self) -> str:
        return reverse(f"{self.route}_create")

    @property
    def writer(self) -> str:
        """The fixture of the member who may write: an editor, an admin for the catalog."""
        return "admin_user" if self.shared_catalog else "editor"

    def created(self, org):
        if self.lookup:
            return self.lookup(org)
        return self.model.objects.get(name=self.form_data(org)["name"])


class _ModelTests:
    """Checks, when a class sets ``case``, that the case declares what its mixins use."""

    case: ModelCase
    needs: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        case = cls.__dict__.get("case")
        if case is None:
            return
        if not isinstance(case, ModelCase):
            raise TypeError(f"{cls.__name__}.case must be a ModelCase, not {case!r}")
        empty = {f.name for f in dataclasses.fields(case) if not getattr(case, f.name)}
        for base in cls.__mro__:
            missing = [name for name in base.__dict__.get("needs", ()) if name in empty]
            if missing:
                raise TypeError(
                    f"{cls.__name__}: {base.__name__} needs {', '.join(missing)} "
                    f"declared on ModelCase({case.route!r})"
                )

    def writer(self, request):
        return request.getfixturevalue(self.case.writer)


def _html(response) -> str:
    return response.content.decode()


class ListViewTests(_ModelTests):
    """The list page (kitos/lists.py) of ``case``: who gets it, whose rows it shows, the
    create button, search and export, and a query count independent of the rows."""

    needs = ("make_row", "columns")

    def test_list_sends_anonymous_to_login(self, client, db):
        support.check_anonymous_redirected(client, self.case.list_case)

    def test_list_renders_for_a_reader_and_an_editor(self, client, org, reader, editor):
        self.case.make_row(org, "Vores-række")
        for user in (reader, editor):
            client.force_login(user)
            response = client.get(self.case.list_url)
            assert response.status_code == 200, user
            assert "Vores-række" in _html(response), user

    def test_list_never_shows_another_organisations_rows(self, client, editor, org, other_org):
        support.check_other_organisation_hidden(client, editor, org, other_org,
                                                self.case.list_case)

    def test_list_shows_a_member_of_another_organisation_none_of_ours(
        self, client, org, outsider
    ):
        self.case.make_row(org, "Vores-række")
        client.force_login(outsider)
        response = client.get(self.case.list_url)
        assert response.status_code == 200
        assert "Vores-række" not in _html(response)
        assert "Vores-række" not in _html(client.get(self.case.list_url, {"q": "Vores"}))

    def test_list_offers_create_to_writers_only(self, client, reader, editor, org, request):
        support.check_create_button(client, reader, editor, org, self.case.list_case)
        if self.case.shared_catalog:  # ... and the catalog's to its admins
            client.force_login(self.writer(request))
            try:
                create = self.case.create_url
            except NoReverseMatch:
                create = None
            assert client.get(self.case.list_url).context["create_url"] == create

    def test_list_query_count_is_the_same_for_5_and_50_rows(self, client, editor, org):
        support.check_query_count_constant(client, editor, org, self.case.list_case,
                                           self.case.columns)

    def test_list_search_and_export_hold_exactly_the_filtered_rows(self, client, editor, org):
        support.check_search_and_export(client, editor, org, self.case.list_case)


class DetailViewTests(_ModelTests):
    """The detail page (kitos/detail.py) of ``case.make(org)``: its tabs, who gets them,
    the edit controls for writers only, and a query count independent of related rows."""

    needs = ("make", "tabs", "add_rows")

    def test_detail_sends_anonymous_to_login(self, client, org):
        response = client.get(object_url(self.case.make(org)))
        assert response.status_code == 302 and response.url.startswith(login_url())

    def test_detail_is_404_for_another_organisation(self, client, org, outsider):
        obj = self.case.make(org)
        client.force_login(outsider)
        for slug in self.case.tabs:
            assert client.get(tab_url(obj, slug)).status_code == 404

    def test_detail_reader_sees_every_tab_and_no_edit_controls(self, client, org, reader):
        obj = self.case.make(org)
        client.force_login(reader)
        for slug in self.case.tabs:
            response = client.get(tab_url(obj, slug))
            assert response.status_code == 200, slug
            html = _html(response)
            assert 'aria-selected="true"' in html and f'id="tab-{slug}"' in html
            assert object_url(obj, "update") not in html
            assert object_url(obj, "delete") not in html
            # No assign / edit / end links for role assignments (the menu's list is fine).
            assert "/rolletildelinger/ny/" not in html
            assert "/rediger/" not in html and "/slet/" not in html

    def test_detail_writer_sees_edit_controls(self, client, org, request):
        obj = self.case.make(org)
        client.force_login(self.writer(request))
        html = _html(client.get(object_url(obj)))
        assert object_url(obj, "update") in html
        assert object_url(obj, "delete") in html

    def test_detail_htmx_gets_the_tab_block_only(self, client, org, reader):
        obj = self.case.make(org)
        client.force_login(reader)
        slug = self.case.tabs[-1]
        response = client.get(
            tab_url(obj, slug), headers={"HX-Request": "true", "HX-Target": "detail-tabs"}
        )
        html = _html(response)
        assert response.status_code == 200
        assert "<html" not in html and 'role="tablist"' in html
        assert f'aria-labelledby="tab-{slug}"' in html
        assert "HX-Request" in response["Vary"]

    def test_detail_unknown_tab_is_404(self, client, org, reader):
        client.force_login(reader)
        assert client.get(tab_url(self.case.make(org), "findes-ikke")).status_code == 404

    def test_detail_query_count_is_the_same_with_5_and_50_rows(self, client, org, reader):
        obj = self.case.make(org)
        client.force_login(reader)
        assert_constant_queries(client, self.case, obj)


class FormViewTests(_ModelTests):
    """The create / edit / delete forms of ``case``: writers write (audited, source "ui"),
    readers get 403, other organisations 404, and refused input writes nothing."""

    needs = ("model", "make", "form_data", "change", "changed", "invalid")

    def test_form_sends_anonymous_to_login(self, client, org):
        obj = self.case.make(org)
        for url in (self.case.create_url, object_url(obj, "update"), object_url(obj, "delete")):
            response = client.get(url)
            assert response.status_code == 302 and response.url.startswith(login_url())

    def test_form_writer_creates(self, client, org, request):
        client.force_login(self.writer(request))
        url = self.case.create_url
        page = client.get(url)
        assert page.status_code == 200
        # Date fields are date inputs (a field's name may merely contain "date": mandate).
        assert 'type="date"' in _html(page) or not any(
            isinstance(form_field, forms.DateField)
            for form_field in page.context["form"].fields.values()
        )
        before = self.case.model.objects.count()
        response = client.post(url, self.case.form_data(org))
        assert response.status_code == 302, response.context["form"].errors
        assert self.case.model.objects.count() == before + 1
        obj = self.case.created(org)
        assert audit_entries(obj, "create").count() == 1
        assert audit_entries(obj, "create").get().source == "ui"
        followed = client.get(response.url)
        assert followed.status_code == 200
        assert "oprettet" in _html(followed)

    def test_form_writer_edits(self, client, org, request):
        obj = self.case.make(org)
        client.force_login(self.writer(request))
        url = object_url(obj, "update")
        page = client.get(url)
        assert page.status_code == 200
        data = {**form_data(page.context["form"]), **self.case.change}
        response = client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
        obj.refresh_from_db()
        assert self.case.changed(obj)
        assert audit_entries(obj, "update").exists()

    def test_form_writer_deletes_after_confirming(self, client, org, request):
        obj = self.case.make(org)
        client.force_login(self.writer(request))
        url = object_url(obj, "delete")
        page = client.get(url)
        assert page.status_code == 200 and "Ja, slet" in _html(page)
        response = client.post(url)
        assert response.status_code == 302
        assert not self.case.model.objects.filter(pk=obj.pk).exists()
        assert audit_entries(obj, "delete").count() == 1

    def test_form_reader_is_refused(self, client, org, reader):
        obj = self.case.make(org)
        client.force_login(reader)
        data = self.case.form_data(org)
        before = self.case.model.objects.count()
        urls = (self.case.create_url, object_url(obj, "update"), object_url(obj, "delete"))
        for url in urls:
            assert client.get(url).status_code == 403, url
            assert client.post(url, data).status_code == 403, url
        assert self.case.model.objects.count() == before
        assert not audit_entries(obj, "update").exists()

    def test_form_is_404_for_another_organisation(self, client, org, outsider):
        obj = self.case.make(org)
        client.force_login(outsider)
        for url in (object_url(obj, "update"), object_url(obj, "delete")):
            assert client.get(url).status_code == 404
            assert client.post(url, {}).status_code == 404
        assert self.case.model.objects.filter(pk=obj.pk).exists()

    def test_form_refuses_a_choice_of_another_organisation(self, client, org, other_org,
                                                           request):
        if self.case.cross_field is None:
            pytest.skip("the form has no choice of related objects")
        client.force_login(self.writer(request))
        data = {**self.case.form_data(org),
                self.case.cross_field: self.case.cross_value(other_org)}
        before = self.case.model.objects.count()
        response = client.post(self.case.create_url, data)
        assert response.status_code == 200
        assert response.context["form"].errors.get(self.case.cross_field)
        assert self.case.model.objects.count() == before

    def test_form_invalid_input_shows_errors_and_writes_nothing(self, client, org, request):
        client.force_login(self.writer(request))
        data = {**self.case.form_data(org), **self.case.invalid}
        before = self.case.model.objects.count()
        entries = AuditEntry.objects.count()
        response = client.post(self.case.create_url, data)
        assert response.status_code == 200
        html = _html(response)
        assert 'class="error-summary"' in html and response.context["form"].errors
        assert self.case.model.objects.count() == before
        assert AuditEntry.objects.count() == entries
