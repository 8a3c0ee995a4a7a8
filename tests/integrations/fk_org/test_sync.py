"""The FK Organisation import (integrations.fk_org): the tree and persons from an export,
moves, renames and closures in the history, idempotence, preview, hostile files."""

from __future__ import annotations

import datetime
import json
import pathlib
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from integrations.fk_org import reader
from integrations.fk_org.sync import run
from integrations.models import Connector, ExternalId, RunStatus
from kitos.models import AuditEntry
from roles.models import OrganisationUnit, Person
from roles.services import unit_create
from tests.detail_helpers import tab_url
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

HERE = pathlib.Path(__file__).parent
EXPORT1 = (HERE / "export1.json").read_bytes()
EXPORT2 = (HERE / "export2.json").read_bytes()
DAY1 = datetime.date(2026, 11, 2)
DAY2 = datetime.date(2026, 12, 1)


def U(n: int) -> uuid.UUID:  # noqa: N802 - the sample files' unit UUIDs
    return uuid.UUID(f"0b7e6c1e-0000-4000-8000-{n:012d}")


def P(n: int) -> uuid.UUID:  # noqa: N802 - the sample files' user UUIDs
    return uuid.UUID(f"5a5e0000-0000-4000-8000-{n:012d}")


@pytest.fixture
def connector(org):
    return Connector.objects.create(organisation=org, kind="fk_org")


def unit(org, key: uuid.UUID) -> OrganisationUnit:
    mapped = ExternalId.objects.get(organisation=org, source="fk_org", external_uuid=key,
                                    content_type__model="organisationunit")
    return OrganisationUnit.objects.get(pk=mapped.object_id)


def person(org, key: uuid.UUID) -> Person:
    mapped = ExternalId.objects.get(organisation=org, source="fk_org", external_uuid=key,
                                    content_type__model="person")
    return Person.objects.get(pk=mapped.object_id)


def entries(obj) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(
        content_type__model=obj._meta.model_name, object_id=obj.pk).order_by("id"))


def apply(connector, content, today=DAY1, **kwargs):
    result = run(connector=connector, mode="apply", content=content, today=today, **kwargs)
    assert result.status == RunStatus.SUCCEEDED, result.message
    return result


# -- the acceptance: a moved and a closed unit ----------------------------------------------


def test_the_first_export_builds_the_tree_and_attaches_the_persons(connector, org):
    result = apply(connector, EXPORT1)
    assert result.counts["created"] == 7 + 3 and result.counts["errors"] == 0
    root, bu, schools = unit(org, U(1)), unit(org, U(10)), unit(org, U(11))
    assert root.parent is None and bu.parent == root and schools.parent == bu
    assert schools.path == f"/{root.pk}/{bu.pk}/{schools.pk}/"
    assert (bu.ean, bu.local_code) == ("5798000000010", "1001")
    assert unit(org, U(12)).local_code == "1003"  # a number in the file
    anna, bo = person(org, P(1)), person(org, P(2))
    assert (anna.name, anna.email, anna.title, anna.unit) == (
        "Anna Andersen", "anna@testkommune.dk", "Skolekonsulent", schools)
    # The primary (first) position decides the unit and title.
    assert (bo.title, bo.unit, bo.phone) == ("IT-koordinator", unit(org, U(21)),
                                             "+45 11 22 33 44")
    created = next(row for row in result.changes if row["name"] == "Skoler")
    assert created["action"] == "create" and created["external_uuid"] == str(U(11))
    assert created["fields"]["overordnet enhed"] == [None, "Børn og Unge"]
    assert created["kind"] == "organisationsenhed"
    assert AuditEntry.objects.get(content_type__model="organisationunit",
                                  object_id=schools.pk).group_id == result.uuid


