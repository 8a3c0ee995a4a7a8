"""Closing a unit instead of deleting it (roles.services.unit_close / unit_reopen), and a
move's history: what the FK Organisation import relies on."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kitos.models import AuditEntry
from roles.filtersets import OrganisationUnitFilterSet
from roles.forms import OrganisationUnitForm, PersonForm
from roles.models import OrganisationUnit
from roles.services import unit_close, unit_create, unit_reopen, unit_update
from tests.detail_helpers import tab_url
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

CLOSED_ON = datetime.date(2026, 11, 30)


@pytest.fixture
def tree(org, editor):
    top = unit_create(actor=editor, organisation=org, name="Børn og Unge")
    school = unit_create(actor=editor, organisation=org, name="Skoler", parent=top)
    other = unit_create(actor=editor, organisation=org, name="Teknik og Miljø")
    return top, school, other


def _entries(unit):
    return list(AuditEntry.objects.filter(
        content_type__model="organisationunit", object_id=unit.pk).order_by("id"))


def test_closing_keeps_the_unit_and_its_links_and_is_audited(tree, editor, org):
    top, school, _ = tree
    person = PersonFactory(organisation=org, unit=school)
    unit_close(actor=editor, unit=school, on=CLOSED_ON)
    school.refresh_from_db()
    person.refresh_from_db()
    assert school.closed_on == CLOSED_ON and school.is_closed
    assert person.unit == school  # nothing pointing at it is lost
    assert _entries(school)[-1].changes == {"closed_on": [None, "2026-11-30"]}


def test_closing_a_closed_unit_and_reopening_an_open_one_change_nothing(tree, editor):
    _, school, _ = tree
    unit_close(actor=editor, unit=school, on=CLOSED_ON)
    count = len(_entries(school))
    unit_close(actor=editor, unit=school, on=CLOSED_ON + datetime.timedelta(days=3))
    school.refresh_from_db()
    assert school.closed_on == CLOSED_ON and len(_entries(school)) == count
    unit_reopen(actor=editor, unit=school)
    school.refresh_from_db()
    assert school.closed_on is None
    assert _entries(school)[-1].changes == {"closed_on": ["2026-11-30", None]}
    unit_reopen(actor=editor, unit=school)
    assert len(_entries(school)) == count + 1


def test_a_readers_may_not_close(tree, reader):
    from django.core.exceptions import PermissionDenied

    _, school, _ = tree
    with pytest.raises(PermissionDenied):
        unit_close(actor=reader, unit=school, on=CLOSED_ON)


def test_a_new_unit_may_take_the_name_of_a_closed_one_but_reopening_then_is_refused(
        tree, editor, org):
    top, school, _ = tree
    unit_close(actor=editor, unit=school, on=CLOSED_ON)
    new = unit_create(actor=editor, organisation=org, name="Skoler", parent=top)
    assert new.pk != school.pk
    with pytest.raises(ValidationError):
        unit_reopen(actor=editor, unit=school)
    # Two open units of one name under one parent are still refused.
    with pytest.raises(ValidationError):
        unit_create(actor=editor, organisation=org, name="Skoler", parent=top)


def test_a_top_unit_name_is_free_again_once_closed(tree, editor, org):
    _, _, other = tree
    unit_close(actor=editor, unit=other, on=CLOSED_ON)
    assert unit_create(actor=editor, organisation=org, name="Teknik og Miljø").pk != other.pk


def test_a_move_is_audited_with_the_parent_before_and_after(tree, editor, client):
    top, school, other = tree
    unit_update(actor=editor, unit=school, data={"parent": other})
    assert _entries(school)[-1].changes["parent"] == [top.pk, other.pk]
    client.force_login(editor)
    page = client.get(tab_url(school, "historik")).content.decode()
    assert "Børn og Unge" in page and "Teknik og Miljø" in page


def test_the_unit_page_shows_the_closure_and_its_history(tree, editor, reader, client):
    _, school, _ = tree
    unit_close(actor=editor, unit=school, on=CLOSED_ON)
    client.force_login(reader)
    overview = client.get(tab_url(school, "overblik")).content.decode()
    assert "Enheden blev lukket" in overview
    history = client.get(tab_url(school, "historik")).content.decode()
    assert "Lukket" in history and "30" in history


def test_the_list_marks_closed_units_and_can_hide_them(tree, editor, reader, client):
    _, school, other = tree
    unit_close(actor=editor, unit=school, on=CLOSED_ON)
    units = OrganisationUnit.objects.all()
    hidden = OrganisationUnitFilterSet({"closed": "false"}, queryset=units).qs
    only = OrganisationUnitFilterSet({"closed": "true"}, queryset=units).qs
    assert school not in hidden and other in hidden
    assert list(only) == [school]
    client.force_login(reader)
    page = client.get(reverse("organisationunit_list")).content.decode()
    assert "Skoler (lukket)" in page


def test_forms_offer_open_units_and_keep_a_closed_current_one(tree, editor, org):
    top, school, other = tree
    unit_close(actor=editor, unit=other, on=CLOSED_ON)
    new_unit_form = OrganisationUnitForm(organisation=org, user=editor)
    assert other not in new_unit_form.fields["parent"].queryset
    assert top in new_unit_form.fields["parent"].queryset
    person = PersonFactory(organisation=org, unit=other)
    form = PersonForm(instance=person, organisation=org, user=editor)
    assert other in form.fields["unit"].queryset
    assert other not in PersonForm(organisation=org, user=editor).fields["unit"].queryset
