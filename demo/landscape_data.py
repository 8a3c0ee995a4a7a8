"""The demo's landscape: catalog systems serve the KLE tasks of the processing activities
they carry, so the landscape finds systems that serve the same tasks (duplicates, KLE
coverage); and this year's attestation campaign is under way, some records answered.
Safe to re-run: nothing already there changes."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import Prefetch

from gdpr.models import ProcessingActivity
from kitos.services import update_object
from kitos.tenancy import SYSTEM
from landscape.attestation_choices import AttestationStatus
from landscape.attestation_services import attestation_attest, campaign_create, campaign_open
from landscape.models import AttestationCampaign
from portfolio.models import SystemUsage

if TYPE_CHECKING:
    from .seed import OrgSeeder

# The first KLE numbers of each activity a system carries become the system's tasks:
# enough to meet other systems on the same task, few enough to stay believable.
KLE_PER_ACTIVITY = 3
# Share of the still pending attestations an editor has answered for their owners.
ANSWERED_FOR_OWNERS = 0.35


def seed_landscape(seeder: OrgSeeder, *, answering_editor) -> None:
    _catalog_kle_from_activities(seeder)
    _attestation_campaign(seeder, answering_editor)


def _catalog_kle_from_activities(seeder: OrgSeeder) -> None:
    wanted = defaultdict(set)
    systems = {}
    activities = ProcessingActivity.objects.filter(
        pk__in=[activity.pk for activity in seeder.activities]
    ).prefetch_related(
        "kle_numbers",
        Prefetch("usages", queryset=SystemUsage.objects.select_related("system")
                 .prefetch_related("system__kle_numbers")),
    )
    for activity in activities:
        numbers = sorted(activity.kle_numbers.all(), key=lambda k: k.number)[:KLE_PER_ACTIVITY]
        for usage in activity.usages.all():
            if usage.system.is_local:
                continue
            systems[usage.system_id] = usage.system
            wanted[usage.system_id].update(numbers)
    for system_id, numbers in sorted(wanted.items()):
        system = systems[system_id]
        current = set(system.kle_numbers.all())
        if not numbers <= current:
            merged = sorted(current | numbers, key=lambda k: k.number)
            update_object(actor=SYSTEM, instance=system, m2m={"kle_numbers": merged})


def _attestation_campaign(seeder: OrgSeeder, answering_editor) -> None:
    organisation, today = seeder.organisation, seeder.today
    campaign = AttestationCampaign.objects.filter(
        organisation=organisation, year=today.year).first()
    if campaign is None:
        campaign = campaign_create(
            actor=SYSTEM, organisation=organisation, title=f"Attestering {today.year}",
            year=today.year, opens_on=today - datetime.timedelta(days=21),
            due_on=today + datetime.timedelta(days=35),
        )
        campaign_open(actor=SYSTEM, campaign=campaign, today=today)
    pending = (campaign.attestations.filter(status=AttestationStatus.PENDING)
               .select_related("owner__user").order_by("pk"))
    for attestation in pending:
        owner_user = attestation.owner.user if attestation.owner else None
        subject = f"{attestation.usage_id}/{attestation.contract_id}"
        chosen = random.Random(f"kitos-demo-attestation-{organisation.slug}-{subject}")
        if owner_user is not None:
            # The owners who have a login (systemejer) answered their own.
            attestation_attest(actor=owner_user, attestation=attestation,
                               status=AttestationStatus.CONFIRMED)
        elif answering_editor is not None and chosen.random() < ANSWERED_FOR_OWNERS:
            attestation_attest(actor=answering_editor, attestation=attestation,
                               status=AttestationStatus.CONFIRMED)
