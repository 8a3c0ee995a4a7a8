"""Writes for the system catalog, usages and integrations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from kitos.models import Organisation
from kitos.services import create_object, delete_object, update_object
from roles.models import OrganisationUnit

from .models import Integration, ItSystem, SystemUsage


def system_create(*, actor, name: str, **fields: Any) -> ItSystem:
    """Create a catalog entry. Members create entries owned by their organisation (admins
    only, see SharedCatalogModel); national entries (no owner) need a superuser."""
    return create_object(actor=actor, instance=ItSystem(name=name, **fields))


def system_update(*, actor, system: ItSystem, data: dict[str, Any]) -> ItSystem:
    return update_object(actor=actor, instance=system, data=data)


@transaction.atomic
def usage_create(
    *,
    actor,
    organisation: Organisation,
    system: ItSystem,
    using_units: Iterable[OrganisationUnit] | None = None,
    **fields: Any,
) -> SystemUsage:
    m2m = {"using_units": list(using_units)} if using_units is not None else None
    return create_object(
        actor=actor,
        instance=SystemUsage(organisation=organisation, system=system, **fields),
        m2m=m2m,
    )


def usage_update(
    *,
    actor,
    usage: SystemUsage,
    data: dict[str, Any] | None = None,
    using_units: Iterable[OrganisationUnit] | None = None,
) -> SystemUsage:
    m2m = {"using_units": list(using_units)} if using_units is not None else None
    return update_object(actor=actor, instance=usage, data=data, m2m=m2m)


def usage_delete(*, actor, usage: SystemUsage) -> None:
    delete_object(actor=actor, instance=usage)


def integration_create(
    *, actor, source: SystemUsage, target: SystemUsage, name: str, **fields: Any
) -> Integration:
    return create_object(
        actor=actor,
        instance=Integration(
            organisation_id=source.organisation_id,
            source=source,
            target=target,
            name=name,
            **fields,
        ),
    )
