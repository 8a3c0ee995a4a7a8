"""Create / edit / delete forms of system usages, catalog systems and integrations."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portfolio.models import SystemUsage
from tests.factories import IntegrationFactory, UnitFactory, UsageFactory
from tests.harness import FormViewTests
from tests.portfolio.cases import INTEGRATION, SYSTEM, USAGE, usage_data

pytestmark = pytest.mark.django_db


class TestUsageForms(FormViewTests):
    case = USAGE


class TestSystemForms(FormViewTests):
    case = SYSTEM


class TestIntegrationForms(FormViewTests):
    case = INTEGRATION


class TestUsageRules:
    def test_the_services_rule_is_shown_and_nothing_is_written(self, client, org, editor):
        client.force_login(editor)
        data = {**usage_data(org), "retirement_date": "2023-01-01"}
        response = client.post(reverse("systemusage_create"), data)
        html = response.content.decode()
        assert response.status_code == 200
        assert 'href="#id_' in html or "error-summary" in html
        assert not SystemUsage.objects.filter(local_name="Ny anvendelse").exists()

    def test_a_system_used_twice_is_refused_on_the_form(self, client, org, editor):
        existing = UsageFactory(organisation=org)
        client.force_login(editor)
        data = {**usage_data(org), "system": existing.system.pk}
        response = client.post(reverse("systemusage_create"), data)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert SystemUsage.objects.filter(organisation=org).count() == 1

    def test_the_user_picks_the_organisation_when_editing_in_several(
        self, client, org, other_org, editor
    ):
        from tests.factories import MembershipFactory

        MembershipFactory(user=editor, organisation=other_org, role="editor")
        other_unit = UnitFactory(organisation=other_org, name="Naboenhed")
        client.force_login(editor)
        page = client.get(reverse("systemusage_create") + f"?organisation={other_org.slug}")
        html = page.content.decode()
        assert "Naboenhed" in html and 'name="organisation"' in html
        data = {**usage_data(other_org), "organisation": other_org.slug,
                "responsible_unit": other_unit.pk}
        response = client.post(reverse("systemusage_create"), data)
        assert response.status_code == 302
        assert SystemUsage.objects.get(local_name="Ny anvendelse").organisation == other_org

    def test_an_organisation_the_user_only_reads_is_not_offered(
        self, client, org, other_org, editor
    ):
        from tests.factories import MembershipFactory

        MembershipFactory(user=editor, organisation=other_org, role="reader")
        client.force_login(editor)
        data = {**usage_data(org), "organisation": other_org.slug}
        client.post(reverse("systemusage_create"), data)
        assert SystemUsage.objects.get(local_name="Ny anvendelse").organisation == org

    def test_deleting_a_usage_with_integrations_is_refused_with_a_message(
        self, client, org, editor
    ):
        usage = UsageFactory(organisation=org)
        IntegrationFactory(organisation=org, source=usage)
        client.force_login(editor)
        url = reverse("systemusage_delete", args=[usage.uuid])
        page = client.get(url).content.decode()
        assert "Bruges stadig af" in page
        response = client.post(url)
        assert response.status_code == 200
        assert "kan ikke slettes" in response.content.decode()
        assert SystemUsage.objects.filter(pk=usage.pk).exists()
