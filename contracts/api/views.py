"""API resources of the contracts app."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from contracts.models import Contract
from kitos.admin_base import editable_values
from kitos.api.base import ScopedModelViewSet

from ..filtersets import (
    ContractFilterSet,
    CostLineFilterSet,
    DeadlineDecisionFilterSet,
    SupplierFilterSet,
)
from ..services import (
    contract_create,
    contract_update,
    deadline_decision_delete,
    deadline_decision_record,
)
from .serializers import (
    ContractSerializer,
    CostLineSerializer,
    DeadlineDecisionSerializer,
    SupplierSerializer,
)


class SupplierViewSet(ScopedModelViewSet):
    """Suppliers (shared by every organisation; admins maintain their own entries)."""

    serializer_class = SupplierSerializer
    filterset_class = SupplierFilterSet


class ContractViewSet(ScopedModelViewSet):
    """Contracts with their computed deadlines (read-only) and the usages they cover."""

    serializer_class = ContractSerializer
    filterset_class = ContractFilterSet
    m2m_fields = ("coverage", "agreement_elements")

    def get_queryset(self):
        # The option fields (kitos.options) with the contracts: the model path (a
        # contract, a write's answer) reads them without a query per field and row.
        return super().get_queryset().select_related(
            *(name for name in Contract.option_fields if name != "agreement_elements")
        ).prefetch_related("agreement_elements")

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return contract_create(actor=actor, **editable_values(instance), **_links(m2m))

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        return contract_update(actor=actor, contract=instance, data=data, **_links(m2m))


def _links(m2m) -> dict:
    """The contract services' arguments for the `coverage` list and the agreement
    elements (what is not sent stays as it is)."""
    links = {}
    if "agreement_elements" in m2m:
        links["agreement_elements"] = m2m["agreement_elements"]
    if "coverage" in m2m:
        coverage = m2m["coverage"]
        links["usages"] = [link["usage"] for link in coverage]
        links["main_for"] = [link["usage"] for link in coverage if link.get("is_main")]
    return links


class CostLineViewSet(ScopedModelViewSet):
    """A contract's cost per year, optionally per unit."""

    serializer_class = CostLineSerializer
    filterset_class = CostLineFilterSet


class DeadlineDecisionViewSet(ScopedModelViewSet):
    """What the owner decided about a contract's deadline (renew, option, terminate,
    re-tender, other). One decision per contract and deadline: POST for a deadline that
    is decided already updates it. A decided deadline gets no more alerts."""

    serializer_class = DeadlineDecisionSerializer
    filterset_class = DeadlineDecisionFilterSet

    @staticmethod
    def create_service(*, actor, instance, m2m):
        return deadline_decision_record(
            actor=actor, contract=instance.contract, deadline=instance.deadline,
            kind=instance.kind, note=instance.note,
        )

    @staticmethod
    def update_service(*, actor, instance, data, m2m):
        # A decision belongs to its contract and deadline; another one is a new decision.
        for name in ("contract", "deadline"):
            if name in data and data[name] != getattr(instance, name):
                raise ValidationError(
                    {name: _("Kan ikke ændres; registrér en ny beslutning i stedet.")}
                )
        return deadline_decision_record(
            actor=actor, contract=instance.contract, deadline=instance.deadline,
            kind=data.get("kind", instance.kind), note=data.get("note", instance.note),
        )

    @staticmethod
    def delete_service(*, actor, instance):
        deadline_decision_delete(actor=actor, decision=instance)


routes = [
    ("suppliers", SupplierViewSet, "supplier"),
    ("contracts", ContractViewSet, "contract"),
    ("cost-lines", CostLineViewSet, "costline"),
    ("deadline-decisions", DeadlineDecisionViewSet, "deadlinedecision"),
]
