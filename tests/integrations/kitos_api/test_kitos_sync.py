"""The OS2KITOS API v2 connector against a local fake KITOS serving recorded pages."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from contracts.models import Contract, ContractCoverage
from gdpr.models import DataProcessingAgreement
from integrations.kitos_api.sync import run
from integrations.models import Connector, ExternalId, RunStatus
from integrations.runs import SourceError
from kitos.models import AuditEntry
from kitos.tenancy import SYSTEM
from portfolio.models import ItSystem, Supplier, SystemUsage
from roles.models import OrganisationUnit, Person, RoleAssignment
from tests.factories import ItSystemFactory, UnitFactory, UsageFactory

from .fake_kitos import EMAIL, PAGES, PASSWORD, FakeKitos

KITOS_ORG = "5b0c3a1e-7d42-4c55-9a61-1f3e9c2a7b10"
# The recorded pages were read on these days: set 1 before 1 December, set 2 after.
FIRST_SYNC = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)


@pytest.fixture
def kitos(settings):
    settings.KITOS_SYNC_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    server = FakeKitos().start()
    yield server
    server.stop()


@pytest.fixture
def connector(org, kitos):
    return Connector.objects.create(
        organisation=org, kind="kitos", base_url=kitos.base_url, username=EMAIL,
        secret=PASSWORD, remote_organisation=KITOS_ORG,
        # Two per page: every collection of the recorded sets spans pages.
        options={"page_size": 2})


@pytest.fixture
def aula(db):
    """Aula is in the national catalog already: the usage takes it by name."""
    return ItSystemFactory(name="Aula")


def _records(page_set: str, resource: str, org_only=True) -> list[dict]:
    rows = json.loads((PAGES / page_set / f"{resource}.json").read_text())
    return [r for r in rows if not org_only or "organizationContext" not in r
            or r["organizationContext"]["uuid"] == KITOS_ORG]


def _linked(org, model) -> dict:
    return {str(row.external_uuid): model.objects.get(pk=row.object_id)
            for row in ExternalId.objects.filter(
                organisation=org, source="kitos",
                content_type__model=model._meta.model_name)}


def _open_roles(target) -> set:
    return {(a.role_type.name, a.person.name) for a in
            RoleAssignment.objects.on(target).filter(end_date__isnull=True)}


def _date(value):
    return datetime.date.fromisoformat(value[:10]) if value else None


def assert_matches(org, page_set: str) -> None:
    """kitos holds exactly the page set: every object, field, link and role."""
    units = _linked(org, OrganisationUnit)
    records = _records(page_set, "organization-units")
    assert set(units) == {r["uuid"] for r in records}
    assert OrganisationUnit.objects.filter(organisation=org).count() == len(records)
    for record in records:
        unit = units[record["uuid"]]
        parent = record["parentOrganizationUnit"]
        assert unit.name == record["name"]
        assert unit.parent == (units[parent["uuid"]] if parent else None)
        assert unit.local_code == (record["unitId"] or "")
        assert unit.ean == (str(record["ean"]) if record["ean"] else "")
        assert unit.path == f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"

    usages = _linked(org, SystemUsage)
    records = _records(page_set, "it-system-usages")
    assert set(usages) == {r["uuid"] for r in records}
    assert SystemUsage.objects.filter(organisation=org).count() == len(records)
    for record in records:
        usage, general = usages[record["uuid"]], record["general"]
        assert usage.system.name == record["systemContext"]["name"]
        assert usage.local_name == (general["localCallName"] or "")
        assert usage.local_id == (general["localSystemId"] or "")
        assert usage.go_live_date == _date(general["validity"]["validFrom"])
        responsible = record["organizationUsage"]["responsibleOrganizationUnit"]
        assert usage.responsible_unit == (units[responsible["uuid"]] if responsible else None)
        assert {u.pk for u in usage.using_units.all()} == {
            units[u["uuid"]].pk for u in record["organizationUsage"]["usingOrganizationUnits"]}
        assert _open_roles(usage) == {(r["role"]["name"], r["user"]["name"])
                                      for r in record["roles"]}

    contracts = _linked(org, Contract)
    records = _records(page_set, "it-contracts")
    assert set(contracts) == {r["uuid"] for r in records}
    assert Contract.objects.filter(organisation=org).count() == len(records)
    for record in records:
        contract = contracts[record["uuid"]]
        assert contract.name == record["name"]
        assert contract.contract_number == record["general"]["contractId"]
        assert contract.start_date == _date(record["general"]["validity"]["validFrom"])
        assert contract.expiry_date == _date(record["general"]["validity"]["validTo"])
        assert contract.supplier.name == record["supplier"]["organization"]["name"]
        assert contract.responsible_unit == units[
            record["responsible"]["organizationUnit"]["uuid"]]
        assert {u.pk for u in contract.usages.all()} == {
            usages[u["uuid"]].pk for u in record["systemUsages"]}
        assert _open_roles(contract) == {(r["role"]["name"], r["user"]["name"])
                                         for r in record["roles"]}

    agreements = _linked(org, DataProcessingAgreement)
    records = _records(page_set, "data-processing-registrations")
    assert set(agreements) == {r["uuid"] for r in records}
    for record in records:
        agreement = agreements[record["uuid"]]
        assert agreement.name == record["name"]
        assert agreement.processor.name == record["general"]["dataProcessors"][0]["name"]
        assert agreement.concluded_on == _date(record["general"]["agreementConcludedAt"])
        assert agreement.contract == contracts[record["general"]["mainContract"]["uuid"]]
        assert {u.pk for u in agreement.usages.all()} == {
            usages[u["uuid"]].pk for u in record["systemUsages"]}
        assert _open_roles(agreement) == {(r["role"]["name"], r["user"]["name"])
                                          for r in record["roles"]}


def test_recorded_pages_then_changes_with_a_deletion_end_as_kitos_and_rerun_changes_nothing(
        connector, kitos, org, aula):
    first = run(connector=connector, mode="apply")
    assert first.status == RunStatus.SUCCEEDED, first.message
    assert first.errors == []
    assert first.since is None  # nothing synced before: a full read
    assert_matches(org, "set1")
    # 6 units, 3 usages, 2 contracts, 1 agreement, 2 local systems (Aula is national),
    # 2 suppliers, 2 persons, 5 role assignments.
    assert first.counts["created"] == 23 and first.counts["removed"] == 0
    connector.refresh_from_db()
    assert connector.synced_until is not None
    assert first.started_at <= connector.synced_until <= first.finished_at
    # Specific facts, beyond the generic comparison.
    nexus = SystemUsage.objects.get(organisation=org, system__name="KMD Nexus")
    assert nexus.user_count == "500_plus" and nexus.version == "24.1"
    assert nexus.system.is_local and nexus.system.owner_organisation == org
    assert SystemUsage.objects.get(organisation=org, system__name="Aula").system == aula
    contract = Contract.objects.get(organisation=org, name="Nexus driftsaftale")
    assert contract.notice_months == 6 and contract.customer_signed_by == "Kommunaldirektør"
    assert ContractCoverage.objects.get(contract=contract).is_main
    assert Contract.objects.get(organisation=org, name="Aula licens").notice_months == 3
    assert Supplier.objects.get(name="Systematic A/S").cvr == "78834412"
    assert Person.objects.get(organisation=org, name="Mette Holm").email == "meho@viborg.dk"
    assert "/api/v2/delta-feed" not in " ".join(kitos.requests)  # a full read needs no feed
    # Paging was exercised: six units at two a page is pages 0..3.
    assert any("organization-units?page=3" in r for r in kitos.requests)

    # The next run happens after the recorded set 2 changed (pages are fixed in time).
    Connector.objects.filter(pk=connector.pk).update(synced_until=FIRST_SYNC)
    connector.refresh_from_db()
    kitos.page_set = "set2"
    kitos.requests.clear()
    second = run(connector=connector, mode="apply")
    assert second.status == RunStatus.SUCCEEDED, second.message
    assert second.errors == []
    assert second.since == FIRST_SYNC
    assert any("changedSinceGtEq=2026-12-01T00%3A00%3A00Z" in r for r in kitos.requests)
    assert any("deletedSinceUTC=2026-12-01" in r for r in kitos.requests)
    assert_matches(org, "set2")
    rows = {(c["action"], c["model"], c["name"]): c for c in second.changes}
    assert rows[("update", "roles.organisationunit", "Skoler og SFO")]["fields"] == {
        "navn": ["Skoler", "Skoler og SFO"]}
    assert rows[("update", "roles.organisationunit", "Vej og Park")]["fields"] == {
        "overordnet enhed": ["Teknik og Miljø", "Viborg Kommune"]}
    assert rows[("update", "contracts.contract", "Nexus driftsaftale")]["fields"] == {
        "udløbsdato": ["2027-02-28", "2028-02-29"]}
    assert ("create", "portfolio.systemusage", "Microsoft Outlook") in rows
    assert ("remove", "portfolio.systemusage", "SBSYS") in rows
    assert ("remove", "roles.organisationunit", "Teknik og Miljø") in rows
    assert ("remove", "roles.roleassignment", "Kontraktejer: Mette Holm") in rows
    assert second.counts["removed"] == 3  # the usage, the unit, Mette's contract role
    # Mette's ended role is kept as history, not counted as current.
    ended = RoleAssignment.objects.get(person__name="Mette Holm", role_type__name="Kontraktejer")
    assert ended.end_date < timezone.localdate()
    assert not ExternalId.objects.filter(external_uuid="c3000000-0000-4000-8000-000000000003")

    # Again, delta and full: nothing to do, nothing audited.
    audited = AuditEntry.objects.count()
    for full in (False, True):
        again = run(connector=connector, mode="apply", full=full)
        assert again.status == RunStatus.SUCCEEDED and again.errors == []
        assert (again.counts["created"], again.counts["updated"], again.counts["removed"]) == (
            0, 0, 0)
        assert again.changes == []
    assert again.counts["unchanged"] > 0
    assert AuditEntry.objects.count() == audited
    assert_matches(org, "set2")


def test_a_full_run_removes_linked_objects_kitos_no_longer_lists(connector, kitos, org, aula):
    run(connector=connector, mode="apply")
    kitos.page_set = "set2"
    result = run(connector=connector, mode="apply", full=True)
    assert result.status == RunStatus.SUCCEEDED and result.errors == []
    assert_matches(org, "set2")


def test_preview_writes_nothing_lists_field_changes_and_keeps_the_mark(
        connector, kitos, org, aula):
    audited = AuditEntry.objects.count()
    preview = run(connector=connector, mode="preview")
    assert preview.status == RunStatus.SUCCEEDED
    assert preview.counts["created"] == 23
    unit_row = next(c for c in preview.changes if c["name"] == "Viborg Kommune")
    assert unit_row["action"] == "create" and unit_row["kind"] == "organisationsenhed"
    assert unit_row["fields"]["EAN-nummer"] == [None, "5798000416604"]
    assert unit_row["external_uuid"] == "a1000000-0000-4000-8000-000000000001"
    assert not OrganisationUnit.objects.filter(organisation=org).exists()
    assert not ExternalId.objects.exists() and not ItSystem.objects.exclude(pk=aula.pk).exists()
    assert AuditEntry.objects.count() == audited
    connector.refresh_from_db()
    assert connector.synced_until is None

    run(connector=connector, mode="apply")
    kitos.page_set = "set2"
    Connector.objects.filter(pk=connector.pk).update(synced_until=FIRST_SYNC)
    connector.refresh_from_db()
    preview = run(connector=connector, mode="preview")
    assert {c["name"] for c in preview.changes if c["action"] == "remove"} >= {
        "SBSYS", "Teknik og Miljø"}
    assert OrganisationUnit.objects.filter(organisation=org, name="Skoler").exists()
    assert SystemUsage.objects.filter(organisation=org, system__name="SBSYS").exists()
    connector.refresh_from_db()
    assert connector.synced_until == FIRST_SYNC


def test_first_run_takes_existing_objects_by_name_and_links_them(connector, org, aula):
    top = UnitFactory(organisation=org, name="Viborg Kommune")
    usage = UsageFactory(organisation=org, system=aula, local_name="Gammelt navn")
    result = run(connector=connector, mode="apply")
    assert result.errors == []
    assert _linked(org, OrganisationUnit)["a1000000-0000-4000-8000-000000000001"] == top
    usage.refresh_from_db()
    assert _linked(org, SystemUsage)["c3000000-0000-4000-8000-000000000002"] == usage
    assert usage.local_name == ""  # KITOS has no local call name for it
    assert_matches(org, "set1")


def test_wrong_password_fails_in_danish_and_writes_nothing(connector, org):
    connector.secret = "forkert"
    connector.save()
    result = run(connector=connector, mode="apply")
    assert result.status == RunStatus.FAILED
    assert "afviste login" in result.message and "HTTP 401" in result.message
    assert "forkert" not in result.message
    assert not OrganisationUnit.objects.filter(organisation=org).exists()
    connector.refresh_from_db()
    assert connector.synced_until is None


def test_password_from_the_environment(connector, org, monkeypatch):
    connector.secret = "forkert"
    connector.secret_env = "KITOS_SYNC_PASSWORD_TEST"
    connector.save()
    monkeypatch.setenv("KITOS_SYNC_PASSWORD_TEST", PASSWORD)
    assert run(connector=connector, mode="apply").status == RunStatus.SUCCEEDED


def test_server_down_fails_the_run(connector, kitos, org):
    kitos.stop()
    result = run(connector=connector, mode="apply")
    assert result.status == RunStatus.FAILED and "KITOS kunne ikke nås" in result.message
    assert not OrganisationUnit.objects.filter(organisation=org).exists()


def test_malformed_json_fails_the_run_and_writes_nothing(connector, kitos, org):
    kitos.broken = "it-contracts"
    result = run(connector=connector, mode="apply")
    assert result.status == RunStatus.FAILED
    assert result.message == "KITOS svarede ikke med gyldig JSON (kontrakter)."
    assert not OrganisationUnit.objects.filter(organisation=org).exists()


def test_internal_address_is_refused_unless_allowed(connector, settings):
    settings.KITOS_SYNC_ALLOWED_NETWORKS = []
    result = run(connector=connector, mode="preview")
    assert result.status == RunStatus.FAILED and "må ikke bruges" in result.message


def test_missing_remote_organisation_fails(connector):
    connector.remote_organisation = ""
    connector.save()
    result = run(connector=connector)
    assert result.status == RunStatus.FAILED and "organisationens id" in result.message


def test_one_bad_object_is_an_error_and_the_rest_is_written_and_the_mark_stays(
        connector, org, aula):
    # A unit of kitos's own (not linked) already uses the local code KITOS gives "Skoler".
    UnitFactory(organisation=org, name="Andet sted", local_code="BU-SK")
    result = run(connector=connector, mode="apply")
    assert result.status == RunStatus.SUCCEEDED
    # The unit fails, and so do the usage using it and the contract covering that usage.
    assert [e["object"] for e in result.errors] == ["Skoler", "Aula", "Aula licens"]
    assert "lokale kode" in result.errors[0]["message"]
    assert "ikke findes i kitos" in result.errors[1]["message"]
    assert "Skoler" not in set(OrganisationUnit.objects.values_list("name", flat=True))
    assert list(Contract.objects.filter(organisation=org).values_list("name", flat=True)) == [
        "Nexus driftsaftale"]
    assert not SystemUsage.objects.filter(organisation=org, system=aula).exists()
    assert result.counts["errors"] == 3
    # What the failed objects would have added is not on the run either.
    assert "Aula licens" not in {c["name"] for c in result.changes}
    assert "Netcompany A/S" not in {c["name"] for c in result.changes}
    assert not Supplier.objects.filter(name="Netcompany A/S").exists()
    connector.refresh_from_db()
    assert connector.synced_until is None  # the next run reads everything again


def test_another_organisations_data_is_untouched(connector, org, other_org, aula):
    theirs = UnitFactory(organisation=other_org, name="Skoler")
    their_usage = UsageFactory(organisation=other_org, system=aula)
    run(connector=connector, mode="apply")
    run(connector=connector, mode="apply", full=True)
    theirs.refresh_from_db()
    assert theirs.name == "Skoler" and theirs.local_code == ""
    assert not ExternalId.objects.filter(organisation=other_org).exists()
    assert list(their_usage.using_units.all()) == []
    assert SystemUsage.objects.filter(organisation=other_org).count() == 1
    # The other KITOS organisation's usage in the pages was not read into ours.
    assert SystemUsage.objects.filter(organisation=org).count() == 3


def test_actor_defaults_to_system_and_changes_are_grouped_under_the_run(connector, org):
    result = run(connector=connector, mode="apply", actor=None)
    entries = AuditEntry.objects.filter(group_id=result.uuid)
    assert entries.count() > 0 and not entries.exclude(actor=None).exists()
    assert result.started_by is None and SYSTEM.pk is None


def test_the_command_previews_applies_and_fails_non_zero(connector, kitos, org, aula, capsys):
    call_command("kitos_sync", "--organisation", org.slug, "--preview")
    assert "23 oprettet" in capsys.readouterr().out
    assert not OrganisationUnit.objects.filter(organisation=org).exists()
    call_command("kitos_sync", "--organisation", str(org.uuid), "--apply")
    assert OrganisationUnit.objects.filter(organisation=org).count() == 6
    call_command("kitos_sync", "--organisation", org.slug, "--apply", "--full")
    assert "0 oprettet, 0 ændret, 0 fjernet" in capsys.readouterr().out
    kitos.broken = "it-system-usages"
    with pytest.raises(CommandError, match="gyldig JSON"):
        call_command("kitos_sync", "--organisation", org.slug, "--apply", "--full")
    with pytest.raises(CommandError, match="findes ikke"):
        call_command("kitos_sync", "--organisation", "ingen-kommune", "--apply")


def test_the_client_stops_a_source_that_never_ends_its_pages(kitos):
    from integrations.kitos_api.client import KitosClient

    client = KitosClient(base_url=kitos.base_url, email=EMAIL, password=PASSWORD,
                         page_size=2, max_pages=2)
    with pytest.raises(SourceError, match="blev ved med at sende sider"):
        client.organisation_units(KITOS_ORG)
    assert len(KitosClient(base_url=kitos.base_url, email=EMAIL, password=PASSWORD,
                           page_size=2).organisation_units(KITOS_ORG)) == 6
    assert all("Bearer" not in request for request in kitos.requests)


def test_two_kitos_systems_of_one_name_give_an_error_not_a_crash(
        connector, kitos, org, tmp_path):
    """KITOS may hold two catalog systems of the same name: both usages find the one
    local entry created for the name; the second usage would be a second usage of the
    same system in kitos, which kitos refuses — an error on that object only."""
    import shutil

    shutil.copytree(PAGES / "set1", tmp_path / "set1")
    usages = json.loads((tmp_path / "set1" / "it-system-usages.json").read_text())
    twin = json.loads(json.dumps(usages[0]))
    twin["uuid"] = "c3000000-0000-4000-8000-0000000000aa"
    twin["systemContext"]["uuid"] = "b2000000-0000-4000-8000-0000000000aa"
    twin["roles"] = []
    usages.append(twin)
    (tmp_path / "set1" / "it-system-usages.json").write_text(json.dumps(usages))
    kitos.pages = tmp_path
    result = run(connector=connector, mode="apply")
    assert result.status == RunStatus.SUCCEEDED
    assert [e["object"] for e in result.errors] == ["KMD Nexus"]
    assert "anvender allerede" in result.errors[0]["message"]
    assert ItSystem.objects.filter(name="KMD Nexus").count() == 1
    assert SystemUsage.objects.filter(organisation=org).count() == 3


def test_an_answer_nested_too_deep_is_a_source_error_not_a_crash():
    from integrations.kitos_api.client import KitosClient

    client = KitosClient(base_url="https://kitos.example", email="a@b.dk", password="x")
    with pytest.raises(SourceError, match="gyldig JSON"):
        client._json(b"[" * 200_000 + b"]" * 200_000, what="kontrakter")
