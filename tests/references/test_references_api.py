"""/api/v1/references/ (references.api): external references through the API, written by
the same services as the Referencer tab, visible to whoever sees the reference's object
(a shared catalog entry's to every member), changed by whoever may edit it."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kitos.tenancy import SYSTEM
from references.filtersets import REFERENCE_TARGET_KINDS, reference_target_models
from references.models import MAX_REFERENCES_PER_OBJECT, CheckStatus, ExternalReference
from references.services import reference_create
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    ItSystemFactory,
    ProcessingActivityFactory,
    UsageFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

URL = "/api/v1/references/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def add(target, n=1, **extra):
    return [
        reference_create(actor=SYSTEM, target=target, title=f"Dokument {i}",
                         url=f"https://docs.example.dk/{target.pk}/{i}", **extra)
        for i in range(n)
    ]


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_created_through_the_api_it_is_listed_and_filtered(org, editor):
    contract = ContractFactory(organisation=org)
    usage = UsageFactory(organisation=org)
    client = api(editor)
    response = client.post(URL, {
        "object_type": "contract", "object_id": str(contract.uuid), "title": " Kontrakten ",
        "url": "https://esdh.example.dk/sag/17", "external_id": "17/2025",
    }, format="json")
    assert response.status_code == 201, response.content
    assert response["ETag"]
    body = response.json()
    assert body["object_type"] == "contract" and body["object_id"] == str(contract.uuid)
    assert body["title"] == "Kontrakten" and body["external_id"] == "17/2025"
    assert body["check_status"] == "unchecked" and body["dead_since"] is None
    assert set(body) == {
        "id", "object_type", "object_id", "title", "url", "external_id", "check_status",
        "checked_at", "http_status", "check_detail", "dead_since", "created_at", "updated_at",
    }
    reference = ExternalReference.objects.get(uuid=body["id"])
    assert reference.target == contract and reference.created_by == editor
    assert reference.organisation == org

    [dead] = add(usage)
    ExternalReference.objects.filter(pk=dead.pk).update(
        check_status=CheckStatus.BROKEN, dead_since=timezone.now(), http_status=404)
    assert _ids(client.get(URL)) == {body["id"], str(dead.uuid)}
    assert _ids(client.get(URL, {"object_id": str(contract.uuid)})) == {body["id"]}
    assert _ids(client.get(URL, {"object_type": "system_usage"})) == {str(dead.uuid)}
    assert _ids(client.get(URL, {"dead": "true"})) == {str(dead.uuid)}
    assert _ids(client.get(URL, {"dead": "false"})) == {body["id"]}
    assert _ids(client.get(URL, {"check_status": "broken"})) == {str(dead.uuid)}
    assert _ids(client.get(URL, {"organisation": str(org.uuid)})) == {body["id"], str(dead.uuid)}
    got = client.get(f"{URL}{dead.uuid}/").json()
    assert got["object_type"] == "system_usage" and got["object_id"] == str(usage.uuid)
    assert got["http_status"] == 404 and got["check_status"] == "broken"
    assert client.get(URL, {"object_type": "role"}).status_code == 400


def test_the_kinds_are_those_of_the_target_models():
    assert set(reference_target_models()) == set(REFERENCE_TARGET_KINDS)


@pytest.mark.parametrize("factory, kind", [
    (AgreementFactory, "data_processing_agreement"),
    (ProcessingActivityFactory, "processing_activity"),
])
def test_every_kind_of_object_takes_references(org, editor, factory, kind):
    target = factory(organisation=org)
    response = api(editor).post(URL, {
        "object_type": kind, "object_id": str(target.uuid), "title": "Aftalen",
        "url": "https://intra.example.dk/aftale"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["object_type"] == kind


def test_update_resets_the_check_of_a_new_link_and_delete_removes(org, editor):
    [reference] = add(ContractFactory(organisation=org))
    ExternalReference.objects.filter(pk=reference.pk).update(
        check_status=CheckStatus.BROKEN, dead_since=timezone.now(), http_status=404)
    client = api(editor)
    url = f"{URL}{reference.uuid}/"
    etag = client.get(url)["ETag"]
    response = client.patch(url, {"title": "Nyt navn"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response.json()["check_status"] == "broken"
    response = client.patch(url, {"url": "https://ny.example.dk/"}, format="json",
                            HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    response = client.patch(url, {"url": "https://ny.example.dk/"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["check_status"] == "unchecked" and body["dead_since"] is None
    assert body["http_status"] is None and body["title"] == "Nyt navn"
    moved = client.patch(url, {"object_id": str(ContractFactory(organisation=org).uuid)},
                         format="json")
    assert moved.status_code == 400 and "object_id" in moved.json()["errors"]
    assert client.delete(url).status_code == 204
    assert not ExternalReference.objects.filter(pk=reference.pk).exists()


def test_bad_input_is_400_with_field_messages_and_writes_nothing(org, editor):
    contract = ContractFactory(organisation=org)
    add(contract)
    client = api(editor)
    before = ExternalReference.objects.count()
    base = {"object_type": "contract", "object_id": str(contract.uuid), "title": "X"}
    bad = client.post(URL, {**base, "url": "javascript:alert(1)"}, format="json")
    assert bad.status_code == 400 and "url" in bad.json()["errors"]
    duplicate = client.post(URL, {**base, "url": f"https://docs.example.dk/{contract.pk}/0"},
                            format="json")
    assert duplicate.status_code == 400, duplicate.content
    assert "Objektet har allerede en reference med det link." in str(duplicate.json())
    blank = client.post(URL, {**base, "title": "", "url": "https://a.example.dk/"},
                        format="json")
    assert blank.status_code == 400 and "title" in blank.json()["errors"]
    missing = client.post(URL, {"title": "X", "url": "https://a.example.dk/"}, format="json")
    assert missing.status_code == 400
    assert {"object_type", "object_id"} <= set(missing.json()["errors"])
    [reference] = ExternalReference.objects.about(contract)
    patched = client.patch(f"{URL}{reference.uuid}/", {"url": "ftp://files.example.dk/"},
                           format="json")
    assert patched.status_code == 400 and "url" in patched.json()["errors"]
    reference.refresh_from_db()
    assert reference.url == f"https://docs.example.dk/{contract.pk}/0"
    assert ExternalReference.objects.count() == before


def test_the_51st_reference_is_refused(org, editor):
    contract = ContractFactory(organisation=org)
    add(contract, MAX_REFERENCES_PER_OBJECT)
    response = api(editor).post(URL, {
        "object_type": "contract", "object_id": str(contract.uuid), "title": "Én for meget",
        "url": "https://one-too-many.example.dk/"}, format="json")
    assert response.status_code == 400, response.content
    assert ExternalReference.objects.about(contract).count() == MAX_REFERENCES_PER_OBJECT


def test_readers_may_read_but_not_write(org, reader):
    contract = ContractFactory(organisation=org)
    [reference] = add(contract)
    client = api(reader)
    assert _ids(client.get(URL)) == {str(reference.uuid)}
    url = f"{URL}{reference.uuid}/"
    assert client.get(url).status_code == 200
    created = client.post(URL, {
        "object_type": "contract", "object_id": str(contract.uuid), "title": "X",
        "url": "https://x.example.dk/"}, format="json")
    assert created.status_code == 403
    assert client.patch(url, {"title": "Y"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    assert ExternalReference.objects.get(pk=reference.pk).title == reference.title


def test_another_organisations_references_are_404(org, other_org, outsider):
    contract = ContractFactory(organisation=org)
    [reference] = add(contract)
    client = api(outsider)
    assert _ids(client.get(URL)) == set()
    assert _ids(client.get(URL, {"organisation": str(org.uuid)})) == set()
    url = f"{URL}{reference.uuid}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"title": "Y"}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    created = client.post(URL, {
        "object_type": "contract", "object_id": str(contract.uuid), "title": "X",
        "url": "https://x.example.dk/"}, format="json")
    assert created.status_code == 404
    assert ExternalReference.objects.count() == 1


def test_a_shared_catalog_entrys_references_are_visible_to_every_member(
        org, other_org, editor, admin_user):
    shared = ItSystemFactory(owner_organisation=other_org, is_local=False)
    national = ItSystemFactory()
    local_elsewhere = ItSystemFactory(owner_organisation=other_org, is_local=True,
                                      name="Lokalt")
    [on_shared] = add(shared)
    [on_national] = add(national)
    add(local_elsewhere)
    client = api(editor)
    assert _ids(client.get(URL)) == {str(on_shared.uuid), str(on_national.uuid)}
    assert _ids(client.get(URL, {"object_type": "it_system"})) == {
        str(on_shared.uuid), str(on_national.uuid)}
    assert client.get(f"{URL}{on_shared.uuid}/").json()["object_id"] == str(shared.uuid)
    # Only the organisation that keeps the entry changes its references.
    assert client.patch(f"{URL}{on_shared.uuid}/", {"title": "Y"},
                        format="json").status_code == 403
    own = ItSystemFactory(owner_organisation=org, is_local=True, name="Eget")
    response = api(admin_user).post(URL, {
        "object_type": "it_system", "object_id": str(own.uuid), "title": "Produktside",
        "url": "https://leverandoer.example.dk/"}, format="json")
    assert response.status_code == 201, response.content


def test_superusers_see_every_reference(org, other_org, superuser):
    refs = add(ContractFactory(organisation=org)) + add(ItSystemFactory())
    assert _ids(api(superuser).get(URL)) == {str(r.uuid) for r in refs}


def test_the_list_reads_a_fixed_number_of_queries(org, other_org, editor):
    client = api(editor)

    def more():
        add(ContractFactory(organisation=org), 2)
        add(UsageFactory(organisation=org), 2)
        add(ItSystemFactory(owner_organisation=other_org, is_local=False), 2)
        add(AgreementFactory(organisation=org))
        add(ProcessingActivityFactory(organisation=org))

    more()
    few = count_queries(client, URL)
    for _ in range(5):
        more()
    assert count_queries(client, URL) == few
    assert len(client.get(URL).json()["results"]) == 48
