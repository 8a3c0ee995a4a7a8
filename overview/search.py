"""Global search: one free-text query over systems, usages, contracts, suppliers,
persons, processing activities and units, grouped by kind.

Each kind is searched with its own FilterSet's ``q`` (the same search as the list's
search box, so "vis alle" opens exactly those rows), scoped by ``visible_to(user)`` and,
for an organisation's own objects, to the active organisation. One query per kind: the
total comes along with the first rows as a window count.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Window
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contracts.filtersets import ContractFilterSet, SupplierFilterSet
from contracts.models import Contract
from gdpr.filtersets import ProcessingActivityFilterSet
from gdpr.models import ProcessingActivity
from kitos.filtersets import SEARCH_MAX_LENGTH, search_terms
from kitos.links import object_url, url_or_none
from portfolio.filtersets import ItSystemFilterSet, SystemUsageFilterSet
from portfolio.models import ItSystem, Supplier, SystemUsage
from roles.filtersets import OrganisationUnitFilterSet, PersonFilterSet
from roles.models import OrganisationUnit, Person

MIN_LENGTH = 2
MAX_LENGTH = SEARCH_MAX_LENGTH
ROWS_PER_KIND = 8


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

    @property
    def more(self) -> int:
        return self.total - len(self.hits)


def normalise(query: str) -> str:
    # The words every list's search would use (bounded in number and length).
    return " ".join(search_terms(query))


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
        filterset = kind.filterset_class(params, queryset=queryset, request=request)
        if not filterset.is_valid():
            continue
        rows = list(
            filterset.qs.select_related(*kind.related).annotate(
                search_total=Window(Count("pk"))
            )[:ROWS_PER_KIND]
        )
        if not rows:
            continue
        groups.append(Group(
            kind=kind,
            total=rows[0].search_total,
            hits=[Hit(row, object_url(row)) for row in rows],
            all_url=url_or_none(kind.list_route, query=params),
        ))
    return groups
