"""Gap analysis: rules over an organisation's data that point at what is missing — a
data processing agreement, a DPIA, a transfer basis, an owner, ...

Each rule is a small declaration: the kind of object it is about, a Danish title and
explanation, and a queryset function that narrows a (scoped) queryset of that kind to
the offending objects in SQL (``Exists`` subqueries, never a loop over objects). The
dashboard, the gap overview per forvaltning, my page and the objects' own pages all
count and list gaps through the functions at the bottom, so a rule is written once.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contracts.filtersets import CONTRACT_OWNER_ROLE
from contracts.models import Contract
from kitos import db
from kitos.links import object_url, url_or_none
from portfolio.choices import LIVE_LIFECYCLES, Lifecycle
from portfolio.filtersets import SYSTEM_OWNER_ROLE
from portfolio.models import SystemUsage
from roles.models import OrganisationUnit, RoleAssignment, still_working

from . import countries
from .choices import SENSITIVE_KINDS, DataCategoryKind, DpiaNeed, TransferBasis
from .models import (
    DataAsset,
    DataAssetUsage,
    DataProcessingAgreement,
    ProcessingActivity,
    SubProcessor,
    agreement_in_force,
)

PERSONAL_KINDS = tuple(
    value for value in DataCategoryKind.values if value != DataCategoryKind.NON_PERSONAL
)
# A transfer basis that is no basis.
MISSING_BASIS = ("", TransferBasis.NONE)
# Processing in the EU/EEA is no transfer; an adequacy decision (art. 45) is a basis in
# itself. Anywhere else a sub-processor needs its basis recorded.
NO_BASIS_NEEDED = tuple(sorted(countries.EU_EEA | countries.ADEQUATE))


@dataclass(frozen=True)
class Rule:
    """One gap rule. `offending(queryset, today)` narrows a queryset of `model` to the
    objects with the gap; `unit_field` leads from the object to its responsible unit
    (for "per forvaltning"); `fix_link(obj)` is the portal form that closes exactly this
    gap, prefilled (the role to give, the oversight to record, the field to fill in);
    `related` / `prefetch` are what the gap list loads for the objects and their links."""

    key: str
    title: Promise
    explanation: Promise
    fix: Promise
    model: type
    unit_field: str
    offending: Callable[[QuerySet, datetime.date], QuerySet]
    fix_link: Callable[[object], str | None]
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return str(self.model._meta.verbose_name)

    def detail_url(self, obj) -> str | None:
        return object_url(obj)

    def fix_url(self, obj, *, next_url: str = "") -> str | None:
        """Where the gap is fixed; the form returns to `next_url` (the page the link is
        on) after saving, where the object then no longer has the gap."""
        url = self.fix_link(obj)
        if url and next_url:
            url = with_query(url, next=next_url)
        return url

    def unit_of(self, obj):
        for name in self.unit_field.split("__"):
            obj = getattr(obj, name, None)
            if obj is None:
                return None
        return obj


def with_query(url: str, **params) -> str:
    """`url` with `params` added to its query string (before any #fragment)."""
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query), *((k, str(v)) for k, v in params.items())]
    return urlunsplit(parts._replace(query=urlencode(query)))


# -- where each gap is fixed ---------------------------------------------------------------


def _assign_role(code: str) -> Callable[[object], str | None]:
    """The role form on the object, with the role (by code) chosen."""

    def link(obj) -> str | None:
        url = url_or_none("roleassignment_create", obj.role_target, obj.uuid)
        return url and with_query(url, rolle=code)

    return link


def _edit_field(*names: str) -> Callable[[object], str | None]:
    """The object's edit form with the cursor in the field the gap is about; with
    several, the first one that is empty (a gap may be one of a few missing values)."""

    def link(obj) -> str | None:
        url = object_url(obj, "update")
        if url is None:
            return None
        field = next((n for n in names if getattr(obj, n, None) in ("", None)), names[0])
        return f"{with_query(url, felt=field)}#id_{field}"

    return link


def _new_agreement(usage) -> str | None:
    """A new agreement for the usage, with its system's supplier as processor."""
    url = url_or_none("dataprocessingagreement_create")
    return url and with_query(url, anvendelse=usage.uuid)


