"""Regression tests for findings of the security review (tenant isolation)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from alerts import services as alerts
from alerts.models import AlertDelivery
from contracts.services import contract_delete, supplier_create, supplier_update
from gdpr.models import DataProcessingAgreement
from kitos.api.tokens import api_token_create
from kitos.models import Membership
from kitos.services import create_object, delete_object
from portfolio.services import system_create
from roles.models import RoleType
from tests.factories import (
    ContractFactory,
    PersonFactory,
    RoleAssignmentFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


def feed(user, since):
    client = APIClient()
    client.force_authenticate(user)
    return client.get("/api/v1/deletions/", {"since": since.isoformat()}).json()["results"]


class TestDeletionsFeed:
    def test_a_deleted_organisations_history_stays_private(
        self, org, other_org, outsider, superuser
    ):
        before = timezone.now()
        contract_delete(actor=superuser, contract=ContractFactory(organisation=org,
                                                                  name="Hemmelig"))
        delete_object(actor=superuser, instance=org)
        assert feed(outsider, before) == []

    def test_shared_catalog_deletions_reach_everyone_local_ones_do_not(
        self, org, admin_user, outsider
    ):
        before = timezone.now()
        shared = system_create(actor=admin_user, name="Delt", owner_organisation=org)
        local = system_create(actor=admin_user, name="Lokal", owner_organisation=org,
                              is_local=True)
        delete_object(actor=admin_user, instance=shared)
        delete_object(actor=admin_user, instance=local)
        assert [d["id"] for d in feed(outsider, before)] == [str(shared.uuid)]


class TestFormerMembers:
    def test_calendar_feed_stops_when_the_membership_ends(self, client, org, reader):
        person = PersonFactory(organisation=org, user=reader)
        url = reverse("person_calendar", args=[person.calendar_token])
        assert client.get(url).status_code == 200
        Membership.objects.filter(user=reader).delete()
        assert client.get(url).status_code == 404

    def test_scan_sends_mail_but_no_in_app_alert_to_a_non_member(self, org, other_org, outsider):
        contract = ContractFactory(
            organisation=org, start_date=datetime.date(2020, 1, 1),
            expiry_date=datetime.date(2027, 2, 28), notice_months=3, extension_months=12,
            extensions_total=1,
        )
        person = PersonFactory(organisation=org, user=outsider, email="x@demo.dk")
        RoleAssignmentFactory(target=contract, person=person, role_type=RoleType.objects.get(
            organisation=None, applies_to="contract", code="kontraktejer"))
        alerts.scan(today=datetime.date(2026, 11, 21))
        # Three rules fired (catch-up); none of them reaches the outsider's in-app list.
        assert set(AlertDelivery.objects.values_list("email", "user")) == {("x@demo.dk", None)}


class TestSharedCatalog:
    def test_a_shared_entry_cannot_be_made_local(self, org, admin_user):
        supplier = supplier_create(actor=admin_user, name="Delt A/S", owner_organisation=org)
        with pytest.raises(ValidationError):
            supplier_update(actor=admin_user, supplier=supplier, data={"is_local": True})

    def test_shared_entries_cannot_point_at_local_ones(self, org, admin_user):
        local = SupplierFactory(owner_organisation=org, is_local=True)
        with pytest.raises(ValidationError):
            system_create(actor=admin_user, name="Delt system", owner_organisation=org,
                          rights_holder=local)
        own_local = system_create(actor=admin_user, name="Lokalt", owner_organisation=org,
                                  is_local=True, rights_holder=local)
        assert own_local.pk

    def test_agreement_processor_must_not_be_another_organisations_local_supplier(
        self, org, other_org, superuser
    ):
        theirs = SupplierFactory(owner_organisation=other_org, is_local=True)
        with pytest.raises(ValidationError):
            create_object(actor=superuser, instance=DataProcessingAgreement(
                organisation=org, name="DBA", processor=theirs))

    def test_local_cvr_neither_blocks_nor_reveals(self, org, other_org, superuser):
        SupplierFactory(owner_organisation=other_org, is_local=True, cvr="11223344")
        shared = supplier_create(actor=superuser, name="Leverandør", cvr="11223344")
        mine = supplier_create(actor=superuser, name="Min kopi", cvr="11223344",
                               owner_organisation=org, is_local=True)
        assert shared.pk and mine.pk
        with pytest.raises(ValidationError):
            supplier_create(actor=superuser, name="Dublet", cvr="11223344")


def test_a_key_cannot_mint_keys(editor):
    _token, key = api_token_create(actor=editor, name="sync", scope="read_write")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.post("/api/v1/tokens/", {"name": "forever", "scope": "read_write"},
                           format="json")
    assert response.status_code == 403


