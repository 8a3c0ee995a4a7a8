"""Global search: one free-text query over systems, usages, contracts, suppliers,
persons, processing activities and units, grouped by kind.

Each kind is searched with its own FilterSet's ``q`` (the same search as the list's
search box, so "vis alle" opens exactly those rows), scoped by ``visible_to(user)`` and,
for an organisation's own objects, to the active organisation. One query per kind: the
total comes along with the first rows, counted up to COUNT_CAP (a scalar subquery
PostgreSQL runs once): a word found in a quarter of 40,000 contracts would otherwise cost a
count of all 10,000 hits, where the page only says "over 1.000".

On PostgreSQL the same condition is written so that indexes can serve it (a municipality
with 40,000 contracts otherwise reads its whole contract table for every search): each
word must match one of the kind's search fields, ``UPPER(column) LIKE '%WORD%'`` for the
row's own columns (trigram GIN indexes, contracts migration 0004) and, for a field of a
related row (a contract's supplier's name), ``supplier_id = ANY(ARRAY(<matching
suppliers>))``, which the foreign key's B-tree index serves, where the list's join would
have defeated every index. PostgreSQL combines the branches with a BitmapOr. The rows
are the ones the list's own search finds (``icontains`` on the same fields; the tests
compare both); SQLite keeps the list's search as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, F, Func, IntegerField, Q, Subquery
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.filtersets import ContractFilterSet, SupplierFilterSet
from contracts.models import Contract
from gdpr.filtersets import ProcessingActivityFilterSet
from gdpr.models import ProcessingActivity
from kitos.filtersets import SEARCH_MAX_LENGTH, SEARCH_MAX_TERMS, BaseFilterSet, search_terms
from kitos.links import object_url, url_or_none
from portfolio.filtersets import ItSystemFilterSet, SystemUsageFilterSet
from portfolio.models import ItSystem, Supplier, SystemUsage
from roles.filtersets import OrganisationUnitFilterSet, PersonFilterSet
from roles.models import OrganisationUnit, Person

MIN_LENGTH = 2
MAX_LENGTH = SEARCH_MAX_LENGTH
MAX_TERMS = SEARCH_MAX_TERMS
ROWS_PER_KIND = 8
# Hits counted per kind; beyond it the page says "over COUNT_CAP".
COUNT_CAP = 1000


@dataclass(frozen=True)
class Kind:
    key: str
    label: Promise
    model: type
    filterset_class: type
    list_route: str
    related: tuple[str, ...] = ()
    # Tenant objects are searched in the active organisation; catalog entries (shared
    # systems and suppliers) wherever the user may see them.
    per_organisation: bool = True


KINDS = (
    Kind("usages", _("Systemanvendelser"), SystemUsage, SystemUsageFilterSet, "systemusage_list",
         ("system", "responsible_unit")),
    Kind("systems", _("It-systemer (katalog)"), ItSystem, ItSystemFilterSet, "itsystem_list",
         ("rights_holder",), per_organisation=False),
    Kind("contracts", _("Kontrakter"), Contract, ContractFilterSet, "contract_list",
         ("supplier",)),
    Kind("suppliers", _("Leverandører"), Supplier, SupplierFilterSet, "supplier_list",
         per_organisation=False),
    Kind("persons", _("Personer"), Person, PersonFilterSet, "person_list",
         ("unit",)),
    Kind("activities", _("Behandlingsaktiviteter"), ProcessingActivity,
         ProcessingActivityFilterSet, "processingactivity_list", ("responsible_unit",)),
    Kind("units", _("Organisationsenheder"), OrganisationUnit, OrganisationUnitFilterSet,
         "organisationunit_list", ("parent",)),
)


@dataclass
class Hit:
    obj: object
    url: str | None


@dataclass
class Group:
    kind: Kind
    total: int
    hits: list[Hit]
    all_url: str | None
    # More than `total` (COUNT_CAP) hits: they were not all counted.
    capped: bool = False

    @property
    def more(self) -> int:
        return self.total - len(self.hits)

    @property
    def total_text(self) -> str:
        """The count as the page shows it: "over 1.000" when it was capped."""
        shown = number_format(self.total, force_grouping=True)
        return gettext("over %(count)s") % {"count": shown} if self.capped else shown


def normalise(query: str) -> str:
    # The words every list's search would use (bounded in number and length).
    return " ".join(search_terms(query))


def was_shortened(raw: str) -> bool:
    """Whether `normalise` dropped words of `raw` (too many, or beyond the length the
    search reads): the page says so rather than silently searching for less."""
    words = {word.casefold() for word in raw.split()}
    return len(raw) > MAX_LENGTH or len(words) > MAX_TERMS


class _ArrayOf(Subquery):
    """``ARRAY(subquery)``: evaluated once (an InitPlan), its ids then serve as an
    index condition."""

    template = "ARRAY(%(subquery)s)"


class _CappedCount(Subquery):
    """``(SELECT COUNT(*) FROM (subquery LIMIT n))``: how many rows, up to the limit the
    subquery carries; it stops reading there."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS capped)"
    output_field = IntegerField()


class _EqualsAny(Func):
    """``column = ANY(ARRAY(subquery))`` as a boolean condition."""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def _indexed_search(model, fields, terms) -> Q:
    """The list search's condition for `terms` over `fields` (see the module docstring),
    in the form PostgreSQL's indexes serve."""
    condition = Q()
    for term in terms:
        either = Q()
        for field in fields:
            hop, _, rest = field.partition("__")
            relation = model._meta.get_field(hop) if rest else None
            if relation is None or not relation.many_to_one:
                either |= Q(**{f"{field}__icontains": term})
                continue
            matching = relation.related_model._base_manager.filter(
                **{f"{rest}__icontains": term}).values("pk")
            either |= Q(_EqualsAny(F(relation.attname), _ArrayOf(matching)))
        condition &= either
    return condition


def _matching(kind: Kind, queryset, query: str, params: dict, request):
    """`queryset` narrowed to the rows the kind's list would show for `query`, or None
    when the list's filters refuse the parameters."""
    filterset_class = kind.filterset_class
    if (connection.vendor == "postgresql"
            and filterset_class.filter_q is BaseFilterSet.filter_q):
        return queryset.filter(
            _indexed_search(kind.model, filterset_class.search_fields, search_terms(query)))
    filterset = filterset_class(params, queryset=queryset, request=request)
    return filterset.qs if filterset.is_valid() else None


def search(*, request, query: str, organisation) -> list[Group]:
    """The groups with hits for `query` (already normalised, at least MIN_LENGTH long)."""
    groups = []
    for kind in KINDS:
        params = {"q": query}
        queryset = kind.model.objects.visible_to(request.user)
        if kind.per_organisation:
            if organisation is None:
                continue
            queryset = queryset.filter(organisation=organisation)
            params["organisation"] = str(organisation.uuid)
        matching = _matching(kind, queryset, query, params, request)
        if matching is None:
            continue
        counted = matching.order_by().values("pk")[:COUNT_CAP + 1]
        rows = list(
            matching.select_related(*kind.related).annotate(
                search_total=_CappedCount(counted)
            )[:ROWS_PER_KIND]
        )
        if not rows:
            continue
        total = rows[0].search_total
        groups.append(Group(
            kind=kind,
            total=min(total, COUNT_CAP),
            hits=[Hit(row, object_url(row)) for row in rows],
            all_url=url_or_none(kind.list_route, query=params),
            capped=total > COUNT_CAP,
        ))
    return groups
