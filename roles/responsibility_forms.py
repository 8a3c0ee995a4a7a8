"""Forms of the roles-in-depth pages: the hand-over when someone leaves, and the filters
of the vacancies report and the competency matrix. Every choice is built from the
organisation's own rows (one query each), so another organisation's person, unit or
discipline is simply not a valid choice."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import CompetencyLevel
from .models import OrganisationUnit, Person

# The per-row choice that hands nothing over, even when "all" names someone.
NOBODY = "none"


def person_label(person: Person) -> str:
    details = [d for d in (person.title, person.unit.name if person.unit_id else "") if d]
    return f"{person.name} ({', '.join(details)})" if details else person.name


def unit_choices(units) -> list[tuple[str, str]]:
    """Units as an indented tree (they come ordered by path)."""
    return [(str(unit.uuid), "\u2003" * unit.depth + unit.name) for unit in units]


class HandoverForm(forms.Form):
    """Per assignment: who takes it over (or nobody); "all": the person for every row
    left unchosen; the date the new holders take over; optionally the last working day
    of the person (what is not handed over stops counting after it)."""

    on = forms.DateField(
        label=_("Nye ansvarlige overtager fra"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Den nuværende rolle ophører dagen før."),
    )
    left_on = forms.DateField(
        label=_("Fratræder – sidste arbejdsdag"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Udfyld, hvis personen stopper. Roller, der ikke overdrages, ophører denne dag "
            "og vises derefter som ledige."
        ),
    )
    all_to = forms.ChoiceField(
        label=_("Overdrag alle valgte roller til"),
        required=False,
        help_text=_("Gælder hver rolle i tabellen, hvor der står “Som valgt for alle”."),
    )

    def __init__(self, *args, person: Person, assignments, persons, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.assignments = list(assignments)
        self.persons = {str(p.uuid): p for p in persons if p.pk != person.pk}
        people = [(uuid, person_label(p)) for uuid, p in self.persons.items()]
        self.fields["all_to"].choices = [("", _("Ingen"))] + people
        row_choices = [("", _("Som valgt for alle")), (NOBODY, _("Ingen – overdrages ikke"))]
        row_choices += people
        # Roles already handed over (someone takes over when they end) are not offered.
        self.movable = [a for a in self.assignments if not getattr(a, "successor", None)]
        for assignment in self.movable:
            self.fields[self.row_field(assignment)] = forms.ChoiceField(
                label=_("Ny ansvarlig for %(role)s: %(target)s")
                % {"role": assignment.role_type.name, "target": assignment.target},
                required=False,
                choices=row_choices,
            )
        self.fields["on"].initial = today
        for name in ("on", "left_on", "all_to"):
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-help"
        if person.left_on:
            self.fields["left_on"].initial = person.left_on

    @staticmethod
    def row_field(assignment) -> str:
        return f"to_{assignment.uuid}"

    def rows(self):
        """(assignment, its bound field or None when already handed over)."""
        return [
            (a, self[self.row_field(a)] if self.row_field(a) in self.fields else None)
            for a in self.assignments
        ]

    def clean(self):
        cleaned = super().clean()
        everyone = cleaned.get("all_to") or ""
        moves = []
        for assignment in self.movable:
            choice = cleaned.get(self.row_field(assignment)) or everyone
            if choice and choice != NOBODY:
                moves.append((assignment, self.persons[choice]))
        cleaned["moves"] = moves
        if moves and cleaned.get("on") is None and "on" not in self.errors:
            self.add_error("on", _("Angiv fra hvilken dato de nye ansvarlige overtager."))
        if not moves and cleaned.get("left_on") is None and not self.errors:
            raise forms.ValidationError(
                _("Vælg hvem der skal overtage mindst én rolle, eller angiv en fratrædelsesdato.")
            )
        for name in ("on", "left_on"):
            day = cleaned.get(name)
            if day is not None and not datetime.date(2000, 1, 1) <= day <= datetime.date(
                2100, 12, 31
            ):
                self.add_error(name, _("Datoen skal ligge mellem år 2000 og 2100."))
        return cleaned


class UnitScopeForm(forms.Form):
    """`within`: a unit of the organisation (its subtree)."""

    within = forms.ChoiceField(label=_("Enhed (med underenheder)"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.uuid): u for u in units}
        self.fields["within"].choices = [("", _("Hele organisationen"))] + unit_choices(
            self.units.values()
        )

    def unit(self) -> OrganisationUnit | None:
        if not self.is_valid():
            return None
        return self.units.get(self.cleaned_data.get("within") or "")


class VacancyFilterForm(UnitScopeForm):
    role_type = forms.ChoiceField(label=_("Rolle"), required=False)

    def __init__(self, *args, role_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.role_types = {str(rt.uuid): rt for rt in role_types}
        self.fields["role_type"].choices = [("", _("Alle påkrævede roller"))] + [
            (uuid, f"{rt.name} ({rt.get_applies_to_display()})")
            for uuid, rt in self.role_types.items()
        ]

    def selected_role_types(self):
        if self.is_valid() and self.cleaned_data.get("role_type"):
            return [self.role_types[self.cleaned_data["role_type"]]]
        return list(self.role_types.values())


class VacancyAssignForm(forms.Form):
    """The person the ticked vacancies of *Ledige roller* go to (roles/vacancy_assign.py)."""

    # data-picker: static/js/pickers.js makes the long list of persons searchable.
    person = forms.ModelChoiceField(
        label=_("Giv de valgte roller til"), queryset=None,
        widget=forms.Select(attrs={"data-picker": ""}),
    )

    def __init__(self, data=None, *, organisation, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["person"].queryset = Person.objects.in_organisation(organisation).filter(
            left_on__isnull=True
        ).order_by("name")


class CompetencyMatrixFilterForm(UnitScopeForm):
    discipline = forms.MultipleChoiceField(
        label=_("Fagområder"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ingen valgt: alle fagområder."),
    )
    min_level = forms.ChoiceField(
        label=_("Mindst niveau"),
        required=False,
        choices=[("", _("Alle niveauer"))] + list(reversed(CompetencyLevel.choices)),
    )
    q = forms.CharField(label=_("Navn eller stilling"), required=False, max_length=100)
    everyone = forms.BooleanField(
        label=_("Vis også personer uden kompetencer i de valgte fagområder"), required=False
    )

    def __init__(self, *args, disciplines, **kwargs):
        super().__init__(*args, **kwargs)
        self.disciplines = {str(d.uuid): d for d in disciplines}
        self.fields["discipline"].choices = [
            (uuid, d.name) for uuid, d in self.disciplines.items()
        ]

    def selected_disciplines(self):
        chosen = self.cleaned_data.get("discipline") if self.is_valid() else None
        if chosen:
            return [self.disciplines[uuid] for uuid in chosen]
        return list(self.disciplines.values())

    def value(self, name, default=""):
        return self.cleaned_data.get(name, default) if self.is_valid() else default
