"""Querysets for systems and usages."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Count, Exists, OuterRef, Q

from kitos.tenancy import ScopedQuerySet, SharedCatalogQuerySet

from . import rights_holders
from .choices import ACTIVE_LIFECYCLES, LIVE_LIFECYCLES

# Conditions, added by higher apps, under which a usage is out of use although its own
# dates and lifecycle say it is in use: each a function giving an expression over the
# usage (OuterRef("pk") is the usage), e.g. Exists(...).
_USAGE_OUT_OF_USE: list[Callable] = []


def add_usage_out_of_use(condition: Callable) -> None:
    """Take usages for which `condition()` holds out of ``SystemUsageQuerySet.active``."""
    if condition not in _USAGE_OUT_OF_USE:
        _USAGE_OUT_OF_USE.append(condition)


class SystemUsageQuerySet(ScopedQuerySet):
    def active(self, today):
        """Usages in use on `today`: inside their dates, in an operational-ish lifecycle,
        and with an active main contract when they have one (DOMAIN.md)."""
        dated = self.filter(
            Q(go_live_date__isnull=True) | Q(go_live_date__lte=today),
            Q(retirement_date__isnull=True) | Q(retirement_date__gte=today),
            lifecycle__in=ACTIVE_LIFECYCLES,
        )
        # What else takes a usage out of use is for the apps above to say (e.g. a main
        # contract that is not in force: the contracts app), see add_usage_out_of_use.
        for out_of_use in _USAGE_OUT_OF_USE:
            dated = dated.exclude(out_of_use())
        return dated

    def needing_roles(self, today):
        """The usages whose roles still matter (roles.responsibilities): not retired."""
        return self.filter(lifecycle__in=LIVE_LIFECYCLES)

    def with_is_active(self, today):
        """Annotate `is_active` (see `active`) as one subquery, for lists."""
        return self.annotate(
            is_active=Exists(self.model.objects.active(today).filter(pk=OuterRef("pk")))
        )

    def for_list(self):
        return self.select_related(
            "organisation", "system", "system__rights_holder", "responsible_unit"
        ).prefetch_related("using_units")

    def organisation_counts(self, system) -> dict[str, int]:
        """How many organisations have a usage of `system`, and how many of them have one
        in an operational-ish lifecycle: one aggregate query over the whole installation
        (numbers only; which organisations they are is for ``visible_to`` to say)."""
        return self.filter(system=system).aggregate(
            registered=Count("organisation", distinct=True),
            in_use=Count(
                "organisation", distinct=True, filter=Q(lifecycle__in=ACTIVE_LIFECYCLES)
            ),
        )


class ItSystemQuerySet(SharedCatalogQuerySet):
    def visible_to(self, user):
        # Plus the shared entries of the suppliers the user is rights holder for.
        extra = rights_holders.visible_q(user, "rights_holder")
        scoped = super().visible_to(user)
        return scoped if extra is None else scoped | self.filter(extra)

    def for_list(self):
        return self.select_related(
            "owner_organisation", "rights_holder", "parent"
        ).prefetch_related("kle_numbers")


class IntegrationQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related(
            "organisation", "source__system", "target__system", "interface__interface_type"
        )


class InterfaceQuerySet(SharedCatalogQuerySet):
    def visible_to(self, user):
        extra = rights_holders.visible_q(user, "exposed_by__rights_holder")
        scoped = super().visible_to(user)
        return scoped if extra is None else scoped | self.filter(extra)

    def for_list(self):
        return self.select_related("owner_organisation", "exposed_by", "interface_type")
