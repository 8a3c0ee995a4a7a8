"""The data processing agreement page (gdpr/views.py)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from roles.models import RoleType
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    OversightRecordFactory,
    RoleAssignmentFactory,
    SubProcessorFactory,
    SupplierFactory,
    UsageFactory,
)
from tests.helpers import alert_rule, count_queries, deliver

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def detail_url(agreement):
    return reverse("dataprocessingagreement_detail", args=[agreement.uuid])


def agreement_role():
    return RoleType.objects.get(
        organisation=None, applies_to="data_processing_agreement", code="dba-ansvarlig"
    )


@pytest.fixture
def agreement(org):
    return AgreementFactory(
        organisation=org,
        name="Databehandleraftale Hosting",
        processor=SupplierFactory(name="Hostingfirmaet A/S", cvr="12345678"),
        contract=ContractFactory(organisation=org, name="Hostingkontrakt"),
        concluded_on=datetime.date(2023, 5, 1),
        third_country_transfer=True,
        transfer_basis="scc",
        oversight_method="isae3402_2",
        oversight_interval="12",
        next_oversight_date=timezone.localdate() + 20 * DAY,
    )


class TestAccess:
    def test_anonymous_is_sent_to_login(self, client, agreement):
        response = client.get(detail_url(agreement))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_other_organisation_is_404(self, client, agreement, outsider):
        client.force_login(outsider)
        assert client.get(detail_url(agreement)).status_code == 404

    def test_reader_sees_the_agreement(self, client, agreement, reader):
        client.force_login(reader)
        response = client.get(detail_url(agreement))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Databehandleraftale Hosting" in html
        for heading in ("Overblik", "Roller", "Varslingslog"):
            assert f">{heading}</h2>" in html
        # Sub-processors and oversight records have tabs of their own (with their forms).
        for tab, heading in (("underdatabehandlere", "Underdatabehandlere"), ("tilsyn", "Tilsyn")):
            html = client.get(f"{detail_url(agreement)}?tab={tab}").content.decode()
            assert f">{heading}</h2>" in html

    def test_the_page_has_no_write_actions(self, client, agreement, reader):
        client.force_login(reader)
        html = client.get(detail_url(agreement)).content.decode()
        assert 'method="post"' not in html.split('<main id="main"')[1]


class TestContent:
    def test_overview(self, client, agreement, reader):
        client.force_login(reader)
        html = client.get(detail_url(agreement)).content.decode()
        assert "Hostingfirmaet A/S" in html and "12345678" in html
        assert f'href="{reverse("contract_detail", args=[agreement.contract.uuid])}"' in html
        assert "EU-standardkontraktbestemmelser (art. 46)" in html
        assert "ISAE 3402 type 2" in html and "Årligt" in html
        assert "20 dage tilbage" in html

    def test_transfer_without_basis_is_said(self, client, org, reader):
        agreement = AgreementFactory(organisation=org, third_country_transfer=True)
        client.force_login(reader)
        assert "intet grundlag angivet" in client.get(detail_url(agreement)).content.decode()

    def test_overdue_oversight_is_said_in_words(self, client, agreement, reader):
        agreement.next_oversight_date = timezone.localdate() - 5 * DAY
        agreement.save()
        client.force_login(reader)
        assert "Overskredet for 5 dage siden" in client.get(detail_url(agreement)).content.decode()

    def test_ended_agreement_is_not_overdue(self, client, agreement, reader):
        agreement.next_oversight_date = timezone.localdate() - 5 * DAY
        agreement.ended_on = timezone.localdate() - DAY
        agreement.save()
        client.force_login(reader)
        html = client.get(detail_url(agreement)).content.decode()
        assert "Overskredet" not in html
        assert "der føres ikke længere tilsyn" in html

    def test_sub_processors_and_oversight_records(self, client, agreement, reader):
        SubProcessorFactory(
            agreement=agreement,
            supplier=SupplierFactory(name="Cloud Inc."),
            country="US",
            transfer_basis="dpf",
            service="Hosting",
        )
        OversightRecordFactory(
            agreement=agreement,
            date=datetime.date(2026, 1, 15),
            result="minor",
            report_url="https://example.org/rapport.pdf",
        )
        client.force_login(reader)
        html = client.get(f"{detail_url(agreement)}?tab=underdatabehandlere").content.decode()
        assert "Cloud Inc." in html and "US" in html and "EU-U.S. Data Privacy Framework" in html
        html = client.get(f"{detail_url(agreement)}?tab=tilsyn").content.decode()
        assert "Mindre bemærkninger" in html
        assert 'href="https://example.org/rapport.pdf"' in html
        assert "15-01-2026" in html

    def test_role_holders_usages_and_alert_log(self, client, agreement, reader):
        RoleAssignmentFactory(
            target=agreement, role_type=agreement_role(), person__name="Dorthe Dataansvarlig"
        )
        usage = UsageFactory(organisation=agreement.organisation, local_name="Sbsys")
        agreement.usages.add(usage)
        deliver(agreement, rule=alert_rule(agreement.organisation, "oversight_due", 30))
        client.force_login(reader)
        response = client.get(detail_url(agreement))
        html = response.content.decode()
        assert "Dorthe Dataansvarlig" in html
        assert "Sbsys" in html
        assert "Tilsyn med databehandler: 30 dage før" in html
        assert len(response.context["alert_log"]) == 1


def test_query_count_does_not_grow_with_rows(client, agreement, reader):
    rule = alert_rule(agreement.organisation, "oversight_due", 30)

    def add(count, prefix):
        for i in range(count):
            RoleAssignmentFactory(target=agreement, role_type=agreement_role())
            SubProcessorFactory(agreement=agreement)
            OversightRecordFactory(
                agreement=agreement, date=datetime.date(2020, 1, 1) + (len(prefix) * 100 + i) * DAY
            )
        deliver(agreement, count, rule=rule, prefix=prefix)

    client.force_login(reader)
    add(5, "few")
    few = count_queries(client, detail_url(agreement))
    add(45, "many")
    assert count_queries(client, detail_url(agreement)) == few
