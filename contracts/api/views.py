"""API resources of the contracts app."""

from __future__ import annotations

from django.db import transaction

from kitos.api.base import ScopedModelViewSet
from kitos.services import create_object, update_object

from ..filtersets import ContractFilterSet, CostLineFilterSet, SupplierFilterSet
from ..services import contract_set_coverage
from .serializers import ContractSerializer, CostLineSerializer, SupplierSerializer


class SupplierViewSet(ScopedModelViewSet):
    """Suppliers (shared by every organisation; admins maintain their own entries)."""

    serializer_class = SupplierSerializer
    filterset_class = SupplierFilterSet


class ContractViewSet(ScopedModelViewSet):
    """Contracts with their computed deadlines (read-only) and the usages they cover."""

    serializer_class = ContractSerializer
    filterset_class = ContractFilterSet
    m2m_fields = ("coverage",)

    @staticmethod
    @transaction.atomic
    def create_service(*, actor, instance, m2m):
        contract = create_object(actor=actor, instance=instance)
        _set_coverage(actor, contract, m2m)
        return contract

    @staticmethod
    @transaction.atomic
    def update_service(*, actor, instance, data, m2m):
        contract = update_object(actor=actor, instance=instance, data=data)
        _set_coverage(actor, contract, m2m)
        return contract


def _set_coverage(actor, contract, m2m) -> None:
    if "coverage" not in m2m:
        return
    links = m2m["coverage"]
    contract_set_coverage(
        actor=actor,
        contract=contract,
        usages=[link["usage"] for link in links],
        main_for=[link["usage"] for link in links if link.get("is_main")],
    )


class CostLineViewSet(ScopedModelViewSet):
    """A contract's cost per year, optionally per unit."""

    serializer_class = CostLineSerializer
    filterset_class = CostLineFilterSet


routes = [
    ("suppliers", SupplierViewSet, "supplier"),
    ("contracts", ContractViewSet, "contract"),
    ("cost-lines", CostLineViewSet, "costline"),
]
