"""Forms for steering groups (with their members by role), meetings and decisions.
Choices are scoped to one organisation; the views save through governance.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kitos.detail import ScopedModelForm
from roles.models import Person

from .choices import MemberRole
from .models import Decision, Meeting, SteeringGroup


class SteeringGroupForm(ScopedModelForm):
    chair = forms.ModelChoiceField(Person.objects.all(), label=_("Formand"), required=False)
    plain_members = forms.ModelMultipleChoiceField(
        Person.objects.all(), label=_("Medlemmer"), required=False
    )
    secretary = forms.ModelChoiceField(Person.objects.all(), label=_("Sekretær"),
                                       required=False)

    class Meta:
        model = SteeringGroup
        fields = ["name", "mandate", "unit", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = self.fields["unit"].queryset.order_by("path")
        if self.instance.pk and not self.is_bound:
            rows = list(self.instance.memberships.all())
            self.initial["chair"] = next(
                (m.person_id for m in rows if m.role == MemberRole.CHAIR), None)
            self.initial["secretary"] = next(
                (m.person_id for m in rows if m.role == MemberRole.SECRETARY), None)
            self.initial["plain_members"] = [
                m.person_id for m in rows if m.role == MemberRole.MEMBER]

    def member_data(self) -> dict:
        data = self.cleaned_data
        members, seen = [], set()
        for person, role in ((data.get("chair"), MemberRole.CHAIR),
                             (data.get("secretary"), MemberRole.SECRETARY)):
            if person is not None:
                members.append((person, role))
                seen.add(person.pk)
        members += [(person, MemberRole.MEMBER) for person in data.get("plain_members") or []
                    if person.pk not in seen]
        return {"members": members}


class MeetingForm(ScopedModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "place", "notes"]


class DecisionForm(ScopedModelForm):
    class Meta:
        model = Decision
        fields = ["group", "meeting", "title", "outcome", "project", "request", "contract",
                  "principle", "rationale", "binding_units", "decided_on", "follow_up_date",
                  "follow_up_done"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["binding_units"].queryset = \
            self.fields["binding_units"].queryset.order_by("path")
        self.fields["meeting"].queryset = \
            self.fields["meeting"].queryset.select_related("group")
