"""Roles held on projects (roles.choices.RoleTarget.PROJECT): assigned through the
roles app's service and pages, shown on the project's Roller tab, removed with it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.services import project_delete
from roles.models import RoleAssignment
from roles.services import role_assign
from tests.detail_helpers import tab_url
from tests.factories import PersonFactory, RoleTypeFactory
from tests.governance.cases import ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_specialist_role_on_a_project(client, org, other_org, editor, reader, outsider):
    project = ProjectFactory(organisation=org, name="Ny ESDH-løsning")
    role_type = RoleTypeFactory(organisation=org, name="Projektets it-arkitekt",
                                applies_to="project")
    person = PersonFactory(organisation=org, name="Anne Arkitekt")
    assignment = role_assign(actor=editor, person=person, role_type=role_type, target=project)
    client.force_login(reader)
    page = client.get(tab_url(project, "roller")).content.decode()
    assert "Anne Arkitekt" in page and "Projektets it-arkitekt" in page
    client.force_login(editor)
    assert client.get(reverse("roleassignment_create",
                              args=["project", project.uuid])).status_code == 200
    client.force_login(outsider)
    assert client.get(reverse("roleassignment_create",
                              args=["project", project.uuid])).status_code == 404
    project_delete(actor=editor, project=project)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
