"""The landscape map: its page, data, SVG and Excel export show the active organisation's
systems in use, grouped and filtered as asked, with the integrations between them, in a
fixed number of queries; another organisation's data never appears."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from landscape import sections
from tests.factories import (
    DataAssetFactory,
    IntegrationFactory,
    ItSystemFactory,
    SupplierFactory,
    UnitFactory,
    UsageFactory,
)

pytestmark = pytest.mark.django_db

MAP, DATA, SVG = "landscape_map", "landscape_map_data", "landscape_map_svg"


@pytest.fixture
def world(org, other_org):
    """Two forvaltninger under a single root (as the demo has it), systems of two
    suppliers, integrations with data, and a neighbour's system with the same name."""
    root = UnitFactory(organisation=org, name="Testkommune")
    born = UnitFactory(organisation=org, parent=root, name="Børn og Unge")
    skole = UnitFactory(organisation=org, parent=born, name="Skoleafdelingen")
    social = UnitFactory(organisation=org, parent=root, name="Social og Sundhed")
    kmd, ec = SupplierFactory(name="KMD A/S"), SupplierFactory(name="EG A/S")
    aula = UsageFactory(organisation=org, responsible_unit=skole, criticality="high",
                        system=ItSystemFactory(name="Aula", rights_holder=ec,
                                               business_type="school"))
    momentum = UsageFactory(organisation=org, responsible_unit=social, criticality="critical",
                            system=ItSystemFactory(name="KMD Momentum", rights_holder=kmd,
                                                   business_type="employment"))
    sbsys = UsageFactory(organisation=org, responsible_unit=None,
                         system=ItSystemFactory(name="SBSYS", rights_holder=ec))
    retired = UsageFactory(organisation=org, responsible_unit=social, lifecycle="retired",
                           system=ItSystemFactory(name="Gammelt system", rights_holder=kmd))
    flow = IntegrationFactory(organisation=org, source=momentum, target=sbsys,
                              name="Sagsakter", interface_type="rest", frequency="daily")
    DataAssetFactory(organisation=org, name="Borgersager").integrations.add(flow)
    IntegrationFactory(organisation=org, source=aula, target=sbsys, name="Journalisering",
                       interface_type="file", frequency="weekly", direction="two_way")
    IntegrationFactory(organisation=org, source=retired, target=momentum, name="Historik")
    neighbour = UsageFactory(organisation=other_org,
                             system=ItSystemFactory(name="Nabosystem", rights_holder=kmd))
    IntegrationFactory(organisation=other_org, source=neighbour, name="Naboflow",
                       target=UsageFactory(organisation=other_org,
                                           system=ItSystemFactory(name="Nabos ESDH")))
    return {"born": born, "social": social, "kmd": kmd, "aula": aula, "momentum": momentum,
            "sbsys": sbsys, "retired": retired, "flow": flow, "neighbour": neighbour}


def node_names(data) -> dict[str, dict]:
    return {element["data"]["name"]: element["data"] for element in data["elements"]
            if element["group"] == "nodes" and "name" in element["data"]}


def edge_names(data) -> set[str]:
    return {element["data"]["name"] for element in data["elements"]
            if element["group"] == "edges"}


def group_labels(data) -> set[str]:
    return {element["data"]["label"] for element in data["elements"]
            if element.get("classes") == "group"}


def test_every_map_url_needs_a_login(client):
    for name in (MAP, DATA, SVG):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert reverse("login") in response["Location"]


def test_the_map_is_a_section_of_the_landscape_front_page():
    assert "landscape_map" in [section.url_name for section in sections.sections()]


def test_data_groups_systems_in_use_by_forvaltning_with_their_integrations(client, reader,
                                                                           world):
    client.force_login(reader)
    data = client.get(reverse(DATA)).json()
    nodes = node_names(data)
    # The retired system is not in use: it is only shown, faded, as the partner of an
    # integration into a system in use.
    assert set(nodes) == {"Aula", "KMD Momentum", "SBSYS", "Gammelt system"}
    assert nodes["Gammelt system"]["in_filter"] is False
    assert nodes["Aula"]["in_filter"] is True
    assert group_labels(data) == {"Børn og Unge", "Social og Sundhed", "Uden forvaltning"}
    assert nodes["Aula"]["group"] == f"group:{world['born'].uuid}"
    assert nodes["Aula"]["url"] == reverse("systemusage_detail", args=[world["aula"].uuid])
    assert edge_names(data) == {"Sagsakter", "Journalisering", "Historik"}
    flow = next(element["data"] for element in data["elements"]
                if element["data"].get("name") == "Sagsakter")
    assert flow["source"] == str(world["momentum"].uuid)
    assert flow["target"] == str(world["sbsys"].uuid)
    assert flow["interface_type"] == "REST" and flow["frequency"] == "Dagligt"
    assert flow["data"] == ["Borgersager"]
    assert data["counts"] == {"nodes": 4, "edges": 3}


