"""Who the user is at work: the home forvaltning Oversigt opens on, the remembered
choice, the header, and where a login lands."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kitos.models import ListPreference
from roles.models import RoleType
from tests.factories import PersonFactory, RoleAssignmentFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(org):
    born = UnitFactory(organisation=org, name="Børn og Unge")
    school = UnitFactory(organisation=org, parent=born, name="Skoleafdelingen")
    team = UnitFactory(organisation=org, parent=school, name="Team IT i skolen")
    teknik = UnitFactory(organisation=org, name="Teknik og Miljø")
    return {"born": born, "school": school, "team": team, "teknik": teknik}


def dashboard(org):
    return reverse("dashboard", args=[org.slug])


def test_forvaltning_of_a_unit_is_its_top_ancestor(tree):
    assert tree["team"].forvaltning() == tree["born"]
    assert tree["born"].forvaltning() == tree["born"]


def test_below_a_single_root_the_forvaltning_is_the_second_level(org):
    """KITOS exports (and the demo) put the municipality itself at the top."""
    root = UnitFactory(organisation=org, name="Demo Testkommune")
    born = UnitFactory(organisation=org, parent=root, name="Børn og Unge")
    team = UnitFactory(organisation=org, parent=UnitFactory(organisation=org, parent=born))
    assert team.forvaltning() == born
    assert born.forvaltning() == born
    assert root.forvaltning() is None


def test_oversigt_opens_on_the_home_forvaltning(client, org, editor, tree):
    PersonFactory(organisation=org, user=editor, unit=tree["team"])
    client.force_login(editor)
    response = client.get(dashboard(org))
    assert response.context["unit"] == tree["born"]
    assert response.context["home_unit"] == tree["born"]
    html = response.content.decode()
    assert "Oversigt: Børn og Unge" in html
    # The header says where the user works, linking to that forvaltning's Oversigt.
    assert f'class="header-unit" href="{dashboard(org)}?within={tree["born"].uuid}"' in html


def test_without_a_unit_oversigt_opens_on_the_whole_organisation(client, org, editor):
    PersonFactory(organisation=org, user=editor, unit=None)
    client.force_login(editor)
    response = client.get(dashboard(org))
    assert response.context["unit"] is None
    assert "header-unit" not in response.content.decode()


def test_the_choice_is_remembered_per_user(client, org, editor, reader, tree):
    PersonFactory(organisation=org, user=editor, unit=tree["school"])
    client.force_login(editor)
    response = client.post(reverse("dashboard_scope", args=[org.slug]),
                           {"within": str(tree["teknik"].uuid)})
    assert response.status_code == 302
    assert response.url == f"{dashboard(org)}?within={tree['teknik'].uuid}"
    assert client.get(dashboard(org)).context["unit"] == tree["teknik"]

    # The whole organisation is a choice too (not "no choice").
    client.post(reverse("dashboard_scope", args=[org.slug]), {"within": ""})
    assert client.get(dashboard(org)).context["unit"] is None
    # An explicit ?within= shows that scope without changing the choice.
    assert client.get(dashboard(org), {"within": tree["born"].uuid}).context["unit"] == (
        tree["born"]
    )
    assert client.get(dashboard(org)).context["unit"] is None

    # Another user's Oversigt is untouched.
    PersonFactory(organisation=org, user=reader, unit=tree["team"])
    client.force_login(reader)
    assert client.get(dashboard(org)).context["unit"] == tree["born"]


def test_a_removed_unit_falls_back_to_home(client, org, editor, tree):
    PersonFactory(organisation=org, user=editor, unit=tree["school"])
    ListPreference.objects.create(user=editor, list_key=f"dashboard:{org.pk}",
                                  columns=["0b7d3f0e-0000-4000-8000-000000000000"])
    client.force_login(editor)
    assert client.get(dashboard(org)).context["unit"] == tree["born"]


def test_choosing_another_organisations_unit_is_404(client, org, other_org, editor, outsider):
    foreign = UnitFactory(organisation=other_org)
    client.force_login(editor)
    url = reverse("dashboard_scope", args=[org.slug])
    assert client.post(url, {"within": str(foreign.uuid)}).status_code == 404
    assert client.post(url, {"within": "not-a-uuid"}).status_code == 404
    assert client.get(url).status_code == 405
    client.force_login(outsider)
    assert client.post(url, {"within": ""}).status_code == 404
    assert not ListPreference.objects.exists()


def test_a_reader_may_keep_a_choice(client, org, reader, tree):
    client.force_login(reader)
    url = reverse("dashboard_scope", args=[org.slug])
    assert client.post(url, {"within": str(tree["born"].uuid)}).status_code == 302


def test_login_lands_on_my_page_for_a_person_and_on_home_otherwise(client, org, editor):
    credentials = {"username": "editor", "password": "test-password-123"}
    response = client.post(reverse("login"), credentials, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    client.logout()
    PersonFactory(organisation=org, user=editor)
    response = client.post(reverse("login"), credentials, follow=True)
    assert response.redirect_chain[-1][0] == reverse("my_page")


def test_led_units_are_the_top_most(org, tree):
    from django.utils import timezone

    from overview.work_scope import led_units

    leader = RoleType.objects.get(organisation=None, code="enhedsleder")
    person = PersonFactory(organisation=org)
    for unit in (tree["school"], tree["born"], tree["teknik"]):
        RoleAssignmentFactory(target=unit, person=person, role_type=leader)
    assert led_units(person, today=timezone.localdate()) == [tree["born"], tree["teknik"]]
