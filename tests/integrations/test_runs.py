"""A connector's run is recorded whatever happens (integrations.runs)."""

import datetime

import pytest
from django.utils import timezone

from integrations.models import Connector, RunStatus, SyncRun
from integrations.runs import (
    RunRefused,
    SourceError,
    connector_run,
    external_ids,
    link_external,
    unlink_external,
)
from kitos.models import AuditEntry
from roles.models import OrganisationUnit
from roles.services import unit_create


@pytest.fixture
def connector(org):
    return Connector.objects.create(organisation=org, kind="fk_org")


def test_a_run_records_counts_duration_and_groups_its_changes(connector, admin_user, org):
    with connector_run(connector=connector, mode="apply", actor=admin_user) as run:
        unit = unit_create(actor=admin_user, organisation=org, name="Kultur")
        run.counts["created"] += 1
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED and run.counts["created"] == 1
    assert run.duration is not None and run.started_by == admin_user
    entry = AuditEntry.objects.get(object_id=unit.pk, content_type__model="organisationunit")
    assert entry.group_id == run.uuid and entry.source == "sync"


def test_a_source_error_fails_the_run_with_its_message_and_writes_nothing(
        connector, admin_user, org):
    with connector_run(connector=connector, mode="apply", actor=admin_user) as run:
        from django.db import transaction

        with transaction.atomic():
            unit_create(actor=admin_user, organisation=org, name="Kultur")
            raise SourceError("Kilden svarede ikke.")
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.message == "Kilden svarede ikke."
    assert not OrganisationUnit.objects.filter(name="Kultur").exists()


def test_an_unexpected_error_fails_the_run_and_is_raised(connector):
    with pytest.raises(ZeroDivisionError), connector_run(connector=connector):
        1 / 0  # noqa: B018
    run = SyncRun.objects.get()
    assert run.status == RunStatus.FAILED and "ZeroDivisionError" in run.message


def test_a_second_run_is_refused_while_one_runs_but_not_after_a_stale_one(connector):
    SyncRun.objects.create(organisation=connector.organisation, connector=connector,
                           mode="preview", started_at=timezone.now())
    with pytest.raises(RunRefused), connector_run(connector=connector):
        pass
    SyncRun.objects.update(started_at=timezone.now() - datetime.timedelta(hours=3))
    with connector_run(connector=connector) as run:
        pass
    assert run.status == RunStatus.SUCCEEDED


def test_external_ids_map_both_ways_and_move(org, admin_user):
    import uuid

    first = unit_create(actor=admin_user, organisation=org, name="A")
    second = unit_create(actor=admin_user, organisation=org, name="B")
    outside = uuid.uuid4()
    link_external(organisation=org, source="fk_org", external_uuid=outside, obj=first)
    link_external(organisation=org, source="fk_org", external_uuid=outside, obj=first)
    assert external_ids(organisation=org, source="fk_org", model=OrganisationUnit) == {
        outside: first.pk}
    link_external(organisation=org, source="fk_org", external_uuid=outside, obj=second)
    assert external_ids(organisation=org, source="fk_org", model=OrganisationUnit) == {
        outside: second.pk}
    unlink_external(source="fk_org", objects=[second])
    assert external_ids(organisation=org, source="fk_org", model=OrganisationUnit) == {}
