"""Saved views of the list pages (kitos/saved_views.py), through the services and the
contract list: save, open, share, the organisation's default and its way out, scoping
to the user and the organisation, readers, constraint messages and query counts."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contracts.models import Contract
from kitos.models import AuditEntry, SavedView
from kitos.saved_views import (
    saved_query,
    saved_view_create,
    saved_view_delete,
    saved_view_set_default,
    saved_view_share,
    saved_view_update,
)
from tests.factories import ContractFactory, MembershipFactory, SupplierFactory, UserFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

URL = "/kontrakter/"


def make_view(owner, org, *, name="Mine udløbne", shared=False, query="status=expired",
              columns=("name", "supplier"), list_key="contract_list"):
    return saved_view_create(
        actor=owner, organisation=org, list_key=list_key, name=name, query=query,
        columns=columns, shared=shared,
    )


def query_of(url: str) -> dict:
    return parse_qs(urlsplit(url).query)


# -- services -----------------------------------------------------------------------------


def test_saved_query_keeps_filters_sort_and_page_size_only():
    from django.http import QueryDict

    query = QueryDict("status=expired&q=&page=3&format=csv&visning=x&sort=-name&page_size=50"
                      "&status=active")
    assert saved_query(query) == "status=expired&status=active&sort=-name&page_size=50"


def test_create_update_share_delete_are_audited(editor, org):
    view = make_view(editor, org)
    assert str(view) == "Mine udløbne (contract_list)"
    view = saved_view_update(actor=editor, view=view, name="Udløbne", query="sort=name",
                             columns=["name"])
    view = saved_view_share(actor=editor, view=view, shared=True)
    saved_view_delete(actor=editor, view=view)
    entries = AuditEntry.objects.filter(object_uuid=view.uuid).order_by("timestamp", "id")
    assert [entry.action for entry in entries] == ["create", "update", "update", "delete"]
    assert entries[1].changes["name"] == ["Mine udløbne", "Udløbne"]
    assert entries[0].organisation_id == org.pk
    assert not SavedView.objects.exists()


def test_only_the_owner_changes_a_view(editor, admin_user, org):
    view = make_view(editor, org, shared=True)
    with pytest.raises(PermissionDenied):
        saved_view_update(actor=admin_user, view=view, name="Kapret")
    with pytest.raises(PermissionDenied):
        saved_view_share(actor=admin_user, view=view, shared=False)
    # An admin may tidy the organisation's shared views away, though.
    saved_view_delete(actor=admin_user, view=view)


def test_others_may_not_delete_a_private_view_even_admins(editor, admin_user, org):
    view = make_view(editor, org)
    with pytest.raises(PermissionDenied):
        saved_view_delete(actor=admin_user, view=view)


def test_readers_save_private_views_but_do_not_share(reader, org):
    view = make_view(reader, org)
    assert not view.shared
    with pytest.raises(PermissionDenied):
        make_view(reader, org, name="Delt", shared=True)
    with pytest.raises(PermissionDenied):
        saved_view_share(actor=reader, view=view, shared=True)


def test_saving_in_an_organisation_one_is_not_member_of_is_refused(editor, other_org):
    with pytest.raises(PermissionDenied):
        make_view(editor, other_org)


def test_constraint_messages_are_danish(editor, org):
    make_view(editor, org)
    with pytest.raises(ValidationError) as error:
        make_view(editor, org)
    assert "Du har allerede en visning med det navn." in error.value.messages
    view = SavedView(organisation=org, owner=editor, list_key="contract_list", name="X",
                     is_default=True)
    with pytest.raises(ValidationError) as error:
        view.full_clean()
    assert error.value.message_dict["is_default"] == [
        "En standardvisning skal være delt med organisationen."
    ]
    saved = make_view(editor, org, name="Standard", shared=True)
    SavedView.objects.filter(pk=saved.pk).update(is_default=True)
    second = SavedView(organisation=org, owner=editor, list_key="contract_list", name="Y",
                       shared=True, is_default=True)
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "Listen har allerede en standardvisning." in error.value.messages


def test_blank_name_and_overlong_filters_are_clear_errors(editor, org):
    with pytest.raises(ValidationError) as error:
        make_view(editor, org, name="   ")
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_view(editor, org, query="q=" + "x" * 3000)
    assert error.value.messages == ["Filtrene er for lange til at blive gemt i en visning."]
    assert not SavedView.objects.exists()


def test_only_admins_choose_the_default_and_it_replaces_the_previous(
    editor, admin_user, org
):
    first = make_view(editor, org, name="Første", shared=True)
    second = make_view(editor, org, name="Anden", shared=True)
    with pytest.raises(PermissionDenied):
        saved_view_set_default(actor=editor, view=first, default=True)
    saved_view_set_default(actor=admin_user, view=first, default=True)
    saved_view_set_default(actor=admin_user, view=second, default=True)
    assert list(SavedView.objects.filter(is_default=True)) == [second]
    saved_view_set_default(actor=admin_user, view=second, default=False)
    assert not SavedView.objects.filter(is_default=True).exists()


def test_an_admins_private_view_is_shared_by_becoming_the_default(admin_user, editor, org):
    own = make_view(admin_user, org)
    assert saved_view_set_default(actor=admin_user, view=own, default=True).shared
    other_private = make_view(editor, org, name="Privat")
    with pytest.raises(PermissionDenied):
        saved_view_set_default(actor=admin_user, view=other_private, default=True)


def test_the_default_stays_shared_until_it_is_no_longer_the_default(admin_user, org):
    view = make_view(admin_user, org, shared=True)
    view = saved_view_set_default(actor=admin_user, view=view, default=True)
    with pytest.raises(ValidationError):
        saved_view_share(actor=admin_user, view=view, shared=False)


# -- the list page ------------------------------------------------------------------------


@pytest.fixture
def contracts(org):
    supplier = SupplierFactory()
    return [
        ContractFactory(organisation=org, supplier=supplier, name=name, yearly_cost=cost)
        for name, cost in (("Bravo", 300), ("Alfa", 100), ("Charlie", 200))
    ]


def test_save_the_list_as_shown_and_open_it(client, editor, org, contracts):
    client.force_login(editor)
    url = f"{URL}?q=&sort=-yearly_cost&page_size=50&page=1"
    client.post(URL + "?visning=ingen", {"columns": ["name", "yearly_cost"]})
    response = client.post(url, {"view_action": "save", "name": "Dyreste først"})
    view = SavedView.objects.get()
    assert response.status_code == 302
    assert response.url == f"{URL}?sort=-yearly_cost&page_size=50&visning={view.uuid}"
    assert (view.organisation, view.owner, view.list_key) == (org, editor, "contract_list")
    assert view.query == "sort=-yearly_cost&page_size=50"
    assert view.columns == ["name", "yearly_cost"]
    assert not view.shared
    # Other columns chosen meanwhile: the view still shows its own.
    client.post(URL, {"columns": ["name", "supplier", "status"]})
    response = client.get(response.url)
    assert [h["column"].key for h in response.context["headers"]] == ["name", "yearly_cost"]
    assert [str(row["cells"][0].value) for row in response.context["rows"]] == [
        "Bravo", "Charlie", "Alfa"]
    page = response.content.decode()
    assert "Dyreste først" in page and "Mine visninger" in page
    assert "Gem ændringer" in page


def test_another_member_opens_a_shared_view_with_the_same_filters_and_columns(
    client, editor, reader, org, contracts
):
    view = make_view(editor, org, shared=True, query="sort=name&q=a",
                     columns=["name", "yearly_cost"])
    client.force_login(reader)
    page = client.get(URL + "?visning=ingen").content.decode()
    assert "Delte visninger" in page and view.name in page
    response = client.get(f"{URL}?{view.query}&visning={view.uuid}")
    assert response.status_code == 200
    assert [h["column"].key for h in response.context["headers"]] == ["name", "yearly_cost"]
    body = response.content.decode()
    # Not the reader's to change, share or delete; the reader may still save their own.
    for action in ('value="update"', 'value="delete"', 'value="rename"', 'value="default"'):
        assert action not in body
    assert 'value="save"' in body
    assert 'name="shared"' not in body  # a reader cannot share


def test_other_users_private_views_and_other_organisations_views_are_404(
    client, editor, reader, outsider, org, other_org, contracts
):
    private = make_view(editor, org)
    foreign = make_view(outsider, other_org, shared=True)
    client.force_login(reader)
    assert private.name not in client.get(URL + "?visning=ingen").content.decode()
    for view in (private, foreign):
        assert client.get(f"{URL}?visning={view.uuid}").status_code == 404
        for action in ("delete", "update", "rename", "share", "default"):
            response = client.post(URL, {"view_action": action, "view": str(view.uuid),
                                         "name": "x"})
            assert response.status_code == 404
    assert client.get(f"{URL}?visning=not-a-uuid").status_code == 404
    assert client.post(URL, {"view_action": "explode"}).status_code == 404
    # A view of another list is not this list's either.
    other_list = make_view(editor, org, name="Systemer", list_key="system_list", shared=True)
    assert client.get(f"{URL}?visning={other_list.uuid}").status_code == 404
    assert SavedView.objects.count() == 3


def test_a_non_admin_cannot_set_the_default(client, editor, org, contracts):
    view = make_view(editor, org, shared=True)
    client.force_login(editor)
    page = client.get(f"{URL}?visning={view.uuid}").content.decode()
    assert "Gør til standard" not in page
    response = client.post(URL, {"view_action": "default", "view": str(view.uuid)})
    assert response.status_code == 403
    assert not SavedView.objects.get().is_default


def test_the_organisations_default_applies_to_a_plain_visit_and_can_be_left(
    client, admin_user, reader, org, contracts
):
    view = make_view(admin_user, org, shared=True, query="sort=-yearly_cost")
    client.force_login(admin_user)
    page = client.get(f"{URL}?visning={view.uuid}").content.decode()
    assert "Gør til standard" in page
    client.post(f"{URL}?visning={view.uuid}", {"view_action": "default",
                                               "view": str(view.uuid)})
    assert SavedView.objects.get().is_default
    client.force_login(reader)
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == f"{URL}?sort=-yearly_cost&visning={view.uuid}"
    page = client.get(response.url).content.decode()
    assert "Standard" in page
    # The way out does not lead back to the default.
    assert 'href="/kontrakter/?visning=ingen"' in page
    response = client.get(URL + "?visning=ingen")
    assert response.status_code == 200
    assert response.context["sort"] == ""
    # htmx requests and exports are not redirected.
    assert client.get(URL, headers={"HX-Request": "true"}).status_code == 200


def test_update_rename_share_and_delete_from_the_header(client, editor, org, contracts):
    view = make_view(editor, org, query="sort=name")
    client.force_login(editor)
    opened = f"{URL}?sort=-name&status=active&visning={view.uuid}"
    response = client.post(opened, {"view_action": "update", "view": str(view.uuid)})
    view.refresh_from_db()
    assert view.query == "sort=-name&status=active"
    assert response.url == f"{URL}?sort=-name&status=active&visning={view.uuid}"
    client.post(opened, {"view_action": "rename", "view": str(view.uuid), "name": "Aktive"})
    client.post(opened, {"view_action": "share", "view": str(view.uuid)})
    view.refresh_from_db()
    assert (view.name, view.shared) == ("Aktive", True)
    response = client.post(opened, {"view_action": "delete", "view": str(view.uuid)})
    assert response.url == f"{URL}?sort=-name&status=active"
    assert not SavedView.objects.exists()


def test_a_duplicate_name_is_a_message_not_an_error(client, editor, org, contracts):
    make_view(editor, org)
    client.force_login(editor)
    response = client.post(URL, {"view_action": "save", "name": "Mine udløbne"}, follow=True)
    assert response.status_code == 200
    assert "Du har allerede en visning med det navn." in response.content.decode()
    assert SavedView.objects.count() == 1


def test_choosing_columns_while_a_view_is_open_leaves_the_view(client, editor, org, contracts):
    view = make_view(editor, org, query="sort=name")
    client.force_login(editor)
    response = client.post(f"{URL}?sort=name&visning={view.uuid}", {"columns": ["name"]})
    assert response.url == f"{URL}?sort=name"


def test_query_count_is_the_same_for_1_and_1000_rows_with_saved_views(
    client, editor, admin_user, org
):
    supplier = SupplierFactory()
    ContractFactory(organisation=org, supplier=supplier)
    own = make_view(editor, org, query="page_size=100", columns=["name", "supplier"])
    make_view(editor, org, name="Anden", shared=True)
    make_view(admin_user, org, name="Fælles", shared=True)
    other = UserFactory(username="kollega")
    MembershipFactory(user=other, organisation=org, role="editor")
    client.force_login(editor)
    urls = [f"{URL}?page_size=100&visning={own.uuid}", URL + "?visning=ingen"]
    before = [count_queries(client, url) for url in urls]
    Contract.objects.bulk_create(
        ContractFactory.build(organisation=org, supplier=supplier, yearly_cost=Decimal(i))
        for i in range(999)
    )
    for i in range(20):
        make_view(other, org, name=f"Delt {i}", shared=True)
    assert [count_queries(client, url) for url in urls] == before


def test_deleted_views_stay_out_of_the_api_deletions_feed(editor, reader, org):
    from django.utils import timezone
    from rest_framework.test import APIClient

    before = timezone.now()
    saved_view_delete(actor=editor, view=make_view(editor, org, name="Hemmelig"))
    client = APIClient()
    client.force_authenticate(reader)
    body = client.get("/api/v1/deletions/", {"since": before.isoformat()}).json()
    assert body["results"] == []


def test_a_race_to_the_same_name_is_a_message_not_an_error(client, editor, org, monkeypatch):
    from django.db import IntegrityError

    def racing(**kwargs):
        raise IntegrityError("savedview_unique_name_per_owner_and_list")

    monkeypatch.setattr("kitos.saved_views.saved_view_create", racing)
    client.force_login(editor)
    response = client.post(URL, {"view_action": "save", "name": "X"}, follow=True)
    assert response.status_code == 200
    assert "Visningen blev ændret samtidig et andet sted." in response.content.decode()


def test_a_reader_saves_a_private_view_from_the_list_but_cannot_share(client, reader, org):
    client.force_login(reader)
    response = client.post(URL + "?sort=name", {"view_action": "save", "name": "Min"})
    assert response.status_code == 302
    assert SavedView.objects.get().owner == reader
    response = client.post(URL, {"view_action": "save", "name": "Delt", "shared": "on"})
    assert response.status_code == 403
    assert SavedView.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, editor, org):
    view = make_view(editor, org)
    assert client.get(f"{URL}?visning={view.uuid}").status_code == 302
    response = client.post(URL, {"view_action": "delete", "view": str(view.uuid)})
    assert response.status_code == 302 and "log-ind" in response.url
    assert SavedView.objects.exists()
