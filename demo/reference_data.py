"""Demo external references (references app): each municipality's first contracts link
to their case in the ESDH system, the first usages to the product page and operating
manual, and a few links are marked dead as last week's check would have found them, so
that the Referencer tab and Døde links have something to show. Nothing is requested
while seeding; idempotent (an object's link is added once)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from kitos.tenancy import SYSTEM
from references.models import CheckStatus, ExternalReference
from references.services import reference_create

CONTRACTS = 8
USAGES = 12
DEAD_EVERY = 5  # every fifth demo link answered 404 at "last week's" check


def seed_references(seeder) -> None:
    domain = seeder.plan.domain
    wanted = []
    for contract in seeder.contracts[:CONTRACTS]:
        number = f"{contract.pk:05d}"
        wanted.append((contract, "Kontrakten i ESDH", f"https://esdh.{domain}/sag/{number}",
                       f"S-{number}"))
    for usage in seeder.usages[:USAGES]:
        slug = usage.system.name.lower().replace(" ", "-")
        wanted.append((usage, "Driftshåndbog", f"https://intra.{domain}/it/drift/{slug}", ""))
    created = []
    for target, title, url, external_id in wanted:
        if ExternalReference.objects.about(target).filter(url=url).exists():
            continue
        created.append(reference_create(actor=SYSTEM, target=target, title=title, url=url,
                                        external_id=external_id))
    checked = timezone.now() - datetime.timedelta(days=3)
    for number, reference in enumerate(created):
        dead = number % DEAD_EVERY == DEAD_EVERY - 1
        ExternalReference.objects.filter(pk=reference.pk).update(
            check_status=CheckStatus.BROKEN if dead else CheckStatus.OK,
            http_status=404 if dead else 200, checked_at=checked,
            check_detail="HTTP 404" if dead else "",
            dead_since=checked - datetime.timedelta(days=7) if dead else None,
        )