def _record_oversight(agreement) -> str | None:
    return url_or_none("oversightrecord_create", agreement.uuid)


def _transfer_basis(agreement) -> str | None:
    """The agreement's own basis when it transfers without one, otherwise the first
    sub-processor that needs one (prefetched by the gap list)."""
    if agreement.third_country_transfer and agreement.transfer_basis in MISSING_BASIS:
        return _edit_field("transfer_basis")(agreement)
    for sub in agreement.sub_processors.all():
        if sub.country not in NO_BASIS_NEEDED and sub.transfer_basis in MISSING_BASIS:
            return _edit_field("transfer_basis")(sub)
    return _edit_field("transfer_basis")(agreement)


def _current_role(model, code: str, today: datetime.date) -> QuerySet:
    """Current assignments of the role `code` on the outer object of kind `model`, held
    by someone who has not left (as the vacancy report counts them)."""
    return RoleAssignment.objects.current(today).filter(
        still_working(today, "person__"),
        content_type=ContentType.objects.get_for_model(model),
        object_id=OuterRef("pk"),
        role_type__code=code,
    )


def _current_agreements(today: datetime.date) -> QuerySet:
    return DataProcessingAgreement.objects.filter(
        agreement_in_force(today), organisation=OuterRef("organisation")
    )


def personal_data_without_agreement(usages: QuerySet, today: datetime.date) -> QuerySet:
    """Usages of a system from a supplier that hold personal data — through a data asset
    with a personal data category, or a processing activity with personal data that uses
    the system — with no current agreement that covers the usage or is made with the
    system's supplier."""
    personal_asset = DataAssetUsage.objects.filter(
        usage=OuterRef("pk"), asset__categories__kind__in=PERSONAL_KINDS
    )
    personal_activity = ProcessingActivity.objects.filter(
        usages=OuterRef("pk"), data_categories__kind__in=PERSONAL_KINDS
    )
    covering = _current_agreements(today).filter(usages=OuterRef("pk"))
    with_supplier = _current_agreements(today).filter(processor=OuterRef("system__rights_holder"))
    return usages.filter(
        Q(Exists(personal_asset)) | Q(Exists(personal_activity)),
        lifecycle__in=LIVE_LIFECYCLES,
        system__rights_holder__isnull=False,
    ).exclude(Q(Exists(covering)) | Q(Exists(with_supplier)))


def _holds_data_of_kinds(kinds) -> Q:
    """A processing activity with a data category of one of `kinds`, on itself or on
    one of its data assets."""
    own = ProcessingActivity.data_categories.through.objects.filter(
        processingactivity=OuterRef("pk"), datacategory__kind__in=kinds
    )
    in_asset = DataAsset.objects.filter(
        processing_activities=OuterRef("pk"), categories__kind__in=kinds
    )
    return Q(Exists(own)) | Q(Exists(in_asset))


def sensitive_without_dpia(activities: QuerySet, today: datetime.date) -> QuerySet:
    """Sensitive data (art. 9), CPR numbers or criminal offences (art. 10) and neither a
    DPIA done nor an assessment that none is needed."""
    return activities.filter(_holds_data_of_kinds(SENSITIVE_KINDS), dpia_done=False).exclude(
        dpia_needed=DpiaNeed.NO
    )


def agreement_transfer_without_basis(agreements: QuerySet, today: datetime.date) -> QuerySet:
    """A current agreement with a third-country transfer and no basis for it, or with a
    sub-processor outside the EU/EEA, in a country without an adequacy decision, and no
    basis."""
    unsafe_sub_processor = SubProcessor.objects.filter(
        agreement=OuterRef("pk"), transfer_basis__in=MISSING_BASIS
    ).exclude(country__in=NO_BASIS_NEEDED)
    return agreements.in_force(today).filter(
        Q(third_country_transfer=True, transfer_basis__in=MISSING_BASIS)
        | Q(Exists(unsafe_sub_processor))
    )


def activity_transfer_without_basis(activities: QuerySet, today: datetime.date) -> QuerySet:
    return activities.filter(third_country_transfer=True, transfer_basis__in=MISSING_BASIS)


