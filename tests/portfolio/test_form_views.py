"""Create / edit / delete forms of system usages, catalog systems and integrations."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portfolio.models import Integration, ItSystem, SystemUsage
from tests.detail_helpers import FormChecks, FormSpec
from tests.factories import (
    IntegrationFactory,
    ItSystemFactory,
    UnitFactory,
    UsageFactory,
)

pytestmark = pytest.mark.django_db


def usage_data(org):
    return {
        "system": ItSystemFactory().pk,
        "local_name": "Ny anvendelse",
        "lifecycle": "operational",
        "contains_ai": "unknown",
        "go_live_date": "2024-01-01",
        "using_units": [UnitFactory(organisation=org).pk],
    }


class TestUsageForms(FormChecks):
    spec = FormSpec(
        "usage",
        model=SystemUsage,
        make=lambda org: UsageFactory(organisation=org),
        create_url=lambda org: reverse("usage_create"),
        valid=usage_data,
        change={"local_name": "Omdøbt", "lifecycle": "phasing_out"},
        changed=lambda usage: usage.local_name == "Omdøbt" and usage.lifecycle == "phasing_out",
        cross_field="responsible_unit",
        cross_value=lambda other: UnitFactory(organisation=other).pk,
        # The model's rule (retirement after go-live), checked by the service.
        invalid={"retirement_date": "2023-01-01"},
        lookup=lambda org: SystemUsage.objects.get(organisation=org, local_name="Ny anvendelse"),
    )


class TestSystemForms(FormChecks):
    editor_fixture = "admin_user"
    spec = FormSpec(
        "system",
        model=ItSystem,
        make=lambda org: ItSystemFactory(owner_organisation=org, is_local=True),
        create_url=lambda org: reverse("system_create"),
        valid=lambda org: {
            "name": "Lokalt system", "licence_model": "proprietary", "is_local": "on"
        },
        change={"description": "Ny beskrivelse"},
        changed=lambda system: system.description == "Ny beskrivelse",
        cross_field="parent",
        cross_value=lambda other: ItSystemFactory(owner_organisation=other, is_local=True).pk,
        invalid={"url": "ikke en adresse"},
    )


def integration_data(org):
    return {
        "name": "Ny integration",
        "source": UsageFactory(organisation=org).pk,
        "target": UsageFactory(organisation=org).pk,
        "direction": "one_way",
        "interface_type": "rest",
    }


class TestIntegrationForms(FormChecks):
    spec = FormSpec(
        "integration",
        model=Integration,
        make=lambda org: IntegrationFactory(organisation=org),
        create_url=lambda org: reverse("integration_create"),
        valid=integration_data,
        change={"frequency": "daily"},
        changed=lambda integration: integration.frequency == "daily",
        cross_field="target",
        cross_value=lambda other: UsageFactory(organisation=other).pk,
        invalid={"name": ""},
    )


class TestUsageRules:
    def test_the_services_rule_is_shown_and_nothing_is_written(self, client, org, editor):
        client.force_login(editor)
        data = {**usage_data(org), "retirement_date": "2023-01-01"}
        response = client.post(reverse("usage_create"), data)
        html = response.content.decode()
        assert response.status_code == 200
        assert 'href="#id_' in html or "error-summary" in html
        assert not SystemUsage.objects.filter(local_name="Ny anvendelse").exists()

    def test_a_system_used_twice_is_refused_on_the_form(self, client, org, editor):
        existing = UsageFactory(organisation=org)
        client.force_login(editor)
        data = {**usage_data(org), "system": existing.system.pk}
        response = client.post(reverse("usage_create"), data)
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
        page = client.get(reverse("usage_create") + f"?organisation={other_org.slug}")
        html = page.content.decode()
        assert "Naboenhed" in html and 'name="organisation"' in html
        data = {**usage_data(other_org), "organisation": other_org.slug,
                "responsible_unit": other_unit.pk}
        response = client.post(reverse("usage_create"), data)
        assert response.status_code == 302
        assert SystemUsage.objects.get(local_name="Ny anvendelse").organisation == other_org

    def test_an_organisation_the_user_only_reads_is_not_offered(
        self, client, org, other_org, editor
    ):
        from tests.factories import MembershipFactory

        MembershipFactory(user=editor, organisation=other_org, role="reader")
        client.force_login(editor)
        data = {**usage_data(org), "organisation": other_org.slug}
        client.post(reverse("usage_create"), data)
        assert SystemUsage.objects.get(local_name="Ny anvendelse").organisation == org

    def test_deleting_a_usage_with_integrations_is_refused_with_a_message(
        self, client, org, editor
    ):
        usage = UsageFactory(organisation=org)
        IntegrationFactory(organisation=org, source=usage)
        client.force_login(editor)
        url = reverse("usage_delete", args=[usage.uuid])
        page = client.get(url).content.decode()
        assert "Bruges stadig af" in page
        response = client.post(url)
        assert response.status_code == 200
        assert "kan ikke slettes" in response.content.decode()
        assert SystemUsage.objects.filter(pk=usage.pk).exists()
