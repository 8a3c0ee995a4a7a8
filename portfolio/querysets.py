"""Querysets for systems and usages."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from kitos.tenancy import ScopedQuerySet, SharedCatalogQuerySet

from .choices import ACTIVE_LIFECYCLES


class SystemUsageQuerySet(ScopedQuerySet):
    def active(self, today):
        """Usages in use on `today`: inside their dates, in an operational-ish lifecycle,
        and with an active main contract when they have one (DOMAIN.md)."""
        dated = self.filter(
            Q(go_live_date__isnull=True) | Q(go_live_date__lte=today),
            Q(retirement_date__isnull=True) | Q(retirement_date__gte=today),
            lifecycle__in=ACTIVE_LIFECYCLES,
        )
        # The coverage and contract models live in the contracts app (which depends on
        # this one), so they are reached through the relations instead of an import.
        coverage = self.model._meta.get_field("contract_links").related_model
        contract = coverage._meta.get_field("contract").related_model
        # A main contract that is not in force (not started, or ended): ContractQuerySet.
        main_contract_inactive = coverage.objects.filter(
            usage=OuterRef("pk"), is_main=True
        ).exclude(contract__in=contract.objects.in_force())
        return dated.exclude(Exists(main_contract_inactive))

    def with_is_active(self, today):
        """Annotate `is_active` (see `active`) as one subquery, for lists."""
        return self.annotate(
            is_active=Exists(self.model.objects.active(today).filter(pk=OuterRef("pk")))
        )

    def for_list(self):
        return self.select_related(
            "organisation", "system", "system__rights_holder", "responsible_unit"
        ).prefetch_related("using_units")


class ItSystemQuerySet(SharedCatalogQuerySet):
    def for_list(self):
        return self.select_related(
            "owner_organisation", "rights_holder", "parent"
        ).prefetch_related("kle_numbers")


class IntegrationQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "source__system", "target__system")
