"""Every page about one organisation named in its URL takes it from one place
(kitos.views.OrganisationFromUrlMixin): another organisation is 404, a missing role 403."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alerts.views import OrganisationRulesMixin
from gdpr.register_views import OrganisationPageMixin
from imports.views import OrganisationImportMixin
from kitos.views import OrganisationFromUrlMixin
from roles.views import ForvaltningScopeMixin

pytestmark = pytest.mark.django_db

# (route, whether a reader may open it)
PAGES = [
    ("dashboard", True),
    ("gap_overview", True),
    ("register", True),
    ("register_adopt", True),
    ("alert_rule_list", True),
    ("import_start", False),
]


@pytest.mark.parametrize(
    "mixin",
    [ForvaltningScopeMixin, OrganisationRulesMixin, OrganisationPageMixin,
     OrganisationImportMixin],
)
def test_every_page_mixin_is_the_cores(mixin):
    assert issubclass(mixin, OrganisationFromUrlMixin)
    assert "organisation" not in vars(mixin)


@pytest.mark.parametrize("route, reader_may", PAGES)
def test_another_organisation_is_404_and_a_missing_role_403(
    client, org, reader, outsider, route, reader_may
):
    url = reverse(route, args=[org.slug])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(reader)
    assert client.get(url).status_code == (200 if reader_may else 403)
    assert client.get(reverse(route, args=["findes-ikke"])).status_code == 404


def test_writes_need_the_pages_edit_role(client, org, reader, editor):
    client.force_login(reader)
    assert client.post(reverse("register_adopt", args=[org.slug])).status_code == 403
    client.force_login(editor)
    response = client.post(reverse("alert_rule_list", args=[org.slug]), {})
    assert response.status_code == 403
    assert "administratorer" in str(OrganisationRulesMixin.permission_denied_message)
