"""Every importable entity: a row creates, the same row changed updates (matched by its
natural key or its Id), and a bad row is refused with the column named and nothing
written."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from contracts.models import Contract, ContractCoverage, CostLine
from gdpr.models import DataAsset, DataProcessingAgreement, ProcessingActivity
from kitos.models import AuditEntry
from portfolio.models import Integration, ItSystem, Supplier, SystemUsage
from roles.models import Competency, OrganisationUnit, Person, RoleAssignment
from tests.factories import (
    ContractFactory,
    ItSystemFactory,
    OversightRecordFactory,
    PersonFactory,
    SupplierFactory,
    UnitFactory,
    UsageFactory,
)
from tests.kitos.test_import_engine import run, workbook


def imported(org, user, sheets: dict, *, ok=True):
    report = run(org, user, workbook(sheets))
    assert report.ok is ok, report.errors
    return report


def only_error(report):
    [error] = report.errors
    return error


@pytest.fixture
def usages(org):
    """Three usages of shared catalog systems."""
    return {name: UsageFactory(organisation=org, system=ItSystemFactory(name=name))
            for name in ("Aula", "SBSYS", "KMD Nexus")}


@pytest.mark.django_db
def test_units(org, editor):
    report = imported(org, editor, {"Organisationsenheder": [
        ["Navn", "Overordnet enhed", "EAN-nummer"],
        ["Dagtilbud", "Børn og Unge", ""],
        ["Børn og Unge", "", "5798000123456"],
        ["Vuggestuen Mælkebøtten", "Børn og Unge/Dagtilbud", None],
    ]})
    assert report.counts["create"] == 3
    leaf = OrganisationUnit.objects.get(organisation=org, name="Vuggestuen Mælkebøtten")
    top = OrganisationUnit.objects.get(organisation=org, name="Børn og Unge")
    assert leaf.parent.parent == top and leaf.depth == 2
    assert leaf.path.startswith(top.path)

    # Update: the leaf moves to the top unit, its path follows.
    report = imported(org, editor, {"Organisationsenheder": [
        ["Id", "Navn", "Overordnet enhed"],
        [str(leaf.uuid), "Vuggestuen Mælkebøtten", "Børn og Unge"],
    ]})
    assert (report.counts["update"], report.counts["create"]) == (1, 0)
    leaf.refresh_from_db()
    assert leaf.parent == top and leaf.path == f"{top.path}{leaf.pk}/" and leaf.depth == 1

    report = imported(org, editor, {"Organisationsenheder": [
        ["Navn", "Overordnet enhed", "EAN-nummer"],
        ["Skoler", "Børn og Unge", "12345"],
    ]}, ok=False)
    assert only_error(report).column == "EAN-nummer"
    assert not OrganisationUnit.objects.filter(name="Skoler").exists()


@pytest.mark.django_db
def test_persons(org, editor):
    UnitFactory(organisation=org, name="IT")
    report = imported(org, editor, {"Brugere": [
        ["Fornavn", "Efternavn", "E-mail", "Afdeling", "Telefon"],
        ["Mette", "Hansen", "Mette@Kommune.dk", "IT", "12345678"],
    ]})
    assert report.counts["create"] == 1
    person = Person.objects.get(organisation=org)
    assert (person.name, person.email, person.unit.name) == (
        "Mette Hansen", "Mette@Kommune.dk", "IT")

    imported(org, editor, {"Personer": [
        ["E-mail", "Stilling", "Fratrådt"],
        ["mette@kommune.dk", "It-arkitekt", "30-06-2026"],
    ]})
    person.refresh_from_db()
    assert (person.title, person.left_on, person.name) == (
        "It-arkitekt", datetime.date(2026, 6, 30), "Mette Hansen")

    report = imported(org, editor, {"Personer": [
        ["Navn", "E-mail"],
        ["Lars Berg", "lars(at)kommune.dk"],
    ]}, ok=False)
    assert (only_error(report).row, only_error(report).column) == (2, "E-mail")
    assert Person.objects.filter(organisation=org).count() == 1


@pytest.mark.django_db
def test_suppliers_are_local_and_need_an_admin(org, editor, admin_user):
    report = imported(org, admin_user, {"Leverandører": [
        ["Navn", "CVR-nummer", "Land"],
        ["Skolesoft A/S", "DK 12 34 56 78", "dk"],
    ]})
    assert report.counts["create"] == 1
    supplier = Supplier.objects.get(cvr="12345678")
    assert (supplier.is_local, supplier.owner_organisation, supplier.country) == (
        True, org, "DK")

    # Matched by CVR, renamed.
    imported(org, admin_user, {"Leverandører": [
        ["Navn", "CVR"], ["Skolesoft ApS", "12345678"]]})
    supplier.refresh_from_db()
    assert supplier.name == "Skolesoft ApS"

    report = imported(org, editor, {"Leverandører": [
        ["Navn", "CVR"], ["Ny leverandør", "87654321"]]}, ok=False)
    assert "administratorer" in only_error(report).message
    report = imported(org, admin_user, {"Leverandører": [
        ["Navn", "CVR"], ["Ny leverandør", "1234"]]}, ok=False)
    assert only_error(report).column == "CVR"
    assert Supplier.objects.count() == 1


@pytest.mark.django_db
def test_systems(org, admin_user, editor):
    shared = ItSystemFactory(name="Aula", description="National")
    report = imported(org, admin_user, {"It-systemer": [
        ["Navn", "Leverandør", "Forretningstype", "Licensmodel"],
        ["Lokalt bookingsystem", shared.rights_holder.name, "Kultur og fritid", "open source"],
    ]})
    assert report.counts["create"] == 1
    system = ItSystem.objects.get(name="Lokalt bookingsystem")
    assert (system.is_local, system.owner_organisation, system.business_type,
            system.licence_model, system.rights_holder) == (
        True, org, "culture", "open_source", shared.rights_holder)

    imported(org, admin_user, {"It-systemer": [
        ["Id", "Navn", "Beskrivelse"],
        [str(system.uuid), "Bookingsystemet", "Lokaler og haller"],
    ]})
    system.refresh_from_db()
    assert (system.name, system.description) == ("Bookingsystemet", "Lokaler og haller")

    # The shared catalog is maintained by no municipality: an import cannot change it.
    report = imported(org, admin_user, {"It-systemer": [
        ["Navn", "Beskrivelse"], ["Aula", "Vores beskrivelse"]]}, ok=False)
    assert "administratorer" in only_error(report).message
    shared.refresh_from_db()
    assert shared.description == "National"


@pytest.mark.django_db
def test_usages(org, editor):
    ItSystemFactory(name="Aula")
    UnitFactory(organisation=org, name="Skoler")
    UnitFactory(organisation=org, name="Dagtilbud")
    report = imported(org, editor, {"Systemanvendelser": [
        ["System", "Ansvarlig enhed", "Anvendende enheder", "Livscyklus", "Hosting",
         "Indeholder AI"],
        ["Aula", "Skoler", "Skoler; Dagtilbud", "I drift", "SaaS / cloud", "Nej"],
    ]})
    assert report.counts["create"] == 1
    usage = SystemUsage.objects.get(organisation=org)
    assert (usage.responsible_unit.name, usage.lifecycle, usage.hosting, usage.contains_ai) == (
        "Skoler", "operational", "saas", "no")
    assert set(usage.using_units.values_list("name", flat=True)) == {"Skoler", "Dagtilbud"}

    imported(org, editor, {"Systemanvendelser": [
        ["System", "Anvendende enheder", "TIME-vurdering"],
        ["aula", "Dagtilbud", "Invest – invester"],
    ]})
    usage.refresh_from_db()
    assert usage.time_assessment == "invest"
    assert list(usage.using_units.values_list("name", flat=True)) == ["Dagtilbud"]
    entry = AuditEntry.objects.filter(object_uuid=usage.uuid, action="update").get()
    assert "using_units" in entry.changes and "time_assessment" in entry.changes

    report = imported(org, editor, {"Systemanvendelser": [
        ["System", "Livscyklus"], ["Ukendt system", "I drift"]]}, ok=False)
    error = only_error(report)
    assert error.column == "System" and "findes ikke" in error.message
    assert "»It-systemer«" in error.message  # the hint: how to add a system
    assert SystemUsage.objects.filter(organisation=org).count() == 1
    assert not ItSystem.objects.filter(name="Ukendt system").exists()


@pytest.mark.django_db
def test_a_usage_of_a_system_new_in_the_same_file(org, admin_user):
    report = imported(org, admin_user, {
        "Systemanvendelser": [["System", "Livscyklus"], ["Lokalt bookingsystem", "I drift"]],
        "It-systemer": [["Navn"], ["Lokalt bookingsystem"]],
    })
    assert report.counts["create"] == 2
    usage = SystemUsage.objects.get(organisation=org)
    assert (usage.system.name, usage.system.is_local, usage.system.owner_organisation) == (
        "Lokalt bookingsystem", True, org)


@pytest.mark.django_db
def test_integrations(org, editor, usages):
    report = imported(org, editor, {"Integrationer": [
        ["Navn", "Afsender", "Modtager", "Retning", "Snitfladetype", "Frekvens"],
        ["Elevdata", "SBSYS", "Aula", "Envejs (kilde → modtager)", "REST", "Dagligt"],
    ]})
    assert report.counts["create"] == 1
    integration = Integration.objects.get(organisation=org)
    assert (integration.source, integration.target, integration.interface_type,
            integration.frequency) == (usages["SBSYS"], usages["Aula"], "rest", "daily")

    imported(org, editor, {"Integrationer": [
        ["Navn", "Afsender", "Modtager", "Frekvens"],
        ["Elevdata", "SBSYS", "Aula", "Realtid"],
    ]})
    integration.refresh_from_db()
    assert integration.frequency == "realtime"

    report = imported(org, editor, {"Integrationer": [
        ["Navn", "Afsender", "Modtager"], ["Rundt", "Aula", "Aula"]]}, ok=False)
    assert "forskellige" in only_error(report).message
    assert Integration.objects.filter(organisation=org).count() == 1


@pytest.mark.django_db
def test_contracts_with_covered_systems_and_cost_lines(org, editor, usages):
    UnitFactory(organisation=org, name="Skoler")
    SupplierFactory(name="Netcompany A/S", cvr="21043991")
    report = imported(org, editor, {
        "Kontrakter": [
            ["Navn", "Kontraktnummer", "Leverandør", "Startdato", "Udløbsdato",
             "Opsigelsesvarsel (måneder)", "Systemer", "Hovedkontrakt for"],
            ["Aula-kontrakten", "K-1", "21043991", "01-01-2024", "31-12-2027", 6,
             "Aula; SBSYS", "Aula"],
        ],
        "Omkostninger": [
            ["Kontrakt", "År", "Art", "Enhed", "Beløb (kr.)"],
            ["Aula-kontrakten", 2026, "Drift", "Skoler", "250.000,00"],
            ["K-1", 2027, "", "Skoler", "260.000"],
        ],
    })
    assert report.counts["entities"]["contracts"]["create"] == 1
    assert report.counts["entities"]["cost_lines"]["create"] == 2
    contract = Contract.objects.get(organisation=org)
    # The stored deadlines are computed as the services compute them.
    assert (contract.status, contract.next_end) == ("active", datetime.date(2027, 12, 31))
    coverage = {c.usage.system.name: c.is_main
                for c in ContractCoverage.objects.filter(contract=contract)}
    assert coverage == {"Aula": True, "SBSYS": False}
    assert sorted(CostLine.objects.filter(contract=contract).values_list(
        "year", "kind", "amount")) == [
        (2026, "operation", Decimal("250000.00")), (2027, "operation", Decimal("260000.00"))]

    # Update: one system less, a new main contract, a cost line changed.
    report = imported(org, editor, {
        "Kontrakter": [
            ["Id", "Navn", "Systemer", "Hovedkontrakt for"],
            [str(contract.uuid), "Aula-kontrakten", "SBSYS", "SBSYS"],
        ],
        "Omkostninger": [
            ["Kontrakt", "År", "Enhed", "Beløb (kr.)"],
            ["K-1", 2027, "Skoler", "275.000"],
        ],
    })
    assert report.counts["update"] == 2
    coverage = {c.usage.system.name: c.is_main
                for c in ContractCoverage.objects.filter(contract=contract)}
    assert coverage == {"SBSYS": True}
    assert CostLine.objects.get(contract=contract, year=2027).amount == Decimal("275000")

    report = imported(org, editor, {"Kontrakter": [
        ["Navn", "Startdato", "Udløbsdato"],
        ["Bagvendt", "31-12-2027", "01-01-2024"],
    ]}, ok=False)
    assert only_error(report).column == "Udløbsdato"
    report = imported(org, editor, {"Omkostninger": [
        ["Kontrakt", "År", "Beløb (kr.)"], ["Aula-kontrakten", 2026, "-5"]]}, ok=False)
    assert only_error(report).column == "Beløb (kr.)"
    assert Contract.objects.filter(organisation=org).count() == 1


@pytest.mark.django_db
def test_role_assignments(org, editor, usages):
    PersonFactory(organisation=org, name="Mette Hansen", email="mette@kommune.dk")
    contract = ContractFactory(organisation=org, name="Aula-kontrakten")
    report = imported(org, editor, {"Rolletildelinger": [
        ["Person", "Rolle", "Objekt", "Fra"],
        ["mette@kommune.dk", "Systemejer", "Aula", "01-01-2026"],
        ["Mette Hansen", "Kontraktejer", "Aula-kontrakten", None],
        ["mette@kommune.dk", "It-chef", org.name, None],
    ]})
    assert report.counts["create"] == 3
    owner = RoleAssignment.objects.get(role_type__code="systemejer")
    assert (owner.target, owner.start_date) == (usages["Aula"], datetime.date(2026, 1, 1))
    assert RoleAssignment.objects.get(role_type__code="kontraktejer").target == contract

    imported(org, editor, {"Rolletildelinger": [
        ["Person", "Rolle", "Objekt", "Fra", "Til"],
        ["mette@kommune.dk", "Systemejer", "Aula", "01-01-2026", "31-12-2026"],
    ]})
    owner.refresh_from_db()
    assert owner.end_date == datetime.date(2026, 12, 31)

    report = imported(org, editor, {"Rolletildelinger": [
        ["Person", "Rolle", "Objekt"],
        ["mette@kommune.dk", "Systemejer", "Aula-kontrakten"],
    ]}, ok=False)
    assert only_error(report).column == "Objekt"
    assert RoleAssignment.objects.count() == 3


@pytest.mark.django_db
def test_roles_on_objects_the_same_file_creates(org, editor):
    """A first import holds the contracts and processing activities and who owns them:
    the roles refer to rows of other sheets, whatever the order of the sheets."""
    report = imported(org, editor, {
        "Rolletildelinger": [
            ["Person", "Rolle", "Objekt"],
            ["mette@kommune.dk", "Kontraktejer", "Aula-kontrakten"],
            ["mette@kommune.dk", "Ansvarlig for behandlingsaktivitet", "Elevadministration"],
        ],
        "Personer": [["Navn", "E-mail"], ["Mette Hansen", "mette@kommune.dk"]],
        "Kontrakter": [["Navn"], ["Aula-kontrakten"]],
        "Behandlingsaktiviteter": [["Navn", "Formål"], ["Elevadministration", "Skolens drift"]],
    })
    assert report.counts["create"] == 5
    roles = {r.role_type.code: r.target for r in RoleAssignment.objects.filter(
        organisation=org).select_related("role_type")}
    assert roles == {
        "kontraktejer": Contract.objects.get(organisation=org),
        "behandlingsansvarlig": ProcessingActivity.objects.get(organisation=org),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("commit", [False, True], ids=["preview", "commit"])
def test_the_same_open_role_twice_on_a_new_object_is_a_row_error(org, editor, commit):
    """Only one open role of a kind per person and object (roleassignment_unique_open),
    also when the object is new: the second row is named, nothing is written."""
    report = run(org, editor, workbook({
        "Personer": [["Navn", "E-mail"], ["Mette Hansen", "mette@kommune.dk"]],
        "Kontrakter": [["Navn"], ["Aula-kontrakten"]],
        "Rolletildelinger": [
            ["Person", "Rolle", "Objekt", "Fra"],
            ["mette@kommune.dk", "Kontraktejer", "Aula-kontrakten", "01-01-2026"],
            ["mette@kommune.dk", "Kontraktejer", "Aula-kontrakten", "01-02-2026"],
        ],
    }), commit=commit)
    assert not report.ok
    [error] = report.errors
    assert (error.sheet, error.row) == ("Rolletildelinger", 3)
    assert "række 2" in error.message
    assert not RoleAssignment.objects.filter(organisation=org).exists()
    assert not Contract.objects.filter(organisation=org).exists()


@pytest.mark.django_db
def test_competencies(org, editor):
    person = PersonFactory(organisation=org, email="mette@kommune.dk")
    imported(org, editor, {"Kompetencer": [
        ["Person", "Fagområde", "Niveau"],
        ["mette@kommune.dk", "It-arkitektur", "Forståelse"],
        ["mette@kommune.dk", "it-udbud", "Underviser"],
    ]})
    assert sorted(Competency.objects.filter(person=person).values_list(
        "discipline__code", "level")) == [
        ("it-arkitektur", "understanding"), ("it-udbud", "teacher")]

    imported(org, editor, {"Kompetencer": [
        ["Person", "Fagområde", "Niveau"],
        ["mette@kommune.dk", "It-arkitektur", "Færdighed"],
    ]})
    assert Competency.objects.get(person=person, discipline__code="it-arkitektur").level == (
        "skill")

    report = imported(org, editor, {"Kompetencer": [
        ["Person", "Fagområde", "Niveau"],
        ["mette@kommune.dk", "Blomsterbinding", "Færdighed"],
    ]}, ok=False)
    assert only_error(report).column == "Fagområde"
    assert Competency.objects.count() == 2


@pytest.mark.django_db
def test_data_assets(org, editor, usages):
    UnitFactory(organisation=org, name="Skoler")
    imported(org, editor, {"Dataaktiver": [
        ["Navn", "Dataejende enhed", "Klassifikation", "Datakategorier", "Systemer"],
        ["Elevdata", "Skoler", "Fortrolig", "CPR-nummer; helbred", "Aula; SBSYS"],
    ]})
    asset = DataAsset.objects.get(organisation=org)
    assert (asset.owning_unit.name, asset.classification) == ("Skoler", "confidential")
    assert set(asset.categories.values_list("code", flat=True)) == {"cpr", "helbred"}
    assert set(asset.usages.values_list("system__name", flat=True)) == {"Aula", "SBSYS"}

    imported(org, editor, {"Dataaktiver": [
        ["Navn", "Klassifikation", "Datakategorier"],
        ["Elevdata", "Hemmelig", "CPR-nummer"],
    ]})
    asset.refresh_from_db()
    assert asset.classification == "secret"
    assert list(asset.categories.values_list("code", flat=True)) == ["cpr"]
    assert asset.usages.count() == 2  # a column left out is left alone

    report = imported(org, editor, {"Dataaktiver": [
        ["Navn", "Datakategorier"], ["Lønsedler", "Stjernetegn"]]}, ok=False)
    assert only_error(report).column == "Datakategorier"
    assert DataAsset.objects.filter(organisation=org).count() == 1


@pytest.mark.django_db
def test_processing_activities(org, editor, usages):
    imported(org, editor, {"Behandlingsaktiviteter": [
        ["Navn", "Formål", "Retsgrundlag (art. 6)", "Kategorier af personoplysninger",
         "Anvendte systemer", "Konsekvensanalyse nødvendig", "Risikoniveau"],
        ["Elevadministration", "Skolens drift", "6.1.e", "Almindelige personoplysninger",
         "Aula", "Ja", "Høj"],
    ]})
    activity = ProcessingActivity.objects.get(organisation=org)
    assert (activity.legal_basis_art6, activity.dpia_needed, activity.risk_level) == (
        "6.1.e", "yes", "high")
    assert list(activity.usages.all()) == [usages["Aula"]]

    imported(org, editor, {"Fortegnelse": [
        ["Navn", "Konsekvensanalyse udført", "Konsekvensanalyse dato"],
        ["Elevadministration", "Ja", "15-03-2026"],
    ]})
    activity.refresh_from_db()
    assert (activity.dpia_done, activity.dpia_date) == (True, datetime.date(2026, 3, 15))

    report = imported(org, editor, {"Fortegnelse": [
        ["Navn", "Konsekvensanalyse nødvendig", "Konsekvensanalyse udført"],
        ["Skolekørsel", "Nej", "Ja"],
    ]}, ok=False)
    assert "konsekvensanalyse" in only_error(report).message.lower()
    assert ProcessingActivity.objects.filter(organisation=org).count() == 1


@pytest.mark.django_db
def test_agreements(org, editor, usages):
    SupplierFactory(name="Netcompany A/S", cvr="21043991")
    imported(org, editor, {"Databehandleraftaler": [
        ["Navn", "Databehandler", "Systemer", "Indgået", "Tilsynsmetode", "Tilsynsinterval"],
        ["Aula DBA", "Netcompany A/S", "Aula", "01-02-2025", "ISAE 3402 type 2", "Årligt"],
    ]})
    agreement = DataProcessingAgreement.objects.get(organisation=org)
    assert (agreement.oversight_method, agreement.oversight_interval) == ("isae3402_2", "12")
    assert agreement.next_oversight_date == datetime.date(2026, 2, 1)
    assert list(agreement.usages.all()) == [usages["Aula"]]

    # The next oversight follows the last record, like the services compute it.
    OversightRecordFactory(agreement=agreement, date=datetime.date(2026, 1, 10))
    imported(org, editor, {"Databehandleraftaler": [
        ["Navn", "Tilsynsinterval"], ["Aula DBA", "Halvårligt"]]})
    agreement.refresh_from_db()
    assert (agreement.oversight_interval, agreement.next_oversight_date) == (
        "6", datetime.date(2026, 7, 10))

    report = imported(org, editor, {"Databehandleraftaler": [
        ["Navn", "Databehandler", "Indgået", "Ophørt"],
        ["Gammel DBA", "21043991", "01-01-2025", "01-01-2024"],
    ]}, ok=False)
    assert only_error(report).column == "Ophørt"
    report = imported(org, editor, {"Databehandleraftaler": [
        ["Navn"], ["Uden databehandler"]]}, ok=False)
    assert "»Databehandler« skal udfyldes" in only_error(report).message
    assert DataProcessingAgreement.objects.filter(organisation=org).count() == 1
