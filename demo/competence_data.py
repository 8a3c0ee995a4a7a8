"""The demo's specialist competences (issue 17): It drift and the roles on integrations,
data assets, suppliers, catalog systems and benefits; competence targets for the central
stab, the forvaltninger and the specialist roles; guidelines and goals for the
specialist roles; and a training plan for some of the people below their target. Called
once per organisation from demo/seed.py after the roles are seeded; everything goes
through the roles services and is looked up first, so a re-run creates nothing."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType

from governance.models import Benefit
from kitos.tenancy import SYSTEM
from roles.competence_gaps import competence_gaps
from roles.models import (
    CompetencyTarget,
    Discipline,
    RoleAssignment,
    RoleGuideline,
    RoleType,
    TrainingPlanItem,
)
from roles.services import (
    competency_target_create,
    role_assign,
    role_guideline_publish,
    training_plan_item_create,
    training_plan_item_update,
)

# Aabenraa: "lederne til et forståelsesniveau … færdighedsniveau hos de udførende".
# (discipline code, level, tier) for the central stab (the organisation's top unit).
CENTRAL_TARGETS = (
    ("it-arkitektur", "skill", "central_staff"),
    ("kontraktstyring", "skill", "central_staff"),
    ("gevinstrealisering", "understanding", "central_staff"),
)
# For every forvaltning.
FORVALTNING_TARGETS = (
    ("gevinstrealisering", "understanding", "forvaltning"),
    ("databeskyttelse", "understanding", "forvaltning"),
)
# (role type code, applies to, discipline code, level): the specialists' own targets.
ROLE_TARGETS = (
    ("it-arkitekt", "system_usage", "it-arkitektur", "skill"),
    ("contract-manager", "contract", "kontraktstyring", "skill"),
    ("it-drift", "system_usage", "it-drift", "skill"),
    ("dpo", "organisation", "databeskyttelse", "teacher"),
)
# (role type code, applies to, [(guidelines, goals, valid from offset in days)]).
GUIDELINES = (
    ("it-arkitekt", "system_usage", [
        ("It-arkitekten vurderer nye systemer mod kommunens arkitekturprincipper, før de "
         "købes, og dokumenterer integrationerne.",
         "Alle forretningskritiske systemer har en arkitekturbeskrivelse.", -540),
        ("It-arkitekten vurderer nye systemer mod kommunens arkitekturprincipper og "
         "FDA's rammearkitektur, før de købes, deltager i styregruppens arkitekturreviews og "
         "dokumenterer integrationer og dataaktiver.",
         "Alle forretningskritiske systemer har en arkitekturbeskrivelse; ingen nye "
         "punkt-til-punkt-integrationer uden review.", -120),
    ]),
    ("contract-manager", "contract", [
        ("Kontraktansvarlig følger leverancer, SLA og opsigelsesfrister og holder "
         "leverandørmøder mindst to gange om året.",
         "Ingen kontrakt fornyes automatisk uden en beslutning.", -365),
    ]),
    ("it-drift", "system_usage", [
        ("It drift sørger for drift, overvågning, backup og opdateringer efter aftale med "
         "systemejeren og melder nedbrud og sikkerhedshændelser.",
         "Aftalt oppetid overholdes; sikkerhedsopdateringer er lagt på inden for 14 dage.",
         -200),
    ]),
)
# How many of the people below a target get an item in the training plan.
PLANNED_PER_ORGANISATION = 14


def seed_competences(seeder) -> None:
    organisation, today = seeder.organisation, seeder.today
    types = {(t.applies_to, t.code): t for t in RoleType.objects.filter(organisation=None)}
    disciplines = {d.code: d for d in Discipline.objects.filter(organisation=None)}
    _seed_new_roles(seeder, types)
    _seed_targets(seeder, types, disciplines)
    for code, applies_to, versions in GUIDELINES:
        role_type = types[(applies_to, code)]
        if RoleGuideline.objects.filter(organisation=organisation, role_type=role_type).exists():
            continue
        for guidelines, goals, offset in versions:
            role_guideline_publish(
                actor=SYSTEM, organisation=organisation, role_type=role_type,
                guidelines=guidelines, goals=goals,
                valid_from=today + datetime.timedelta(days=offset),
            )
    _seed_training_plan(seeder)


def _seed_new_roles(seeder, types) -> None:
    """It drift on some system usages, and a holder of the new kinds' roles on some
    integrations, data assets, suppliers, catalog systems and benefits."""
    organisation = seeder.organisation
    existing = set(
        RoleAssignment.objects.filter(organisation=organisation).values_list(
            "role_type_id", "content_type_id", "object_id"
        )
    )
    people = seeder.persons

    def assign(code, kind, target, share):
        role_type = types[(kind, code)]
        key = (role_type.pk, ContentType.objects.get_for_model(target).pk, target.pk)
        rng = seeder.rng_for("competence-role", *key)
        if key in existing or rng.random() >= share:
            return
        role_assign(actor=SYSTEM, person=rng.choice(people), role_type=role_type,
                    target=target)
        existing.add(key)

    for usage in seeder.usages:
        assign("it-drift", "system_usage", usage, 0.35)
    for integration in seeder.integrations:
        assign("integrationsansvarlig", "integration", integration, 0.5)
    for asset in seeder.assets:
        assign("dataejer", "data_asset", asset, 0.7)
    # Shared catalog entries: each organisation its own responsible person.
    suppliers = {usage.system.rights_holder for usage in seeder.usages
                 if usage.system.rights_holder_id}
    for supplier in sorted(suppliers, key=lambda s: s.name)[:12]:
        assign("leverandoeransvarlig", "supplier", supplier, 0.6)
    for usage in seeder.usages[:10]:
        assign("katalogansvarlig", "it_system", usage.system, 0.3)
    for benefit in Benefit.objects.filter(organisation=organisation).order_by("pk")[:40]:
        assign("gevinstejer", "benefit", benefit, 0.4)


def _seed_targets(seeder, types, disciplines) -> None:
    organisation = seeder.organisation
    existing = set(
        CompetencyTarget.objects.filter(organisation=organisation).values_list(
            "discipline_id", "unit_id", "role_type_id"
        )
    )

    def target(discipline_code, level, *, tier="", unit=None, role_type=None, note=""):
        discipline = disciplines[discipline_code]
        key = (discipline.pk, unit.pk if unit else None, role_type.pk if role_type else None)
        if key in existing:
            return
        competency_target_create(
            actor=SYSTEM, organisation=organisation, discipline=discipline, level=level,
            unit=unit, role_type=role_type, tier=tier, note=note,
        )
        existing.add(key)

    root = seeder.units["ROOT"]
    for code, level, tier in CENTRAL_TARGETS:
        target(code, level, tier=tier, unit=root)
    for forvaltning in seeder.forvaltninger.values():
        for code, level, tier in FORVALTNING_TARGETS:
            target(code, level, tier=tier, unit=forvaltning)
    for role_code, applies_to, discipline_code, level in ROLE_TARGETS:
        target(discipline_code, level, role_type=types[(applies_to, role_code)],
               note="De udførende specialister skal have færdighedsniveau.")


def _seed_training_plan(seeder) -> None:
    """Items for some of the people below a specialist target: planned, in progress,
    one overdue and one done (which raised the person's competency)."""
    organisation, today = seeder.organisation, seeder.today
    if TrainingPlanItem.objects.filter(organisation=organisation).exists():
        return
    targets = CompetencyTarget.objects.filter(organisation=organisation).for_list().order_by(
        "discipline__name", "pk")
    below = [
        (entry.person, gap.target)
        for gap in competence_gaps(targets, today=today)
        for entry in gap.below
    ]
    seen, planned = set(), 0
    for person, target in below:
        key = (person.pk, target.discipline_id, target.level)
        if key in seen:
            continue
        seen.add(key)
        rng = seeder.rng_for("training", person.email, target.discipline.code)
        due = today + datetime.timedelta(days=rng.randint(-30, 365))
        status = "in_progress" if rng.random() < 0.3 else "planned"
        item = training_plan_item_create(
            actor=SYSTEM, person=person, discipline=target.discipline,
            target_level=target.level, due_date=due, status=status,
            note=rng.choice(["Kursus hos KL", "Intern oplæring", "Certificering", ""]),
        )
        if planned == 0:
            training_plan_item_update(actor=SYSTEM, item=item, data={"status": "done"})
        planned += 1
        if planned >= PLANNED_PER_ORGANISATION:
            break
