"""The bulk actions registered on the contracts and processing activities lists."""

from __future__ import annotations

import pytest

from contracts.models import Contract
from gdpr.models import ProcessingActivity
from kitos.models import AuditEntry
from tests.factories import ContractFactory, ProcessingActivityFactory, UnitFactory

pytestmark = pytest.mark.django_db


def run(client, url, rows, action, **values):
    data = {"bulk_action": action, "rows": [str(row.uuid) for row in rows], **values}
    shown = client.post(url, {**data, "step": "preview"})
    assert shown.status_code == 200, shown.content
    done = client.post(url, {**data, "step": "confirm",
                             "fingerprints": shown.context["fingerprints"],
                             "values": shown.context["values"]})
    assert done.status_code == 302
    return shown


def test_contracts_unit_and_criticality(client, editor, org):
    contracts = ContractFactory.create_batch(3, organisation=org)
    unit = UnitFactory(organisation=org)
    client.force_login(editor)
    html = client.get("/kontrakter/").content.decode()
    assert 'value="responsible_unit"' in html and 'value="role_holder"' in html
    assert '<option value="status"' not in html  # computed from the dates
    run(client, "/kontrakter/", contracts, "responsible_unit", value=unit.pk)
    run(client, "/kontrakter/", contracts, "criticality", value="high")
    assert set(Contract.objects.values_list("responsible_unit", "criticality")) == {
        (unit.pk, "high")
    }
    assert AuditEntry.objects.filter(action="update").values("group_id").distinct().count() == 2


def test_contracts_delete(client, editor, org):
    contracts = ContractFactory.create_batch(2, organisation=org)
    client.force_login(editor)
    run(client, "/kontrakter/", contracts, "delete")
    assert not Contract.objects.exists()


def test_processing_activities_unit(client, editor, org):
    activities = ProcessingActivityFactory.create_batch(2, organisation=org)
    unit = UnitFactory(organisation=org)
    client.force_login(editor)
    url = "/behandlingsaktiviteter/"
    run(client, url, activities, "responsible_unit", value=unit.pk)
    assert set(ProcessingActivity.objects.values_list("responsible_unit", flat=True)) == {
        unit.pk
    }
