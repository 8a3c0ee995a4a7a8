"""What a filtered list says about its filters (kitos/lists.py ``ListView.chips``):
one removable chip per value, a title naming the filters, clean URLs without empty
parameters, and one unit filter in each panel."""

from __future__ import annotations

from contracts.choices import ContractStatus
from tests.factories import ContractFactory, SupplierFactory
from tests.helpers import count_queries

URL = "/kontrakter/"


def _chips(response) -> list[tuple[str, str]]:
    return [(chip["label"], chip["value"]) for chip in response.context["chips"]]


def test_one_chip_per_value_with_its_label_and_a_way_out(client, editor, org):
    acme, beta = SupplierFactory(name="Acme"), SupplierFactory(name="Beta")
    for supplier in (acme, beta):
        ContractFactory(organisation=org, supplier=supplier, status=ContractStatus.ACTIVE)
    client.force_login(editor)
    response = client.get(URL, {"status": "active", "supplier": [acme.uuid, beta.uuid],
                                "q": "drift", "page": "1"})
    assert _chips(response) == [
        ("Søgning", "drift"), ("Status", "Aktiv"),
        ("Leverandør", "Acme"), ("Leverandør", "Beta"),
    ]
    removes = {chip["value"]: chip["remove_url"] for chip in response.context["chips"]}
    # Removing one supplier keeps the other (and drops the page number).
    assert removes["Acme"] == f"{URL}?status=active&supplier={beta.uuid}&q=drift"
    assert removes["drift"] == f"{URL}?status=active&supplier={acme.uuid}&supplier={beta.uuid}"
    content = response.content.decode()
    assert "Ryd alle filtre" in content
    assert "<title>Kontrakter · Søgning: drift · Status: Aktiv · Leverandør: Acme, Beta" in content
    assert '<h1 id="list-title">Kontrakter<span class="list-heading-filter"> · Søgning' in content


def test_comma_separated_ids_are_chips_too(client, editor, org):
    acme, beta = SupplierFactory(name="Acme"), SupplierFactory(name="Beta")
    ContractFactory(organisation=org, supplier=acme)
    ContractFactory(organisation=org, supplier=beta)
    ContractFactory(organisation=org)
    client.force_login(editor)
    response = client.get(URL, {"supplier": f"{acme.uuid},{beta.uuid}"})
    assert _chips(response) == [("Leverandør", "Acme"), ("Leverandør", "Beta")]
    assert response.context["paginator"].count == 2


def test_the_htmx_partial_brings_the_title_along(client, editor, org):
    ContractFactory(organisation=org)
    client.force_login(editor)
    response = client.get(URL, {"status": "active"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert '<h1 id="list-title" hx-swap-oob="true">Kontrakter' in content
    assert "<title>Kontrakter · Status: Aktiv – kitos</title>" in content


def test_an_unfiltered_list_has_no_chips(client, editor, org):
    client.force_login(editor)
    response = client.get(URL, {"sort": "name", "page_size": "50"})
    assert response.context["chips"] == []
    assert "<title>Kontrakter – kitos</title>" in response.content.decode()


def test_empty_parameters_are_redirected_away(client, editor):
    client.force_login(editor)
    response = client.get(URL, {"q": "", "status": ["", "active"], "supplier": "",
                                "sort": "name"})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?status=active&sort=name"
    response = client.get(URL, {"q": "", "within": ""})
    assert response.status_code == 302 and response["Location"] == URL


def test_htmx_gets_the_clean_url_to_push_instead(client, editor):
    client.force_login(editor)
    response = client.get(URL, {"q": "", "status": "active"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Push-Url"] == f"{URL}?status=active"
    response = client.get(URL, {"status": "active"}, headers={"HX-Request": "true"})
    assert "HX-Push-Url" not in response


def test_one_unit_filter_in_each_panel(client, editor):
    client.force_login(editor)
    for url in ("/kontrakter/", "/systemanvendelser/", "/behandlingsaktiviteter/",
                "/enheder/", "/personer/", "/dataaktiver/"):
        response = client.get(url)
        assert response.status_code == 200, url
        units = [entry.name for entry in response.context["panel"]
                 if entry.name in ("within", "responsible_unit", "parent", "unit",
                                   "owning_unit")]
        assert len(units) == 1, (url, units)


def test_many_options_are_a_searchable_multiple_picker(client, editor, org):
    supplier = SupplierFactory(name="Acme")
    ContractFactory(organisation=org, supplier=supplier)
    client.force_login(editor)
    content = client.get(URL, {"supplier": str(supplier.uuid)}).content.decode()
    assert 'id="filter-supplier" name="supplier" multiple' in content
    assert f'<option value="{supplier.uuid}" selected>Acme</option>' in content


def test_chips_cost_no_query_per_value(client, editor, org):
    suppliers = [SupplierFactory(name=f"S{n}") for n in range(6)]
    for supplier in suppliers:
        ContractFactory(organisation=org, supplier=supplier)
    client.force_login(editor)
    one = count_queries(client, f"{URL}?supplier={suppliers[0].uuid}")
    six = count_queries(client, f"{URL}?supplier=" + ",".join(str(s.uuid) for s in suppliers))
    assert one == six
