"""Who the user is at work: the forvaltning of their person's unit (their *home*), and
the part of the organisation *Oversigt* opens on.

Oversigt opens on the forvaltning the user last chose in its picker, else on their home
forvaltning, else on the whole organisation. The choice is a personal view setting like
a list's columns, so it lives in the same per-user ``ListPreference`` (one per
organisation: a unit of one municipality means nothing in another) instead of a model
of its own: ``columns`` holds the chosen unit's uuid, or nothing for the whole
organisation.
"""

from __future__ import annotations

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from kitos.models import ListPreference
from kitos.tenancy import user_organisations
from roles.choices import RoleTarget
from roles.models import OrganisationUnit, Person, RoleAssignment


def _preference_key(organisation) -> str:
    return f"dashboard:{organisation.pk}"


def own_person(user, organisation) -> Person | None:
    """The user's person in `organisation` (with its unit), if still working there."""
    if not user.is_authenticated or organisation is None:
        return None
    return (
        Person.objects.visible_to(user)
        .still_working(timezone.localdate())
        .filter(organisation=organisation, user=user)
        .select_related("unit")
        .first()
    )


def home_forvaltning(person: Person | None) -> OrganisationUnit | None:
    """The forvaltning of the person's unit (OrganisationUnit.forvaltning)."""
    if person is None or person.unit is None:
        return None
    return person.unit.forvaltning()


def home_forvaltning_of(user, organisation) -> OrganisationUnit | None:
    """``home_forvaltning(own_person(user, organisation))`` in one query, for the page
    header: the candidate forvaltninger (the top two levels of the tree) that hold the
    unit of the user's person, each with the number of roots of the tree, which decides
    between the two levels as ``OrganisationUnitQuerySet.forvaltninger`` does."""
    if not user.is_authenticated or organisation is None:
        return None
    own_unit_path = (
        Person.objects.visible_to(user)
        .still_working(timezone.localdate())
        .filter(organisation=organisation, user=user)
        .values("unit__path")[:1]
    )
    roots = (
        OrganisationUnit.objects.filter(organisation=organisation, parent__isnull=True)
        .order_by().values("organisation_id").annotate(n=Count("pk")).values("n")
    )
    candidates = list(
        OrganisationUnit.objects.filter(organisation=organisation)
        .filter(Q(parent__isnull=True) | Q(parent__parent__isnull=True))
        .annotate(own_unit_path=Subquery(own_unit_path), root_count=Subquery(roots))
        .filter(own_unit_path__startswith=F("path"))
        .exclude(path="")
    )
    single_root = bool(candidates) and candidates[0].root_count == 1
    return next(
        (unit for unit in candidates
         if (unit.parent_id is not None) == single_root),
        None,
    )


# The home forvaltning as the header reads it: annotations on each of the user's
# organisations in the chrome's one query (kitos.hooks.add_organisation_annotation,
# registered by OverviewConfig.ready), so the header's unit costs no query of its own.
HOME_ANNOTATIONS = {
    "home_forvaltning_id": "pk",
    "home_forvaltning_uuid": "uuid",
    "home_forvaltning_name": "name",
}


def _home_candidates(user):
    """``home_forvaltning_of`` for the organisation of an outer row (``OuterRef("pk")``)
    as a queryset of at most the one unit it picks: the same candidates, with the choice
    between the two levels made in SQL."""
    own_unit_path = (
        Person.objects.still_working(timezone.localdate())
        .filter(organisation_id=OuterRef("organisation_id"), user_id=user.pk)
        .values("unit__path")[:1]
    )
    roots = (
        OrganisationUnit.objects.filter(organisation_id=OuterRef("organisation_id"),
                                        parent__isnull=True)
        .order_by().values("organisation_id").annotate(n=Count("pk")).values("n")
    )
    return (
        OrganisationUnit.objects.filter(organisation_id=OuterRef("pk"))
        .filter(Q(parent__isnull=True) | Q(parent__parent__isnull=True))
        .annotate(own_unit_path=Subquery(own_unit_path), root_count=Subquery(roots))
        .filter(own_unit_path__startswith=F("path"))
        .exclude(path="")
        # One root stands for the organisation: its children are the forvaltninger.
        .filter(Q(parent__isnull=False, root_count=1)
                | Q(parent__isnull=True, root_count__gt=1))
    )


def home_annotation(field: str):
    """The factory of one of HOME_ANNOTATIONS: factory(user) -> the expression."""

    def factory(user):
        return Subquery(_home_candidates(user).values(field)[:1])

    return factory


