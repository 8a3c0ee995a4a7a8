"""The impact analysis pages: start page search, the three pages with ?depth= and
?format=xlsx, the links from the objects' pages, and 404 across organisations."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from kitos.links import object_url
from tests.factories import (
    ContractFactory,
    CoverageFactory,
    IntegrationFactory,
    ItSystemFactory,
    SupplierFactory,
    UsageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    supplier = SupplierFactory(name="Leverandøren A/S")
    usage = UsageFactory(organisation=org,
                         system=ItSystemFactory(name="Kernesystem", rights_holder=supplier))
    sender = UsageFactory(organisation=org, system=ItSystemFactory(name="Afsendersystem"))
    IntegrationFactory(organisation=org, source=sender, target=usage, name="Indlæsning")
    contract = ContractFactory(organisation=org, supplier=supplier, name="Driftsaftalen")
    CoverageFactory(contract=contract, usage=usage, is_main=True)
    return {"usage": usage, "supplier": supplier, "contract": contract, "sender": sender}


def pages(world):
    return {
        "impact_usage": world["usage"], "impact_supplier": world["supplier"],
        "impact_contract": world["contract"],
    }


def test_every_page_shows_its_sections_with_links(client, editor, world):
    client.force_login(editor)
    for name, subject in pages(world).items():
        response = client.get(reverse(name, args=[subject.uuid]))
        assert response.status_code == 200, name
        html = response.content.decode()
        for obj in (world["usage"], world["sender"], world["contract"]):
            assert object_url(obj) in html, (name, obj)
        assert "Indlæsning" in html and "Sender data" in html


def test_a_bad_depth_is_said_and_the_default_used(client, editor, world):
    client.force_login(editor)
    url = reverse("impact_usage", args=[world["usage"].uuid])
    for depth in ("0", "99", "x"):
        response = client.get(f"{url}?depth={depth}")
        assert response.status_code == 200
        assert "Dybden skal være et helt tal fra 1 til 6." in response.content.decode()
        assert response.context["impact"].depth == 3


def test_the_excel_report_has_a_sheet_per_section(client, editor, world):
    client.force_login(editor)
    url = reverse("impact_usage", args=[world["usage"].uuid])
    response = client.get(f"{url}?format=xlsx&depth=2")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:10] == [
        "Konsekvensanalyse", "Berørte systemer", "Integrationer", "Afhængige systemer",
        "Behandlingsaktiviteter", "Dataaktiver", "Enheder og brugere",
        "Kontrakter og frister", "Rolleindehavere", "Projekter",
    ]
    rows = lambda title: list(workbook[title].iter_rows(values_only=True))  # noqa: E731
    assert rows("Konsekvensanalyse")[1][:3] == ("Systemanvendelse", "Kernesystem", 2)
    assert rows("Integrationer")[1][:5] == (
        "Indlæsning", "Afsendersystem", "Kernesystem", 1, "Sender data")
    assert rows("Afhængige systemer")[1][:3] == ("Afsendersystem", 1, "Sender data")
    contract_row = rows("Kontrakter og frister")[1]
    assert contract_row[:3] == ("Driftsaftalen", "Hovedkontrakt for et berørt system",
                                "Leverandøren A/S")
    assert contract_row[5] is not None  # next end: the contracts app's computed field


def test_another_organisations_objects_are_404(client, outsider, world):
    client.force_login(outsider)
    local = SupplierFactory(owner_organisation=world["usage"].organisation, is_local=True,
                            cvr="")
    for name, subject in {**pages(world), "impact_supplier": local}.items():
        url = reverse(name, args=[subject.uuid])
        for query in ("", "?format=xlsx", "?depth=2"):
            assert client.get(url + query).status_code == 404, (name, query)


def test_a_shared_supplier_shows_only_the_users_own(client, outsider, world):
    client.force_login(outsider)
    response = client.get(reverse("impact_supplier", args=[world["supplier"].uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kernesystem" not in html and "Driftsaftalen" not in html


def test_anonymous_is_sent_to_log_in(client, world):
    for name, subject in pages(world).items():
        response = client.get(reverse(name, args=[subject.uuid]))
        assert response.status_code == 302 and "/konto/log-ind/" in response.url
    assert client.get(reverse("impact_home")).status_code == 302


def test_the_start_page_finds_the_users_objects(client, editor, world, other_org):
    UsageFactory(organisation=other_org, system=ItSystemFactory(name="Kernesystem Nabo"))
    client.force_login(editor)
    html = client.get(reverse("impact_home")).content.decode()
    assert "impact-q" in html
    response = client.get(reverse("impact_home"), {"q": "kerne"})
    html = response.content.decode()
    assert reverse("impact_usage", args=[world["usage"].uuid]) in html
    assert "Kernesystem Nabo" not in html
    html = client.get(reverse("impact_home"), {"q": "leverandøren"}).content.decode()
    assert reverse("impact_supplier", args=[world["supplier"].uuid]) in html
    html = client.get(reverse("impact_home"), {"q": "drift"}).content.decode()
    assert reverse("impact_contract", args=[world["contract"].uuid]) in html


def test_the_objects_pages_link_to_their_analysis(client, editor, world):
    client.force_login(editor)
    for name, subject in pages(world).items():
        html = client.get(object_url(subject)).content.decode()
        assert reverse(name, args=[subject.uuid]) in html, name
        assert "Konsekvensanalyse" in html


def test_the_landscape_front_page_lists_it(client, editor):
    client.force_login(editor)
    assert reverse("impact_home") in client.get(reverse("landscape_home")).content.decode()


def test_the_page_and_the_api_run_as_many_queries_for_few_rows_as_for_many(
        client, editor, org):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from portfolio.models import SystemUsage
    from tests.landscape.test_impact import star

    few, many = star(org, 2), star(org, 10)
    ContentType.objects.get_for_models(SystemUsage)
    client.force_login(editor)
    api = APIClient()
    api.force_authenticate(editor)
    counts = {}
    # The first round warms what is looked up once per process (caches, the session).
    for label, centre in (("warm", few), ("few", few), ("many", many)):
        for kind, get in (
            ("page", lambda c: client.get(reverse("impact_usage", args=[c.uuid]))),
            ("xlsx", lambda c: client.get(
                reverse("impact_usage", args=[c.uuid]) + "?format=xlsx")),
            ("api", lambda c: api.get(f"/api/v1/impact/usages/{c.uuid}/")),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert get(centre).status_code == 200
            counts[(kind, label)] = len(queries)
    for kind in ("page", "xlsx", "api"):
        assert counts[(kind, "few")] == counts[(kind, "many")], counts
