"""Decisions on contract deadlines: the service, the contract page and its form, the API,
the Excel import/export and the admin (contracts.DeadlineDecision)."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from contracts.choices import DecisionKind
from contracts.models import Contract, DeadlineDecision
from contracts.services import deadline_decision_record
from kitos.excel.engine import run_import_file
from kitos.models import AuditEntry
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def contract(org):
    """Fixed term with an unused option: its notice deadline is in the future."""
    return ContractFactory(
        organisation=org, name="ESDH drift", start_date=D(2020, 1, 1),
        expiry_date=D(2040, 6, 30), notice_months=3, extension_months=12, extensions_total=1,
    )


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


class TestService:
    def test_records_on_the_current_deadline_with_who_and_when_audited(self, contract, editor):
        decision = deadline_decision_record(
            actor=editor, contract=contract, kind=DecisionKind.RETENDER, note="Nyt udbud"
        )
        assert decision.deadline == contract.notice_deadline == D(2040, 3, 31)
        assert (decision.decided_by, decision.organisation_id) == (editor, contract.organisation_id)
        assert AuditEntry.objects.filter(object_id=decision.pk, action="create").exists()

    def test_recording_again_updates_the_one_decision_and_audits_it(self, contract, editor):
        first = deadline_decision_record(actor=editor, contract=contract, kind=DecisionKind.RENEW)
        second = deadline_decision_record(
            actor=editor, contract=contract, kind=DecisionKind.TERMINATE, note="For dyr"
        )
        assert first.pk == second.pk
        assert DeadlineDecision.objects.count() == 1
        update = AuditEntry.objects.get(object_id=first.pk, action="update")
        assert "kind" in update.changes and "note" in update.changes
        # The same decision again writes nothing.
        deadline_decision_record(
            actor=editor, contract=contract, kind=DecisionKind.TERMINATE, note="For dyr"
        )
        assert AuditEntry.objects.filter(object_id=first.pk, action="update").count() == 1

    def test_readers_and_outsiders_may_not_decide(self, contract, reader, outsider):
        for user in (reader, outsider):
            with pytest.raises(PermissionDenied):
                deadline_decision_record(actor=user, contract=contract, kind=DecisionKind.RENEW)

    def test_other_needs_a_note(self, contract, editor):
        with pytest.raises(ValidationError) as error:
            deadline_decision_record(actor=editor, contract=contract, kind=DecisionKind.OTHER)
        assert "note" in error.value.message_dict

    def test_a_new_decision_must_be_about_the_current_deadline(self, contract, editor):
        with pytest.raises(ValidationError) as error:
            deadline_decision_record(
                actor=editor, contract=contract, kind=DecisionKind.RENEW,
                deadline=D(2030, 1, 1),
            )
        assert "deadline" in error.value.message_dict

    def test_a_contract_without_deadline_has_nothing_to_decide(self, org, editor):
        open_ended = ContractFactory(organisation=org, start_date=D(2020, 1, 1))
        Contract.objects.filter(pk=open_ended.pk).update(notice_deadline=None, next_end=None)
        open_ended.refresh_from_db()
        with pytest.raises(ValidationError):
            deadline_decision_record(actor=editor, contract=open_ended, kind=DecisionKind.RENEW)


class TestQuerysets:
    def test_with_decision_and_for_current_deadlines(self, contract, org, editor):
        other = ContractFactory(
            organisation=org, start_date=D(2020, 1, 1), expiry_date=D(2041, 6, 30),
            notice_months=3, extension_months=12, extensions_total=1,
        )
        deadline_decision_record(actor=editor, contract=contract, kind=DecisionKind.OPTION)
        rows = {c.pk: c.decision_kind for c in Contract.objects.with_decision()}
        assert rows == {contract.pk: "option", other.pk: None}
        assert list(Contract.objects.undecided()) == [other]
        assert DeadlineDecision.objects.for_current_deadlines().count() == 1
        # The deadline moves (the option is used): the old decision is history.
        contract.extensions_used = 1
        contract.expiry_date = D(2041, 6, 30)
        contract.save()
        assert DeadlineDecision.objects.for_current_deadlines().count() == 0
        assert contract in Contract.objects.undecided()


class TestPortal:
    def url(self, contract):
        return f"/kontrakter/{contract.uuid}/beslutning/"

    def test_anonymous_is_sent_to_login(self, client, contract):
        assert client.get(self.url(contract)).status_code == 302

    def test_other_organisation_gets_404(self, client, contract, outsider):
        client.force_login(outsider)
        assert client.get(self.url(contract)).status_code == 404
        assert client.post(self.url(contract), {"kind": "renew"}).status_code == 404

    def test_reader_sees_the_decision_but_no_button_and_may_not_post(
        self, client, contract, reader, editor
    ):
        deadline_decision_record(
            actor=editor, contract=contract, kind=DecisionKind.RETENDER, note="Udbud 2039"
        )
        client.force_login(reader)
        page = client.get(f"/kontrakter/{contract.uuid}/").content.decode()
        assert "Genudbyd" in page and "Udbud 2039" in page
        assert self.url(contract) not in page
        assert client.get(self.url(contract)).status_code == 403
        assert client.post(self.url(contract), {"kind": "renew"}).status_code == 403

    def test_editor_records_and_changes_the_decision(self, client, contract, editor):
        client.force_login(editor)
        page = client.get(f"/kontrakter/{contract.uuid}/").content.decode()
        assert "Der er endnu ikke truffet en beslutning" in page
        assert self.url(contract) in page
        assert client.get(self.url(contract)).status_code == 200
        response = client.post(self.url(contract), {"kind": "terminate", "note": "Skift"})
        assert response.status_code == 302
        assert response["Location"] == f"/kontrakter/{contract.uuid}/"
        decision = DeadlineDecision.objects.get()
        assert (decision.kind, decision.note, decision.decided_by) == ("terminate", "Skift", editor)
        form = client.get(self.url(contract)).content.decode()
        assert "Nuværende beslutning: Opsig kontrakten" in form
        client.post(self.url(contract), {"kind": "retender", "note": ""})
        assert DeadlineDecision.objects.get().kind == "retender"

    def test_other_without_note_shows_the_error_on_the_note(self, client, contract, editor):
        client.force_login(editor)
        response = client.post(self.url(contract), {"kind": "other", "note": ""})
        assert response.status_code == 200
        assert "Beskriv beslutningen" in response.content.decode()
        assert not DeadlineDecision.objects.exists()


class TestApi:
    def test_create_update_and_delete_through_the_service(self, contract, editor):
        client = api(editor)
        response = client.post(
            "/api/v1/deadline-decisions/",
            {"contract": str(contract.uuid), "kind": "option", "note": "Et år mere"},
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["deadline"] == "2040-03-31" and body["decided_by"] == editor.username
        decision = DeadlineDecision.objects.get()
        response = client.patch(
            f"/api/v1/deadline-decisions/{decision.uuid}/", {"kind": "renew"}, format="json"
        )
        assert response.status_code == 200 and response.json()["kind"] == "renew"
        assert AuditEntry.objects.filter(object_id=decision.pk, action="update").exists()
        response = client.delete(f"/api/v1/deadline-decisions/{decision.uuid}/")
        assert response.status_code == 204
        assert not DeadlineDecision.objects.exists()

    def test_bad_input_is_400_with_the_field_name(self, contract, editor):
        client = api(editor)
        response = client.post(
            "/api/v1/deadline-decisions/",
            {"contract": str(contract.uuid), "kind": "other"}, format="json",
        )
        assert response.status_code == 400 and "note" in response.json()["errors"]
        response = client.post(
            "/api/v1/deadline-decisions/",
            {"contract": str(contract.uuid), "kind": "maybe"}, format="json",
        )
        assert response.status_code == 400 and "kind" in response.json()["errors"]
        response = client.post(
            "/api/v1/deadline-decisions/",
            {"contract": str(contract.uuid), "kind": "renew", "deadline": "2030-01-01"},
            format="json",
        )
        assert response.status_code == 400 and "deadline" in response.json()["errors"]

    def test_scoped_to_the_organisation(self, contract, editor, outsider, reader):
        decision = deadline_decision_record(
            actor=editor, contract=contract, kind=DecisionKind.RENEW
        )
        assert api(outsider).get(f"/api/v1/deadline-decisions/{decision.uuid}/").status_code == 404
        assert api(outsider).get("/api/v1/deadline-decisions/").json()["results"] == []
        response = api(outsider).post(
            "/api/v1/deadline-decisions/",
            {"contract": str(contract.uuid), "kind": "renew"}, format="json",
        )
        assert response.status_code == 400 and "contract" in response.json()["errors"]
        assert api(reader).get(f"/api/v1/deadline-decisions/{decision.uuid}/").status_code == 200
        response = api(reader).patch(
            f"/api/v1/deadline-decisions/{decision.uuid}/", {"kind": "option"}, format="json"
        )
        assert response.status_code == 403

    def test_listed_in_the_openapi_schema(self, editor):
        schema = api(editor).get("/api/schema/").content.decode()
        assert "/api/v1/deadline-decisions/" in schema


class TestExcel:
    def test_export_and_import_round_trip(self, contract, org, editor):
        from kitos.excel.exporter import export_entities

        deadline_decision_record(actor=editor, contract=contract, kind=DecisionKind.RENEW)
        content = export_entities(
            user=editor, organisation=org, entities={"deadline_decisions": None}
        )
        book = openpyxl.load_workbook(io.BytesIO(content))
        sheet = book["Beslutninger om frister"]
        headers = [cell.value for cell in sheet[1]]
        assert {"Kontrakt", "Frist", "Beslutning", "Besluttet af"} <= set(headers)
        row = dict(zip(headers, [cell.value for cell in sheet[2]], strict=False))
        assert row["Kontrakt"] == "ESDH drift" and row["Besluttet af"] == editor.username
        # Change the decision in the sheet and import it: the one decision is updated.
        sheet.cell(row=2, column=headers.index("Beslutning") + 1).value = "Genudbyd"
        sheet.cell(row=2, column=headers.index("Begrundelse") + 1).value = "Fra regneark"
        buffer = io.BytesIO()
        book.save(buffer)
        report = run_import_file(
            actor=editor, organisation=org, content=buffer.getvalue(), filename="b.xlsx",
            commit=True,
        )
        assert report.ok, report.errors
        decision = DeadlineDecision.objects.get()
        assert (decision.kind, decision.note) == ("retender", "Fra regneark")

    def test_import_defaults_to_the_current_deadline(self, contract, org, editor):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Beslutninger"
        sheet.append(["Kontrakt", "Beslutning", "Begrundelse"])
        sheet.append(["ESDH drift", "Opsig kontrakten", "Systemet udfases"])
        buffer = io.BytesIO()
        book.save(buffer)
        report = run_import_file(
            actor=editor, organisation=org, content=buffer.getvalue(), filename="b.xlsx",
            commit=True,
        )
        assert report.ok, report.errors
        decision = DeadlineDecision.objects.get()
        assert (decision.deadline, decision.kind, decision.decided_by) == (
            contract.notice_deadline, "terminate", editor
        )


class TestAdmin:
    def test_admin_records_through_the_service(self, client, contract, org, superuser):
        client.force_login(superuser)
        assert client.get("/admin/contracts/deadlinedecision/").status_code == 200
        response = client.post(
            "/admin/contracts/deadlinedecision/add/",
            {"contract": contract.pk, "deadline": "2040-03-31", "kind": "renew", "note": ""},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        decision = DeadlineDecision.objects.get()
        assert (decision.decided_by, decision.organisation_id) == (superuser, org.pk)
        assert AuditEntry.objects.filter(object_id=decision.pk, action="create").exists()


def test_api_list_query_count_does_not_grow_with_rows(org, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count):
        DeadlineDecision.objects.all().delete()
        for index in range(count):
            contract = ContractFactory(
                organisation=org, start_date=D(2020, 1, 1), expiry_date=D(2040 + index % 5, 6, 30),
                notice_months=3, extension_months=12, extensions_total=1,
            )
            deadline_decision_record(actor=editor, contract=contract, kind=DecisionKind.RENEW)
        with CaptureQueriesContext(connection) as context:
            response = api(editor).get("/api/v1/deadline-decisions/?page_size=100")
            assert response.status_code == 200
        assert len(response.json()["results"]) == count
        return len(context.captured_queries)

    assert queries(5) == queries(30)