def test_the_second_export_moves_renames_and_closes_with_the_history_to_show(
        connector, org, reader, client):
    apply(connector, EXPORT1)
    result = apply(connector, EXPORT2, today=DAY2)
    schools, daycare = unit(org, U(11)), unit(org, U(12))
    roads, building, technical = unit(org, U(21)), unit(org, U(22)), unit(org, U(20))
    assert schools.parent == technical
    assert schools.path == f"{technical.path}{schools.pk}/"
    assert daycare.name == "Dagtilbud og Familie"
    # Inactive in the file and missing from it: both closed, neither deleted.
    assert roads.closed_on == DAY2 and building.closed_on == DAY2
    assert unit(org, U(23)).parent == technical
    assert person(org, P(2)).unit == unit(org, U(23))
    assert person(org, P(3)).left_on == DAY2  # gone from the export: left, not deleted
    assert person(org, P(1)).left_on is None
    assert result.counts["removed"] == 3 and result.counts["created"] == 1

    move = entries(schools)[-1]
    assert move.changes["parent"] == [unit(org, U(10)).pk, technical.pk]
    assert entries(building)[-1].changes == {"closed_on": [None, "2026-12-01"]}
    assert entries(roads)[-1].changes == {"closed_on": [None, "2026-12-01"]}
    assert move.source == "sync" and move.group_id == result.uuid

    rows = {row["name"]: row for row in result.changes}
    assert rows["Skoler"]["fields"] == {"overordnet enhed": ["Børn og Unge", "Teknik og Miljø"]}
    assert rows["Byggesag"]["action"] == "remove"
    assert rows["Byggesag"]["fields"] == {"lukket": [None, "2026-12-01"]}
    assert rows["Dagtilbud og Familie"]["fields"]["navn"] == ["Dagtilbud", "Dagtilbud og Familie"]

    client.force_login(reader)
    history = client.get(tab_url(schools, "historik")).content.decode()
    assert "Overordnet enhed" in history and "Børn og Unge" in history
    assert "Teknik og Miljø" in history and "Synkronisering" in history
    closed = client.get(tab_url(building, "historik")).content.decode()
    assert "Lukket" in closed
    assert "Enheden blev lukket" in client.get(tab_url(building, "overblik")).content.decode()


def test_running_the_same_export_again_changes_nothing(connector, org):
    apply(connector, EXPORT1)
    apply(connector, EXPORT2, today=DAY2)
    before = AuditEntry.objects.count()
    again = apply(connector, EXPORT2, today=DAY2 + datetime.timedelta(days=1))
    assert AuditEntry.objects.count() == before
    assert again.changes == []
    assert again.counts["created"] == again.counts["updated"] == again.counts["removed"] == 0
    assert again.counts["unchanged"] > 0
    assert unit(org, U(22)).closed_on == DAY2  # the closure date is not moved on


def test_a_unit_back_in_the_export_is_opened_again(connector, org):
    apply(connector, EXPORT1)
    apply(connector, EXPORT2, today=DAY2)
    apply(connector, EXPORT1, today=DAY2)
    assert unit(org, U(22)).closed_on is None
    assert unit(org, U(11)).parent == unit(org, U(10))


def test_preview_writes_nothing_and_lists_what_apply_would_change(connector, org):
    apply(connector, EXPORT1)
    before = (AuditEntry.objects.count(), OrganisationUnit.objects.count(),
              ExternalId.objects.count())
    preview = run(connector=connector, mode="preview", content=EXPORT2, today=DAY2)
    assert preview.status == RunStatus.SUCCEEDED
    assert (AuditEntry.objects.count(), OrganisationUnit.objects.count(),
            ExternalId.objects.count()) == before
    assert unit(org, U(11)).parent == unit(org, U(10))
    assert unit(org, U(22)).closed_on is None
    applied = apply(connector, EXPORT2, today=DAY2)
    assert preview.counts == applied.counts
    assert preview.changes == applied.changes


def test_the_first_run_takes_over_existing_units_and_persons(connector, org, editor):
    root = unit_create(actor=editor, organisation=org, name="Testkommune")
    bu = unit_create(actor=editor, organisation=org, name="børn og unge", parent=root)
    anna = PersonFactory(organisation=org, name="A. Andersen", email="ANNA@testkommune.dk")
    result = apply(connector, EXPORT1)
    assert unit(org, U(1)) == root and unit(org, U(10)) == bu
    assert OrganisationUnit.objects.filter(organisation=org).count() == 7
    assert person(org, P(1)) == anna
    anna.refresh_from_db()
    assert anna.name == "Anna Andersen"
    assert result.counts["created"] == 5 + 2


