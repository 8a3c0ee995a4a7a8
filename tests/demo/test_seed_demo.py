"""seed_demo builds a realistic demo and is idempotent."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from contracts.models import Contract
from gdpr.models import DataProcessingAgreement, ProcessingActivity
from gdpr.reference import ensure_data_categories
from kitos.models import AuditEntry, Organisation
from portfolio.models import Integration, ItSystem, Supplier, SystemUsage
from roles.models import Competency, OrganisationUnit, Person, RoleAssignment
from roles.reference import ensure_disciplines_and_role_types

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 21)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Organisation, OrganisationUnit, Person, Competency, Supplier, ItSystem,
            SystemUsage, Integration, Contract, ProcessingActivity, DataProcessingAgreement,
            RoleAssignment, AuditEntry, get_user_model(),
        )
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (it takes a while) and clean up afterwards."""
    with django_db_blocker.unblock():
        call_command("seed_demo", today=TODAY, stdout=StringIO())
        first = counts()
        call_command("seed_demo", today=TODAY, stdout=StringIO())
        second = counts()
        yield first, second
        call_command("flush", interactive=False, verbosity=0)
        # flush also empties what the data migrations created; restore exactly that.
        ensure_disciplines_and_role_types(apps)
        ensure_data_categories(apps)


def test_second_run_changes_nothing(seeded):
    first, second = seeded
    assert first == second


def test_demo_is_big_and_realistic_enough(seeded):
    demo = Organisation.objects.get(slug="demo")
    assert Organisation.objects.filter(slug="nabo", name="Nabo Kommune").exists()
    assert demo.name == "Demo Kommune"
    in_demo = {"organisation": demo}
    forvaltninger = OrganisationUnit.objects.filter(**in_demo, depth=1).count()
    assert 6 <= forvaltninger <= 8
    assert OrganisationUnit.objects.filter(**in_demo).count() >= 30
    assert Person.objects.filter(**in_demo).count() >= 100
    assert Competency.objects.filter(**in_demo).count() >= 50
    assert ItSystem.objects.filter(is_local=False).count() >= 150
    assert Supplier.objects.count() >= 30
    for name in ("KMD A/S", "Netcompany A/S", "Systematic A/S", "EG A/S", "Fujitsu A/S"):
        assert Supplier.objects.filter(name=name).exists(), name
    assert SystemUsage.objects.filter(**in_demo).count() >= 200
    assert Integration.objects.filter(**in_demo).count() >= 50
    assert Contract.objects.filter(**in_demo).count() >= 150
    assert ProcessingActivity.objects.filter(**in_demo).count() >= 50
    assert ProcessingActivity.objects.filter(**in_demo).exclude(standard_number="").exists()
    assert DataProcessingAgreement.objects.filter(**in_demo).count() >= 20
    assert RoleAssignment.objects.filter(**in_demo).count() >= 300


def test_usages_are_spread_over_forvaltninger(seeded):
    demo = Organisation.objects.get(slug="demo")
    spread = {
        unit.path.split("/")[2]
        for unit in OrganisationUnit.objects.filter(responsible_for_usages__organisation=demo)
    }
    assert len(spread) >= 6


def test_contract_dates_are_varied(seeded):
    demo = Contract.objects.filter(organisation__slug="demo")
    soon = TODAY + datetime.timedelta(days=180)
    assert demo.filter(expiry_date__range=(TODAY, soon), renewal_months__isnull=True).exists()
    assert demo.filter(renewal_months__isnull=False).exists()
    assert demo.filter(expiry_date__isnull=True, notice_to_end_of="quarter").exists()
    assert demo.filter(terminated_on__isnull=False).exists()
    assert demo.filter(expiry_date__lt=TODAY, renewal_months__isnull=True).exists()


def test_demo_logins_work(seeded, client):
    for username, role in (("chef", "editor"), ("systemejer", "editor"),
                           ("laeser", "reader"), ("admin", "admin")):
        user = get_user_model().objects.get(username=username)
        assert user.memberships.get(organisation__slug="demo").role == role
        assert client.login(username=username, password="kitos-demo-2026")
    systemejer = Person.objects.get(user__username="systemejer")
    assert systemejer.role_assignments.count() >= 5


def test_demo_is_tenant_separated(seeded):
    """Nothing of one demo municipality points into the other."""
    for usage in SystemUsage.objects.select_related("responsible_unit"):
        if usage.responsible_unit:
            assert usage.responsible_unit.organisation_id == usage.organisation_id
    nabo_user = get_user_model().objects.get(username="nabo-admin")
    assert not SystemUsage.objects.visible_to(nabo_user).filter(
        organisation__slug="demo"
    ).exists()