def oversight_overdue(agreements: QuerySet, today: datetime.date) -> QuerySet:
    """The next oversight date has passed; an ended agreement needs no more oversight
    (as on its page, in the alerts and in the list filter `oversight_overdue`)."""
    return agreements.in_force(today).filter(next_oversight_date__lt=today)


def activity_uses_retired_system(activities: QuerySet, today: datetime.date) -> QuerySet:
    retired = SystemUsage.objects.filter(processing_activities=OuterRef("pk")).filter(
        Q(lifecycle=Lifecycle.RETIRED) | Q(retirement_date__lt=today)
    )
    return activities.filter(Exists(retired))


def usage_without_system_owner(usages: QuerySet, today: datetime.date) -> QuerySet:
    """Usages still in use with no current Systemejer (the list filter
    `has_system_owner=false` with the live lifecycles gives the same rows)."""
    return usages.filter(lifecycle__in=LIVE_LIFECYCLES).exclude(
        Exists(_current_role(SystemUsage, SYSTEM_OWNER_ROLE, today))
    )


def contract_without_owner(contracts: QuerySet, today: datetime.date) -> QuerySet:
    """Running contracts with no current Kontraktejer (the list filter
    `has_contract_owner=false` with the running statuses gives the same rows): an ended
    contract needs no owner any more."""
    return contracts.running().exclude(
        Exists(_current_role(Contract, CONTRACT_OWNER_ROLE, today))
    )


def activity_without_basis_or_retention(activities: QuerySet, today: datetime.date) -> QuerySet:
    """No legal basis under article 6, sensitive data without a basis under article 9,
    or no retention and deletion rule."""
    return activities.filter(
        Q(legal_basis_art6="")
        | Q(retention="")
        | (_holds_data_of_kinds([DataCategoryKind.SENSITIVE]) & Q(legal_basis_art9=""))
    )


_USAGE = {
    "model": SystemUsage,
    "unit_field": "responsible_unit",
    "related": ("system", "responsible_unit"),
}
_CONTRACT = {
    "model": Contract,
    "unit_field": "responsible_unit",
    "related": ("supplier", "responsible_unit"),
}
_ACTIVITY = {
    "model": ProcessingActivity,
    "unit_field": "responsible_unit",
    "related": ("responsible_unit",),
}
# An agreement has no unit of its own; it belongs where its contract does.
_AGREEMENT = {
    "model": DataProcessingAgreement,
    "unit_field": "contract__responsible_unit",
    "related": ("processor", "contract__responsible_unit"),
}