def test_another_organisation_is_untouched(connector, org, other_org, superuser):
    theirs = unit_create(actor=superuser, organisation=other_org, name="Testkommune")
    PersonFactory(organisation=other_org, email="anna@testkommune.dk")
    other = Connector.objects.create(organisation=other_org, kind="fk_org")
    apply(other, EXPORT1)
    apply(connector, EXPORT1)
    apply(connector, EXPORT2, today=DAY2)
    theirs.refresh_from_db()
    assert theirs.closed_on is None
    # Both organisations have their own tree, mapped to the same FK UUIDs.
    assert unit(other_org, U(22)).closed_on is None
    assert unit(org, U(22)).closed_on == DAY2
    assert unit(other_org, U(11)).parent == unit(other_org, U(10))


def test_a_subtree_only_with_root_uuid(connector, org):
    connector.options = {"root_uuid": str(U(20))}
    connector.save()
    apply(connector, EXPORT1)
    assert set(OrganisationUnit.objects.filter(organisation=org).values_list(
        "name", flat=True)) == {"Teknik og Miljø", "Vej og Park", "Byggesag"}
    assert unit(org, U(20)).parent is None
    assert set(Person.objects.filter(organisation=org).values_list("name", flat=True)) == {
        "Bo Berg", "Carla Carlsen"}
    apply(connector, EXPORT2, today=DAY2)
    assert unit(org, U(22)).closed_on == DAY2
    # Skoler moved into the subtree: its parent Børn og Unge is outside it, unknown.
    assert unit(org, U(11)).parent == unit(org, U(20))


def test_an_object_that_breaks_a_rule_is_reported_and_skipped(connector, org):
    PersonFactory(organisation=org, email="bo@testkommune.dk")
    data = json.loads(EXPORT1)
    data["Users"][1]["Email"] = "anna@testkommune.dk"  # two persons, one address
    result = apply(connector, json.dumps(data).encode())
    assert result.counts["errors"] == 1
    assert result.errors[0]["object"] == "Bo Berg"
    assert "e-mailadresse" in result.errors[0]["message"]
    assert Person.objects.filter(organisation=org, name="Carla Carlsen").exists()


# -- hostile and broken files: the run fails, nothing is written ----------------------------


def _export(units=None, users=None) -> bytes:
    return json.dumps({"OrgUnits": units or [], "Users": users or []}).encode()


