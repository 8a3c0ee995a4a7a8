"""seed_demo builds a realistic demo and is idempotent."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from contracts.models import Contract
from gdpr.models import DataProcessingAgreement, ProcessingActivity
from kitos.models import AuditEntry, Organisation
from portfolio.models import Integration, Interface, ItSystem, Supplier, SystemUsage
from roles.models import Competency, OrganisationUnit, Person, RoleAssignment
from tests.conftest import _restore_reference_data

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 21)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Organisation, OrganisationUnit, Person, Competency, Supplier, ItSystem,
            Interface, SystemUsage, Integration, Contract, ProcessingActivity,
            DataProcessingAgreement, RoleAssignment, AuditEntry, get_user_model(),
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
        _restore_reference_data()


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


def test_the_supplier_login_sees_only_its_catalog_entries(seeded, client):
    from portfolio.models import ItSystem

    user = get_user_model().objects.get(username="leverandoer")
    assert not user.memberships.exists()
    supplier = user.rights_holder_access.get().supplier
    visible = ItSystem.objects.visible_to(user)
    assert visible.exists() and set(visible) == set(
        ItSystem.objects.filter(rights_holder=supplier, is_local=False))
    assert not SystemUsage.objects.visible_to(user).exists()
    assert client.login(username="leverandoer", password="kitos-demo-2026")


def test_demo_references_show_on_the_tab_and_dead_links(seeded, client):
    from references.models import ExternalReference

    demo = ExternalReference.objects.filter(organisation__slug="demo")
    assert demo.count() >= 15 and demo.dead().exists()
    assert client.login(username="laeser", password="kitos-demo-2026")
    page = client.get(reverse("externalreference_list", args=["demo"])).content.decode()
    assert demo.dead().first().title in page


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


# -- the demo must be trustworthy: systems, KLE, activities, data and users agree -------

SENSITIVE = ("sensitive", "cpr", "criminal")


def demo_usages():
    return SystemUsage.objects.filter(organisation__slug="demo").select_related("system")


def test_every_system_with_cpr_or_sensitive_data_is_in_a_processing_activity(seeded):
    from gdpr.models import DataAssetUsage

    holding = DataAssetUsage.objects.filter(
        asset__categories__kind__in=SENSITIVE
    ).values_list("usage_id", flat=True)
    uncovered = SystemUsage.objects.filter(pk__in=holding, processing_activities=None)
    assert list(uncovered.values_list("system__name", flat=True)) == []
    momentum = demo_usages().get(system__name="KMD Momentum")
    assert momentum.processing_activities.filter(standard_number="01").exists()


def test_activities_use_systems_of_their_kle_domain_and_kls_kle_numbers(seeded):
    from demo import data
    from portfolio.kle import read_kl_list

    _, standard = read_kl_list()
    kl_groups = {a.number: {n.split(".")[0] for n in a.kle_numbers} for a in standard}
    activities = ProcessingActivity.objects.exclude(standard_number="").prefetch_related(
        "usages__system", "kle_numbers"
    )
    assert activities.count() >= 50
    for activity in activities:
        groups = {k.number.split(".")[0] for k in activity.kle_numbers.all()}
        assert groups <= kl_groups[activity.standard_number], activity
        allowed = set(data.CROSS_CUTTING_TYPES)
        for group in kl_groups[activity.standard_number]:
            allowed.update(data.KLE_DOMAINS.get(group, ()))
        types = {u.system.business_type for u in activity.usages.all()}
        assert activity.usages.exists() and types <= allowed, (activity, types - allowed)
    # KL's 01 (jobafklaring, KLE 15 Arbejdsmarked og beskæftigelsesindsats): the jobcentre.
    first = ProcessingActivity.objects.get(organisation__slug="demo", standard_number="01")
    names = set(first.usages.values_list("system__name", flat=True))
    assert "KMD Momentum" in names
    assert not names & {"Flextrafik-bestilling", "KMD Opus Budget"}


def test_activity_categories_follow_its_data_assets(seeded):
    for activity in ProcessingActivity.objects.prefetch_related(
        "data_categories", "data_assets__categories"
    ):
        kinds = {c.kind for c in activity.data_categories.all()}
        asset_kinds = {
            c.kind for asset in activity.data_assets.all() for c in asset.categories.all()
        } - {"non_personal"}
        assert asset_kinds <= kinds, activity
        if kinds & {"sensitive"}:
            assert activity.legal_basis_art9, activity


def test_user_counts_fit_the_systems(seeded):
    from demo import data

    for usage in demo_usages():
        assert usage.user_count == data.user_band(
            usage.system.name, usage.system.business_type, is_local=usage.system.is_local
        ), usage
    counts = dict(demo_usages().values_list("system__name", "user_count"))
    assert counts["KMD Momentum"] == "100_499"
    assert counts["Microsoft 365"] == "500_plus"
    from gdpr.models import DataAssetUsage

    holding = DataAssetUsage.objects.filter(asset__categories__kind__in=SENSITIVE)
    assert not SystemUsage.objects.filter(
        pk__in=holding.values("usage_id"), user_count="below_10"
    ).exists()


def test_usages_carry_a_believable_os2kitos_record(seeded):
    from portfolio.models import UsageJournalPeriod

    usages = demo_usages()
    assert usages.filter(sensitive_personal_data=True,
                         sensitive_data_types__code="health").exists()
    assert usages.filter(risk_assessment="yes").exclude(risk_assessment_result="").exists()
    assert usages.filter(socially_critical="yes").exists()
    assert usages.exclude(archive_duty="").exclude(archive_type=None).exists()
    assert UsageJournalPeriod.objects.filter(usage__in=usages).count() >= 2
    # What the services would refuse is not in the demo either.
    assert all(usage.gdpr_errors() == {} for usage in usages)


def test_category_labels_are_shown_once(seeded, client):
    from gdpr.detail_views import USAGE_DATA_TAB
    from kitos.links import object_url

    client.force_login(get_user_model().objects.get(username="chef"))
    momentum = demo_usages().get(system__name="KMD Momentum")
    response = client.get(f"{object_url(momentum)}?tab={USAGE_DATA_TAB.slug}")
    assert response.status_code == 200
    text = response.content.decode()
    assert "CPR-nummer" in text
    assert 'CPR-nummer <span class="tag">CPR-nummer' not in text


ENGLISH_ROLE_NAMES = ("Contract manager", "System owner", "Business owner", "Data owner")


def test_role_names_are_danish_in_the_danish_ui(seeded, client):
    from kitos.detail import ROLES_SLUG
    from kitos.links import object_url
    from roles.models import RoleType

    names = set(RoleType.objects.values_list("name", flat=True))
    assert "Kontraktansvarlig" in names and not names & set(ENGLISH_ROLE_NAMES)
    client.force_login(get_user_model().objects.get(username="chef"))
    assignment = RoleAssignment.objects.filter(
        organisation__slug="demo", role_type__code="contract-manager"
    ).first()
    pages = [
        f"{object_url(assignment.target)}?tab={ROLES_SLUG}",
        "/roller/oversigt/",
        "/kontrakter/?columns=name,contract_manager",
    ]
    for url in pages:
        response = client.get(url, follow=True, HTTP_ACCEPT_LANGUAGE="da")
        assert response.status_code == 200, url
        text = response.content.decode()
        for english in ENGLISH_ROLE_NAMES:
            assert english not in text, (url, english)
    assert "Kontraktansvarlig" in client.get(pages[0]).content.decode()


def test_integrations_go_through_interfaces_their_systems_expose(seeded):
    """The catalog's interfaces carry data rows, and the demo's integrations name one
    exposed by the system of one of their ends (Integration.clean's rule)."""
    interfaces = Interface.objects.filter(is_local=False)
    assert interfaces.count() >= 15
    assert all(interface.data_rows.exists() for interface in interfaces)
    demo = Organisation.objects.get(slug="demo")
    through = Integration.objects.filter(organisation=demo, interface__isnull=False)
    assert through.count() >= 20
    for integration in through.select_related("source", "target", "interface"):
        assert integration.interface.exposed_by_id in {
            integration.source.system_id, integration.target.system_id}
    assert ItSystem.objects.filter(name="SBSYS", archive_duty_recommendation="B").exists()
