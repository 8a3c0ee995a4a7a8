"""API resources of the contracts app."""

from __future__ import annotations

from kitos.admin_base import editable_values
from kitos.api.base import ScopedModelViewSet

from ..filtersets import ContractFilterSet, CostLineFilterSet, SupplierFilterSet
from ..services import contract_create, contract_update
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
    def create_service(*, actor, instance, m2m):
        return contract_create(actor=actor, **editable_values(instance), **_coverage(m2m))

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return contract_update(actor=actor, contract=instance, data=data, **_coverage(m2m))


def _coverage(m2m) -> dict:
    """The contract services' coverage arguments for the `coverage` list (not sent: the
    coverage stays as it is)."""
    if "coverage" not in m2m:
        return {}
    links = m2m["coverage"]
    return {
        "usages": [link["usage"] for link in links],
        "main_for": [link["usage"] for link in links if link.get("is_main")],
    }


class CostLineViewSet(ScopedModelViewSet):
    """A contract's cost per year, optionally per unit."""

    serializer_class = CostLineSerializer
    filterset_class = CostLineFilterSet


routes = [
    ("suppliers", SupplierViewSet, "supplier"),
    ("contracts", ContractViewSet, "contract"),
    ("cost-lines", CostLineViewSet, "costline"),
]