HOSTILE = {
    "not json": (b"Navn;Enhed\nAnna;Skoler\n", "ikke JSON"),
    "not utf-8": (b"\xff\xfe{\x00}", "UTF-8"),
    "broken json": (b'{"OrgUnits": [', "ikke gyldig JSON"),
    "a list": (b"[]", "JSON-objekt"),
    "no units": (b'{"Users": []}', "OrgUnits"),
    "deep nesting": (b'{"OrgUnits": ' + b"[" * 5000 + b"]" * 5000 + b"}", "indlejret"),
    "xml bomb": (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                 b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Organisation>&lol2;</Organisation>',
                 "XML"),
    "cycle": (_export([
        {"Uuid": str(U(1)), "Name": "A", "ParentOrgUnitUuid": str(U(2))},
        {"Uuid": str(U(2)), "Name": "B", "ParentOrgUnitUuid": str(U(1))},
    ]), "ring"),
    "own parent": (_export([{"Uuid": str(U(1)), "Name": "A", "ParentOrgUnitUuid": str(U(1))}]),
                   "under sig selv"),
    "unknown parent": (_export([
        {"Uuid": str(U(1)), "Name": "Rod"},
        {"Uuid": str(U(2)), "Name": "Forældreløs", "ParentOrgUnitUuid": str(U(99))},
    ]), "hverken er i filen eller kendt i kitos"),
    "duplicate uuid": (_export([{"Uuid": str(U(1)), "Name": "A"},
                                {"Uuid": str(U(1)), "Name": "B"}]), "flere gange"),
    "bad uuid": (_export([{"Uuid": "nope", "Name": "A"}]), "ikke et UUID"),
    "bad ean": (_export([{"Uuid": str(U(1)), "Name": "A", "Ean": "12"}]), "13 cifre"),
    "no name": (_export([{"Uuid": str(U(1)), "Name": ""}]), "Name mangler"),
    "name not text": (_export([{"Uuid": str(U(1)), "Name": {"x": 1}}]), "skal være tekst"),
    "user without unit id": (_export([{"Uuid": str(U(1)), "Name": "A"}], [
        {"Uuid": str(P(1)), "Person": {"Name": "X"}, "Positions": [{"Name": "Y"}]}]),
        "OrgUnitUuid mangler"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_file_that_is_not_an_export_fails_the_run_and_writes_nothing(
        case, connector, org):
    apply(connector, EXPORT1)
    before = (AuditEntry.objects.count(), OrganisationUnit.objects.count(),
              ExternalId.objects.count())
    content, words = HOSTILE[case]
    result = run(connector=connector, mode="apply", content=content, today=DAY2)
    assert result.status == RunStatus.FAILED
    assert words in result.message
    assert (AuditEntry.objects.count(), OrganisationUnit.objects.count(),
            ExternalId.objects.count()) == before


def test_a_file_too_large_is_refused_before_it_is_read(connector, monkeypatch):
    monkeypatch.setattr(reader, "MAX_BYTES", 100)
    result = run(connector=connector, mode="apply", content=EXPORT1)
    assert result.status == RunStatus.FAILED and "for stor" in result.message
    assert not OrganisationUnit.objects.exists()


def test_a_bad_root_uuid_fails_the_run(connector):
    connector.options = {"root_uuid": "nope"}
    connector.save()
    assert "root_uuid" in run(connector=connector, content=EXPORT1).message
    connector.options = {"root_uuid": str(U(77))}
    connector.save()
    assert "findes ikke" in run(connector=connector, content=EXPORT1).message


def test_a_reader_may_not_apply(connector, reader):
    result = run(connector=connector, mode="apply", content=EXPORT1, actor=reader)
    assert result.status == RunStatus.FAILED and "rettigheder" in result.message
    assert not OrganisationUnit.objects.exists()


# -- scheduled runs read from FK_ORG_EXPORT_DIR only ----------------------------------------


def test_a_scheduled_run_reads_the_file_in_the_export_folder(connector, org, tmp_path):
    (tmp_path / "fk.json").write_bytes(EXPORT1)
    connector.base_url = "fk.json"
    connector.save()
    with override_settings(FK_ORG_EXPORT_DIR=str(tmp_path)):
        result = run(connector=connector, mode="apply", trigger="schedule")
    assert result.status == RunStatus.SUCCEEDED and result.trigger == "schedule"
    assert unit(org, U(11)).name == "Skoler"


@pytest.mark.parametrize("address", ["../secret.json", "/etc/passwd", "sub/../../secret.json",
                                     "https://example.org/fk.json", "", "missing.json"])
def test_a_scheduled_run_refuses_files_outside_the_folder(connector, tmp_path, address):
    folder = tmp_path / "exports"
    folder.mkdir()
    (tmp_path / "secret.json").write_bytes(EXPORT1)
    connector.base_url = address
    connector.save()
    with override_settings(FK_ORG_EXPORT_DIR=str(folder)):
        result = run(connector=connector, mode="apply", trigger="schedule")
    assert result.status == RunStatus.FAILED and "FK_ORG_EXPORT_DIR" in result.message
    assert not OrganisationUnit.objects.exists()


def test_a_scheduled_run_without_the_folder_asks_for_an_upload(connector):
    connector.base_url = "fk.json"
    connector.save()
    with override_settings(FK_ORG_EXPORT_DIR=""):
        result = run(connector=connector, trigger="schedule")
    assert result.status == RunStatus.FAILED and "upload" in result.message


# -- the management command -----------------------------------------------------------------


def test_the_command_previews_and_applies_a_file(org, tmp_path, capsys):
    path = tmp_path / "export.json"
    path.write_bytes(EXPORT1)
    call_command("fk_org_import", "--organisation", org.slug, "--file", str(path), "--preview")
    assert "(gennemsyn: intet gemt)" in capsys.readouterr().out
    assert not OrganisationUnit.objects.exists()
    call_command("fk_org_import", "--organisation", str(org.uuid), "--file", str(path),
                 "--apply")
    out = capsys.readouterr().out
    assert "10 oprettet" in out
    assert OrganisationUnit.objects.filter(organisation=org).count() == 7
    assert Connector.objects.get(organisation=org).runs.count() == 2


def test_the_command_fails_on_a_bad_file_and_unknown_organisation(org, tmp_path):
    path = tmp_path / "export.json"
    path.write_bytes(b"nonsense")
    with pytest.raises(CommandError, match="ikke JSON"):
        call_command("fk_org_import", "--organisation", org.slug, "--file", str(path),
                     "--apply")
    with pytest.raises(CommandError, match="findes ikke"):
        call_command("fk_org_import", "--organisation", "nowhere", "--file", str(path),
                     "--apply")
