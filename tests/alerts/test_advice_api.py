"""/api/v1/advice/ (alerts.api): manual advice through the API, written by the same
services as the pages, scoped to the user's organisations, with its sent log."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from alerts.advice import advice_create, send_due_advice
from alerts.models import Advice
from kitos.tenancy import SYSTEM
from tests.factories import ContractFactory, PersonFactory, RoleAssignmentFactory, standard_role
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

URL = "/api/v1/advice/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def soon(days=3):
    return (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days)).isoformat()


def weekly(contract, **extra):
    return advice_create(
        actor=SYSTEM, target=contract, subject="Tjek forbruget", repetition="weekly",
        alarm_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3),
        to_roles=[standard_role("kontraktejer")], **extra)


def test_created_through_the_api_it_is_listed_and_filtered(org, editor):
    contract = ContractFactory(organisation=org)
    other = ContractFactory(organisation=org)
    owner = standard_role("kontraktejer")
    response = api(editor).post(URL, {
        "object_type": "contract", "object_id": str(contract.uuid), "subject": "Forny licens",
        "repetition": "monthly", "alarm_at": soon(), "stop_on": "2040-01-01",
        "to_roles": [str(owner.uuid)], "cc_emails": ["Revisor@Demo.dk"],
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["object_type"] == "contract" and body["object_id"] == str(contract.uuid)
    assert body["cc_emails"] == ["revisor@demo.dk"] and body["to_roles"] == [str(owner.uuid)]
    assert body["next_send_at"] and body["is_active"] and body["sent"] == []
    advice = Advice.objects.get(uuid=body["id"])
    assert advice.created_by == editor
    weekly(other)
    client = api(editor)
    listed = client.get(URL, {"object_id": str(contract.uuid)}).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    assert len(client.get(URL, {"object_type": "contract"}).json()["results"]) == 2
    client.post(f"{URL}{body['id']}/deactivate/")
    assert [row["id"] for row in client.get(URL, {"is_active": "false"}).json()["results"]] \
        == [body["id"]]


def test_update_deactivate_and_delete_go_through_the_services(org, editor):
    contract = ContractFactory(organisation=org)
    advice = weekly(contract)
    client = api(editor)
    url = f"{URL}{advice.uuid}/"
    patched = client.patch(url, {"subject": "Nyt emne"}, format="json")
    assert patched.status_code == 200 and patched.json()["subject"] == "Nyt emne"
    # It stays on its object.
    moved = client.patch(url, {"object_id": str(ContractFactory(organisation=org).uuid)},
                         format="json")
    assert moved.status_code == 400
    off = client.post(f"{url}deactivate/")
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert off.json()["next_send_at"] is None
    assert client.delete(url).status_code == 204
    assert not Advice.objects.filter(pk=advice.pk).exists()


def test_a_sent_advice_shows_its_log_and_cannot_be_deleted(org, editor):
    contract = ContractFactory(organisation=org)
    person = PersonFactory(organisation=org, email="ejer@demo.dk")
    RoleAssignmentFactory(target=contract, person=person, role_type=standard_role("kontraktejer"))
    advice = weekly(contract)
    send_due_advice(advice.alarm_at + datetime.timedelta(minutes=1))
    client = api(editor)
    body = client.get(f"{URL}{advice.uuid}/").json()
    assert [entry["recipients"]["to"] for entry in body["sent"]] == [["ejer@demo.dk"]]
    assert body["sent"][0]["ok"] is True
    refused = client.delete(f"{URL}{advice.uuid}/")
    assert refused.status_code == 400
    assert Advice.objects.filter(pk=advice.pk).exists()


def test_another_organisation_gets_404_and_cannot_aim_at_its_objects(org, outsider, editor):
    contract = ContractFactory(organisation=org)
    advice = weekly(contract)
    client = api(outsider)
    assert client.get(URL).json()["results"] == []
    url = f"{URL}{advice.uuid}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"subject": "x"}, format="json").status_code == 404
    assert client.post(f"{url}deactivate/").status_code == 404
    assert client.delete(url).status_code == 404
    created = client.post(URL, {"object_type": "contract", "object_id": str(contract.uuid),
                                "subject": "Hej"}, format="json")
    assert created.status_code == 400 and "object_id" in created.json()["errors"]
    assert Advice.objects.count() == 1


def test_a_reader_reads_but_does_not_write(org, reader):
    contract = ContractFactory(organisation=org)
    advice = weekly(contract)
    client = api(reader)
    assert client.get(f"{URL}{advice.uuid}/").status_code == 200
    assert client.patch(f"{URL}{advice.uuid}/", {"subject": "x"},
                        format="json").status_code == 403
    assert client.post(f"{URL}{advice.uuid}/deactivate/").status_code == 403
    assert client.post(URL, {"object_type": "contract", "object_id": str(contract.uuid),
                             "subject": "Hej"}, format="json").status_code == 403


def test_bad_input_is_a_clear_400(org, editor):
    contract = ContractFactory(organisation=org)
    client = api(editor)
    missing = client.post(URL, {"subject": "Hej"}, format="json")
    assert missing.status_code == 400
    assert {"object_type", "object_id"} <= set(missing.json()["errors"])
    stop = client.post(URL, {"object_type": "contract", "object_id": str(contract.uuid),
                             "subject": "Hej", "repetition": "weekly", "alarm_at": soon(),
                             "stop_on": "2001-01-01"}, format="json")
    assert stop.status_code == 400 and "stop_on" in stop.json()["errors"]
    assert not Advice.objects.exists()


def test_the_list_costs_the_same_with_more_advice(org, editor):
    client = api(editor)

    def add(count):
        for _ in range(count):
            weekly(ContractFactory(organisation=org), cc_emails=["a@demo.dk"])

    add(3)
    client.get(URL)
    few = count_queries(client, URL)
    add(20)
    assert count_queries(client, URL) == few
