"""Writes for suppliers, contracts, their coverage and cost lines."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from contracts.models import (
    DEADLINE_FIELDS,
    TERM_FIELDS,
    Contract,
    ContractCoverage,
    CostLine,
    DeadlineDecision,
)
from kitos.audit import AuditAction, record_change
from kitos.models import Organisation
from kitos.services import create_object, delete_object, update_object
from portfolio.models import Integration, Supplier, SystemUsage


def supplier_create(*, actor, name: str, **fields: Any) -> Supplier:
    return create_object(actor=actor, instance=Supplier(name=name, **fields))


def supplier_update(*, actor, supplier: Supplier, data: dict[str, Any]) -> Supplier:
    return update_object(actor=actor, instance=supplier, data=data)


@transaction.atomic
def contract_create(
    *,
    actor,
    organisation: Organisation,
    name: str,
    usages: Iterable[SystemUsage] | None = None,
    main_for: Iterable[SystemUsage] = (),
    integrations: Iterable[Integration] | None = None,
    agreement_elements: Iterable | None = None,
    **fields: Any,
) -> Contract:
    """Create a contract with the systems it covers (`usages`; `main_for` those it is the
    main contract of, see ``contract_set_coverage``), the integrations it covers and its
    agreement elements, in
    one transaction: the form, the API, the admin and the demo data all create contracts
    here. Audited as the creation plus, when it covers systems, the coverage."""
    contract = create_object(
        actor=actor,
        instance=Contract(organisation=organisation, name=name, **fields),
        m2m=_links(integrations, agreement_elements),
    )
    _cover(actor, contract, usages, main_for)
    return contract


@transaction.atomic
def contract_update(
    *,
    actor,
    contract: Contract,
    data: dict[str, Any] | None = None,
    usages: Iterable[SystemUsage] | None = None,
    main_for: Iterable[SystemUsage] = (),
    integrations: Iterable[Integration] | None = None,
    agreement_elements: Iterable | None = None,
) -> Contract:
    """Change a contract's fields (`data`), the systems it covers, its integrations and
    its agreement elements (options, kitos.options) in one transaction. What is None is
    left as it is: `usages=None` keeps the coverage, `data=None` the contract's own
    fields (only the links change)."""
    m2m = _links(integrations, agreement_elements)
    if data is not None or m2m is not None:
        contract = update_object(actor=actor, instance=contract, data=data, m2m=m2m)
    _cover(actor, contract, usages, main_for)
    return contract


def _links(integrations, agreement_elements) -> dict | None:
    links = {}
    if integrations is not None:
        links["integrations"] = list(integrations)
    if agreement_elements is not None:
        links["agreement_elements"] = list(agreement_elements)
    return links or None


def _cover(actor, contract: Contract, usages, main_for) -> None:
    if usages is not None:
        contract_set_coverage(actor=actor, contract=contract, usages=usages, main_for=main_for)
    elif main_for:
        raise ValidationError({"main_for": _("En hovedkontrakt skal også dække systemet.")})


def contract_delete(*, actor, contract: Contract) -> None:
    delete_object(actor=actor, instance=contract)


@transaction.atomic
def contract_set_coverage(
    *,
    actor,
    contract: Contract,
    usages: Iterable[SystemUsage],
    main_for: Iterable[SystemUsage] = (),
) -> Contract:
    """Set the usages a contract covers; `main_for` are those for which it is the main
    contract (a usage has at most one: the previous main link is demoted)."""
    contract.check_editable_by(actor)
    usages = list(usages)
    main_ids = {u.pk for u in main_for}
    if not main_ids <= {u.pk for u in usages}:
        raise ValidationError({"usages": _("En hovedkontrakt skal også dække systemet.")})
    if any(u.organisation_id != contract.organisation_id for u in usages):
        raise ValidationError({"usages": _("Skal høre til samme organisation.")})
    before = {
        link.usage_id: link.is_main for link in ContractCoverage.objects.filter(contract=contract)
    }
    after = {u.pk: u.pk in main_ids for u in usages}
    if before == after:
        return contract
    ContractCoverage.objects.filter(contract=contract).exclude(usage_id__in=after).delete()
    # Another contract stops being main for the usages this one takes over.
    ContractCoverage.objects.filter(usage_id__in=main_ids, is_main=True).exclude(
        contract=contract
    ).update(is_main=False)
    for usage_id, is_main in after.items():
        ContractCoverage.objects.update_or_create(
            contract=contract,
            usage_id=usage_id,
            defaults={"is_main": is_main, "organisation_id": contract.organisation_id},
        )
    # The links are part of the contract's API representation: sync clients must see
    # the contract as changed.
    Contract.objects.filter(pk=contract.pk).update(updated_at=timezone.now())
    record_change(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=contract,
        changes={
            "usages": [sorted(before), sorted(after)],
            "main_for": [
                sorted(k for k, v in before.items() if v),
                sorted(main_ids),
            ],
        },
    )
    return contract


def cost_line_create(*, actor, contract: Contract, year: int, amount, **fields: Any) -> CostLine:
    return create_object(
        actor=actor, instance=CostLine(contract=contract, year=year, amount=amount, **fields)
    )


def refresh_deadlines(*, today: datetime.date | None = None, queryset=None,
                      batch_size: int = 2000) -> int:
    """Recompute the stored deadlines of many contracts for `today` (nightly, after an
    import). Set-based: one streaming read and one UPDATE per batch of changed rows, so
    the number of queries does not grow with the number of contracts. Returns how many
    changed. Not audited: the values are derived and move with the calendar, not by
    anyone's hand (the contract's own terms are audited when they change)."""
    today = today or timezone.localdate()
    queryset = Contract.objects.all() if queryset is None else queryset
    fields = [*TERM_FIELDS, *DEADLINE_FIELDS]
    changed, total = [], 0
    for contract in queryset.only("pk", *fields).order_by("pk").iterator(chunk_size=batch_size):
        if contract.apply_deadlines(today):
            changed.append(contract)
        if len(changed) >= batch_size:
            total += _write_deadlines(changed, batch_size)
            changed = []
    if changed:
        total += _write_deadlines(changed, batch_size)
    return total


def _write_deadlines(contracts: list[Contract], batch_size: int) -> int:
    # updated_at moves with them: the alert scan (and the API's clients) find the
    # contracts whose deadlines moved by it, without reading every contract.
    now = timezone.now()
    for contract in contracts:
        contract.updated_at = now
    Contract.objects.bulk_update(
        contracts, [*DEADLINE_FIELDS, "updated_at"], batch_size=batch_size
    )
    return len(contracts)


# -- decisions on deadlines -------------------------------------------------------------


@transaction.atomic
def deadline_decision_record(
    *,
    actor,
    contract: Contract,
    kind: str,
    note: str = "",
    deadline: datetime.date | None = None,
) -> DeadlineDecision:
    """Record what `actor` decided about `contract`'s deadline (default: the one it has
    now, ``Contract.current_deadline``). A deadline has one decision: recording again
    updates it, with who and when, audited as a change; recording the same decision
    again writes nothing. A new decision must be about the contract's current deadline
    (a passed or moved one is history); an existing one can still be corrected. The
    portal's form, the API, the Excel import and the admin all record decisions here."""
    current = contract.current_deadline
    deadline = deadline or current
    if deadline is None:
        raise ValidationError(
            {"deadline": _("Kontrakten har ingen frist, der skal besluttes om.")}
        )
    decision = (
        DeadlineDecision.objects.select_for_update()
        .filter(contract=contract, deadline=deadline)
        .first()
    )
    if decision is None:
        if deadline != current:
            raise ValidationError(
                {
                    "deadline": _(
                        "Beslutningen skal gælde kontraktens aktuelle frist (%(date)s)."
                    )
                    % {"date": date_format(current) if current else "-"}
                }
            )
        return create_object(
            actor=actor,
            instance=DeadlineDecision(
                organisation_id=contract.organisation_id,
                contract=contract,
                deadline=deadline,
                kind=kind,
                note=note or "",
                decided_by=_user_or_none(actor),
                decided_at=timezone.now(),
            ),
        )
    if decision.kind == kind and decision.note == (note or ""):
        decision.check_editable_by(actor)
        return decision
    return update_object(
        actor=actor,
        instance=decision,
        data={
            "kind": kind,
            "note": note or "",
            "decided_by": _user_or_none(actor),
            "decided_at": timezone.now(),
        },
    )


def deadline_decision_delete(*, actor, decision: DeadlineDecision) -> None:
    """Withdraw a decision (audited): its deadline is undecided again and alerts resume."""
    delete_object(actor=actor, instance=decision)


def _user_or_none(actor):
    # The system actor (the demo, platform jobs) is nobody's login: no user to name.
    is_login = getattr(actor, "pk", None) is not None and getattr(actor, "is_authenticated", False)
    return actor if is_login else None