RULES: tuple[Rule, ...] = (
    Rule(
        key="personal-data-without-agreement",
        title=_("Personoplysninger uden databehandleraftale"),
        explanation=_(
            "Systemet behandler personoplysninger (et dataaktiv med personoplysninger eller "
            "en behandlingsaktivitet bruger det), men der er ingen gældende "
            "databehandleraftale, der omfatter systemet eller er indgået med systemets "
            "leverandør."
        ),
        fix=_("Indgå eller registrér databehandleraftalen og knyt den til systemet."),
        offending=personal_data_without_agreement,
        fix_link=_new_agreement,
        **_USAGE,
    ),
    Rule(
        key="sensitive-without-dpia",
        title=_("Følsomme oplysninger uden konsekvensanalyse"),
        explanation=_(
            "Behandlingen omfatter følsomme oplysninger (art. 9), CPR-numre eller strafbare "
            "forhold (art. 10), men der er hverken udført en konsekvensanalyse (DPIA) eller "
            "vurderet, at den ikke er nødvendig."
        ),
        fix=_("Udfør konsekvensanalysen, eller registrér vurderingen af, at den ikke kræves."),
        offending=sensitive_without_dpia,
        fix_link=_edit_field("dpia_needed"),
        **_ACTIVITY,
    ),
    Rule(
        key="agreement-transfer-without-basis",
        title=_("Overførsel til tredjeland uden grundlag (databehandleraftale)"),
        explanation=_(
            "Databehandleren overfører oplysninger til et land uden for EU/EØS, eller en "
            "underdatabehandler behandler dem der, uden at et overførselsgrundlag "
            "(fx standardkontraktbestemmelser) er angivet."
        ),
        fix=_("Angiv overførselsgrundlaget på aftalen og dens underdatabehandlere."),
        offending=agreement_transfer_without_basis,
        fix_link=_transfer_basis,
        prefetch=("sub_processors",),
        **_AGREEMENT,
    ),
    Rule(
        key="activity-transfer-without-basis",
        title=_("Overførsel til tredjeland uden grundlag (behandlingsaktivitet)"),
        explanation=_(
            "Behandlingsaktiviteten overfører oplysninger til et tredjeland, men der er "
            "ikke angivet et overførselsgrundlag."
        ),
        fix=_("Angiv overførselsgrundlaget på behandlingsaktiviteten."),
        offending=activity_transfer_without_basis,
        fix_link=_edit_field("transfer_basis"),
        **_ACTIVITY,
    ),
    Rule(
        key="oversight-overdue",
        title=_("Tilsyn med databehandler overskredet"),
        explanation=_(
            "Datoen for næste tilsyn med databehandleren er passeret, og aftalen er "
            "stadig gældende."
        ),
        fix=_("Gennemfør tilsynet og registrér det på aftalen."),
        offending=oversight_overdue,
        fix_link=_record_oversight,
        **_AGREEMENT,
    ),
    Rule(
        key="activity-uses-retired-system",
        title=_("Behandling bruger et udfaset system"),
        explanation=_(
            "Behandlingsaktiviteten er registreret som udført i et system, der ikke længere "
            "er i drift. Fortegnelsen passer derfor ikke."
        ),
        fix=_("Opdatér hvilke systemer behandlingen bruger."),
        offending=activity_uses_retired_system,
        fix_link=_edit_field("usages"),
        **_ACTIVITY,
    ),
    Rule(
        key="usage-without-system-owner",
        title=_("System uden systemejer"),
        explanation=_(
            "Systemet er i brug (eller på vej), men ingen har rollen som systemejer lige nu."
        ),
        fix=_("Udpeg en systemejer."),
        offending=usage_without_system_owner,
        fix_link=_assign_role(SYSTEM_OWNER_ROLE),
        **_USAGE,
    ),
    Rule(
        key="contract-without-owner",
        title=_("Kontrakt uden kontraktejer"),
        explanation=_(
            "Kontrakten løber stadig, men ingen har rollen som kontraktejer lige nu — "
            "så ingen er ansvarlig for at reagere på dens frister."
        ),
        fix=_("Udpeg en kontraktejer."),
        offending=contract_without_owner,
        fix_link=_assign_role(CONTRACT_OWNER_ROLE),
        **_CONTRACT,
    ),
    Rule(
        key="activity-without-basis-or-retention",
        title=_("Behandling uden retsgrundlag eller slettefrist"),
        explanation=_(
            "Behandlingsaktiviteten mangler retsgrundlag efter art. 6, retsgrundlag efter "
            "art. 9 for følsomme oplysninger, eller en regel for opbevaring og sletning."
        ),
        fix=_("Udfyld retsgrundlag og regler for opbevaring og sletning."),
        offending=activity_without_basis_or_retention,
        fix_link=_edit_field("legal_basis_art6", "retention", "legal_basis_art9"),
        **_ACTIVITY,
    ),
)
RULES_BY_KEY = {rule.key: rule for rule in RULES}


# -- rules of the apps above gdpr ----------------------------------------------------------
# gdpr must not import the apps above it (landscape's overdue attestations ...); they add
# their rules here from their AppConfig.ready(). Every count, list and object page reads
# `all_rules()` (RULES are gdpr's own), and RULES_BY_KEY holds both.
_registered: dict[str, Rule] = {}


def register_rule(rule: Rule) -> None:
    """Add (or replace, by key: ready() may run twice in tests) a gap rule of a higher
    app. A key of gdpr's own rules cannot be taken."""
    if rule.key in {own.key for own in RULES}:
        raise ValueError(f"gap rule {rule.key!r} is one of gdpr's own")
    _registered[rule.key] = rule
    RULES_BY_KEY[rule.key] = rule


