"""Principles: the services (create, update, delete refused when reviewed, new
versions), the shared list / detail / form tests and the pages' own rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from governance.models import Principle
from governance.principle_services import (
    principle_create,
    principle_delete,
    principle_new_version,
    principle_update,
)
from kitos.detail import object_url
from kitos.models import AuditEntry
from tests.governance.principle_cases import PRINCIPLE, PrincipleFactory, make_review
from tests.harness import DetailViewTests, FormViewTests, ListViewTests

pytestmark = pytest.mark.django_db


class TestPrinciplePages(ListViewTests, DetailViewTests, FormViewTests):
    case = PRINCIPLE


def test_create_update_delete_are_audited(org, editor):
    principle = principle_create(actor=editor, organisation=org, title="Åbne standarder",
                                 area="architecture", text="Vi bruger åbne standarder.")
    principle_update(actor=editor, principle=principle, data={"code": "A2"})
    principle_delete(actor=editor, principle=principle)
    actions = list(AuditEntry.objects.filter(object_uuid=principle.uuid)
                   .order_by("timestamp").values_list("action", flat=True))
    assert actions == ["create", "update", "delete"]


def test_reader_cannot_write(org, reader):
    with pytest.raises(PermissionDenied):
        principle_create(actor=reader, organisation=org, title="X", area="data", text="Y")


def test_reviewed_principle_cannot_be_deleted(org, editor):
    principle = PrincipleFactory(organisation=org)
    make_review(principle)
    with pytest.raises(ValidationError, match="vurderinger"):
        principle_delete(actor=editor, principle=principle)
    assert Principle.objects.filter(pk=principle.pk).exists()


def test_new_version_keeps_the_old_one_with_its_reviews(org, editor):
    old = PrincipleFactory(organisation=org, code="K1", title="Exit-strategi")
    review = make_review(old)
    new = principle_new_version(actor=editor, principle=old, text="Skærpet tekst.")
    old.refresh_from_db()
    assert (new.version, new.previous, new.active, new.code) == (2, old, True, "K1")
    assert new.text == "Skærpet tekst." and not old.active
    assert list(Principle.objects.filter(organisation=org).current()) == [new]
    review.refresh_from_db()
    assert review.principle == old
    with pytest.raises(ValidationError):
        principle_new_version(actor=editor, principle=old)
    # Withdrawing the new version puts the old one back in force.
    principle_delete(actor=editor, principle=new)
    old.refresh_from_db()
    assert old.active


def test_update_cannot_rewrite_the_version_chain(org, editor):
    principle = PrincipleFactory(organisation=org)
    with pytest.raises(ValidationError):
        principle_update(actor=editor, principle=principle, data={"version": 5})


def test_new_version_page(client, org, editor, reader):
    old = PrincipleFactory(organisation=org, title="Genbrug")
    url = reverse("principle_new_version", args=[old.uuid])
    client.force_login(reader)
    assert client.get(url).status_code == 403
    client.force_login(editor)
    html = client.get(object_url(old)).content.decode()
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    data = {"title": "Genbrug", "area": "architecture", "text": "Ny tekst",
            "valid_from": "2026-01-01"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content
    new = Principle.objects.get(previous=old)
    assert response.url == object_url(new)
    html = client.get(object_url(new) + "?tab=versioner").content.decode()
    assert object_url(old) in html


def test_new_version_is_404_for_another_organisation(client, other_org, outsider, org):
    principle = PrincipleFactory(organisation=org)
    client.force_login(outsider)
    assert client.get(reverse("principle_new_version", args=[principle.uuid])).status_code == 404


def test_list_filters_current(client, org, reader):
    old = PrincipleFactory(organisation=org, title="Gammel")
    principle_new_version(actor=_superuser(), principle=old, title="Ny")
    client.force_login(reader)
    response = client.get(reverse("principle_list"), {"current": "true"})
    html = response.content.decode()
    assert "Ny" in html and "Gammel" not in html


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root", "root@example.org", "x")
