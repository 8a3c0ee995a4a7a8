"""In-app notifications, the unread count in the header and the alert rules page
(kitos/notifications.py, kitos/context_processors.py)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.choices import DEFAULT_ALERT_RULES
from alerts.context_processors import unread_alerts
from alerts.models import AlertDelivery, AlertRule
from kitos.models import AuditEntry
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)
from tests.helpers import alert_rule, count_queries, deliver

pytestmark = pytest.mark.django_db

LIST = reverse("notification_list")


def rules_url(organisation):
    return reverse("alert_rule_list", args=[organisation.slug])


class TestNotificationList:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(LIST)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_only_own_alerts_newest_first_with_links(self, client, org, reader, editor):
        contract = ContractFactory(organisation=org, name="Lønsystem")
        agreement = AgreementFactory(organisation=org, name="DBA Løn")
        older = deliver(contract, user=reader, prefix="a")[0]
        newer = deliver(
            agreement, user=reader, prefix="b", rule=alert_rule(org, "oversight_due", 0)
        )[0]
        AlertDelivery.objects.filter(pk=older.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=2)
        )
        deliver(ContractFactory(organisation=org, name="Andens kontrakt"), user=editor)
        client.force_login(reader)
        response = client.get(LIST)
        assert [d.pk for d in response.context["deliveries"]] == [newer.pk, older.pk]
        html = response.content.decode()
        assert f'href="{reverse("contract_detail", args=[contract.uuid])}"' in html
        assert f'href="{reverse("dataprocessingagreement_detail", args=[agreement.uuid])}"' in html
        assert "Andens kontrakt" not in html
        assert "Markér som læst" in html and "Markér alle som læst" in html

    def test_alerts_of_an_organisation_the_user_left_are_gone(self, client, other_org, reader):
        """Removing a membership removes that organisation's alerts from the list (a
        former member must not keep reading contract names and deadlines)."""
        contract = ContractFactory(organisation=other_org, name="Naboens kontrakt")
        deliver(contract, user=reader)
        client.force_login(reader)
        html = client.get(LIST).content.decode()
        assert "Naboens kontrakt" not in html
        assert reverse("contract_detail", args=[contract.uuid]) not in html

    def test_paginated_by_25(self, client, org, reader):
        deliver(ContractFactory(organisation=org), 30, user=reader)
        client.force_login(reader)
        assert len(client.get(LIST).context["deliveries"]) == 25
        response = client.get(LIST, {"page": 2})
        assert len(response.context["deliveries"]) == 5
        assert "Side 2 af 2" in response.content.decode()

    def test_calendar_addresses_of_own_persons(self, client, org, other_org, reader, settings):
        settings.KITOS_BASE_URL = "https://kitos.example.dk"
        person = PersonFactory(organisation=org, user=reader)
        PersonFactory(organisation=other_org, user=reader, left_on=datetime.date(2025, 1, 1))
        client.force_login(reader)
        html = client.get(LIST).content.decode()
        assert f"https://kitos.example.dk/kalender/{person.calendar_token}.ics" in html
        assert html.count("/kalender/") == 1  # not the one of the person who has left
        assert "Abonner fra internettet" in html
        assert 'for="calendar-1"' in html

    def test_links_to_the_rules_of_own_organisations(self, client, org, other_org, reader):
        client.force_login(reader)
        html = client.get(LIST).content.decode()
        assert rules_url(org) in html and rules_url(other_org) not in html

    def test_query_count_does_not_grow_with_rows(self, client, org, reader):
        contract_rule = alert_rule(org)
        agreement_rule = alert_rule(org, "oversight_due", 0)

        def add(count, prefix):
            for i in range(count):
                if i % 2:
                    target, rule = AgreementFactory(organisation=org), agreement_rule
                else:
                    target, rule = ContractFactory(organisation=org), contract_rule
                deliver(target, user=reader, rule=rule, prefix=prefix)

        client.force_login(reader)
        add(5, "few")
        few = count_queries(client, LIST)
        add(45, "many")
        response = client.get(LIST, {"page": 2})
        assert len(response.context["deliveries"]) == 25
        assert count_queries(client, LIST) == few


class TestMarkRead:
    def test_mark_one_read(self, client, org, reader):
        delivery = deliver(ContractFactory(organisation=org), user=reader)[0]
        client.force_login(reader)
        response = client.post(
            reverse("notification_mark_read", args=[delivery.pk]), {"next": f"{LIST}?page=1"}
        )
        assert response.status_code == 302 and response.url == f"{LIST}?page=1"
        delivery.refresh_from_db()
        assert delivery.read_at is not None
        assert "Ulæst" not in client.get(LIST).content.decode()

    def test_someone_elses_alert_is_404(self, client, org, reader, editor):
        delivery = deliver(ContractFactory(organisation=org), user=editor)[0]
        client.force_login(reader)
        assert client.post(reverse("notification_mark_read", args=[delivery.pk])).status_code == 404
        delivery.refresh_from_db()
        assert delivery.read_at is None

    def test_already_read_is_fine(self, client, org, reader):
        contract = ContractFactory(organisation=org)
        delivery = deliver(contract, user=reader, read_at=timezone.now())[0]
        client.force_login(reader)
        response = client.post(reverse("notification_mark_read", args=[delivery.pk]))
        assert response.status_code == 302

    def test_next_to_another_site_is_ignored(self, client, org, reader):
        delivery = deliver(ContractFactory(organisation=org), user=reader)[0]
        client.force_login(reader)
        response = client.post(
            reverse("notification_mark_read", args=[delivery.pk]),
            {"next": "https://evil.example.com/"},
        )
        assert response.url == LIST

    def test_mark_all_read_touches_only_own(self, client, org, reader, editor):
        contract = ContractFactory(organisation=org)
        deliver(contract, 3, user=reader, prefix="r")
        theirs = deliver(contract, user=editor, prefix="e")[0]
        client.force_login(reader)
        response = client.post(reverse("notification_mark_all_read"))
        assert response.status_code == 302
        assert not AlertDelivery.objects.for_user(reader).unread().exists()
        theirs.refresh_from_db()
        assert theirs.read_at is None

    def test_anonymous_and_get(self, client, reader):
        response = client.post(reverse("notification_mark_all_read"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
        client.force_login(reader)
        assert client.get(reverse("notification_mark_all_read")).status_code == 405


class TestUnreadCount:
    def test_header_shows_the_count_accessibly(self, client, org, reader):
        contract = ContractFactory(organisation=org)
        deliver(contract, 3, user=reader, prefix="u")
        deliver(contract, user=reader, prefix="r", read_at=timezone.now())
        client.force_login(reader)
        html = client.get(reverse("home")).content.decode()
        assert f'href="{LIST}"' in html
        assert '<span class="visually-hidden">, 3 ulæste</span>' in html

    def test_one_unread_is_singular(self, client, org, reader):
        deliver(ContractFactory(organisation=org), user=reader)
        client.force_login(reader)
        assert ", 1 ulæst</span>" in client.get(reverse("home")).content.decode()

    def test_no_badge_without_unread(self, client, reader):
        client.force_login(reader)
        html = client.get(reverse("home")).content.decode()
        assert "Varsler" in html and "ulæst" not in html

    def test_one_query_and_none_for_anonymous(self, reader):
        from django.contrib.auth.models import AnonymousUser

        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        with CaptureQueriesContext(connection) as context:
            assert unread_alerts(request) == {"unread_alert_count": 0}
        assert len(context.captured_queries) == 0
        request.user = reader
        with CaptureQueriesContext(connection) as context:
            assert unread_alerts(request) == {"unread_alert_count": 0}
        assert len(context.captured_queries) == 1


class TestAlertRules:
    def test_anonymous_is_sent_to_login(self, client, org):
        response = client.get(rules_url(org))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_non_member_is_404(self, client, org, outsider):
        client.force_login(outsider)
        assert client.get(rules_url(org)).status_code == 404
        response = client.post(rules_url(org), {"kind": "notice_deadline", "days_before": 7})
        assert response.status_code == 404

    def test_unknown_organisation_is_404(self, client, reader):
        client.force_login(reader)
        assert client.get(reverse("alert_rule_list", args=["findes-ikke"])).status_code == 404

    def test_defaults_appear_when_the_organisation_has_none(self, client, org, reader):
        client.force_login(reader)
        response = client.get(rules_url(org))
        assert response.status_code == 200
        assert len(response.context["rules"]) == len(DEFAULT_ALERT_RULES)
        assert "Frist for opsigelse / option" in response.content.decode()

    @pytest.mark.parametrize("member", ["reader", "editor"])
    def test_readers_and_editors_see_no_forms_and_may_not_write(
        self, client, org, member, request
    ):
        user = request.getfixturevalue(member)
        rule = alert_rule(org)
        client.force_login(user)
        html = client.get(rules_url(org)).content.decode()
        assert "Tilføj regel" not in html and 'method="post"' not in html.split("<main")[1]
        create = client.post(rules_url(org), {"kind": "notice_deadline", "days_before": 7})
        toggle = client.post(reverse("alert_rule_toggle", args=[org.slug, rule.pk]))
        delete = client.post(reverse("alert_rule_delete", args=[org.slug, rule.pk]))
        assert (create.status_code, toggle.status_code, delete.status_code) == (403, 403, 403)
        assert list(AlertRule.objects.filter(organisation=org)) == [rule]
        rule.refresh_from_db()
        assert rule.is_active

    def test_admin_adds_a_rule_with_audit(self, client, org, admin_user):
        client.force_login(admin_user)
        html = client.get(rules_url(org)).content.decode()
        assert 'for="id_kind"' in html and 'for="id_days_before"' in html
        response = client.post(rules_url(org), {"kind": "retender_start", "days_before": 60})
        assert response.status_code == 302 and response.url == rules_url(org)
        rule = AlertRule.objects.get(organisation=org, kind="retender_start", days_before=60)
        entry = AuditEntry.objects.get(
            content_type=ContentType.objects.get_for_model(AlertRule), object_id=rule.pk
        )
        assert entry.action == "create" and entry.actor == admin_user

    def test_duplicate_rule_is_a_form_error(self, client, org, admin_user):
        alert_rule(org, "notice_deadline", 90)
        client.force_login(admin_user)
        response = client.post(rules_url(org), {"kind": "notice_deadline", "days_before": 90})
        assert response.status_code == 400
        assert "Der findes allerede en regel" in response.content.decode()
        assert AlertRule.objects.filter(organisation=org, days_before=90).count() == 1

    def test_same_rule_in_another_organisation_is_no_duplicate(
        self, client, org, other_org, admin_user
    ):
        alert_rule(org, "notice_deadline", 30)
        alert_rule(other_org, "notice_deadline", 91)
        client.force_login(admin_user)
        response = client.post(rules_url(org), {"kind": "notice_deadline", "days_before": 91})
        assert response.status_code == 302

    def test_a_first_rule_by_hand_keeps_the_defaults(self, client, org, admin_user):
        client.force_login(admin_user)
        response = client.post(rules_url(org), {"kind": "notice_deadline", "days_before": 14})
        assert response.status_code == 302
        count = AlertRule.objects.filter(organisation=org).count()
        assert count == len(DEFAULT_ALERT_RULES) + 1

    @pytest.mark.parametrize(
        "data",
        [
            {"kind": "notice_deadline", "days_before": 731},
            {"kind": "notice_deadline", "days_before": -1},
            {"kind": "no_such_kind", "days_before": 10},
            {"kind": "notice_deadline", "days_before": ""},
        ],
    )
    def test_invalid_rule_is_a_form_error(self, client, org, admin_user, data):
        alert_rule(org)
        client.force_login(admin_user)
        response = client.post(rules_url(org), data)
        assert response.status_code == 400
        assert 'aria-invalid="true"' in response.content.decode()
        assert AlertRule.objects.filter(organisation=org).count() == 1

    def test_admin_toggles_a_rule_with_audit(self, client, org, admin_user):
        rule = alert_rule(org)
        client.force_login(admin_user)
        response = client.post(reverse("alert_rule_toggle", args=[org.slug, rule.pk]))
        assert response.status_code == 302
        rule.refresh_from_db()
        assert not rule.is_active
        entry = AuditEntry.objects.get(object_id=rule.pk, action="update")
        assert entry.changes == {"is_active": [True, False]} and entry.actor == admin_user
        client.post(reverse("alert_rule_toggle", args=[org.slug, rule.pk]))
        rule.refresh_from_db()
        assert rule.is_active

    def test_admin_deletes_a_rule_with_audit(self, client, org, admin_user):
        keep, rule = alert_rule(org, days_before=30), alert_rule(org, days_before=7)
        client.force_login(admin_user)
        response = client.post(reverse("alert_rule_delete", args=[org.slug, rule.pk]))
        assert response.status_code == 302
        assert list(AlertRule.objects.filter(organisation=org)) == [keep]
        entry = AuditEntry.objects.get(
            content_type=ContentType.objects.get_for_model(AlertRule), action="delete"
        )
        assert entry.object_id == rule.pk and entry.actor == admin_user

    def test_a_rule_that_has_fired_is_kept_with_its_log(self, client, org, admin_user):
        rule = alert_rule(org)
        deliver(ContractFactory(organisation=org), rule=rule)
        client.force_login(admin_user)
        assert "kan ikke slettes" in client.get(rules_url(org)).content.decode()
        response = client.post(
            reverse("alert_rule_delete", args=[org.slug, rule.pk]), follow=True
        )
        assert "Slå den fra i stedet" in response.content.decode()
        assert AlertRule.objects.filter(pk=rule.pk).exists()
        assert AlertDelivery.objects.filter(rule=rule).count() == 1

    def test_rule_of_another_organisation_is_404(self, client, org, other_org, admin_user):
        theirs = alert_rule(other_org)
        client.force_login(admin_user)
        for name in ("alert_rule_toggle", "alert_rule_delete"):
            response = client.post(reverse(name, args=[org.slug, theirs.pk]))
            assert response.status_code == 404
        theirs.refresh_from_db()
        assert theirs.is_active

    def test_admin_of_one_organisation_is_reader_in_another(self, client, org, admin_user):
        other = OrganisationFactory()
        MembershipFactory(organisation=other, user=admin_user, role="reader")
        client.force_login(admin_user)
        response = client.post(rules_url(other), {"kind": "notice_deadline", "days_before": 7})
        assert response.status_code == 403

    def test_superuser_may_edit(self, client, org, superuser):
        client.force_login(superuser)
        response = client.post(rules_url(org), {"kind": "contract_end", "days_before": 14})
        assert response.status_code == 302


def test_every_page_works_for_a_user_without_organisations(client):
    user = UserFactory(username="ny")
    client.force_login(user)
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Du har ingen varsler." in response.content.decode()
