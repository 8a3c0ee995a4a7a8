"""The contract page (contracts/views.py) and subscribing to a contract's alerts."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from alerts.models import AlertDigest, ContractSubscription
from alerts.services import contract_subscribe, contract_unsubscribe
from contracts.models import Contract
from kitos.models import AuditEntry
from roles.models import RoleType
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    CoverageFactory,
    PersonFactory,
    RoleAssignmentFactory,
    UnitFactory,
)
from tests.helpers import alert_rule, count_queries, deliver

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def detail_url(contract):
    return reverse("contract_detail", args=[contract.uuid])


def contract_role(code="kontraktejer"):
    return RoleType.objects.get(organisation=None, applies_to="contract", code=code)


@pytest.fixture
def contract(org):
    return ContractFactory(organisation=org, name="Økonomisystem drift")


@pytest.fixture
def reader_person(org, reader):
    return PersonFactory(organisation=org, user=reader, name="Rita Læser")


class TestAccess:
    def test_anonymous_is_sent_to_login(self, client, contract):
        response = client.get(detail_url(contract))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_other_organisation_is_404(self, client, contract, outsider):
        client.force_login(outsider)
        assert client.get(detail_url(contract)).status_code == 404

    def test_unknown_uuid_is_404(self, client, reader):
        client.force_login(reader)
        url = reverse("contract_detail", args=["00000000-0000-0000-0000-000000000000"])
        assert client.get(url).status_code == 404

    def test_reader_sees_the_contract(self, client, contract, reader):
        client.force_login(reader)
        response = client.get(detail_url(contract))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Økonomisystem drift" in html
        for heading in ("Overblik", "Vilkår", "Frister", "Roller", "Abonnenter", "Varslingslog"):
            assert f">{heading}</h2>" in html

    def test_superuser_sees_every_organisation(self, client, contract, superuser):
        client.force_login(superuser)
        assert client.get(detail_url(contract)).status_code == 200


class TestContent:
    def test_overview_and_terms(self, client, org, reader):
        unit = UnitFactory(organisation=org, name="Digitalisering")
        parent = ContractFactory(organisation=org, name="Rammeaftale")
        contract = ContractFactory(
            organisation=org,
            contract_number="K-2024-17",
            contract_type="operation",
            procurement_form="ski",
            criticality="high",
            responsible_unit=unit,
            parent=parent,
            acquisition_cost="1234567.50",
            notice_months=6,
            notice_to_end_of="quarter",
            extension_months=12,
            extensions_total=2,
            extensions_used=1,
            lead_months=9,
        )
        client.force_login(reader)
        html = client.get(detail_url(contract)).content.decode()
        assert "K-2024-17" in html
        assert "Drift" in html and "SKI-aftale" in html and "Digitalisering" in html
        assert f'href="{detail_url(parent)}"' in html
        assert "1.234.567,50 DKK" in html
        assert "6 måneder" in html and "Kvartal" in html
        assert "1 af 2 brugt, hver på 12 måneder" in html
        assert "9 måneder" in html

    def test_overdue_deadline_is_said_in_words_and_others_count_days(
        self, client, contract, reader
    ):
        today = timezone.localdate()
        Contract.objects.filter(pk=contract.pk).update(
            notice_deadline=today - 3 * DAY,
            retender_start=today + 10 * DAY,
            next_end=today + 1 * DAY,
            status="active",
        )
        client.force_login(reader)
        html = client.get(detail_url(contract)).content.decode()
        assert "Overskredet for 3 dage siden" in html
        assert "10 dage tilbage" in html
        assert "1 dag tilbage" in html
        assert f'datetime="{(today - 3 * DAY).isoformat()}"' in html

    def test_status_label(self, client, org, reader):
        contract = ContractFactory(
            organisation=org, start_date=datetime.date(2015, 1, 1),
            expiry_date=datetime.date(2016, 12, 31),
        )
        client.force_login(reader)
        assert "Udløbet" in client.get(detail_url(contract)).content.decode()

    def test_covered_usages_mark_the_main_contract(self, client, contract, reader):
        main = CoverageFactory(contract=contract, is_main=True, usage__local_name="Opus")
        CoverageFactory(contract=contract, is_main=False, usage__local_name="Prisme")
        client.force_login(reader)
        response = client.get(detail_url(contract))
        html = response.content.decode()
        assert "Opus" in html and "Prisme" in html
        assert [link.is_main for link in response.context["coverage"]] == [True, False]
        assert response.context["coverage"][0] == main
        assert "Ja, hovedkontrakt" in html

    def test_current_role_holders_only(self, client, contract, reader):
        today = timezone.localdate()
        RoleAssignmentFactory(
            target=contract, role_type=contract_role(), person__name="Karen Kontraktejer"
        )
        RoleAssignmentFactory(
            target=contract,
            role_type=contract_role("contract-manager"),
            person__name="Tidligere Manager",
            start_date=today - 100 * DAY,
            end_date=today - DAY,
        )
        client.force_login(reader)
        html = client.get(detail_url(contract)).content.decode()
        assert "Karen Kontraktejer" in html and "Kontraktejer" in html
        assert "Tidligere Manager" not in html

    def test_linked_agreements(self, client, contract, reader):
        agreement = AgreementFactory(organisation=contract.organisation, contract=contract)
        client.force_login(reader)
        html = client.get(detail_url(contract)).content.decode()
        assert reverse("dataprocessingagreement_detail", args=[agreement.uuid]) in html

    def test_alert_log(self, client, contract, reader):
        digest = AlertDigest.objects.create(
            email="ejer@demo.dk", sent_on=timezone.localdate(), sent_at=timezone.now()
        )
        deliver(contract, digest=digest, prefix="ejer")
        deliver(contract, without_owner=True, prefix="admin", read_at=timezone.now())
        client.force_login(reader)
        response = client.get(detail_url(contract))
        html = response.content.decode()
        assert len(response.context["alert_log"]) == 2
        assert "ejer-0@demo.dk" in html and "admin-0@demo.dk" in html
        assert "Ja – ingen havde rollen" in html
        assert "Ikke sendt endnu" in html
        assert "Frist for opsigelse / option: 30 dage før" in html

    def test_alert_log_of_other_contracts_is_not_shown(self, client, contract, reader):
        deliver(ContractFactory(organisation=contract.organisation), prefix="andet")
        client.force_login(reader)
        response = client.get(detail_url(contract))
        assert response.context["alert_log"] == []
        assert "Der er ikke sendt varsler endnu." in response.content.decode()


class TestSubscribeButton:
    def test_hidden_without_own_person(self, client, contract, reader):
        client.force_login(reader)
        html = client.get(detail_url(contract)).content.decode()
        assert reverse("contract_subscribe", args=[contract.uuid]) not in html

    def test_hidden_when_own_person_is_in_another_organisation(
        self, client, contract, reader, other_org
    ):
        PersonFactory(organisation=other_org, user=reader)
        client.force_login(reader)
        html = client.get(detail_url(contract)).content.decode()
        assert reverse("contract_subscribe", args=[contract.uuid]) not in html

    def test_shown_and_switches_to_unsubscribe(self, client, contract, reader, reader_person):
        client.force_login(reader)
        html = client.get(detail_url(contract)).content.decode()
        assert reverse("contract_subscribe", args=[contract.uuid]) in html
        assert "Abonnér på varsler" in html
        ContractSubscription.objects.create(
            organisation=contract.organisation, contract=contract, person=reader_person
        )
        html = client.get(detail_url(contract)).content.decode()
        assert reverse("contract_unsubscribe", args=[contract.uuid]) in html
        assert "Afmeld varsler" in html
        assert "Rita Læser" in html  # listed among the subscribers


class TestSubscribe:
    def test_reader_subscribes_and_unsubscribes_with_audit(
        self, client, contract, reader, reader_person
    ):
        client.force_login(reader)
        response = client.post(reverse("contract_subscribe", args=[contract.uuid]))
        assert response.status_code == 302 and response.url == detail_url(contract)
        subscription = ContractSubscription.objects.get(contract=contract)
        assert subscription.person == reader_person
        assert subscription.organisation == contract.organisation
        subscription_type = ContentType.objects.get_for_model(ContractSubscription)
        created = AuditEntry.objects.get(content_type=subscription_type, action="create")
        assert created.actor == reader and created.source == "ui"
        assert created.organisation_id == contract.organisation_id

        response = client.post(reverse("contract_unsubscribe", args=[contract.uuid]))
        assert response.status_code == 302
        assert not ContractSubscription.objects.exists()
        deleted = AuditEntry.objects.get(content_type=subscription_type, action="delete")
        assert deleted.actor == reader and deleted.object_id == subscription.pk

    def test_subscribing_twice_records_once(self, client, contract, reader, reader_person):
        client.force_login(reader)
        client.post(reverse("contract_subscribe", args=[contract.uuid]))
        client.post(reverse("contract_subscribe", args=[contract.uuid]))
        assert ContractSubscription.objects.count() == 1
        assert AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(ContractSubscription)
        ).count() == 1

    def test_without_own_person_is_403(self, client, contract, editor):
        client.force_login(editor)
        response = client.post(reverse("contract_subscribe", args=[contract.uuid]))
        assert response.status_code == 403
        assert not ContractSubscription.objects.exists()

    def test_person_who_has_left_cannot_subscribe(self, client, contract, reader):
        PersonFactory(
            organisation=contract.organisation, user=reader, left_on=datetime.date(2025, 1, 1)
        )
        client.force_login(reader)
        assert client.post(reverse("contract_subscribe", args=[contract.uuid])).status_code == 403

    def test_other_organisation_is_404(self, client, contract, outsider, other_org):
        PersonFactory(organisation=other_org, user=outsider)
        client.force_login(outsider)
        response = client.post(reverse("contract_subscribe", args=[contract.uuid]))
        assert response.status_code == 404
        assert not ContractSubscription.objects.exists()

    def test_anonymous_is_sent_to_login(self, client, contract):
        response = client.post(reverse("contract_subscribe", args=[contract.uuid]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_get_is_not_allowed(self, client, contract, reader, reader_person):
        client.force_login(reader)
        assert client.get(reverse("contract_subscribe", args=[contract.uuid])).status_code == 405

    def test_csrf_is_required(self, contract, reader, reader_person):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(reader)
        assert client.post(reverse("contract_subscribe", args=[contract.uuid])).status_code == 403


class TestSubscriptionService:
    def test_editor_may_subscribe_someone_else(self, contract, editor):
        colleague = PersonFactory(organisation=contract.organisation)
        contract_subscribe(actor=editor, contract=contract, person=colleague)
        assert ContractSubscription.objects.filter(person=colleague).exists()
        assert contract_unsubscribe(actor=editor, contract=contract, person=colleague)
        assert not contract_unsubscribe(actor=editor, contract=contract, person=colleague)

    def test_reader_may_not_subscribe_someone_else(self, contract, reader):
        colleague = PersonFactory(organisation=contract.organisation)
        with pytest.raises(PermissionDenied):
            contract_subscribe(actor=reader, contract=contract, person=colleague)

    def test_reader_of_another_organisation_may_not_subscribe_himself(
        self, contract, outsider
    ):
        person = PersonFactory(organisation=contract.organisation, user=outsider)
        with pytest.raises(PermissionDenied):
            contract_subscribe(actor=outsider, contract=contract, person=person)

    def test_person_of_another_organisation_is_refused(self, contract, other_org, superuser):
        stranger = PersonFactory(organisation=other_org)
        with pytest.raises(ValidationError):
            contract_subscribe(actor=superuser, contract=contract, person=stranger)
        assert not ContractSubscription.objects.exists()


def test_query_count_does_not_grow_with_roles_deliveries_and_subscribers(
    client, contract, reader, reader_person
):
    org = contract.organisation
    rule = alert_rule(org)
    digest = AlertDigest.objects.create(email="x@demo.dk", sent_on=timezone.localdate())

    def add(count, prefix):
        for _ in range(count):
            RoleAssignmentFactory(target=contract, role_type=contract_role())
            ContractSubscription.objects.create(
                organisation=org, contract=contract, person=PersonFactory(organisation=org)
            )
            CoverageFactory(contract=contract)
        deliver(contract, count, rule=rule, digest=digest, prefix=prefix)

    client.force_login(reader)
    add(5, "few")
    few = count_queries(client, detail_url(contract))
    add(45, "many")
    many = count_queries(client, detail_url(contract))
    assert few == many
    response = client.get(detail_url(contract))
    assert len(response.context["role_holders"]) == 50
    assert len(response.context["alert_log"]) == 50
