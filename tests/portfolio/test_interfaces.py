"""The interface catalog (snitflader): the shared list, detail and form tests, the rules
of interfaces and of the integrations through them, the API and the Excel import."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from kitos.models import AuditEntry, Option
from kitos.tenancy import SYSTEM
from portfolio.models import Interface, ItSystem
from portfolio.services import interface_create, interface_update, system_update
from tests.factories import (
    IntegrationFactory,
    InterfaceFactory,
    ItSystemFactory,
    UsageFactory,
)
from tests.harness import DetailViewTests, FormViewTests, ListViewTests
from tests.portfolio.cases import INTERFACE

pytestmark = pytest.mark.django_db


class TestInterfaceList(ListViewTests):
    case = INTERFACE


class TestInterfaceDetail(DetailViewTests):
    case = INTERFACE


class TestInterfaceForms(FormViewTests):
    case = INTERFACE


def option(kind, code):
    return Option.objects.get(kind=kind, code=code)


def test_the_form_saves_the_data_rows_and_the_history_shows_them(client, org, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("interface_create"), {
        "name": "Sagsservice", "is_local": "on", "interface_type": option("interface_type",
                                                                          "rest").pk,
        "data_rows": "CPR-nummer; Personoplysninger\nSagsnummer; text\n\n",
    })
    assert response.status_code == 302, response.content[:2000]
    interface = Interface.objects.get(name="Sagsservice")
    rows = [(row.description, row.data_type.code if row.data_type else None)
            for row in interface.data_rows.all()]
    assert rows == [("CPR-nummer", "personal_data"), ("Sagsnummer", "text")]
    entries = AuditEntry.objects.filter(object_id=interface.pk, changes__has_key="data_rows")
    assert entries.count() == 1


def test_an_unknown_data_type_is_named_and_nothing_is_written(client, org, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("interface_create"), {
        "name": "Sagsservice", "is_local": "on", "data_rows": "CPR-nummer; Hemmelig",
    })
    assert response.status_code == 200
    assert "»Hemmelig« findes ikke" in response.content.decode()
    assert not Interface.objects.filter(name="Sagsservice").exists()


def test_another_organisations_local_interface_is_404(client, org, other_org, admin_user):
    theirs = InterfaceFactory(owner_organisation=other_org, is_local=True,
                              exposed_by=ItSystemFactory(owner_organisation=other_org,
                                                         is_local=True))
    client.force_login(admin_user)
    for name in ("interface_detail", "interface_update", "interface_delete"):
        assert client.get(reverse(name, args=[theirs.uuid])).status_code == 404
    assert theirs.name not in client.get(reverse("interface_list")).content.decode()
    api = APIClient()
    api.force_authenticate(admin_user)
    assert api.get(f"/api/v1/interfaces/{theirs.uuid}/").status_code == 404
    assert api.get("/api/v1/interfaces/").json()["results"] == []


def test_integration_interface_must_be_exposed_by_one_end(org):
    integration = IntegrationFactory(organisation=org)
    elsewhere = InterfaceFactory()
    integration.interface = elsewhere
    with pytest.raises(ValidationError) as error:
        integration.full_clean()
    assert error.value.message_dict["interface"] == [
        "Snitfladen skal være udstillet af afsenderens eller modtagerens it-system."]
    for end in (integration.source, integration.target):
        integration.interface = InterfaceFactory(exposed_by=end.system)
        integration.full_clean()


def test_integration_cannot_use_another_organisations_local_interface(org, other_org):
    integration = IntegrationFactory(organisation=org)
    integration.interface = InterfaceFactory(
        owner_organisation=other_org, is_local=True, exposed_by=integration.target.system)
    with pytest.raises(ValidationError) as error:
        integration.full_clean()
    assert "interface" in error.value.message_dict


def test_an_interface_in_use_cannot_move_to_another_system(org):
    integration = IntegrationFactory(organisation=org)
    interface = InterfaceFactory(exposed_by=integration.target.system)
    integration.interface = interface
    integration.save()
    interface = Interface.objects.get(pk=interface.pk)
    with pytest.raises(ValidationError) as error:
        interface_update(actor=SYSTEM, interface=interface,
                         data={"exposed_by": ItSystemFactory()})
    assert "exposed_by" in error.value.message_dict
    # Moving it to the sender's system keeps the integration valid.
    interface_update(actor=SYSTEM, interface=Interface.objects.get(pk=interface.pk),
                     data={"exposed_by": integration.source.system})


def test_a_shared_interface_cannot_be_exposed_by_a_local_system(org):
    local = ItSystemFactory(owner_organisation=org, is_local=True)
    with pytest.raises(ValidationError) as error:
        interface_create(actor=SYSTEM, name="Delt", exposed_by=local)
    assert "exposed_by" in error.value.message_dict


def test_archive_comment_needs_a_recommendation():
    system = ItSystemFactory()
    with pytest.raises(ValidationError) as error:
        system_update(actor=SYSTEM, system=system,
                      data={"archive_duty_recommendation_comment": "Bevares"})
    assert "kræver, at der er valgt en anbefaling" in str(error.value)
    system_update(actor=SYSTEM, system=ItSystem.objects.get(pk=system.pk), data={
        "archive_duty_recommendation": "BK", "archive_duty_recommendation_comment": "Bevares"})


def test_the_system_page_lists_its_exposed_interfaces(client, org, editor):
    system = ItSystemFactory()
    InterfaceFactory(name="Udstillet snitflade", exposed_by=system)
    client.force_login(editor)
    response = client.get(reverse("itsystem_detail", args=[system.uuid]) + "?tab=snitflader")
    assert "Udstillet snitflade" in response.content.decode()


def test_api_reads_and_writes_interfaces_with_type_by_code(org, admin_user):
    system = ItSystemFactory(owner_organisation=org, is_local=True)
    api = APIClient()
    api.force_authenticate(admin_user)
    response = api.post("/api/v1/interfaces/", {
        "name": "Sagsservice", "version": "2.0", "interface_type": "soap",
        "exposed_by": str(system.uuid), "owner_organisation": str(org.uuid), "is_local": True,
    }, format="json")
    assert response.status_code == 201, response.content
    interface = Interface.objects.get(name="Sagsservice")
    interface.data_rows.create(description="Sagsnummer",
                               data_type=option("interface_data_type", "text"))
    body = api.get(f"/api/v1/interfaces/{interface.uuid}/").json()
    assert body["interface_type"] == "soap"
    assert body["data_rows"] == [{"description": "Sagsnummer", "data_type": "text"}]
    assert api.get("/api/v1/interfaces/", {"interface_type": "rest"}).json()["results"] == []
    assert len(api.get("/api/v1/interfaces/", {"interface_type": "soap"}).json()["results"]) == 1
    too_long = api.patch(f"/api/v1/interfaces/{interface.uuid}/", {"version": "x" * 21},
                         format="json")
    assert too_long.status_code == 400


def test_api_integration_names_its_interface(org, editor):
    integration = IntegrationFactory(organisation=org)
    interface = InterfaceFactory(exposed_by=integration.target.system)
    api = APIClient()
    api.force_authenticate(editor)
    url = f"/api/v1/integrations/{integration.uuid}/"
    assert api.patch(url, {"interface": str(interface.uuid)}, format="json").status_code == 200
    assert api.get(url).json()["interface"] == str(interface.uuid)
    wrong = api.patch(url, {"interface": str(InterfaceFactory().uuid)}, format="json")
    assert wrong.status_code == 400
    listed = api.get("/api/v1/integrations/", {"interface": str(interface.uuid)}).json()
    assert [row["id"] for row in listed["results"]] == [str(integration.uuid)]


def test_integration_page_shows_the_interface_and_its_type(client, org, editor):
    usage = UsageFactory(organisation=org)
    interface = InterfaceFactory(name="Opus bogføringsfil", exposed_by=usage.system,
                                 interface_type=option("interface_type", "file"))
    integration = IntegrationFactory(organisation=org, target=usage, interface=interface)
    client.force_login(editor)
    page = client.get(reverse("integration_detail", args=[integration.uuid])).content.decode()
    assert "Opus bogføringsfil" in page
    assert "Fil" in page


def test_excel_import_understands_os2kitos_headers_and_links_integrations(org, admin_user):
    from kitos.excel.engine import run_import_file
    from portfolio.models import Integration
    from tests.kitos.test_import_engine import workbook

    usage = UsageFactory(organisation=org, system__name="Opus")
    source = UsageFactory(organisation=org, system__name="Løn")
    integration = IntegrationFactory(organisation=org, name="Løn til Opus", source=source,
                                     target=usage)
    content = workbook({
        "Snitflader": [
            ["Snitflade", "Snitflade ID", "Version", "Grænseflade", "Udstillet af"],
            ["Bogføringsfil", "OPUS-1", "3.2", "Fil", "Opus"],
        ],
        "Integrationer": [
            ["Navn", "Afsender", "Modtager", "Snitflade (katalog)"],
            ["Løn til Opus", "Løn", "Opus", "Bogføringsfil"],
        ],
    })
    report = run_import_file(actor=admin_user, organisation=org, content=content,
                             filename="snitflader.xlsx", commit=True)
    assert report.ok, report.errors
    interface = Interface.objects.get(name="Bogføringsfil")
    assert (interface.interface_id, interface.version, interface.interface_type.code,
            interface.exposed_by_id, interface.is_local) == (
        "OPUS-1", "3.2", "file", usage.system_id, True)
    assert Integration.objects.get(pk=integration.pk).interface == interface
