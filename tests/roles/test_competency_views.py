"""A person's competencies in the portal (the Kompetencer tab and its forms), and what a
reader is offered on the roles pages: no *Tildel* link that would end in 403. The role
form opened from a gap or the vacancy report comes with the role (and person) chosen."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from kitos.models import AuditEntry
from roles.models import Competency, Discipline, RoleAssignment, RoleType
from tests.factories import CompetencyFactory, PersonFactory, UsageFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def discipline(code="it-arkitektur"):
    return Discipline.objects.get(organisation=None, code=code)


def tab(person):
    return f"{reverse('person_detail', args=[person.uuid])}?tab=kompetencer"


@pytest.fixture
def person(org):
    return PersonFactory(organisation=org, name="Anna Arkitekt")


class TestCompetencies:
    def test_anonymous_goes_to_login(self, client, person):
        response = client.get(reverse("competency_create", args=[person.uuid]))
        assert response.status_code == 302 and reverse("login") in response.url

    def test_another_organisation_is_404(self, client, person, outsider):
        competency = CompetencyFactory(person=person, discipline=discipline())
        client.force_login(outsider)
        assert client.get(reverse("competency_create", args=[person.uuid])).status_code == 404
        assert client.get(reverse("competency_update", args=[competency.uuid])).status_code == 404
        assert client.post(reverse("competency_delete", args=[competency.uuid])).status_code == 404

    def test_reader_sees_them_without_buttons_and_is_refused(self, client, person, reader):
        competency = CompetencyFactory(person=person, discipline=discipline(), level="teacher")
        client.force_login(reader)
        html = client.get(tab(person)).content.decode()
        assert "It-arkitektur" in html or "it-arkitektur" in html.lower()
        assert "Underviser" in html
        assert reverse("competency_create", args=[person.uuid]) not in html
        assert reverse("competency_update", args=[competency.uuid]) not in html
        create = reverse("competency_create", args=[person.uuid])
        assert client.get(create).status_code == 403
        data = {"discipline": discipline("projektledelse").pk, "level": "skill"}
        assert client.post(create, data).status_code == 403
        assert client.post(reverse("competency_delete", args=[competency.uuid])).status_code == 403
        assert Competency.objects.count() == 1

    def test_editor_adds_changes_and_removes(self, client, person, editor):
        client.force_login(editor)
        html = client.get(tab(person)).content.decode()
        assert reverse("competency_create", args=[person.uuid]) in html
        response = client.post(
            reverse("competency_create", args=[person.uuid]),
            {"discipline": discipline().pk, "level": "skill", "note": "Certificeret"},
        )
        assert response.status_code == 302 and response.url == tab(person)
        competency = Competency.objects.get(person=person)
        assert competency.organisation_id == person.organisation_id
        assert AuditEntry.objects.for_object(competency).filter(actor=editor).exists()

        response = client.post(
            reverse("competency_update", args=[competency.uuid]),
            {"discipline": discipline().pk, "level": "teacher", "note": ""},
        )
        assert response.status_code == 302
        competency.refresh_from_db()
        assert competency.level == "teacher"

        response = client.post(reverse("competency_delete", args=[competency.uuid]))
        assert response.status_code == 302 and response.url == tab(person)
        assert not Competency.objects.exists()

    def test_the_same_discipline_twice_is_refused_on_the_form(self, client, person, editor):
        CompetencyFactory(person=person, discipline=discipline())
        client.force_login(editor)
        response = client.post(
            reverse("competency_create", args=[person.uuid]),
            {"discipline": discipline().pk, "level": "skill"},
        )
        assert response.status_code == 200
        assert "allerede en kompetence" in response.content.decode()

    def test_tab_query_count_does_not_grow_with_rows(self, client, person, reader):
        client.force_login(reader)
        codes = list(Discipline.objects.filter(organisation=None).values_list("code", flat=True))
        CompetencyFactory(person=person, discipline=discipline(codes[0]))
        few = count_queries(client, tab(person))
        for code in codes[1:6]:
            CompetencyFactory(person=person, discipline=discipline(code))
        assert count_queries(client, tab(person)) == few


def test_the_matrix_leads_editors_to_the_competency_forms(client, person, reader, editor):
    CompetencyFactory(person=person, discipline=discipline())
    link = f"{tab(person)}"
    client.force_login(editor)
    assert link in client.get(reverse("competency_matrix")).content.decode()
    client.force_login(reader)
    assert link not in client.get(reverse("competency_matrix")).content.decode()


class TestReadersAreOfferedNoAssignment:
    def test_vacancy_report(self, client, org, reader, editor):
        UsageFactory(organisation=org, system__name="Uden ejer")
        client.force_login(reader)
        html = client.get(reverse("vacancy_report")).content.decode()
        assert "Uden ejer" in html
        assert "Tildel rollen" not in html and "/rolletildelinger/ny/" not in html
        client.force_login(editor)
        html = client.get(reverse("vacancy_report")).content.decode()
        assert "Tildel rollen" in html

    def test_candidates(self, client, org, reader, editor):
        usage = UsageFactory(organisation=org)
        owner = RoleType.objects.filter(
            organisation=None, applies_to="system_usage", discipline__isnull=False
        ).first()
        person = PersonFactory(organisation=org)
        CompetencyFactory(person=person, discipline=owner.discipline)
        url = f"{reverse('role_candidates', args=[owner.uuid])}?objekt={usage.uuid}"
        client.force_login(editor)
        assert "/rolletildelinger/ny/" in client.get(url).content.decode()
        client.force_login(reader)
        html = client.get(url).content.decode()
        assert person.name in html and "/rolletildelinger/ny/" not in html


class TestPrefilledRoleForm:
    def test_vacancy_link_prefills_the_role_and_returns_to_the_report(self, client, org, editor):
        usage = UsageFactory(organisation=org, system__name="Uden ejer")
        person = PersonFactory(organisation=org)
        client.force_login(editor)
        response = client.get(reverse("vacancy_report"))
        [link] = [
            obj.assign_url
            for group in response.context["vacant"]
            if group.role_type.code == "systemejer"
            for obj in group.objects
            if obj.pk == usage.pk
        ]
        assert parse_qs(urlsplit(link).query)["next"] == [reverse("vacancy_report")]
        form = client.get(link).context["form"]
        assert form.fields["role_type"].queryset.get(pk=form.initial["role_type"]).code == (
            "systemejer"
        )
        response = client.post(
            link, {"role_type": form.initial["role_type"], "person": person.pk}
        )
        assert response.status_code == 302 and response.url == reverse("vacancy_report")
        assert RoleAssignment.objects.filter(person=person, object_id=usage.pk).exists()

    def test_role_by_code_and_nonsense_is_ignored(self, client, org, editor):
        usage = UsageFactory(organisation=org)
        client.force_login(editor)
        base = reverse("roleassignment_create", args=["system_usage", usage.uuid])
        form = client.get(f"{base}?rolle=systemejer").context["form"]
        assert form.fields["role_type"].queryset.get(pk=form.initial["role_type"]).code == (
            "systemejer"
        )
        form = client.get(f"{base}?role_type=not-a-uuid&person=nope").context["form"]
        assert "role_type" not in form.initial and "person" not in form.initial
        # A role for another kind of object is not among the choices: not prefilled.
        form = client.get(f"{base}?rolle=kontraktejer").context["form"]
        assert "role_type" not in form.initial