def test_data_groups_by_business_type(client, reader, world):
    client.force_login(reader)
    data = client.get(reverse(DATA), {"group": "business_type"}).json()
    assert group_labels(data) == {"Skole og dagtilbud", "Beskæftigelse", "ESDH og journalisering"}


@pytest.mark.parametrize(("params", "in_filter", "edges"), [
    ({"within": "born"}, {"Aula"}, {"Journalisering"}),
    ({"supplier": "kmd"}, {"KMD Momentum"}, {"Sagsakter", "Historik"}),
    ({"criticality": "critical"}, {"KMD Momentum"}, {"Sagsakter", "Historik"}),
    ({"lifecycle": "retired"}, {"Gammelt system"}, {"Historik"}),
])
def test_filters_choose_the_systems_and_bring_their_partners(client, reader, world, params,
                                                             in_filter, edges):
    client.force_login(reader)
    query = {key: str(world[value].uuid) if key in {"within", "supplier"} else value
             for key, value in params.items()}
    data = client.get(reverse(DATA), query).json()
    nodes = node_names(data)
    assert {name for name, node in nodes.items() if node["in_filter"]} == in_filter
    assert edge_names(data) == edges


def test_the_page_works_without_javascript(client, reader, world):
    client.force_login(reader)
    response = client.get(reverse(MAP))
    assert response.status_code == 200
    html = response.content.decode()
    # The edge table and the keyboard list are in the page itself, not drawn by script.
    for name in ("Sagsakter", "Journalisering", "Historik", "Borgersager", "Dagligt"):
        assert name in html
    aula_url = reverse("systemusage_detail", args=[world["aula"].uuid])
    assert f'href="{aula_url}" data-node="{world["aula"].uuid}"' in html
    assert reverse(DATA) in html and reverse(SVG) in html
    assert "<script>" not in html  # scripts come from static files only (CSP)


def test_another_organisation_never_appears(client, outsider, reader, world):
    client.force_login(reader)
    for name in (MAP, DATA, SVG):
        body = client.get(reverse(name)).content.decode()
        assert "Nabosystem" not in body and "Naboflow" not in body, name
    client.force_login(outsider)
    data = client.get(reverse(DATA)).json()
    assert set(node_names(data)) == {"Nabosystem", "Nabos ESDH"}
    assert edge_names(data) == {"Naboflow"}
    # A unit of the first organisation is not a choice for the other one's user.
    response = client.get(reverse(MAP), {"within": str(world["born"].uuid)})
    assert response.status_code == 404


def test_bad_filters_are_explained_not_a_server_error(client, reader, world):
    client.force_login(reader)
    response = client.get(reverse(MAP), {"lifecycle": "x", "supplier": "nope"})
    assert response.status_code == 200
    assert "Filteret er ugyldigt" in response.content.decode()
    response = client.get(reverse(DATA), {"criticality": "x"})
    assert response.status_code == 400 and response.json()["errors"]
    assert client.get(reverse(SVG), {"group": "x"}).status_code == 400
    assert client.get(reverse(MAP), {"within": "ikke-en-uuid"}).status_code == 404
    assert client.get(reverse(MAP), {"format": "xlsx", "lifecycle": "x"}).status_code == 200


def test_svg_export_is_the_same_map(client, reader, world):
    client.force_login(reader)
    response = client.get(reverse(SVG), {"within": str(world["social"].uuid)})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "attachment" in response["Content-Disposition"]
    root = ET.fromstring(response.content)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    texts = {text.text for text in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"KMD Momentum", "Gammelt system", "SBSYS", "Social og Sundhed"} <= texts
    assert "Aula" not in texts
    assert len(root.findall(".//svg:g[@class='edges']/svg:line", ns)) == 2
    link = root.find(".//svg:g[@class='nodes']/svg:a", ns)
    assert link.get("href").startswith("http://testserver/")


def test_excel_export_holds_the_edge_table(client, reader, world):
    client.force_login(reader)
    response = client.get(reverse(MAP), {"format": "xlsx", "supplier": str(world["kmd"].uuid)})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Afsender", "Modtager", "Snitfladetype", "Frekvens", "Data")
    assert sorted(rows[1:]) == sorted([
        ("KMD Momentum", "SBSYS", "REST", "Dagligt", "Borgersager", "Sagsakter",
         "Envejs (kilde → modtager)"),
        ("Gammelt system", "KMD Momentum", None, None, None, "Historik",
         "Envejs (kilde → modtager)"),
    ])


def _grow(org, count):
    units = [UnitFactory(organisation=org) for _ in range(2)]
    usages = [UsageFactory(organisation=org, responsible_unit=units[i % 2])
              for i in range(count)]
    for index in range(count):
        flow = IntegrationFactory(organisation=org, source=usages[index],
                                  target=usages[(index + 1) % count])
        DataAssetFactory(organisation=org).integrations.add(flow)


@pytest.mark.parametrize("name", [MAP, DATA, SVG])
def test_query_count_does_not_grow_with_the_map(client, reader, org, name):
    client.force_login(reader)
    _grow(org, 4)
    client.get(reverse(name))  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    _grow(org, 30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(name))
    assert response.status_code == 200
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]