def home_forvaltning_id_for(request, organisation) -> int | None:
    """The id of the request user's home forvaltning in `organisation`, as the header's
    query read it (no query of its own); for an organisation outside the header, one
    query."""
    key = getattr(organisation, "pk", None)
    for chrome in user_organisations(request):
        if chrome.pk == key and hasattr(chrome, "home_forvaltning_id"):
            return chrome.home_forvaltning_id
    unit = home_forvaltning_of(request.user, organisation)
    return unit.pk if unit else None


def home_forvaltning_for(request, organisation) -> OrganisationUnit | None:
    """``home_forvaltning_of`` the request's user, for the header: the unit's id, public
    id and name come with the header's query (its other fields load if asked for)."""
    cache = request.__dict__.setdefault("_kitos_home_forvaltning", {})
    key = getattr(organisation, "pk", None)
    if key not in cache:
        chrome = next((o for o in user_organisations(request) if o.pk == key), None)
        if chrome is not None and hasattr(chrome, "home_forvaltning_id"):
            cache[key] = (
                None if chrome.home_forvaltning_id is None
                # Values in the model's field order (Model.from_db).
                else OrganisationUnit.from_db(
                    None, ["id", "uuid", "organisation_id", "name"],
                    [chrome.home_forvaltning_id, chrome.home_forvaltning_uuid, chrome.pk,
                     chrome.home_forvaltning_name],
                )
            )
        else:
            cache[key] = home_forvaltning_of(request.user, organisation)
    return cache[key]


def led_units(person: Person | None, *, today) -> list[OrganisationUnit]:
    """The units the person holds a role on today (a chef's or leader's units), the
    top-most first; a unit under another of them is left out (it is counted there)."""
    if person is None:
        return []
    unit_ids = (
        RoleAssignment.objects.current(today)
        .filter(person=person, role_type__applies_to=RoleTarget.ORGANISATION_UNIT)
        .values("object_id")
    )
    units = list(
        OrganisationUnit.objects.filter(organisation_id=person.organisation_id,
                                        pk__in=unit_ids).order_by("path")
    )
    kept: list[OrganisationUnit] = []
    for unit in units:
        if not any(unit.path.startswith(above.path) for above in kept):
            kept.append(unit)
    return kept


class Unset:
    """No choice remembered (as opposed to "the whole organisation", which is None)."""


UNSET = Unset()


def remembered_unit(user, organisation):
    """The unit the user last chose for Oversigt in `organisation`: a unit, None for the
    whole organisation, or UNSET. A unit that has gone since counts as no choice."""
    columns = (
        ListPreference.objects.filter(user=user, list_key=_preference_key(organisation))
        .values_list("columns", flat=True)
        .first()
    )
    if columns is None:
        return UNSET
    if not columns:
        return None
    unit = (
        OrganisationUnit.objects.visible_to(user)
        .filter(organisation=organisation, uuid=columns[0])
        .first()
    )
    return UNSET if unit is None else unit


def remembered_choice(user, organisation) -> Subquery:
    """The stored choice (``ListPreference.columns``) as an expression, to read along
    with the organisation's units (``remembered_among``) instead of in a query of its
    own."""
    return Subquery(
        ListPreference.objects.filter(user_id=user.pk, list_key=_preference_key(organisation))
        .values("columns")[:1]
    )


def remembered_among(columns, units):
    """``remembered_unit`` from the stored choice read with `units` (every unit of the
    organisation the user sees)."""
    if columns is None:
        return UNSET
    if not columns:
        return None
    return next((unit for unit in units if str(unit.uuid) == str(columns[0])), UNSET)


def remember_unit(*, user, organisation, unit: OrganisationUnit | None) -> None:
    """Keep the user's choice for Oversigt (their own view: any member may, unaudited
    like a list's columns)."""
    ListPreference.objects.update_or_create(
        user=user,
        list_key=_preference_key(organisation),
        defaults={"columns": [str(unit.uuid)] if unit else []},
    )


# dashboard_unit's default: the caller has not read the remembered choice.
_NOT_READ = object()


def dashboard_unit(user, organisation, *, person=UNSET, home=UNSET, chosen=_NOT_READ):
    """The unit Oversigt opens on for the user: the remembered choice (`chosen` when
    the caller read it already: a unit, None or UNSET), else their home forvaltning
    (`home` when the caller knows it already), else None (the whole organisation)."""
    if not user.is_authenticated or organisation is None:
        return None
    if chosen is _NOT_READ:
        chosen = remembered_unit(user, organisation)
    if not isinstance(chosen, Unset):
        return chosen
    if not isinstance(home, Unset):
        return home
    if isinstance(person, Unset):
        person = own_person(user, organisation)
    return home_forvaltning(person)