def all_rules() -> tuple[Rule, ...]:
    """gdpr's own rules, then the registered ones in the order they were added."""
    return RULES + tuple(_registered.values())


def _today(today):
    return today or timezone.localdate()


def in_scope(rule: Rule, *, user, organisation, unit=None) -> QuerySet:
    """The objects of the rule's kind that `user` sees in `organisation`, within `unit`
    and its subtree when given."""
    queryset = rule.model.objects.visible_to(user).filter(organisation=organisation)
    if unit is not None:
        # `path` lists the ancestors ("/12/57/"), so a subtree is one prefix match.
        queryset = queryset.filter(**{f"{rule.unit_field}__path__startswith": unit.path})
    return queryset


def offending(rule: Rule, *, user, organisation, unit=None, today=None) -> QuerySet:
    """The objects with the gap, ordered as their model orders them."""
    scope = in_scope(rule, user=user, organisation=organisation, unit=unit)
    return rule.offending(scope, _today(today))


def gap_counts(*, user, organisation, unit=None, today=None) -> dict[str, int]:
    """Rule key -> number of offending objects: one query for all rules."""
    return db.counts(organisation, gap_querysets(
        user=user, organisation=organisation, unit=unit, today=today
    ))


def gap_querysets(*, user, organisation, unit=None, today=None) -> dict[str, QuerySet]:
    """Rule key -> the offending objects, for callers that count them together with
    other numbers in one query (``kitos.db.counts``)."""
    return {
        rule.key: offending(rule, user=user, organisation=organisation, unit=unit, today=today)
        for rule in all_rules()
    }


@dataclass
class Breakdown:
    """What a count per unit is broken down by: the units right below the chosen unit
    (each with its subtree), plus the chosen unit itself. For the whole organisation the
    top-level units — or, when the tree has one root (the municipality itself), the
    units below it (the forvaltninger) with the root itself — plus objects without a
    unit (key None)."""

    units: list
    own_unit: OrganisationUnit | None  # whose own objects are counted apart
    with_unitless: bool  # the whole organisation: objects without a unit are a row

    def bucket(self, unit_field: str) -> Case:
        """The key of the row an object is counted in (a unit id, or None)."""
        whens = [
            When(**{f"{unit_field}__path__startswith": unit.path}, then=Value(unit.pk))
            for unit in self.units
            if unit.path
        ]
        if self.own_unit is not None:
            whens.append(When(**{unit_field: self.own_unit}, then=Value(self.own_unit.pk)))
        return Case(*whens, default=Value(None), output_field=IntegerField())

    def key_of(self, unit_id, paths: dict) -> int | None:
        """What ``bucket`` computes in SQL, for a row already grouped by unit id
        (``paths``: unit id -> path): a grouped count over tens of thousands of rows is
        cheaper grouped by the plain column, with the few groups put in rows here."""
        if unit_id is None:
            return None
        path = paths.get(unit_id, "")
        for unit in self.units:
            if unit.path and path.startswith(unit.path):
                return unit.pk
        if self.own_unit is not None and unit_id == self.own_unit.pk:
            return self.own_unit.pk
        return None

    @property
    def keys(self) -> list:
        keys = [unit.pk for unit in self.units]
        if self.own_unit is not None:
            keys.append(self.own_unit.pk)
        if self.with_unitless:
            keys.append(None)
        return keys


def breakdown(*, user, organisation, unit=None, units=None) -> Breakdown:
    """The rows of a count per unit (see Breakdown): one query, or none when the page
    has loaded every unit of the organisation the user sees already (`units`)."""
    if units is not None:
        return _breakdown_of(units, unit)
    scoped = OrganisationUnit.objects.visible_to(user).filter(organisation=organisation)
    if unit is not None:
        return Breakdown(list(scoped.filter(parent=unit).order_by("name")), unit, False)
    return _breakdown_of(
        scoped.filter(Q(parent__isnull=True) | Q(parent__parent__isnull=True)), None
    )


