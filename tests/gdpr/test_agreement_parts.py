"""An agreement's sub-processors and oversight records in the portal: their tabs and
create / edit / delete forms, scoped (another organisation 404), permission-checked
(readers see no buttons and get 403), written through the audited services; recording
an oversight moves the agreement's next oversight date."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gdpr.gaps import gaps_for_object, object_gap_links
from gdpr.models import OversightRecord, SubProcessor
from kitos.dates import add_months
from kitos.models import AuditEntry
from tests.factories import (
    AgreementFactory,
    OversightRecordFactory,
    SubProcessorFactory,
    SupplierFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def agreement(org):
    return AgreementFactory(
        organisation=org,
        concluded_on=datetime.date(2022, 1, 10),
        oversight_method="isae3402_2",
        oversight_interval="12",
        next_oversight_date=timezone.localdate() - 30 * DAY,  # overdue
    )


def tab(agreement, slug):
    return f"{reverse('dataprocessingagreement_detail', args=[agreement.uuid])}?tab={slug}"


# -- oversight records ----------------------------------------------------------------------


class TestOversight:
    def test_anonymous_goes_to_login(self, client, agreement):
        response = client.get(reverse("oversightrecord_create", args=[agreement.uuid]))
        assert response.status_code == 302 and reverse("login") in response.url

    def test_another_organisation_is_404(self, client, agreement, outsider):
        record = OversightRecordFactory(agreement=agreement)
        client.force_login(outsider)
        create = reverse("oversightrecord_create", args=[agreement.uuid])
        assert client.get(create).status_code == 404
        assert client.get(reverse("oversightrecord_update", args=[record.uuid])).status_code == 404
        assert client.post(reverse("oversightrecord_delete", args=[record.uuid])).status_code == 404

    def test_reader_sees_no_buttons_and_is_refused(self, client, agreement, reader):
        record = OversightRecordFactory(agreement=agreement)
        client.force_login(reader)
        html = client.get(tab(agreement, "tilsyn")).content.decode()
        assert "15-01-2026" in html
        assert reverse("oversightrecord_create", args=[agreement.uuid]) not in html
        assert reverse("oversightrecord_update", args=[record.uuid]) not in html
        create = reverse("oversightrecord_create", args=[agreement.uuid])
        assert client.get(create).status_code == 403
        assert client.post(create, {"date": "2026-01-01", "method": "self"}).status_code == 403
        assert client.post(reverse("oversightrecord_delete", args=[record.uuid])).status_code == 403
        assert OversightRecord.objects.count() == 1

    def test_overdue_is_said_in_words_on_the_tab(self, client, agreement, reader):
        client.force_login(reader)
        html = client.get(tab(agreement, "tilsyn")).content.decode()
        assert "Overskredet for 30 dage siden" in html

    def test_recording_an_oversight_moves_the_next_date_and_closes_the_gap(
        self, client, agreement, editor
    ):
        assert "oversight-overdue" in {rule.key for rule in gaps_for_object(agreement)}
        client.force_login(editor)
        url = reverse("oversightrecord_create", args=[agreement.uuid])
        form = client.get(url).context["form"]
        # Prefilled: done today, by the method the agreement prescribes.
        assert form.initial["date"] == timezone.localdate()
        assert form.initial["method"] == "isae3402_2"
        today = timezone.localdate()
        response = client.post(
            url, {"date": today.isoformat(), "method": "isae3402_2", "result": "no_remarks"}
        )
        assert response.status_code == 302
        assert response.url == tab(agreement, "tilsyn")
        agreement.refresh_from_db()
        # One rule in one place (gdpr.services.next_oversight_date): last one + interval.
        assert agreement.next_oversight_date == add_months(today, 12)
        assert "oversight-overdue" not in {rule.key for rule in gaps_for_object(agreement)}
        record = OversightRecord.objects.get(agreement=agreement)
        assert AuditEntry.objects.for_object(record).filter(actor=editor).exists()

    def test_edit_and_delete_move_the_date_back(self, client, agreement, editor):
        client.force_login(editor)
        client.post(
            reverse("oversightrecord_create", args=[agreement.uuid]),
            {"date": "2026-03-01", "method": "self"},
        )
        record = OversightRecord.objects.get(agreement=agreement)
        response = client.post(
            reverse("oversightrecord_update", args=[record.uuid]),
            {"date": "2026-02-01", "method": "self", "result": "minor"},
        )
        assert response.status_code == 302
        agreement.refresh_from_db()
        assert agreement.next_oversight_date == datetime.date(2027, 2, 1)
        response = client.post(reverse("oversightrecord_delete", args=[record.uuid]))
        assert response.status_code == 302 and response.url == tab(agreement, "tilsyn")
        agreement.refresh_from_db()
        assert not OversightRecord.objects.exists()
        # Back to one interval after the agreement was concluded.
        assert agreement.next_oversight_date == datetime.date(2023, 1, 10)

    def test_a_wrong_value_is_shown_on_the_field(self, client, agreement, editor):
        client.force_login(editor)
        response = client.post(
            reverse("oversightrecord_create", args=[agreement.uuid]), {"date": "", "method": ""}
        )
        assert response.status_code == 200
        assert set(response.context["form"].errors) >= {"date", "method"}

    def test_tab_query_count_does_not_grow_with_rows(self, client, agreement, reader):
        client.force_login(reader)
        for day in range(1, 3):
            OversightRecordFactory(agreement=agreement, date=datetime.date(2025, 1, day))
        few = count_queries(client, tab(agreement, "tilsyn"))
        for day in range(3, 20):
            OversightRecordFactory(agreement=agreement, date=datetime.date(2025, 1, day))
        assert count_queries(client, tab(agreement, "tilsyn")) == few


# -- sub-processors ---------------------------------------------------------------------------


class TestSubProcessors:
    def test_another_organisation_is_404(self, client, agreement, outsider):
        sub = SubProcessorFactory(agreement=agreement)
        client.force_login(outsider)
        assert client.get(reverse("subprocessor_create", args=[agreement.uuid])).status_code == 404
        assert client.get(reverse("subprocessor_update", args=[sub.uuid])).status_code == 404

    def test_reader_sees_no_buttons_and_is_refused(self, client, agreement, reader):
        sub = SubProcessorFactory(agreement=agreement, supplier=SupplierFactory(name="Cloud Inc."))
        client.force_login(reader)
        html = client.get(tab(agreement, "underdatabehandlere")).content.decode()
        assert "Cloud Inc." in html
        assert reverse("subprocessor_update", args=[sub.uuid]) not in html
        assert reverse("subprocessor_create", args=[agreement.uuid]) not in html
        response = client.post(
            reverse("subprocessor_update", args=[sub.uuid]),
            {"supplier": sub.supplier.pk, "country": "US", "transfer_basis": "scc"},
        )
        assert response.status_code == 403

    def test_editor_adds_changes_and_removes(self, client, agreement, editor):
        supplier = SupplierFactory(name="Cloud Inc.")
        client.force_login(editor)
        response = client.post(
            reverse("subprocessor_create", args=[agreement.uuid]),
            {"supplier": supplier.pk, "country": "US", "service": "Hosting"},
        )
        assert response.status_code == 302
        assert response.url == tab(agreement, "underdatabehandlere")
        sub = SubProcessor.objects.get(agreement=agreement)
        assert AuditEntry.objects.for_object(sub).filter(actor=editor).exists()
        # A US sub-processor without basis is a gap, and the tab says so in words.
        assert "agreement-transfer-without-basis" in {r.key for r in gaps_for_object(agreement)}
        html = client.get(tab(agreement, "underdatabehandlere")).content.decode()
        assert "Mangler: landet kræver et overførselsgrundlag" in html

        response = client.post(
            reverse("subprocessor_update", args=[sub.uuid]),
            {"supplier": supplier.pk, "country": "US", "service": "Hosting",
             "transfer_basis": "dpf"},
        )
        assert response.status_code == 302
        assert "agreement-transfer-without-basis" not in {
            r.key for r in gaps_for_object(agreement)
        }
        response = client.post(reverse("subprocessor_delete", args=[sub.uuid]))
        assert response.status_code == 302
        assert not SubProcessor.objects.exists()

    def test_tab_query_count_does_not_grow_with_rows(self, client, agreement, reader):
        client.force_login(reader)
        SubProcessorFactory(agreement=agreement)
        few = count_queries(client, tab(agreement, "underdatabehandlere"))
        SubProcessorFactory.create_batch(10, agreement=agreement)
        assert count_queries(client, tab(agreement, "underdatabehandlere")) == few

    def test_the_gap_link_leads_to_the_sub_processor_lacking_a_basis(self, agreement):
        SubProcessorFactory(agreement=agreement, country="DE")
        unsafe = SubProcessorFactory(agreement=agreement, country="US")
        [(rule, url)] = [
            (rule, url)
            for rule, url in object_gap_links(agreement)
            if rule.key == "agreement-transfer-without-basis"
        ]
        assert url.startswith(reverse("subprocessor_update", args=[unsafe.uuid]))
        assert "felt=transfer_basis" in url


def test_nothing_on_the_agreement_page_links_to_the_admin(client, agreement, editor):
    SubProcessorFactory(agreement=agreement)
    OversightRecordFactory(agreement=agreement)
    client.force_login(editor)
    for slug in ("overblik", "underdatabehandlere", "tilsyn"):
        main = client.get(tab(agreement, slug)).content.decode().split('<main id="main"')[1]
        assert "/admin/" not in main