def test_alerts_on_the_demo_data_are_sent_once_and_re_arm(seeded):
    """Two real runs on the demo send the mails (of what seeding recorded) once; moving a
    contract's expiry re-arms its alerts."""
    from django.core import mail

    from alerts.models import AlertDelivery
    from contracts.services import contract_update

    # Seeding ends with the scan (a lived-in demo), which records and mails nothing more.
    recorded = AlertDelivery.objects.count()
    assert recorded > 10 and not AlertDelivery.objects.filter(digest__isnull=False).exists()
    call_command("send_contract_alerts", "--dry-run", today=TODAY, stdout=StringIO())
    assert mail.outbox == [] and AlertDelivery.objects.count() == recorded

    call_command("send_contract_alerts", today=TODAY, stdout=StringIO())
    first = len(mail.outbox)
    assert first > 10
    assert len({tuple(m.to) for m in mail.outbox}) == first  # one mail per recipient
    call_command("send_contract_alerts", today=TODAY, stdout=StringIO())
    assert len(mail.outbox) == first

    alerted = AlertDelivery.objects.filter(rule__kind="notice_deadline", without_owner=False)
    contract = Contract.objects.filter(
        pk__in=alerted.values("object_id"), organisation__slug="demo", expiry_date__isnull=False,
        renewal_months__isnull=True,
    ).first()
    delivery = alerted.filter(object_id=contract.pk).first()
    admin = get_user_model().objects.get(username="admin")
    contract_update(
        actor=admin, contract=contract,
        data={"expiry_date": contract.expiry_date + datetime.timedelta(days=31)},
    )
    contract.refresh_from_db()
    tomorrow = TODAY + datetime.timedelta(days=1)
    call_command("send_contract_alerts", today=tomorrow, stdout=StringIO())
    assert AlertDelivery.objects.filter(
        object_id=contract.pk, deadline=contract.notice_deadline
    ).exists()
    assert any(delivery.email in m.to for m in mail.outbox[first:])


def test_a_sync_client_mirrors_the_demo_through_changed_since_and_deletions(seeded):
    """A client that only follows the API (cursor pages, `changed_since`, the deletions
    feed) ends with exactly what a full fetch returns, after edits and deletes."""
    from django.utils import timezone
    from rest_framework.test import APIClient

    from kitos.api.tokens import api_token_create
    from kitos.api_urls import router

    admin = get_user_model().objects.get(username="admin")
    _token, key = api_token_create(actor=admin, name="mirror", scope="read_write")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    prefixes = [
        prefix for prefix, viewset, _basename in router.registry
        if "changed_since" in getattr(viewset, "filterset_class", object).__dict__.get(
            "base_filters", {}
        )
    ]
    assert {"contracts", "suppliers"} <= set(prefixes)

    def fetch(prefix, **params):
        rows, url, query = {}, f"/api/v1/{prefix}/", {"cursor": "", "page_size": 250, **params}
        while url:
            response = client.get(url, query)
            assert response.status_code == 200, (prefix, response.content[:200])
            body = response.json()
            rows.update({row["id"]: row for row in body["results"]})
            url, query = body["next"], {}
        return rows

    started = timezone.now()
    mirror = {prefix: fetch(prefix) for prefix in prefixes}
    assert len(mirror["contracts"]) >= 150

    # Edits and deletes by someone else, through the API.
    editor = APIClient()
    editor.force_authenticate(admin)
    contract_id = next(iter(mirror["contracts"]))
    assert editor.patch(f"/api/v1/contracts/{contract_id}/", {"notes": "Genforhandles"},
                        format="json").status_code == 200
    cost_line_id = next(iter(mirror["cost-lines"]))
    assert editor.delete(f"/api/v1/cost-lines/{cost_line_id}/").status_code == 204
    demo = Organisation.objects.get(slug="demo")
    created = editor.post("/api/v1/contracts/", {"organisation": str(demo.uuid),
                                                 "name": "Ny aftale fra sync-testen"},
                          format="json")
    assert created.status_code == 201

    # The incremental sync.
    for prefix in prefixes:
        mirror[prefix].update(fetch(prefix, changed_since=started.isoformat()))
    deletions, url, query = [], "/api/v1/deletions/", {"since": started.isoformat()}
    while url:
        body = client.get(url, query).json()
        deletions += body["results"]
        url, query = body["next"], {}
    for deletion in deletions:
        for rows in mirror.values():
            rows.pop(deletion["id"], None)

    assert {prefix: fetch(prefix) for prefix in prefixes} == mirror
    assert mirror["contracts"][contract_id]["notes"] == "Genforhandles"
    assert cost_line_id not in mirror["cost-lines"]