def _breakdown_of(units, unit) -> Breakdown:
    if unit is not None:
        return Breakdown(sorted((u for u in units if u.parent_id == unit.pk),
                                key=lambda u: u.name), unit, False)
    top_ids = {u.pk for u in units if u.parent_id is None}
    top = sorted((u for u in units if u.parent_id is None or u.parent_id in top_ids),
                 key=lambda u: u.name)
    roots = [u for u in top if u.parent_id is None]
    if len(roots) == 1:
        return Breakdown([u for u in top if u.parent_id == roots[0].pk], roots[0], True)
    return Breakdown(roots, None, True)


@dataclass
class HeatMap:
    """Counts per rule and per row of a Breakdown."""

    breakdown: Breakdown
    counts: dict  # rule key -> {row key: count}
    totals: dict  # rule key -> count

    @property
    def units(self) -> list:
        return self.breakdown.units


def gap_counts_by_unit(*, user, organisation, unit=None, today=None, units=None) -> HeatMap:
    """Counts per rule and per unit below `unit` (see Breakdown): one query for the
    units (none when given) and one for the counts (each rule's grouped count, UNION
    ALL), whatever the number of rules and objects."""
    rows_by = breakdown(user=user, organisation=organisation, unit=unit, units=units)
    rules = all_rules()
    grouped = [
        offending(rule, user=user, organisation=organisation, unit=unit, today=today)
        .annotate(gap_rule=Value(index, output_field=IntegerField()),
                  gap_bucket=rows_by.bucket(rule.unit_field))
        .order_by()
        .values("gap_rule", "gap_bucket")
        .annotate(n=Count("pk"))
        .values_list("gap_rule", "gap_bucket", "n")
        for index, rule in enumerate(rules)
    ]
    counts = {rule.key: {} for rule in rules}
    if grouped:
        for index, bucket, n in grouped[0].union(*grouped[1:], all=True):
            # With no units the bucket is a constant, which SQL does not group by: a
            # row with nothing in it.
            if n:
                counts[rules[index].key][bucket] = n
    totals = {key: sum(by_bucket.values()) for key, by_bucket in counts.items()}
    return HeatMap(breakdown=rows_by, counts=counts, totals=totals)


def rules_for(model) -> list[Rule]:
    return [rule for rule in all_rules() if rule.model is model]


def gaps_for_objects(objects: Iterable, *, today=None) -> dict[tuple[type, int], list[Rule]]:
    """(model, pk) -> the rules each object breaks, for objects of any kinds: one query
    for all the rules that apply to the kinds present. The objects are already scoped by the
    caller (they are on a page the user may see)."""
    ids_by_model: dict[type, set[int]] = {}
    for obj in objects:
        ids_by_model.setdefault(type(obj), set()).add(obj.pk)
    checks = [
        (model, rule, rule.offending(model.objects.filter(pk__in=ids), _today(today)))
        for model, ids in ids_by_model.items()
        for rule in rules_for(model)
    ]
    found: dict[tuple[type, int], list[Rule]] = {}
    if not checks:
        return found
    # One query for every rule (UNION ALL of each rule's offending ids).
    parts = [
        offenders.order_by().values_list(
            Value(index, output_field=IntegerField()), "pk"
        )
        for index, (_model, _rule, offenders) in enumerate(checks)
    ]
    hits = set(parts[0].union(*parts[1:], all=True))
    for index, (model, rule, _offenders) in enumerate(checks):
        for pk in sorted(pk for hit_index, pk in hits if hit_index == index):
            found.setdefault((model, pk), []).append(rule)
    return found


def gaps_for_object(obj, *, today=None) -> list[Rule]:
    """The rules `obj` breaks (for its own page): one query."""
    return gaps_for_objects([obj], today=today).get((type(obj), obj.pk), [])


def object_gap_links(obj) -> list[tuple[Rule, str | None]]:
    """The gaps of `obj` with where to fix each, for the gaps above an object's tabs
    (registered in kitos.hooks by GdprConfig.ready): the form returns to the object's
    page, where the gap is then gone."""
    return [
        (rule, rule.fix_url(obj, next_url=object_url(obj) or ""))
        for rule in gaps_for_object(obj)
    ]
