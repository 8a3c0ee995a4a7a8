"""Bulk actions of the roles app (kitos/bulk.py): give many objects of one kind the same
role holder, on every list of objects roles are held on."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kitos.bulk import BulkAction, Change, Refused, register_bulk_action
from kitos.services import delete_object

from . import responsibilities as queries
from .models import role_target_models
from .services import role_assign, role_assignment_end

ADD, REPLACE = "add", "replace"


class RoleHolderForm(forms.Form):
    role_type = forms.ModelChoiceField(label=gettext_lazy("Rolle"), queryset=None)
    person = forms.ModelChoiceField(label=gettext_lazy("Person"), queryset=None)
    mode = forms.ChoiceField(
        label=gettext_lazy("Nuværende indehavere"),
        choices=[(ADD, gettext_lazy("Beholder rollen (personen tilføjes)")),
                 (REPLACE, gettext_lazy("Mister rollen fra i dag (personen erstatter dem)"))],
        initial=ADD, widget=forms.RadioSelect,
    )

    def __init__(self, data=None, *, organisation, applies_to: str):
        super().__init__(data)
        self.fields["role_type"].queryset = queries.role_types(organisation).filter(
            applies_to=applies_to
        )
        self.fields["person"].queryset = queries.available_persons(organisation).order_by(
            "name"
        )


def current_holders(model, objects, role_type, today: datetime.date, *,
                    organisation_id) -> dict:
    """Object pk -> its assignments of `role_type` in force today in the organisation
    (one query). A shared catalog entry carries every organisation's roles; each sees
    and replaces only its own."""
    held = defaultdict(list)
    assignments = queries.in_force(today).filter(
        organisation_id=organisation_id,
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=[obj.pk for obj in objects],
        role_type=role_type,
    ).select_related("person").order_by("person__name")
    for assignment in assignments:
        held[assignment.object_id].append(assignment)
    return held


def give_role(*, actor, target, role_type, person, replace: bool,
              today: datetime.date) -> None:
    """Give `person` the role on `target` from today; with `replace`, the other current
    holders lose it (it ends yesterday, or is removed if it only began today)."""
    holders = current_holders(type(target), [target], role_type, today,
                              organisation_id=person.organisation_id)[target.pk]
    if replace:
        for assignment in holders:
            if assignment.person_id == person.pk:
                continue
            if assignment.start_date and assignment.start_date >= today:
                delete_object(actor=actor, instance=assignment)
            else:
                role_assignment_end(
                    actor=actor, assignment=assignment,
                    end_date=today - datetime.timedelta(days=1),
                )
    if any(assignment.person_id == person.pk for assignment in holders):
        if not replace:
            raise Refused(_("%(person)s har allerede rollen.") % {"person": person})
        return
    role_assign(actor=actor, person=person, role_type=role_type, target=target,
                start_date=today)


def role_holder_action(model) -> BulkAction:
    applies_to = model.role_target

    def form(organisation, data=None):
        return RoleHolderForm(data, organisation=organisation, applies_to=applies_to)

    def describe(rows, values):
        today = timezone.localdate()
        role_type, person = values["role_type"], values["person"]
        replace = values["mode"] == REPLACE
        held = current_holders(model, rows, role_type, today,
                               organisation_id=person.organisation_id)
        changes = []
        for row in rows:
            names = [str(a.person) for a in held[row.pk]]
            has_it = any(a.person_id == person.pk for a in held[row.pk])
            if has_it and (not replace or len(names) == 1):
                changes.append(Change(unchanged=True))
                continue
            new = [str(person)] if replace else [*names, str(person)]
            changes.append(Change(current=", ".join(names), new=", ".join(new)))
        return changes

    def apply(*, actor, row, values):
        give_role(actor=actor, target=row, role_type=values["role_type"],
                  person=values["person"], replace=values["mode"] == REPLACE,
                  today=timezone.localdate())

    return BulkAction(key="role_holder", label=gettext_lazy("Tildel eller erstat rolleindehaver"),
                      form=form, describe=describe, apply=apply)


def register() -> None:
    for model in role_target_models().values():
        register_bulk_action(model._meta.label, role_holder_action(model))

